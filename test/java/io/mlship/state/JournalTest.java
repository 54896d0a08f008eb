package io.mlship.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.result.MlshipException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    private FolderStateStore folder() {
        return new FolderStateStore(dir, "staging");
    }

    private static JournalEntry deploy(String releaseId) {
        return JournalEntry.of("deploy", Serving.NOTHING.withImage("sha256:" + releaseId)).by(releaseId, null, "test");
    }

    @Test
    void entriesComeBackInOrderStampedWithTheClockWhenTheyHaveNoTime() {
        Journal journal = new Journal(folder(), json, CLOCK);
        assertThat(journal.last()).isEmpty();
        journal.append(deploy("r1"));
        journal.append(deploy("r2").stamped(T0.plusSeconds(60)));

        assertThat(journal.entries()).extracting(JournalEntry::releaseId).containsExactly("r1", "r2");
        assertThat(journal.entries()).extracting(JournalEntry::at).containsExactly("2026-12-04T10:00:00Z", "2026-12-04T10:01:00Z");
        assertThat(journal.last()).get().extracting(JournalEntry::releaseId).isEqualTo("r2");
        assertThat(dir.resolve("journal-00001-staging.json")).exists();
    }

    @Test
    void aServiceRollbackBuildsOnWhatServedLastAndChangesOnlyTheImage() {
        Journal journal = new Journal(folder(), json, CLOCK);
        Serving released = new Serving("sha256:aaa", "v2", "2", Map.of("2", List.of("prod", "default")), Map.of("dm2", 100));
        journal.append(JournalEntry.of("release", released).by("r7", "https://ci/job/7/", "jenkins"));

        Serving before = journal.last().orElseThrow().serving();
        journal.append(JournalEntry.of("rollback-service", before.withImage("sha256:old")).because("pods crash", null));

        Serving now = journal.last().orElseThrow().serving();
        assertThat(now.imageDigest()).isEqualTo("sha256:old");
        assertThat(now.modelVersion()).isEqualTo("v2");
        assertThat(now.aliases()).isEqualTo(Map.of("2", List.of("prod", "default")));
        assertThat(now.traffic()).isEqualTo(Map.of("dm2", 100));
        assertThat(journal.last().orElseThrow().reason()).isEqualTo("pods crash");
        assertThat(before.withModel("v3", "3", Map.of("3", List.of("prod")), Map.of("dm3", 100)).imageDigest())
                .isEqualTo("sha256:aaa");
    }

    @Test
    void aFullSegmentIsFollowedByTheNextAndOnlyTheNewestSegmentsAreKept() {
        CountingStateStore store = new CountingStateStore(folder());
        Journal journal = new Journal(store, json, CLOCK, 3, 4);
        for (int i = 1; i <= 20; i++) {
            journal.append(deploy("r" + i));
        }
        // 20 entries in segments of 3: seven segments, of which the newest four are kept.
        assertThat(store.list("journal-")).extracting(StateObject::name)
                .containsExactly("journal-00004", "journal-00005", "journal-00006", "journal-00007");
        assertThat(journal.entries()).extracting(JournalEntry::releaseId)
                .containsExactly("r10", "r11", "r12", "r13", "r14", "r15", "r16", "r17", "r18", "r19", "r20");

        // A new reader finds the newest segment with one list, and appends there with one read and one write.
        store.reset();
        new Journal(store, json, CLOCK, 3, 4).append(deploy("r21"));
        assertThat(store.lists).hasValue(1);
        assertThat(store.reads).hasValue(1);
        assertThat(store.writes).hasValue(1);
    }

    @Test
    void theDefaultBoundIsFiftySegmentsOfAHundredEntries() {
        assertThat(Journal.ENTRIES_PER_SEGMENT * Journal.KEPT_SEGMENTS).isEqualTo(5_000);
    }

    @Test
    void racingWritersLoseNoEntryAndWriteNoneTwice() throws Exception {
        int writers = 6;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                // Each writer its own journal and store, as separate pipelines would have; segments of 7 make them
                // race for new segments too.
                Journal journal = new Journal(folder(), json, CLOCK, 7, 1_000);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        journal.append(deploy(writer + "-" + i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> ids = new Journal(folder(), json, CLOCK).entries().stream().map(JournalEntry::releaseId).toList();
        List<String> expected = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < each; i++) {
                expected.add(w + "-" + i);
            }
        }
        assertThat(ids).hasSize(writers * each).containsExactlyInAnyOrderElementsOf(expected);
        // Each writer's own entries stay in the order it wrote them.
        for (int w = 0; w < writers; w++) {
            String prefix = w + "-";
            assertThat(ids.stream().filter(id -> id.startsWith(prefix)).toList())
                    .isEqualTo(expected.stream().filter(id -> id.startsWith(prefix)).toList());
        }
    }

    @Test
    void aChangeRacingAnotherIsWorkedOutFromTheStateThatWonSoNeitherIsUndone() throws Exception {
        int each = 30;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // One writer deploys images 1..30, the other promotes versions 1..30: each changes only its own part.
            Journal service = new Journal(folder(), json, CLOCK, 7, 1_000);
            Journal model = new Journal(folder(), json, CLOCK, 7, 1_000);
            Future<?> images = pool.submit(() -> {
                for (int i = 1; i <= each; i++) {
                    String digest = "sha256:" + i;
                    service.appendAfter(before -> JournalEntry.of("deploy", before.withImage(digest)));
                }
                return null;
            });
            Future<?> versions = pool.submit(() -> {
                for (int i = 1; i <= each; i++) {
                    String version = "v" + i;
                    model.appendAfter(before -> JournalEntry.of("promote", before.withModel(version, null, null, null)));
                }
                return null;
            });
            images.get();
            versions.get();
        } finally {
            pool.shutdownNow();
        }
        List<JournalEntry> entries = new Journal(folder(), json, CLOCK).entries();
        assertThat(entries).hasSize(2 * each);
        int image = 0;
        int version = 0;
        for (JournalEntry e : entries) { // every line keeps the other writer's latest part, never an older one
            image = e.kind().equals("deploy") ? image + 1 : image;
            version = e.kind().equals("promote") ? version + 1 : version;
            assertThat(e.serving().imageDigest()).isEqualTo(image == 0 ? null : "sha256:" + image);
            assertThat(e.serving().modelVersion()).isEqualTo(version == 0 ? null : "v" + version);
        }
    }

    @Test
    void aChangeThatChangesNothingWritesNothing() {
        Journal journal = new Journal(folder(), json, CLOCK);

        assertThat(journal.appendAfter(before -> null)).isNull();
        journal.append(deploy("r1"));
        assertThat(journal.appendAfter(before -> null)).isNull();

        assertThat(journal.entries()).hasSize(1);
    }

    @Test
    void aWriterThatAlwaysLosesGetsAClearErrorNamingTheStore() {
        StateStore alwaysTaken = new CountingStateStore(folder()) {
            @Override
            public StateObject write(String name, String content, String expectedVersion) {
                throw new StateConflict(name + " changed since it was read");
            }
        };
        Journal journal = new Journal(alwaysTaken, json, CLOCK);
        assertThatThrownBy(() -> journal.append(deploy("r1")))
                .isInstanceOf(MlshipException.class)
                .hasMessageContaining("appending to the release journal in " + dir.toAbsolutePath())
                .hasMessageContaining("lost to other writers");
    }

    @Test
    void anUnknownKindOrAnEntryWithoutServingIsRefused() {
        Journal journal = new Journal(folder(), json, CLOCK);
        assertThatThrownBy(() -> journal.append(JournalEntry.of("redeploy", Serving.NOTHING)))
                .hasMessageContaining("'redeploy' is not one of [release, rolled-back");
        assertThatThrownBy(() -> journal.append(JournalEntry.of("deploy", null))).hasMessageContaining("serving is null");
        assertThat(journal.last()).isEqualTo(Optional.empty());
    }
}
