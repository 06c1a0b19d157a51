package io.teleflux.dialout;

import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The device names used as the {@code device} label of the per-device dial-out metrics (messages,
 * last message time, which the silent-device alert reads).
 *
 * <p>The table is bounded in names ({@code max-device-labels}; their length is bounded before they
 * get here) and shared fairly: one peer address holds at most {@code max-device-labels-per-peer}
 * names, so a host that invents names cannot take every slot. When the table is full, a name that
 * has been quiet for {@code device-label-expiry} is reclaimed (its series leave the registry); only
 * when none is quiet does a new device fall back to the label {@code other}. Nothing expires while
 * there is room, so a device that stops sending keeps its last-message gauge, and the alert fires.
 *
 * <p>Thread-safe; {@link #acquire} runs when a stream's device name changes, not per message.
 */
public final class DeviceLabels {
    private static final RateLimitedLog RL = new RateLimitedLog(LoggerFactory.getLogger(DeviceLabels.class), 60_000);
    static final String MESSAGES = DialoutMetrics.DIALOUT_MESSAGES_TOTAL;
    static final String BYTES = DialoutMetrics.DIALOUT_BYTES_TOTAL;
    static final String DATA_MESSAGES = DialoutMetrics.DIALOUT_DATA_MESSAGES_TOTAL;
    static final String LAST_DATA = DialoutMetrics.DIALOUT_LAST_DATA_MS;
    static final String OTHER = "other";

    /** One device's label and series; {@link #touch} on every message. */
    public static final class Label {
        final String value;
        final String peer;
        final Metrics.Counter messages;
        final Metrics.Counter bytes;
        final Metrics.Counter dataMessages;
        final Metrics.Counter lastData;
        volatile long lastSeenMs;
        volatile boolean released;

        Label(String value, String peer, Metrics metrics, long now) {
            this.value = value;
            this.peer = peer;
            this.messages = metrics.counter(MESSAGES, "device", value);
            this.bytes = metrics.counter(BYTES, "device", value);
            this.dataMessages = metrics.counter(DATA_MESSAGES, "device", value);
            this.lastData = metrics.settableGauge(LAST_DATA, "device", value);
            this.lastSeenMs = now;
        }

        public String value() {
            return value;
        }

        /** Counts one message of {@code size} bytes received at {@code nowMs}, whether or not it decodes. */
        public void touch(long nowMs, int size) {
            lastSeenMs = nowMs;
            messages.inc();
            bytes.add(size);
        }

        /**
         * The message of {@code nowMs} yielded data: "last heard" for the silent-device alert means the
         * last usable data, so a device whose every message fails to decode does go silent.
         */
        public void heard(long nowMs) {
            dataMessages.inc();
            lastData.set(nowMs);
        }

        /** The label was reclaimed after being quiet: its stream must {@link #acquire} again. */
        public boolean released() {
            return released;
        }
    }

    private final Metrics metrics;
    private final int max;
    private final int maxPerPeer;
    private final long expiryMs;
    private final Map<String, Label> byName = new HashMap<>();
    private final Map<String, Integer> perPeer = new HashMap<>();
    /** Created at the first fold: a collector that never folds shows no "other" series on dashboards. */
    private Label other;
    private final Metrics.Counter reclaimed;
    private final Metrics.Counter folded;
    /** A full table of busy devices is scanned at most once a second, not once per new name. */
    private long lastFruitlessScanMs = Long.MIN_VALUE / 2;

    public DeviceLabels(Metrics metrics, int max, int maxPerPeer, long expiryMs) {
        this.metrics = metrics;
        this.max = max;
        this.maxPerPeer = maxPerPeer;
        this.expiryMs = expiryMs;
        metrics.describe(MESSAGES, Metrics.Type.COUNTER, "Dial-out messages received, by device, usable or not");
        metrics.describe(BYTES, Metrics.Type.COUNTER, "Bytes of dial-out messages received, by device");
        metrics.describe(DATA_MESSAGES, Metrics.Type.COUNTER,
                "Dial-out messages that yielded data, by device (the silent-device alert reads it)");
        metrics.describe(LAST_DATA, Metrics.Type.GAUGE,
                "Epoch ms of the last dial-out message per device that yielded data");
        metrics.describe(DialoutMetrics.DIALOUT_DEVICE_LABELS_RECLAIMED_TOTAL, Metrics.Type.COUNTER,
                "Device labels removed from the metrics after being quiet for device-label-expiry, to make room"
                        + " in a full table");
        metrics.describe(DialoutMetrics.DIALOUT_DEVICE_LABELS_FOLDED_TOTAL, Metrics.Type.COUNTER,
                "Devices counted under device=\"other\": the label table was full (reason=full) or their peer"
                        + " address holds max-device-labels-per-peer labels already (reason=peer_share)");
        this.reclaimed = metrics.counter(DialoutMetrics.DIALOUT_DEVICE_LABELS_RECLAIMED_TOTAL);
        this.folded = metrics.counter(DialoutMetrics.DIALOUT_DEVICE_LABELS_FOLDED_TOTAL, "reason", "full");
        metrics.counter(DialoutMetrics.DIALOUT_DEVICE_LABELS_FOLDED_TOTAL, "reason", "peer_share");
        metrics.describe(DialoutMetrics.DIALOUT_DEVICE_LABELS, Metrics.Type.GAUGE, "Device names held as metric labels");
        metrics.gauge(DialoutMetrics.DIALOUT_DEVICE_LABELS, this::size);
    }

    /** The label of {@code device} as sent from {@code peerAddress}, taking a slot when it is new. */
    public synchronized Label acquire(String device, String peerAddress, long nowMs) {
        Label l = byName.get(device);
        if (l != null) {
            return l;
        }
        if (perPeer.getOrDefault(peerAddress, 0) >= maxPerPeer) {
            metrics.counter(DialoutMetrics.DIALOUT_DEVICE_LABELS_FOLDED_TOTAL, "reason", "peer_share").inc();
            RL.warn("peer:" + peerAddress, "dial-out device '{}' from {} is counted as device=\"other\" in the metrics:"
                    + " that address holds {} device labels already (teleflux.dialout.limits.max-device-labels-per-peer)",
                    device, peerAddress, maxPerPeer);
            return other();
        }
        if (byName.size() >= max && (nowMs - lastFruitlessScanMs < 1_000 || reclaim(nowMs) == 0)) {
            folded.inc();
            RL.warn("full", "dial-out device '{}' is counted as device=\"other\" in the metrics: {} device labels are"
                    + " held and none has been quiet for teleflux.dialout.limits.device-label-expiry", device, max);
            return other();
        }
        l = new Label(device, peerAddress, metrics, nowMs);
        byName.put(device, l);
        perPeer.merge(peerAddress, 1, Integer::sum);
        return l;
    }

    private Label other() {
        if (other == null) {
            other = new Label(OTHER, "", metrics, 0);
        }
        return other;
    }

    /** Removes every label quiet for longer than the expiry; returns how many. */
    private int reclaim(long nowMs) {
        int n = 0;
        for (Iterator<Label> it = byName.values().iterator(); it.hasNext(); ) {
            Label l = it.next();
            if (nowMs - l.lastSeenMs > expiryMs) {
                it.remove();
                l.released = true;
                perPeer.computeIfPresent(l.peer, (k, v) -> v <= 1 ? null : v - 1);
                for (String name : new String[]{MESSAGES, BYTES, DATA_MESSAGES, LAST_DATA}) {
                    metrics.removeGauge(name, "device", l.value);
                }
                n++;
            }
        }
        reclaimed.add(n);
        if (n == 0) {
            lastFruitlessScanMs = nowMs;
        }
        return n;
    }

    public synchronized int size() {
        return byName.size();
    }
}
