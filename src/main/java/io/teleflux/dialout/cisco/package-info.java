/**
 * Cisco model-driven telemetry (MDT) gRPC dial-out ({@code /mdt_dialout.gRPCMdtDialout/MdtDialout}),
 * as IOS XR, IOS XE and NX-OS send it: NX-OS chunks reassembled by {@code totalSize}, the
 * {@code Telemetry} payload read as self-describing GPB-KV or JSON, interface counters mapped into
 * {@code interface} and every other encoding path stored as {@code cisco_<path>}.
 */
package io.teleflux.dialout.cisco;
