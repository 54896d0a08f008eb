package io.mlship.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The commit and branch an image is built from. Values given by the caller win (Jenkins knows the branch of a
 * detached checkout better than git does); otherwise they are read from {@code git} in the repository.
 */
public record GitInfo(String sha, String branch, String sourceRepo) {
    private static final long GIT_TIMEOUT_SECONDS = 10;

    /** Fills what the caller did not give from git; anything git cannot tell stays null. */
    public static GitInfo resolve(Path repo, String sha, String branch, String sourceRepo) {
        String s = sha != null ? sha : git(repo, "rev-parse", "HEAD").orElse(null);
        String b = branch != null ? branch : git(repo, "rev-parse", "--abbrev-ref", "HEAD")
                .filter(name -> !"HEAD".equals(name)).orElse(null);
        String r = sourceRepo != null ? sourceRepo : git(repo, "config", "--get", "remote.origin.url").orElse(null);
        return new GitInfo(s, b, withoutCredentials(r));
    }

    /** A remote URL may carry a token (https://user:token@host/…); the image label must not. */
    static String withoutCredentials(String url) {
        return url == null ? null : url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
    }

    private static Optional<String> git(Path repo, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 && !out.isEmpty() ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // no git on the agent: the caller must pass the values
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
