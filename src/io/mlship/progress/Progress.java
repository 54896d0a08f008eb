package io.mlship.progress;

/**
 * What a stage tells the person watching it run, in its own words. The stage says what happens; how that is
 * shown (a tag naming the stage, a console, nothing at all) is up to whoever started it, so the stages do not
 * format their lines and a release can run them all without their output being rewritten.
 */
public interface Progress {

    /** One line: what is happening now. No tag: the receiver says whose line it is. */
    void step(String message);

    /** Something the person watching should look at, though the stage goes on. */
    default void warn(String message) {
        step("warning: " + message);
    }

    /** The start of a new part of a long run, set apart from the lines before it. */
    void section(String message);

    /**
     * The progress of a named part of this one (the image build inside the build stage), whose lines are
     * told apart from the stage's own.
     */
    Progress of(String part);

    /** Tells nobody: for runs whose progress nobody watches. */
    static Progress silent() {
        return Silent.INSTANCE;
    }
}
