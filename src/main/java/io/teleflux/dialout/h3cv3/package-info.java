/**
 * H3C Comware v3 ("3-layer") gRPC dial-out: {@code grpc_dialout_v3.gRPCDialoutV3/DialoutV3}, a
 * bidirectional stream of {@code DialoutV3Args} whose {@code data} is a serialized
 * {@code telemetry.Telemetry}. Reassembles chunked messages by {@code totalSize}; decodes JSON
 * {@code data_str} through the classic H3C sensor-path table ({@link io.teleflux.dialout.h3c}) and
 * keeps GPB rows, whose module protos are not public, as generic points read from the wire format.
 */
package io.teleflux.dialout.h3cv3;
