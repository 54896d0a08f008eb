package io.mlship.image;

import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import com.google.cloud.tools.jib.event.progress.Allocation;
import io.mlship.progress.Progress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Listens to Jib's events: logs per-layer progress for a person watching the console, and records which
 * blobs were uploaded and which the registry already had. Jib calls it from several threads.
 */
final class BuildProgress {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final String PUSHING_BLOB = "pushing blob ";
    private static final String CONFIG_PUSH = "pushing container configuration";
    private static final Pattern BUILDING_LAYER = Pattern.compile("building (.+) layer");
    /** Large uploads log a line at each quarter. */
    private static final long QUARTER_LOG_MIN_BYTES = 8L << 20;

    private final Progress progress;
    private final Map<Allocation, Long> done = new HashMap<>();
    private final Set<String> alreadyInRegistry = new LinkedHashSet<>();
    /** Every layer blob Jib handled for the push, in the order it started: digest → size. */
    private final Map<String, Long> layerBlobs = new LinkedHashMap<>();
    private final Set<String> configBlobs = new LinkedHashSet<>();
    private final Set<String> finished = new LinkedHashSet<>();
    private final Set<String> retriesLogged = new LinkedHashSet<>();

    BuildProgress(Progress progress) {
        this.progress = progress;
    }

    synchronized void onLog(LogEvent event) {
        // Jib colours some messages for terminals; a Jenkins console shows the codes as text.
        String message = ANSI.matcher(event.getMessage()).replaceAll("");
        if (message.startsWith("Skipping push; BLOB already exists")) {
            Matcher m = DIGEST.matcher(message);
            if (m.find()) {
                alreadyInRegistry.add(m.group());
            }
            return;
        }
        if (message.startsWith("Base image '") && message.contains("does not use a specific image digest")) {
            return; // mlship warns about unpinned bases itself, with the fix
        }
        boolean retry = message.endsWith("will be retried");
        if ((event.getLevel() == LogEvent.Level.WARN || event.getLevel() == LogEvent.Level.ERROR)
                && (!retry || retriesLogged.add(message))) {
            progress.step("jib: " + message + (retry ? " (further retries of this call are not logged)" : ""));
        }
    }

    synchronized void onProgress(ProgressEvent event) {
        Allocation allocation = event.getAllocation();
        String description = allocation.getDescription();
        long total = allocation.getAllocationUnits();
        long before = done.getOrDefault(allocation, -1L);
        long now = Math.max(before, 0) + event.getUnits();
        done.put(allocation, now);
        Matcher building = BUILDING_LAYER.matcher(description);
        if (building.matches()) {
            if (before < 0) {
                progress.step("layer " + building.group(1) + ": building");
            }
            return;
        }
        if (!description.startsWith(PUSHING_BLOB)) {
            if (before < 0 && description.startsWith("pulling base image")) {
                progress.step(description);
            }
            return;
        }
        String digest = description.substring(PUSHING_BLOB.length()).trim();
        boolean config = underConfigPush(allocation);
        if (before < 0) {
            if (config) {
                configBlobs.add(digest);
            } else {
                layerBlobs.putIfAbsent(digest, total);
            }
        }
        if (!config && total >= QUARTER_LOG_MIN_BYTES && before >= 0 && quarter(before, total) < quarter(now, total)
                && now < total) {
            progress.step("blob " + shortDigest(digest) + ": " + (quarter(now, total) * 25) + "% of " + Sizes.human(total));
        }
        if (now >= total && finished.add(digest)) {
            String what = config ? "config " + shortDigest(digest) : "blob " + shortDigest(digest);
            progress.step(what + " (" + Sizes.human(total) + "): "
                    + (alreadyInRegistry.contains(digest) ? "already in the registry, not uploaded" : "uploaded"));
        }
    }

    private static long quarter(long units, long total) {
        return total <= 0 ? 4 : Math.min(4, units * 4 / total);
    }

    private static boolean underConfigPush(Allocation allocation) {
        for (Optional<Allocation> a = allocation.getParent(); a.isPresent(); a = a.get().getParent()) {
            if (CONFIG_PUSH.equals(a.get().getDescription())) {
                return true;
            }
        }
        return false;
    }

    static String shortDigest(String digest) {
        return digest.length() > 19 ? digest.substring(0, 19) : digest;
    }

    synchronized Map<String, Long> layerBlobs() {
        return new LinkedHashMap<>(layerBlobs);
    }

    synchronized boolean uploaded(String digest) {
        return (layerBlobs.containsKey(digest) || configBlobs.contains(digest)) && !alreadyInRegistry.contains(digest);
    }

    /** Bytes sent to the registry: layers and config the registry did not have. */
    synchronized long bytesUploaded(Map<String, Long> configSizes) {
        long bytes = 0;
        for (Map.Entry<String, Long> e : layerBlobs.entrySet()) {
            if (!alreadyInRegistry.contains(e.getKey())) {
                bytes += e.getValue();
            }
        }
        for (String c : configBlobs) {
            if (!alreadyInRegistry.contains(c)) {
                bytes += configSizes.getOrDefault(c, 0L);
            }
        }
        return bytes;
    }

    synchronized Map<String, Long> configBlobSizes() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (Map.Entry<Allocation, Long> e : done.entrySet()) {
            String d = e.getKey().getDescription();
            if (d.startsWith(PUSHING_BLOB) && configBlobs.contains(d.substring(PUSHING_BLOB.length()).trim())) {
                sizes.put(d.substring(PUSHING_BLOB.length()).trim(), e.getKey().getAllocationUnits());
            }
        }
        return sizes;
    }
}
