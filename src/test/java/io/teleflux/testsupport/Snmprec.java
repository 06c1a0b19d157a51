package io.teleflux.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes snmpsim {@code .snmprec} data files: one line {@code OID|TAG|VALUE} per object, sorted
 * by OID (numerically, as snmpsim requires). Besides fixed values it writes two of snmpsim's
 * variation modules, whose syntax is that of {@code /usr/share/snmpsim/variation/*.py} (snmpsim 0.4.5):
 *
 * <ul>
 *   <li>{@link #numeric}: {@code TAG:numeric|rate=R,initial=I[,wrap=1]}. snmpsim computes
 *       {@code initial + rate * (now - tboot)}, tboot being when the snmpsimd process loaded the module
 *       (so a restart starts again from {@code initial}); above {@code max} (2^32-1 for Counter32,
 *       2^64-1 for Counter64) the value either sticks at max or, with {@code wrap}, continues from
 *       {@code value mod max};</li>
 *   <li>{@link #delayed}: {@code TAG:delay|value=V,wait=MS}: the answer holds the whole (single-threaded)
 *       snmpsimd process for MS milliseconds, so a slow agent needs its own snmpsimd.</li>
 * </ul>
 */
public final class Snmprec {
    public static final int INTEGER = 2;
    public static final int OCTET_STRING = 4;
    public static final int OBJECT_ID = 6;
    public static final int COUNTER32 = 65;
    public static final int GAUGE32 = 66;
    public static final int TIME_TICKS = 67;
    public static final int COUNTER64 = 70;

    private final Map<int[], String> lines = new TreeMap<>(Arrays::compare);

    /** A fixed number (INTEGER, Counter32, Gauge32, TimeTicks, Counter64). */
    public Snmprec number(String oid, int tag, long value) {
        return put(oid, tag + "|" + Long.toUnsignedString(value));
    }

    /** A fixed OctetString, written in hex so that any byte (non-ASCII names, '|') survives. */
    public Snmprec string(String oid, String value) {
        return bytes(oid, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A fixed OctetString of raw bytes (e.g. Latin-1, or bytes that are no text at all). */
    public Snmprec bytes(String oid, byte[] value) {
        return put(oid, OCTET_STRING + "x|" + HexFormat.of().formatHex(value));
    }

    public Snmprec objectId(String oid, String value) {
        return put(oid, OBJECT_ID + "|" + value);
    }

    /** A counter growing by {@code ratePerSecond} from {@code initial} at snmpsimd's start; {@code wrap} at the type's max. */
    public Snmprec numeric(String oid, int tag, long ratePerSecond, long initial, boolean wrap) {
        return put(oid, tag + ":numeric|rate=" + ratePerSecond + ",initial=" + initial + (wrap ? ",wrap=1" : ""));
    }

    /** A fixed number whose answer takes {@code waitMs}. */
    public Snmprec delayed(String oid, int tag, long value, long waitMs) {
        return put(oid, tag + ":delay|value=" + value + ",wait=" + waitMs);
    }

    private Snmprec put(String oid, String rest) {
        int[] key = Arrays.stream(oid.split("\\.")).mapToInt(Integer::parseInt).toArray();
        lines.put(key, oid + "|" + rest);
        return this;
    }

    public int size() {
        return lines.size();
    }

    /** The file's text. */
    public String render() {
        StringBuilder sb = new StringBuilder(lines.size() * 48);
        for (String l : lines.values()) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }
}
