/**
 * The lifecycle every part of the collector shares: start, then close within a deadline. Depends
 * on nothing, so that every package can implement it.
 */
package io.teleflux.component;
