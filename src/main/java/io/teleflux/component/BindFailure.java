package io.teleflux.component;

import java.io.IOException;
import java.net.BindException;
import java.util.Locale;

/** A port in use says which address and which key, instead of a bare BindException. */
public final class BindFailure {
    private BindFailure() {
    }

    /**
     * {@code e} itself when it is not about binding (TLS files, for one, keep their own message).
     * gRPC's Netty reports a bind failure as "Failed to bind to address" with a native exception
     * ("bind(..) failed: Address already in use") as its cause, not a BindException.
     */
    public static IOException of(String what, String address, String key, IOException e) {
        boolean bind = false;
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            root = t;
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            bind |= t instanceof BindException || m.contains("failed to bind") || m.contains("bind(");
        }
        if (!bind) {
            return e;
        }
        return new IOException("cannot start " + what + ": " + address + " (" + key + ") cannot be bound: "
                + root.getMessage() + "; is another process (another collector?) listening there? Change " + key
                + " or stop that process", e);
    }
}
