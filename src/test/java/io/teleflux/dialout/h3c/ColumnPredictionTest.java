package io.teleflux.dialout.h3c;

import io.teleflux.dialout.DecodeException;
import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoder predicts each column name from the row before (see {@code Walker.row}): a row must
 * decode to the same point whatever rows came before it, in this document or an earlier one. Rows
 * here vary their columns' order, spelling (case, JSON escapes), presence and extras.
 */
class ColumnPredictionTest {
    static final AtomicLong ROWS = new AtomicLong();
    static final List<String> NAMES = List.of("\"Name\"", "\"IfIndex\"", "\"InOctets\"", "\"OutOctets\"", "\"inoctets\"",
            "\"In\\u004fctets\"", "\"\\u0049fIndex\"", "\"InUsage\"", "\"Extra-Col\"", "\"ExtraCol\"", "\"AbbreviatedName\"",
            "\"LastClear\"", "\"N\"", "\"Nam\"", "\"Names\"");
    static final List<String> VALUES = List.of("1", "0", "18446744073709551615", "\"42\"", "12.5", "\"GE1/0/1\"", "\"GE1/0/2\"",
            "null", "[1,2]", "{\"a\":3}", "\"x\"", "-7");

    @AfterContainer
    static void report() {
        System.out.println("ColumnPredictionTest: " + ROWS.get() + " rows decoded alone and after others");
    }

    @Provide
    Arbitrary<List<String>> rows() {
        Arbitrary<String> column = Combinators.combine(Arbitraries.of(NAMES), Arbitraries.of(VALUES)).as((n, v) -> n + ":" + v);
        Arbitrary<String> row = column.list().ofMaxSize(8).map(cols -> "{" + String.join(",", cols) + "}");
        // a name column first in most rows, so that most rows have the key they need
        Arbitrary<String> keyed = Combinators.combine(Arbitraries.of(VALUES), column.list().ofMaxSize(8))
                .as((v, cols) -> "{\"Name\":" + v + (cols.isEmpty() ? "" : ",") + String.join(",", cols) + "}");
        return Arbitraries.oneOf(keyed, keyed, row).list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 3000)
    void aRowDecodesTheSameAfterAnyOtherRows(@ForAll("rows") List<String> rows, @ForAll("rows") List<String> earlier) {
        H3cDecoder decoder = new H3cDecoder(new Metrics());
        decode(decoder, earlier); // an earlier document leaves its names behind
        List<Point> together = decode(decoder, rows);
        List<Point> alone = new ArrayList<>();
        for (String row : rows) {
            alone.addAll(decode(new H3cDecoder(new Metrics()), List.of(row)));
        }
        assertThat(together).as("rows %s", rows).isEqualTo(alone);
        ROWS.addAndGet(rows.size());
    }

    private static List<Point> decode(H3cDecoder decoder, List<String> rows) {
        String doc = "{\"Notification\":{\"Timestamp\":1718000000000,\"Ifmgr\":{\"Statistics\":{\"Interface\":["
                + String.join(",", rows) + "]}}}}";
        byte[] json = doc.getBytes(StandardCharsets.UTF_8);
        List<Point> out = new ArrayList<>();
        try {
            decoder.decode("sw1", "Ifmgr/Statistics", json, 0, json.length, 1L, out);
        } catch (DecodeException e) {
            assertThat(e.reason()).as(doc).isEqualTo(DecodeException.NO_USABLE_ROWS);
        }
        return out;
    }
}
