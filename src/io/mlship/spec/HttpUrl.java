package io.mlship.spec;

import io.mlship.result.MlshipException;
import java.net.URI;

/** An http(s) URL given on the command line (a service to gate, a baseline to compare with). */
public final class HttpUrl {
    private HttpUrl() {
    }

    /** The URL given as {@code option}, or exit 2 naming it and the value; null is no URL. */
    public static URI parse(String text, String option) {
        if (text == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw MlshipException.badInput(option + " '" + text + "' is not a URL", "e.g. http://127.0.0.1:8080 or vertex");
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw MlshipException.badInput(option + " '" + text + "' is not an http(s) URL",
                    "e.g. http://127.0.0.1:8080" + (option.equals("--target") ? ", or vertex for the Vertex AI endpoint" : ""));
        }
        return uri;
    }
}
