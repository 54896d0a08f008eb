package io.mlship.model;

/** One object of an artifact set: its name below the set's folder, size and the store's own checksum. */
public record StoredObject(String name, long size, String checksum) {
}
