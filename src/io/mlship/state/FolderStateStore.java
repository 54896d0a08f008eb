package io.mlship.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Release state in a folder (the workspace's {@code .mlship}), for a spec that names nowhere durable: document
 * {@code deploy} of environment {@code staging} is {@code deploy-staging.json}, the file Jenkins archives. A
 * document's version is a hash of its content; writes hold a lock file, so two processes on one agent do not lose
 * each other's writes.
 */
public final class FolderStateStore implements StateStore {
    /** Plain names only, so that a file name says unambiguously which document of which environment it holds. */
    static final Pattern NAME = Pattern.compile("[a-z]+(-[0-9]+)?");

    private final Path dir;
    private final String env;

    public FolderStateStore(Path dir, String env) {
        this.dir = dir.toAbsolutePath();
        this.env = env;
    }

    /** The file that holds document {@code name}. */
    public Path file(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a state document name: " + name);
        }
        return dir.resolve(name + "-" + env + ".json");
    }

    @Override
    public Optional<StateObject> read(String name) {
        Path f = file(name);
        try {
            if (!Files.isRegularFile(f)) {
                return Optional.empty();
            }
            String content = Files.readString(f);
            return Optional.of(new StateObject(name, content, version(content)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    @Override
    public StateObject write(String name, String content, String expectedVersion) {
        Path f = file(name);
        try (FileLock ignored = lock()) {
            Optional<StateObject> now = read(name);
            String current = now.map(StateObject::version).orElse(null);
            if (current == null ? expectedVersion != null : !current.equals(expectedVersion)) {
                throw new StateConflict(f + (current == null ? " is gone" : expectedVersion == null ? " exists already"
                        : " changed since it was read"));
            }
            Path tmp = dir.resolve("." + f.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime());
            try {
                Files.writeString(tmp, content);
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return new StateObject(name, content, version(content));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }

    @Override
    public void delete(String name) {
        Path f = file(name);
        try (FileLock ignored = lock()) {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + f, e);
        }
    }

    @Override
    public List<StateObject> list(String prefix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String suffix = "-" + env + ".json";
        List<StateObject> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String file = p.getFileName().toString();
                if (!file.endsWith(suffix)) {
                    continue;
                }
                String name = file.substring(0, file.length() - suffix.length());
                if (name.startsWith(prefix) && NAME.matcher(name).matches()) {
                    read(name).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return out;
    }

    @Override
    public String where() {
        return dir + " (the workspace only)";
    }

    private FileLock lock() throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(".state-" + env + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = acquire(channel);
            return new FileLock(channel, 0, Long.MAX_VALUE, false) {
                @Override
                public boolean isValid() {
                    return lock.isValid();
                }

                @Override
                public void release() throws IOException {
                    try {
                        lock.release();
                    } finally {
                        channel.close();
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The lock, waiting for another process (or another thread here: the JVM refuses it that as an overlap). */
    private static FileLock acquire(FileChannel channel) throws IOException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                return channel.lock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("waited 30 s for the state lock file in " + channel, e);
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the state lock", interrupted);
                }
            }
        }
    }

    static String version(String content) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
