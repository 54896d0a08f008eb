package io.mlship.spec;

import java.math.BigDecimal;

/**
 * Kubernetes' int-or-percent fields as the spec gives them. YAML numbers such as {@code 1.0} or {@code -0.0} are
 * integers to the schema (their value is whole) but reach the spec as their text; they are written back as the
 * integer they are, so every later reader sees {@code 1} or {@code 0}.
 */
final class IntOrPercent {
    private IntOrPercent() {
    }

    static String normalized(String value) {
        if (value == null || value.endsWith("%") || !value.matches("[-+]?\\d+(\\.\\d*)?([eE][-+]?\\d+)?")) {
            return value;
        }
        try {
            return String.valueOf(new BigDecimal(value).intValueExact());
        } catch (ArithmeticException notWhole) {
            return value; // the schema refuses it with its own message
        }
    }
}
