package io.mlship.result;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One thing wrong with the input, located for a person: the dotted path of the field
 * ({@code deploy.ingress.host}), the file and line it came from (0 when unknown) and how to fix it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(Severity severity, String path, String file, int line, String message, String hint) {

    public Problem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
    }

    // Written out rather than generated: a record's generated equals/hashCode link themselves through
    // invokedynamic on first use, which was ~6% of a cold `mlship validate` (problems are kept in hash sets).
    @Override
    public boolean equals(Object o) {
        return o instanceof Problem p && severity == p.severity && line == p.line && Objects.equals(path, p.path)
                && Objects.equals(file, p.file) && message.equals(p.message) && Objects.equals(hint, p.hint);
    }

    @Override
    public int hashCode() {
        int h = severity.hashCode();
        h = 31 * h + Objects.hashCode(path);
        h = 31 * h + Objects.hashCode(file);
        h = 31 * h + line;
        h = 31 * h + message.hashCode();
        return 31 * h + Objects.hashCode(hint);
    }

    public static Problem error(String path, String file, int line, String message, String hint) {
        return new Problem(Severity.ERROR, path, file, line, message, hint);
    }

    public static Problem warning(String path, String file, int line, String message, String hint) {
        return new Problem(Severity.WARNING, path, file, line, message, hint);
    }

    @JsonIgnore
    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code mlship.yaml:12: deploy.ingres: unknown key — did you mean 'ingress'?} */
    public String format() {
        StringBuilder out = new StringBuilder();
        if (file != null) {
            out.append(file);
            if (line > 0) {
                out.append(':').append(line);
            }
            out.append(": ");
        }
        if (severity == Severity.WARNING) {
            out.append("warning: ");
        }
        if (path != null && !path.isEmpty()) {
            out.append(path).append(": ");
        }
        out.append(message);
        if (hint != null && !hint.isEmpty()) {
            out.append(" — ").append(hint);
        }
        return out.toString();
    }
}
