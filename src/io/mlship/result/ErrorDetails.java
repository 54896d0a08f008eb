package io.mlship.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The {@code errorDetails} block of a result file; the Jenkins step builds its error message from it. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ErrorDetails(String category, String message, String hint, List<Problem> problems) {

    public ErrorDetails {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    public static ErrorDetails of(MlshipException e) {
        return new ErrorDetails(e.category().id(), e.getMessage(), e.hint(), e.problems());
    }

    public static ErrorDetails internal(Throwable t) {
        String what = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        return new ErrorDetails(ErrorCategory.INTERNAL.id(), "unexpected error in mlship: " + what,
                "this is a bug in mlship; run again with --debug for the stack trace and report it", List.of());
    }
}
