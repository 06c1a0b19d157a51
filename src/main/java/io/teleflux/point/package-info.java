/**
 * The one data type that crosses package boundaries: {@link io.teleflux.point.Point}, plus its exact
 * InfluxDB line-protocol encoding and the {@link io.teleflux.point.PointSink} hand-off between stages.
 * Depends on nothing else in Teleflux.
 */
package io.teleflux.point;
