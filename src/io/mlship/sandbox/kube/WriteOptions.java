package io.mlship.sandbox.kube;

import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A write's path and query options: {@code fieldManager} (for anything but an apply, when absent, the first part
 * of the User-Agent, as the API server does: {@code kubectl}, {@code fabric8-kubernetes-client}),
 * {@code dryRun=All}, and {@code force} (apply only).
 */
record WriteOptions(String path, String manager, boolean dryRun, boolean force) {

    /** A query the API server would refuse, with the answer it would give. */
    static final class Invalid extends Exception {
        private final int code;
        private final String reason;

        Invalid(int code, String reason, String message) {
            super(message);
            this.code = code;
            this.reason = reason;
        }

        int code() {
            return code;
        }

        String reason() {
            return reason;
        }
    }

    static WriteOptions of(RecordedRequest request) throws Invalid {
        String full = request.getPath();
        int q = full.indexOf('?');
        String path = q < 0 ? full : full.substring(0, q);
        String manager = null;
        boolean dryRun = false;
        boolean force = false;
        List<String> pairs = q < 0 ? List.of() : List.of(full.substring(q + 1).split("&"));
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            switch (name) {
                case "fieldManager" -> manager = value.isEmpty() ? null : value;
                case "dryRun" -> {
                    if (!value.equals("All")) {
                        throw new Invalid(400, "BadRequest", "dryRun: Unsupported value: \"" + value + "\": supported values: \"All\"");
                    }
                    dryRun = true;
                }
                case "force" -> force = value.equals("true") || value.equals("1");
                default -> {
                }
            }
        }
        if (manager != null && manager.length() > 128) {
            throw new Invalid(422, "Invalid", "fieldManager: Too long: may not be more than 128 bytes");
        }
        boolean apply = request.getHeader("Content-Type") != null && request.getHeader("Content-Type").startsWith(ObjectWrites.APPLY_PATCH);
        if (manager == null && !apply) {
            manager = fromUserAgent(request.getHeader("User-Agent"));
        }
        return new WriteOptions(path, manager, dryRun, force);
    }

    private static String fromUserAgent(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return "unknown";
        }
        int slash = userAgent.indexOf('/');
        String prefix = slash < 0 ? userAgent : userAgent.substring(0, slash);
        List<Integer> printable = new ArrayList<>();
        prefix.codePoints().filter(c -> !Character.isISOControl(c)).limit(128).forEach(printable::add);
        StringBuilder out = new StringBuilder();
        printable.forEach(out::appendCodePoint);
        return out.toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
