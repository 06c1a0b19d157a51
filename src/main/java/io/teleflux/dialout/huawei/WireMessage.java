package io.teleflux.dialout.huawei;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * One protobuf message read without its schema: the fields in wire order, each a number, a wire
 * type and either a value (varint, fixed32, fixed64) or a byte range (length-delimited). Used for
 * GPB {@code content} whose {@code .proto} we do not have, and for the interface statistics, whose
 * field numbers are not all certain (see {@link IfmContent}).
 *
 * <p>A length-delimited field is a string, bytes or a nested message; the wire does not say which.
 * {@link #text} and {@link #message} are the two readings. Groups (wire types 3 and 4, deprecated
 * since proto2) make a message invalid.
 */
final class WireMessage {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;
    private static final int MAX_FIELD_NUMBER = (1 << 29) - 1;

    final byte[] buf;
    private int count;
    private int[] numbers;
    private byte[] types;
    /** varint/fixed: the value; LEN: offset << 32 | length. */
    private long[] values;

    private WireMessage(byte[] buf, int capacity) {
        this.buf = buf;
        this.numbers = new int[capacity];
        this.types = new byte[capacity];
        this.values = new long[capacity];
    }

    /** The message in {@code buf[off, off+len)}, or null when those bytes are not a protobuf message. */
    static WireMessage parse(byte[] buf, int off, int len) {
        // a field takes 2 bytes at the least, but a row's are mostly nested messages and counters of several
        // bytes: len / 6 fits a statistics row without growing, and a few doublings cover the rest
        WireMessage m = new WireMessage(buf, Math.max(4, Math.min(64, len / 6)));
        int end = off + len;
        int i = off;
        while (i < end) {
            long tag = 0;
            int shift = 0;
            while (true) {
                if (i >= end || shift > 35) {
                    return null;
                }
                byte b = buf[i++];
                tag |= (long) (b & 0x7F) << shift;
                shift += 7;
                if (b >= 0) {
                    break;
                }
            }
            long number = tag >>> 3;
            int type = (int) (tag & 7);
            if (number < 1 || number > MAX_FIELD_NUMBER) {
                return null;
            }
            long value;
            switch (type) {
                case VARINT -> {
                    value = 0;
                    shift = 0;
                    while (true) {
                        if (i >= end || shift > 63) {
                            return null;
                        }
                        byte b = buf[i++];
                        value |= (long) (b & 0x7F) << shift;
                        shift += 7;
                        if (b >= 0) {
                            break;
                        }
                    }
                }
                case FIXED64 -> {
                    if (end - i < 8) {
                        return null;
                    }
                    value = 0;
                    for (int k = 7; k >= 0; k--) {
                        value = value << 8 | (buf[i + k] & 0xFF);
                    }
                    i += 8;
                }
                case FIXED32 -> {
                    if (end - i < 4) {
                        return null;
                    }
                    value = 0;
                    for (int k = 3; k >= 0; k--) {
                        value = value << 8 | (buf[i + k] & 0xFF);
                    }
                    i += 4;
                }
                case LEN -> {
                    long length = 0;
                    shift = 0;
                    while (true) {
                        if (i >= end || shift > 35) {
                            return null;
                        }
                        byte b = buf[i++];
                        length |= (long) (b & 0x7F) << shift;
                        shift += 7;
                        if (b >= 0) {
                            break;
                        }
                    }
                    if (length > end - i) {
                        return null;
                    }
                    value = (long) i << 32 | length;
                    i += (int) length;
                }
                default -> {
                    return null; // groups (3, 4) and the unused types 6, 7
                }
            }
            m.add((int) number, type, value);
        }
        return m;
    }

    static WireMessage parse(byte[] buf) {
        return parse(buf, 0, buf.length);
    }

    private void add(int number, int type, long value) {
        if (count == numbers.length) {
            int cap = count * 2;
            numbers = java.util.Arrays.copyOf(numbers, cap);
            types = java.util.Arrays.copyOf(types, cap);
            values = java.util.Arrays.copyOf(values, cap);
        }
        numbers[count] = number;
        types[count] = (byte) type;
        values[count] = value;
        count++;
    }

    int size() {
        return count;
    }

    int number(int i) {
        return numbers[i];
    }

    int type(int i) {
        return types[i];
    }

    /** The value of a varint or fixed field (unsigned: a negative long is a value of 2^63 or more). */
    long value(int i) {
        return values[i];
    }

    int offset(int i) {
        return (int) (values[i] >>> 32);
    }

    int length(int i) {
        return (int) values[i];
    }

    /** Field {@code i} read as a nested message, or null when it is not length-delimited or not a message. */
    WireMessage message(int i) {
        return types[i] == LEN ? parse(buf, offset(i), length(i)) : null;
    }

    /**
     * Field {@code i} read as text: length-delimited, non-empty, valid UTF-8 without control
     * characters. Else null. A nested message almost never passes (its first byte is a tag, and
     * the tags of fields 1 to 3 are control characters), so text is tried first.
     */
    String text(int i) {
        if (types[i] != LEN || length(i) == 0) {
            return null;
        }
        int off = offset(i);
        int len = length(i);
        boolean ascii = true;
        for (int k = off; k < off + len; k++) {
            int b = buf[k] & 0xFF;
            if (b < 0x20 || b == 0x7F) {
                return null;
            }
            ascii &= b < 0x80;
        }
        if (ascii) {
            // interface names and paths are ASCII: no decoder to allocate (it was a third of this decoder's garbage)
            return new String(buf, off, len, StandardCharsets.ISO_8859_1);
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, off, len)).toString();
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                if (c >= 0x80 && c < 0xA0) {
                    return null; // C1 controls
                }
            }
            return s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The index of the first field {@code number}, or -1. */
    int indexOf(int number) {
        for (int i = 0; i < count; i++) {
            if (numbers[i] == number) {
                return i;
            }
        }
        return -1;
    }

    /** How many fields are varints. */
    int varints() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (types[i] == VARINT) {
                n++;
            }
        }
        return n;
    }
}
