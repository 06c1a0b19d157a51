/**
 * H3C Comware {@code jsonData} decoding: a streaming walk of the Notification envelope into
 * {@link io.teleflux.point.Point}s, driven by one table of sensor-path mappings ({@code H3cMappings}),
 * plus reassembly of chunked dial-out messages. Knows H3C formats, nothing about gRPC or InfluxDB.
 */
package io.teleflux.dialout.h3c;
