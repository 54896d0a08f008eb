package io.mlship.image;

import io.mlship.result.MlshipException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The tags an image gets: the git sha, a tag made from the branch name, and an optional semantic version. */
public final class ImageTags {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{7,64}");
    private static final Pattern SEMVER = Pattern.compile(
            "v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");
    /** Docker's limit on a tag's length. */
    private static final int MAX_TAG = 128;

    private ImageTags() {
    }

    /** The tags for a build, in a stable order (sha, branch, version); bad values are bad input. */
    public static List<String> of(String sha, String branch, String version) {
        List<String> tags = new ArrayList<>();
        if (sha != null) {
            String s = sha.toLowerCase(Locale.ROOT);
            if (!SHA.matcher(s).matches()) {
                throw MlshipException.badInput("git sha '" + sha + "' is not a commit id",
                        "pass the full or abbreviated hex commit id (git rev-parse HEAD)");
            }
            tags.add(s);
        }
        if (branch != null && !branch.isBlank()) {
            String b = branchTag(branch);
            if (!tags.contains(b)) {
                tags.add(b);
            }
        }
        if (version != null) {
            if (!SEMVER.matcher(version).matches()) {
                throw MlshipException.badInput("version tag '" + version + "' is not a semantic version",
                        "use MAJOR.MINOR.PATCH, e.g. 1.4.0 or 1.4.0-rc.1");
            }
            // '+' is not allowed in image tags; build metadata becomes '_'.
            tags.add(version.replace('+', '_'));
        }
        return tags;
    }

    /**
     * A branch name as a valid, readable tag: {@code feature/Ranker-v2} becomes {@code branch-feature-ranker-v2}.
     * The prefix keeps a branch called like a sha or a version from taking their tags.
     */
    public static String branchTag(String branch) {
        String cleaned = branch.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_.-]+", "-")
                .replaceAll("-{2,}", "-")
                .replaceAll("^[-.]+|[-.]+$", "");
        String tag = "branch-" + (cleaned.isEmpty() ? "unnamed" : cleaned);
        return tag.length() <= MAX_TAG ? tag : tag.substring(0, MAX_TAG).replaceAll("[-.]+$", "");
    }
}
