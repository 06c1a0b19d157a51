package io.teleflux.sim.gnmi;

import com.google.protobuf.ByteString;
import io.teleflux.proto.gnmi.Encoding;
import io.teleflux.proto.gnmi.TypedValue;

/**
 * A leaf value as a {@link TypedValue} in one of the two encodings served.
 *
 * <ul>
 *   <li>PROTO: integers as {@code uint_val}; strings, enumerations and identities as
 *       {@code string_val} (identities unqualified, e.g. {@code SPEED_10GB}).</li>
 *   <li>JSON_IETF: {@code json_ietf_val} holding one RFC 7951 scalar: uint8/16/32 as JSON numbers,
 *       uint64 as a JSON string of its decimal digits, strings and enumerations as JSON strings,
 *       identities namespace-qualified ({@code "openconfig-if-ethernet:SPEED_10GB"}).</li>
 * </ul>
 */
final class ValueEncoder {
    private ValueEncoder() {
    }

    /** Whether this simulator can send {@code e}. */
    static boolean served(Encoding e) {
        return e == Encoding.PROTO || e == Encoding.JSON_IETF;
    }

    /** @param value a {@link Long} for the integer types, a {@link String} otherwise */
    static TypedValue encode(OcLeaf.Type type, Object value, Encoding encoding) {
        return switch (encoding) {
            case PROTO -> proto(type, value);
            case JSON_IETF -> TypedValue.newBuilder().setJsonIetfVal(ByteString.copyFromUtf8(json(type, value))).build();
            default -> throw new IllegalArgumentException("encoding " + encoding + " is not served");
        };
    }

    private static TypedValue proto(OcLeaf.Type type, Object value) {
        return switch (type) {
            case UINT8, UINT16, UINT32, UINT64 -> TypedValue.newBuilder().setUintVal((Long) value).build();
            case STRING, ENUMERATION, ETHERNET_SPEED -> TypedValue.newBuilder().setStringVal((String) value).build();
        };
    }

    /** The RFC 7951 JSON text of one scalar. */
    static String json(OcLeaf.Type type, Object value) {
        return switch (type) {
            case UINT8, UINT16, UINT32 -> Long.toString((Long) value);
            case UINT64 -> '"' + Long.toUnsignedString((Long) value) + '"';
            case STRING, ENUMERATION -> quote((String) value);
            case ETHERNET_SPEED -> quote(OcLeaf.ETHERNET_MODULE + ":" + value);
        };
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
