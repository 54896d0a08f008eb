package io.mlship.result;

import java.util.List;

/**
 * A failure that mlship understands: it carries the category (and so the exit code), a message for the
 * console and a hint that says what to do. Anything else thrown is reported as an internal error.
 */
public class MlshipException extends RuntimeException {
    private final ErrorCategory category;
    private final String hint;
    private final List<Problem> problems;

    public MlshipException(ErrorCategory category, String message, String hint) {
        this(category, message, hint, List.of(), null);
    }

    public MlshipException(ErrorCategory category, String message, String hint, Throwable cause) {
        this(category, message, hint, List.of(), cause);
    }

    public MlshipException(ErrorCategory category, String message, String hint, List<Problem> problems, Throwable cause) {
        super(message, cause);
        this.category = category;
        this.hint = hint;
        this.problems = List.copyOf(problems);
    }

    public static MlshipException badInput(String message, String hint) {
        return new MlshipException(ErrorCategory.BAD_INPUT, message, hint);
    }

    public static MlshipException badInput(String message, String hint, List<Problem> problems) {
        return new MlshipException(ErrorCategory.BAD_INPUT, message, hint, problems, null);
    }

    public static MlshipException infrastructure(String message, String hint, Throwable cause) {
        return new MlshipException(ErrorCategory.INFRASTRUCTURE, message, hint, cause);
    }

    public ErrorCategory category() {
        return category;
    }

    public String hint() {
        return hint;
    }

    public List<Problem> problems() {
        return problems;
    }
}
