package io.mlship.smoke.expect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.regex.Pattern;

/** What a JSONPath expectation checks about the value it selects. Returns null when the value passes, else what was expected. */
public sealed interface ValueCheck {
    Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "object", "array", "null");

    String expected();

    /** True when {@code value} (never null; a missing value is handled by the caller) passes. */
    boolean test(JsonNode value);

    /** What a failure report shows of the value that did not pass: by default the value itself, cut short. */
    default String actual(JsonNode value) {
        return Json.show(value);
    }

    /** Equal as JSON; numbers compare by value, within an absolute or relative tolerance when one is given. */
    record Equals(JsonNode value, double absolute, double relative) implements ValueCheck {
        @Override
        public String expected() {
            String base = Json.show(value);
            if (absolute > 0) {
                base += " ± " + absolute;
            }
            if (relative > 0) {
                base += " ± " + (relative * 100) + "%";
            }
            return base;
        }

        @Override
        public boolean test(JsonNode actual) {
            if (value.isNumber() && actual.isNumber()) {
                return Tolerance.close(value.doubleValue(), actual.doubleValue(), absolute, relative);
            }
            return value.equals(actual);
        }
    }

    /** The value, as text, matches a regular expression (anywhere in it, as {@code find} does). */
    record Matches(Pattern pattern) implements ValueCheck {
        @Override
        public String expected() {
            return "matches /" + pattern.pattern() + "/";
        }

        @Override
        public boolean test(JsonNode actual) {
            String text = actual.isValueNode() ? actual.asText() : actual.toString();
            return pattern.matcher(text).find();
        }
    }

    /** The JSON type; an integer also counts as a number. */
    record Type(String type) implements ValueCheck {
        @Override
        public String expected() {
            return "type " + type;
        }

        @Override
        public boolean test(JsonNode actual) {
            String t = Json.typeOf(actual);
            return t.equals(type) || (type.equals("number") && t.equals("integer"));
        }
    }

    /** The length of an array, an object or a string: exactly, or within bounds. */
    record Length(Integer exactly, Integer min, Integer max) implements ValueCheck {
        @Override
        public String expected() {
            if (exactly != null) {
                return "length " + exactly;
            }
            return "length " + (min != null ? ">= " + min : "") + (min != null && max != null ? " and " : "")
                    + (max != null ? "<= " + max : "");
        }

        @Override
        public boolean test(JsonNode actual) {
            int n;
            if (actual.isArray() || actual.isObject()) {
                n = actual.size();
            } else if (actual.isTextual()) {
                n = actual.asText().length();
            } else {
                return false;
            }
            return (exactly == null || n == exactly) && (min == null || n >= min) && (max == null || n <= max);
        }

        /** The length that was wrong, not the whole value: a long array printed whole hides its length. */
        @Override
        public String actual(JsonNode value) {
            if (value.isArray()) {
                return "an array of " + value.size() + (value.size() == 1 ? " item" : " items");
            }
            if (value.isObject()) {
                return "an object of " + value.size() + (value.size() == 1 ? " key" : " keys");
            }
            if (value.isTextual()) {
                int n = value.asText().length();
                return "a string of " + n + (n == 1 ? " character" : " characters");
            }
            String type = Json.typeOf(value);
            return (type.startsWith("i") ? "an " : "a ") + type + ", which has no length: " + Json.show(value);
        }
    }

    /** The value is there (not missing); null counts as there. */
    record Exists() implements ValueCheck {
        @Override
        public String expected() {
            return "present";
        }

        @Override
        public boolean test(JsonNode actual) {
            return true;
        }
    }
}
