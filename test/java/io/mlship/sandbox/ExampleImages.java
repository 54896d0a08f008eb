package io.mlship.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.cli.CliRun;
import io.mlship.spec.SpecFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Images of the example service built with the real {@code mlship build --tar}, as a release in the sandbox
 * builds them: the trained model v2 goes into the image (/opt/model, the spec's MODEL_DIR), and variants change
 * one source file.
 */
public final class ExampleImages {
    public static final Path EXAMPLE = Path.of("examples/reco-service").toAbsolutePath();
    /** The repository the example's staging environment names its image by. */
    public static final String REPOSITORY = "europe-west4-docker.pkg.dev/ds-artifacts/ds-images/reco-service";
    static final String SHA = "3f1c2b9d8e7a6f5041322314a5b6c7d8e9f00112";

    private ExampleImages() {
    }

    /** A copy of the example (its image carries model v2); {@code edits} are (file, old, new) triples. */
    public static Path repo(Path dir, String... edits) {
        SpecFixtures.copyTree(EXAMPLE, dir);
        edit(dir, "mlship.yaml", "  model: training-output/reco-ranker/v2\n", "  model: training-output/reco-ranker/v2\n");
        for (int i = 0; i < edits.length; i += 3) {
            edit(dir, edits[i], edits[i + 1], edits[i + 2]);
        }
        return dir;
    }

    /** Builds {@code repo} into {@code tar} ({@code base}: scratch, or a base image tar); returns the digest. */
    public static String build(Path repo, Path tar, String base) {
        List<String> args = new ArrayList<>(List.of("build", "--spec", repo.resolve("mlship.yaml").toString(),
                "--env", "staging", "--tar", tar.toString(), "--base-image", base, "--git-sha", SHA,
                "--cache-dir", repo.resolve(".cache").toString(), "--result-dir", repo.resolve("out").toString()));
        CliRun run = CliRun.of(repo.resolve("out"), args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = run.result("build");
        return result.path("digest").asText();
    }

    /**
     * The example as it is, built on a scratch base (the process runtime runs it with this machine's python3), for a
     * test class to build once and put into each of its sandboxes. {@code work}: the copy, cache and tar.
     */
    public static Built example(Path work) {
        Path tar = work.resolve("reco-service.tar");
        return new Built(tar, build(repo(work.resolve("reco-service")), tar, "scratch"));
    }

    /** A built image of the example: its tar and its digest. */
    public record Built(Path tar, String digest) {
        /** The image as the example's staging environment names it (by digest). */
        public String reference() {
            return REPOSITORY + "@" + digest;
        }

        /** Puts the image into a sandbox's images folder, as {@code mlship build --tar} there would; returns its digest. */
        public String copyInto(Path imagesDir) {
            try {
                Files.createDirectories(imagesDir);
                Files.copy(tar, imagesDir.resolve(tar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return digest;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void edit(Path repo, String file, String old, String replacement) {
        Path p = repo.resolve(file);
        try {
            String text = Files.readString(p);
            if (!text.contains(old)) {
                throw new IllegalArgumentException(file + " has no '" + old + "'");
            }
            Files.writeString(p, text.replace(old, replacement));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
