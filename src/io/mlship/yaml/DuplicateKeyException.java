package io.mlship.yaml;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import java.util.List;

/**
 * A mapping names the same key twice. Jackson would keep the last value without a word; a person editing the
 * file most likely meant one of them, so the reader refuses it at the second key.
 */
public final class DuplicateKeyException extends JsonParseException {
    private final String key;
    private final List<Object> parentPath;

    DuplicateKeyException(JsonParser parser, String key, List<Object> parentPath) {
        super(parser, "duplicate key '" + key + "'", parser.currentTokenLocation());
        this.key = key;
        this.parentPath = List.copyOf(parentPath);
    }

    public String key() {
        return key;
    }

    /** The line of the second occurrence. */
    public int line() {
        return getLocation().getLineNr();
    }

    /**
     * The way from the value read to the mapping with the duplicate: a {@code String} for each key, an {@code Integer}
     * for each list index (a JSON pointer could not tell the key {@code "0"} from the index 0).
     */
    public List<Object> parentPath() {
        return parentPath;
    }
}
