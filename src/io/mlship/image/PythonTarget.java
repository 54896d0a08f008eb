package io.mlship.image;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The interpreter and platform the image's dependencies are for: CPython {@code version} (major.minor) on
 * {@code platform} (an {@code image.platforms} entry such as {@code linux/amd64}). pip is told this target instead
 * of using the agent's own interpreter and machine, so compiled wheels import in the image, not on the agent.
 */
public record PythonTarget(String version, String platform) {
    /**
     * The newest glibc whose manylinux wheels are accepted. Official Python images on Debian bookworm have 2.36 and
     * bullseye 2.31; 2.28 (RHEL 8, Ubuntu 18.10+) keeps a wheel from needing a newer C library than the base has.
     */
    static final int GLIBC_MINOR_CEILING = 28;

    private static final Pattern MAJOR_MINOR = Pattern.compile("^(3)\\.(\\d{1,2})(?:\\.\\d+.*)?$");

    public PythonTarget {
        if (!MAJOR_MINOR.matcher(version).matches()) {
            throw new IllegalArgumentException("not a Python 3 version: " + version);
        }
        version = majorMinor(version);
    }

    /** "3.12" from "3.12", "3.12.7" or "3.12.0rc1"; null when the text is not a Python 3 version. */
    static String majorMinor(String text) {
        Matcher m = text == null ? null : MAJOR_MINOR.matcher(text.trim());
        return m != null && m.matches() ? m.group(1) + "." + m.group(2) : null;
    }

    /** The wheel architecture of an {@code image.platforms} entry. */
    String arch() {
        return switch (platform) {
            case "linux/amd64" -> "x86_64";
            case "linux/arm64" -> "aarch64";
            default -> throw new IllegalArgumentException("no wheel platform for " + platform);
        };
    }

    /**
     * Every manylinux platform tag a wheel for this target may carry, newest first. pip compares tags literally,
     * so both the PEP 600 spelling ({@code manylinux_2_17_x86_64}) and the older aliases it replaces
     * ({@code manylinux2014_x86_64}, {@code manylinux2010}, {@code manylinux1}) are listed.
     */
    List<String> platformTags() {
        String arch = arch();
        // manylinux for aarch64 starts with manylinux2014 (glibc 2.17); x86_64 goes back to manylinux1 (2.5).
        int oldest = arch.equals("x86_64") ? 5 : 17;
        List<String> tags = new ArrayList<>();
        for (int minor = GLIBC_MINOR_CEILING; minor >= oldest; minor--) {
            tags.add("manylinux_2_" + minor + "_" + arch);
        }
        tags.add("manylinux2014_" + arch);
        if (arch.equals("x86_64")) {
            tags.add("manylinux2010_" + arch);
            tags.add("manylinux1_" + arch);
        }
        return tags;
    }

    /**
     * pip's options that pick wheels for this target. Binary only: a source distribution would be built by the
     * agent's compiler for the agent's interpreter, which is what this target exists to avoid.
     */
    List<String> pipOptions() {
        List<String> options = new ArrayList<>(List.of("--implementation", "cp", "--python-version", version,
                "--only-binary=:all:"));
        platformTags().forEach(tag -> options.addAll(List.of("--platform", tag)));
        return options;
    }

    /** For keys: the install for another Python or platform is another install. */
    String key() {
        return "cp" + version.replace(".", "") + "-" + arch();
    }

    /** How a person reads it: "CPython 3.12 on linux/amd64 (manylinux, glibc ≤ 2.28)". */
    public String describe() {
        return "CPython " + version + " on " + platform + " (manylinux, glibc ≤ 2." + GLIBC_MINOR_CEILING + ")";
    }
}
