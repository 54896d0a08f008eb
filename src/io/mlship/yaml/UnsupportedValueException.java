package io.mlship.yaml;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/** A value with no place in a JSON tree, such as a YAML {@code !!binary} (an embedded object to Jackson). */
public final class UnsupportedValueException extends JsonParseException {
    private final JsonToken token;

    UnsupportedValueException(JsonParser parser, JsonToken token) {
        super(parser, "a value of this kind (" + token + ", e.g. a !!binary tag) is not supported here",
                parser.currentTokenLocation());
        this.token = token;
    }

    public JsonToken token() {
        return token;
    }

    public int line() {
        return getLocation().getLineNr();
    }
}
