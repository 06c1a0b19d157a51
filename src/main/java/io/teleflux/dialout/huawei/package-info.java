/**
 * Huawei VRP gRPC dial-out ({@code huawei_dialout.gRPCDataservice/dataPublish}): the
 * {@code serviceArgs} envelope with a GPB {@code Telemetry} ({@code data}) or its JSON rendering
 * ({@code data_json}), decoded into points. Interface statistics ({@code ifStatistics},
 * {@code mib-statistics}) map into {@code interface}; every other sensor path is stored as
 * {@code huawei_<path>}, GPB content of unknown schema with field-number names. Knows Huawei
 * formats, nothing about InfluxDB.
 */
package io.teleflux.dialout.huawei;
