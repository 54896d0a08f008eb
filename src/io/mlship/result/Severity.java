package io.mlship.result;

public enum Severity {
    ERROR, WARNING;

    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
