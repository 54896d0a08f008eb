package io.mlship.smoke.expect;

/** Number closeness as the cases file and golden comparison define it. */
public final class Tolerance {
    private Tolerance() {
    }

    /**
     * Close when equal, within {@code absolute}, or within {@code relative} of the larger magnitude; with both
     * tolerances 0 only equal numbers are close.
     */
    public static boolean close(double expected, double actual, double absolute, double relative) {
        if (Double.compare(expected, actual) == 0) {
            return true;
        }
        double diff = Math.abs(expected - actual);
        return diff <= absolute || diff <= relative * Math.max(Math.abs(expected), Math.abs(actual));
    }
}
