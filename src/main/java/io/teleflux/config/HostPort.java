package io.teleflux.config;

/** A listen or target address. IPv6 literals are written in brackets: {@code [::1]:50051}. */
public record HostPort(String host, int port) {

    /** Parses {@code host:port} (or {@code host} alone when {@code defaultPort} > 0); errors name {@code key}. */
    public static HostPort parse(String key, String value, int defaultPort) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty()) {
            throw new ConfigException(key, "an address is required (host:port)");
        }
        String host;
        String port = null;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0) {
                throw new ConfigException(key, "unclosed '[' in address '" + v + "'");
            }
            host = v.substring(1, close);
            String rest = v.substring(close + 1);
            if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else if (!rest.isEmpty()) {
                throw new ConfigException(key, "unexpected '" + rest + "' after ']' in '" + v + "'");
            }
        } else {
            int colon = v.lastIndexOf(':');
            if (colon >= 0 && v.indexOf(':') != colon) {
                throw new ConfigException(key, "IPv6 addresses must be written in brackets, e.g. [" + v + "]:50051");
            }
            host = colon < 0 ? v : v.substring(0, colon);
            port = colon < 0 ? null : v.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new ConfigException(key, "missing host in '" + v + "'");
        }
        int p;
        if (port == null) {
            if (defaultPort <= 0) {
                throw new ConfigException(key, "missing port in '" + v + "' (expected host:port)");
            }
            p = defaultPort;
        } else {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "port '" + port + "' is not a number");
            }
            if (p < 0 || p > 65535) {
                throw new ConfigException(key, "port " + p + " is out of range 0-65535");
            }
        }
        return new HostPort(host, p);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
