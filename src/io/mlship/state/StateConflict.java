package io.mlship.state;

/** A conditional write lost: the document changed (or was created) since it was read. Read again and retry. */
public final class StateConflict extends RuntimeException {

    public StateConflict(String message) {
        super(message);
    }
}
