package io.teleflux.dialout.cisco;

import java.util.ArrayList;
import java.util.List;

/** One row of a Telemetry message: its timestamp (0 = none) and the leaves of {@code keys} and {@code content}. */
final class Row {
    long timestampMs;
    final List<Leaf> keys = new ArrayList<>(4);
    final List<Leaf> content = new ArrayList<>(16);
    /** A {@code content} child was present (it may still have had no leaf). */
    boolean hasContent;
}
