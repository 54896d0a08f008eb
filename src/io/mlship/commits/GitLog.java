package io.mlship.commits;

import io.mlship.result.MlshipException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Reads the commits of a range with the {@code git} command, oldest first, merge commits left out. */
public final class GitLog {
    // Unit and record separators: a subject can contain anything printable, never these.
    private static final String FIELD = "\u001f";
    private static final String RECORD = "\u001e";

    private final Path repo;
    private final Duration timeout;

    public GitLog(Path repo, Duration timeout) {
        this.repo = repo;
        this.timeout = timeout;
    }

    /**
     * Commits reachable from {@code to} but not from {@code from}. Merge commits are left out: Jenkins
     * builds a pull request on a merge of it into its target, and that merge is not the author's.
     */
    public List<Commit> range(String from, String to) {
        for (String ref : List.of(from, to)) {
            if (ref.isBlank() || ref.startsWith("-")) {
                throw MlshipException.badInput("'" + ref + "' is not a git revision", "give a branch, tag or commit, e.g. origin/main");
            }
        }
        String out = git("log", "--no-merges", "--reverse", "--format=%H" + FIELD + "%s" + RECORD, from + ".." + to, "--");
        List<Commit> commits = new ArrayList<>();
        for (String record : out.split(RECORD)) {
            String r = record.strip();
            if (r.isEmpty()) {
                continue;
            }
            int sep = r.indexOf(FIELD);
            commits.add(new Commit(r.substring(0, sep), r.substring(sep + 1)));
        }
        return commits;
    }

    private String git(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(nullFile())).start();
        } catch (IOException e) {
            throw MlshipException.infrastructure("cannot run git: " + e.getMessage(),
                    "install git on the agent (Debian package git)", e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw MlshipException.infrastructure("git log in " + repo + " did not finish within " + timeout.toSeconds() + "s",
                        "check that the workspace is a complete git checkout", null);
            }
            if (process.exitValue() != 0) {
                String why = err.get(5, TimeUnit.SECONDS).strip();
                throw MlshipException.badInput("git log " + args[args.length - 2] + " failed: " + why,
                        "both revisions must be in the checkout; in a pull-request build fetch the target branch "
                                + "(e.g. git fetch --no-tags origin +refs/heads/main:refs/remotes/origin/main)");
            }
            return out.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw MlshipException.infrastructure("interrupted while reading git log", "run again", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw MlshipException.infrastructure("could not read git's output: " + e.getMessage(), "run again", e);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static String read(InputStream in) {
        try (in) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            in.transferTo(buffer);
            return buffer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
