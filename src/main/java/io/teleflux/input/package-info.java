/**
 * What an input is given and what it declares: {@link io.teleflux.input.InputType} (its config
 * block and how to create it) and {@link io.teleflux.input.InputContext} (where its points go,
 * its metrics, its health checks). Adding an input is its own package plus one registration line.
 */
package io.teleflux.input;
