package io.teleflux.dialout.h3c;

/**
 * A derived value: {@code target = numerator / denominator × factor}, filled in only when the row
 * has no value for {@code target} itself and the denominator is positive.
 */
record Ratio(String target, String numerator, String denominator, double factor) implements Mapping.Item {
}
