package io.teleflux.live;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One device's series, by source then interface (two lookups of strings the point already holds,
 * so that recording a sample allocates nothing once the series exists), and the streams that
 * watch it.
 */
final class DeviceState {
    private static final Client[] NONE = new Client[0];

    final String name;
    private final Map<String, Map<String, Series>> bySource = new ConcurrentHashMap<>(4);
    /** Copy-on-write: read on every sample, changed only when a page opens or closes. */
    volatile Client[] watchers = NONE;

    DeviceState(String name) {
        this.name = name;
    }

    /** The series of one source by interface, or null before the first one; the map stays once created. */
    Map<String, Series> ofSource(String source) {
        return bySource.get(source);
    }

    Series get(String source, String iface) {
        Map<String, Series> m = bySource.get(source);
        return m == null ? null : m.get(iface);
    }

    /** The series, created when absent; {@code created[0]} tells whether it was. */
    Series getOrCreate(String source, String iface, long nowMs, boolean[] created) {
        Map<String, Series> m = bySource.get(source);
        if (m == null) {
            m = bySource.computeIfAbsent(source, k -> new ConcurrentHashMap<>());
        }
        Series s = m.get(iface);
        if (s == null) {
            s = m.computeIfAbsent(iface, k -> {
                created[0] = true;
                return new Series(name, iface, source, nowMs);
            });
        }
        return s;
    }

    /** Every series, in no particular order. */
    List<Series> series() {
        List<Series> all = new ArrayList<>();
        for (Map<String, Series> m : bySource.values()) {
            all.addAll(m.values());
        }
        return all;
    }

    /** Calls {@code each} on every series without copying them into a list (the fleet ranking scans all of them every second). */
    void forEach(java.util.function.Consumer<Series> each) {
        for (Map<String, Series> m : bySource.values()) {
            for (Series s : m.values()) {
                each.accept(s);
            }
        }
    }

    /** Removes the series; returns whether it was there. */
    boolean remove(Series s) {
        Map<String, Series> m = bySource.get(s.source);
        return m != null && m.remove(s.iface, s);
    }

    boolean isEmpty() {
        for (Map<String, Series> m : bySource.values()) {
            if (!m.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    synchronized void watch(Client c) {
        Client[] w = watchers;
        Client[] n = java.util.Arrays.copyOf(w, w.length + 1);
        n[w.length] = c;
        watchers = n;
    }

    synchronized void unwatch(Client c) {
        Client[] w = watchers;
        int n = 0;
        Client[] out = new Client[w.length];
        for (Client x : w) {
            if (x != c) {
                out[n++] = x;
            }
        }
        watchers = n == 0 ? NONE : java.util.Arrays.copyOf(out, n);
    }
}
