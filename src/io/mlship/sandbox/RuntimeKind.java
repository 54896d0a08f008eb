package io.mlship.sandbox;

import java.util.Locale;

/** How the sandbox runs the services' images: unpacked as local processes (default), or with podman. */
public enum RuntimeKind {
    PROCESS, PODMAN;

    /** The environment variable that picks one when {@code --runtime} is not given. */
    public static final String ENV = "MLSHIP_SANDBOX_RUNTIME";

    public static RuntimeKind parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown sandbox runtime '" + value + "': use process or podman", e);
        }
    }

    /** {@value #ENV} when set, else {@link #PROCESS}. */
    public static RuntimeKind fromEnvironment() {
        String v = System.getenv(ENV);
        return v == null || v.isBlank() ? PROCESS : parse(v);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
