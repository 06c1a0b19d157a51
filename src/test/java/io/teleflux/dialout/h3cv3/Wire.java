package io.teleflux.dialout.h3cv3;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Writes protobuf wire format by field number, as a module message we have no proto for would be. */
final class Wire {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    static Wire message() {
        return new Wire();
    }

    Wire varint(int field, long v) {
        return write(() -> out.writeUInt64(field, v));
    }

    Wire int32(int field, int v) {
        return write(() -> out.writeInt32(field, v));
    }

    Wire fixed64Double(int field, double v) {
        return write(() -> out.writeDouble(field, v));
    }

    Wire fixed32Float(int field, float v) {
        return write(() -> out.writeFloat(field, v));
    }

    Wire text(int field, String s) {
        return write(() -> out.writeByteArray(field, s.getBytes(StandardCharsets.UTF_8)));
    }

    Wire bytes(int field, byte[] b) {
        return write(() -> out.writeByteArray(field, b));
    }

    Wire message(int field, Wire m) {
        return bytes(field, m.toByteArray());
    }

    byte[] toByteArray() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    ByteString toByteString() {
        return ByteString.copyFrom(toByteArray());
    }

    private interface Io {
        void run() throws IOException;
    }

    private Wire write(Io w) {
        try {
            w.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
