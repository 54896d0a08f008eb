package io.mlship.sandbox.vertex;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Lists answer one page at a time, as Vertex AI's do (AIP-158): at most {@code page_size} items (a default when 0,
 * a cap above it) and a {@code next_page_token} while more remain. A token is opaque to the client and is only good
 * for the same list and filter it came from; anything else is INVALID_ARGUMENT.
 */
final class Pages {
    static final int DEFAULT_SIZE = 100;
    static final int MAX_SIZE = 1000;

    private Pages() {
    }

    /** One page of a list: its items and the token of the next page ("" on the last). */
    record Page<T>(List<T> items, String nextPageToken) {
    }

    /** The page {@code token} asks for, of the list {@code all} that {@code scope} (the parent and filter) names. */
    static <T> Page<T> of(List<T> all, int pageSize, String token, String scope) {
        if (pageSize < 0) {
            throw ApiError.invalid("page_size must not be negative");
        }
        int size = pageSize == 0 ? DEFAULT_SIZE : Math.min(pageSize, MAX_SIZE);
        int from = token == null || token.isEmpty() ? 0 : offset(token, scope);
        int to = Math.min(all.size(), from + size);
        String next = to < all.size() ? token(scope, to) : "";
        return new Page<>(List.copyOf(all.subList(Math.min(from, all.size()), to)), next);
    }

    private static String token(String scope, int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((offset + "|" + scope).getBytes(StandardCharsets.UTF_8));
    }

    private static int offset(String token, String scope) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int bar = text.indexOf('|');
            if (bar > 0 && text.substring(bar + 1).equals(scope)) {
                return Integer.parseInt(text.substring(0, bar));
            }
        } catch (IllegalArgumentException e) {
            // not one of ours: said below
        }
        throw ApiError.invalid("page_token is not valid for this list (a token is good for the request it came from)");
    }
}
