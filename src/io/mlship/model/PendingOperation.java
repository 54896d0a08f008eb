package io.mlship.model;

/** A long-running operation being waited for, saved so that a restarted build waits for it instead of starting over. */
public record PendingOperation(String name, String kind, String what) {
}
