package io.mlship.sandbox.serving;

import java.util.Optional;

/** One running server of a Deployment revision, reached on loopback at {@link #port()}; closing it stops it. */
public interface Workload extends AutoCloseable {
    int port();

    /** How it ended, or empty while it runs. */
    Optional<Exit> exit();

    /** Where its output goes (for people reading along). */
    String logLocation();

    @Override
    void close();

    /** A server that stopped: its exit code and the last lines it wrote. */
    record Exit(int code, String lastLines) {
    }
}
