package io.mlship.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The commit, branch and source repository an image is built from. Values given by the caller win (Jenkins knows the
 * branch of a detached checkout better than git does); the others are read from {@code git} in the repository, all
 * at once and in the background: {@link #start} returns at once, and each answer is collected when first asked for
 * (a build hashes its files meanwhile; under Jenkins only the remote's URL, which only a label needs, is read).
 * Anything git cannot tell is null.
 */
public final class GitInfo {
    private static final long GIT_TIMEOUT_SECONDS = 10;

    private final Answer sha;
    private final Answer branch;
    private final Answer sourceRepo;

    private GitInfo(Answer sha, Answer branch, Answer sourceRepo) {
        this.sha = sha;
        this.branch = branch;
        this.sourceRepo = sourceRepo;
    }

    /** Starts the git reads the given values leave open. */
    public static GitInfo start(Path repo, String sha, String branch, String sourceRepo) {
        return new GitInfo(sha != null ? Answer.given(sha) : Answer.of(repo, "rev-parse", "HEAD"),
                branch != null ? Answer.given(branch) : Answer.of(repo, "rev-parse", "--abbrev-ref", "HEAD"),
                sourceRepo != null ? Answer.given(sourceRepo) : Answer.of(repo, "config", "--get", "remote.origin.url"));
    }

    public String sha() {
        return sha.value().orElse(null);
    }

    /** A detached checkout has no branch: git then says HEAD, which is no branch name. */
    public String branch() {
        return branch.value().filter(name -> !branch.fromGit() || !"HEAD".equals(name)).orElse(null);
    }

    public String sourceRepo() {
        return withoutCredentials(sourceRepo.value().orElse(null));
    }

    /** A remote URL may carry a token (https://user:token@host/…); the image label must not. */
    static String withoutCredentials(String url) {
        return url == null ? null : url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
    }

    /** One value: given by the caller, or the output of a git process started at once and read on first use. */
    private static final class Answer {
        private final boolean fromGit;
        private Process process;
        private Optional<String> value;

        private Answer(boolean fromGit, Process process, Optional<String> value) {
            this.fromGit = fromGit;
            this.process = process;
            this.value = value;
        }

        static Answer given(String value) {
            return new Answer(false, null, Optional.of(value));
        }

        boolean fromGit() {
            return fromGit;
        }

        static Answer of(Path repo, String... args) {
            List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
            command.addAll(List.of(args));
            try {
                return new Answer(true, new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start(), null);
            } catch (IOException e) {
                return new Answer(true, null, Optional.empty()); // no git on the agent: the caller must pass the values
            }
        }

        synchronized Optional<String> value() {
            if (value == null) {
                value = read(process);
                process = null;
            }
            return value;
        }

        /** The process's output, if it ended well within the timeout (an answer is a line: the pipe never fills). */
        private static Optional<String> read(Process p) {
            try {
                if (!p.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return Optional.empty();
                }
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return p.exitValue() == 0 && !out.isEmpty() ? Optional.of(out) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }
}
