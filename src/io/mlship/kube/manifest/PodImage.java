package io.mlship.kube.manifest;

/**
 * The image a Deployment runs. Releases deploy by digest so that what was gated is what runs and rollback
 * is exact; a tag is accepted only for previews.
 */
public record PodImage(String repository, String digest, String tag) {

    public static PodImage byDigest(String repository, String digest) {
        return new PodImage(repository, digest, null);
    }

    public static PodImage preview(String repository, String tag) {
        return new PodImage(repository, null, tag);
    }

    public boolean pinned() {
        return digest != null;
    }

    public String reference() {
        return pinned() ? repository + "@" + digest : repository + ":" + tag;
    }
}
