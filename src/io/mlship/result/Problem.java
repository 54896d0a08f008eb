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
