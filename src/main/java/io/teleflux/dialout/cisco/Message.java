package io.teleflux.dialout.cisco;

import java.util.List;

/**
 * A Telemetry message as read from either encoding, before its names are checked.
 *
 * @param device       {@code node_id_str}, as sent ("" when absent)
 * @param path         {@code encoding_path}, else {@code sensor_path} ("" when absent)
 * @param msgTimestamp {@code msg_timestamp} in ms, 0 when absent
 * @param json         read from JSON text rather than GPB-KV
 */
record Message(String device, String path, long msgTimestamp, List<Row> rows, boolean json) {
}
