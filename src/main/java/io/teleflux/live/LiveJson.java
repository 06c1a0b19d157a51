package io.teleflux.live;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The JSON of the live view's events and API. Rates are written with Jackson's shortest
 * round-trip form of the double, so that a page's {@code JSON.parse} gets exactly the value the
 * rate stage wrote (and InfluxDB stored); an unknown value is {@code null}.
 */
final class LiveJson {
    private static final JsonFactory JSON = new JsonFactory();

    private LiveJson() {
    }

    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static String object(Body body) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }

    /** A server-sent event; JSON has no raw newline, so it is one data line. */
    static String event(String name, String json) {
        return "event: " + name + "\ndata: " + json + "\n\n";
    }

    static void number(JsonGenerator g, String name, double v) throws IOException {
        g.writeFieldName(name);
        if (Double.isNaN(v)) {
            g.writeNull();
        } else {
            g.writeNumber(v);
        }
    }

    /** The latest values of a series (caller holds its lock): t and the six rate fields. */
    static void latest(JsonGenerator g, Series s) throws IOException {
        g.writeNumberField("t", s.t);
        number(g, "in_bps", s.inBps);
        number(g, "out_bps", s.outBps);
        number(g, "in_pps", s.inPps);
        number(g, "out_pps", s.outPps);
        number(g, "in_util_pct", s.inUtil);
        number(g, "out_util_pct", s.outUtil);
    }

    /** {@code event: sample} for a series' newest values (caller holds its lock). */
    static String sample(Series s) {
        return event("sample", object(g -> {
            g.writeStringField("interface", s.iface);
            g.writeStringField("source", s.source);
            latest(g, s);
            g.writeFieldName("speed_bps");
            if (s.speedBps > 0) {
                g.writeNumber(s.speedBps);
            } else {
                g.writeNull();
            }
        }));
    }

    /** One entry of the snapshot's {@code series} (caller holds its lock). */
    static void snapshotSeries(JsonGenerator g, Series s) throws IOException {
        g.writeStartObject();
        g.writeStringField("interface", s.iface);
        g.writeStringField("source", s.source);
        g.writeFieldName("speed_bps");
        if (s.speedBps > 0) {
            g.writeNumber(s.speedBps);
        } else {
            g.writeNull();
        }
        g.writeFieldName("latest");
        g.writeStartObject();
        latest(g, s);
        g.writeEndObject();
        int n = s.historySize();
        long[] t = new long[n];
        float[] in = new float[n];
        float[] out = new float[n];
        s.history(t, in, out);
        g.writeFieldName("history");
        g.writeStartObject();
        g.writeFieldName("t");
        g.writeArray(t, 0, n);
        floats(g, "in_bps", in);
        floats(g, "out_bps", out);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void floats(JsonGenerator g, String name, float[] v) throws IOException {
        g.writeFieldName(name);
        g.writeStartArray();
        for (float f : v) {
            if (Float.isNaN(f)) {
                g.writeNull();
            } else {
                g.writeNumber(f);
            }
        }
        g.writeEndArray();
    }

    /** One row of the fleet table. */
    record TopRow(String device, String iface, String source, long t, double inBps, double outBps, double util) {
    }

    static String top(long serverMs, Client.Rank rank, int unknownSpeed, List<TopRow> rows) {
        return event("top", object(g -> {
            g.writeNumberField("server_ms", serverMs);
            g.writeStringField("rank", rank.label());
            g.writeNumberField("unknown_speed", unknownSpeed);
            g.writeArrayFieldStart("rows");
            for (TopRow r : rows) {
                g.writeStartObject();
                g.writeStringField("device", r.device());
                g.writeStringField("interface", r.iface());
                g.writeStringField("source", r.source());
                g.writeNumberField("t", r.t());
                number(g, "in_bps", r.inBps());
                number(g, "out_bps", r.outBps());
                number(g, "util_pct", r.util());
                g.writeEndObject();
            }
            g.writeEndArray();
        }));
    }

    record Stale(String iface, String source) {
    }

    static String status(long serverMs, boolean deviceStale, List<Stale> stale) {
        return event("status", object(g -> {
            g.writeNumberField("server_ms", serverMs);
            g.writeBooleanField("device_stale", deviceStale);
            g.writeArrayFieldStart("stale");
            for (Stale s : stale) {
                g.writeStartObject();
                g.writeStringField("interface", s.iface());
                g.writeStringField("source", s.source());
                g.writeEndObject();
            }
            g.writeEndArray();
        }));
    }

    /** One entry of {@code /live/api/devices}. */
    record DeviceRow(String device, int interfaces, List<String> sources, long lastMs, boolean stale) {
    }

    static String devices(int total, List<DeviceRow> rows) {
        return object(g -> {
            g.writeNumberField("total", total);
            g.writeArrayFieldStart("devices");
            for (DeviceRow d : rows) {
                g.writeStartObject();
                g.writeStringField("device", d.device());
                g.writeNumberField("interfaces", d.interfaces());
                g.writeArrayFieldStart("sources");
                for (String s : d.sources()) {
                    g.writeString(s);
                }
                g.writeEndArray();
                g.writeNumberField("last_ms", d.lastMs());
                g.writeBooleanField("stale", d.stale());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }
}
