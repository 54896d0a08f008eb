package io.mlship.commits;

/** One commit of a range: its full sha and its subject (first line of the message). */
public record Commit(String sha, String subject) {

    public String shortSha() {
        return sha.length() > 10 ? sha.substring(0, 10) : sha;
    }
}
