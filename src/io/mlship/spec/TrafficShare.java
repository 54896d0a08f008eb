package io.mlship.spec;

import io.mlship.result.MlshipException;

/** A share of an endpoint's traffic in whole percent, 0-100: what a canary version gets while it is gated. */
public record TrafficShare(int percent) {

    public TrafficShare {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException(percent + " is not a percentage");
        }
    }

    /** The share given as {@code field}, or exit 2 naming it; null stays null (the spec's share applies). */
    public static TrafficShare parse(Integer percent, String field) {
        if (percent == null) {
            return null;
        }
        if (percent < 0 || percent > 100) {
            throw MlshipException.badInput(field + " " + percent + " is not a percentage",
                    "give the new version's traffic share in percent, 0-100");
        }
        return new TrafficShare(percent);
    }

    @Override
    public String toString() {
        return percent + "%";
    }
}
