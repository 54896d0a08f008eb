package io.mlship.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real tools the image tests check against; a missing one fails the test and names its Debian package. */
final class Tools {
    private Tools() {
    }

    static String require(String command, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(command + " is not installed: these tests need the Debian package '" + debianPackage
                + "' (bin/setup installs it; it is listed in bin/packages/build.txt)");
    }

    /** skopeo inspect [--config] of an image in a plain-HTTP registry. */
    static JsonNode skopeoInspect(String image, boolean config) throws IOException, InterruptedException {
        return skopeo(image, config ? "--config" : null);
    }

    /** The manifest as the registry stores it (skopeo inspect --raw): its config and layer descriptors. */
    static JsonNode skopeoRawManifest(String image) throws IOException, InterruptedException {
        return skopeo(image, "--raw");
    }

    /** skopeo copy into a plain-HTTP registry, e.g. a docker-archive base image to a reference tests build on. */
    static void skopeoCopy(String from, String to) throws IOException, InterruptedException {
        Process copy = new ProcessBuilder(require("skopeo", "skopeo"), "copy", "--dest-tls-verify=false", from, to)
                .redirectErrorStream(true).start();
        String output = new String(copy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!copy.waitFor(60, TimeUnit.SECONDS) || copy.exitValue() != 0) {
            throw new AssertionError("skopeo copy " + from + " " + to + " failed: " + output);
        }
    }

    private static JsonNode skopeo(String image, String option) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(require("skopeo", "skopeo"), "inspect", "--tls-verify=false"));
        if (option != null) {
            command.add(option);
        }
        command.add("docker://" + image);
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("skopeo inspect " + image + " failed: " + err);
        }
        return new ObjectMapper().readTree(out);
    }
}
