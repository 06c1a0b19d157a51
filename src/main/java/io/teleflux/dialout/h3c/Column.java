package io.teleflux.dialout.h3c;

/**
 * One mapped JSON column: where its value goes and with which type. {@code index} is its position
 * in its {@link Mapping} (set by the mapping), which is also the order its field is emitted in.
 */
record Column(String source, Kind kind, String target, Transform transform, boolean required, int index)
        implements Mapping.Item {

    /** What the column becomes. One declared type per field, so InfluxDB never sees the type change. */
    enum Kind { TAG, INT, FLOAT, STRING, IGNORE }

    /** Unit conversions applied to the device value. */
    enum Transform {
        NONE, TIMES_1000, HUNDRED_MINUS;

        /** @throws ArithmeticException when the result does not fit a long */
        long apply(long v) {
            return switch (this) {
                case NONE -> v;
                case TIMES_1000 -> Math.multiplyExact(v, 1000L);
                case HUNDRED_MINUS -> Math.subtractExact(100L, v);
            };
        }

        double apply(double v) {
            return switch (this) {
                case NONE -> v;
                case TIMES_1000 -> v * 1000.0;
                case HUNDRED_MINUS -> 100.0 - v;
            };
        }
    }

    Column withIndex(int i) {
        return new Column(source, kind, target, transform, required, i);
    }

    static Column tag(String source, String target) {
        return new Column(source, Kind.TAG, target, Transform.NONE, false, -1);
    }

    /** A tag the row cannot do without: a row missing it is skipped and counted. */
    static Column key(String source, String target) {
        return new Column(source, Kind.TAG, target, Transform.NONE, true, -1);
    }

    static Column integer(String source, String target) {
        return new Column(source, Kind.INT, target, Transform.NONE, false, -1);
    }

    static Column integer(String source, String target, Transform t) {
        return new Column(source, Kind.INT, target, t, false, -1);
    }

    static Column floating(String source, String target) {
        return new Column(source, Kind.FLOAT, target, Transform.NONE, false, -1);
    }

    static Column floating(String source, String target, Transform t) {
        return new Column(source, Kind.FLOAT, target, t, false, -1);
    }

    static Column string(String source, String target) {
        return new Column(source, Kind.STRING, target, Transform.NONE, false, -1);
    }

    static Column ignore(String source) {
        return new Column(source, Kind.IGNORE, null, Transform.NONE, false, -1);
    }

    static Ratio ratio(String target, String numerator, String denominator, double factor) {
        return new Ratio(target, numerator, denominator, factor);
    }
}
