package io.mlship.kube.manifest;

/**
 * The image a Deployment runs. Releases deploy by digest so that what was gated is what runs and rollback
 * is exact; a tag is accepted only for previews.
 */
public record ImageTarget(String repository, String digest, String tag) {

    public static ImageTarget byDigest(String repository, String digest) {
        return new ImageTarget(repository, digest, null);
    }

    public static ImageTarget preview(String repository, String tag) {
        return new ImageTarget(repository, null, tag);
    }

    public boolean pinned() {
        return digest != null;
    }

    public String reference() {
        return pinned() ? repository + "@" + digest : repository + ":" + tag;
    }
}
