package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.image.BuildInput;
import io.mlship.image.BuildOutcome;
import io.mlship.kube.apply.Plan;
import io.mlship.kube.deploy.DeployInput;
import io.mlship.kube.deploy.DeployOutcome;
import io.mlship.kube.deploy.DeployReport;
import io.mlship.kube.deploy.DeployedBy;
import io.mlship.kube.deploy.ServiceRollback;
import io.mlship.model.EndpointSnapshot;
import io.mlship.model.PromotionInput;
import io.mlship.model.PromotionInput.Action;
import io.mlship.model.PromotionOutcome;
import io.mlship.model.PromotionRecord;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import io.mlship.smoke.GateInput;
import io.mlship.smoke.GateOutcome;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ImageDigest;
import io.mlship.spec.SpecLoader;
import io.mlship.state.FolderStateStore;
import io.mlship.state.Journal;
import io.mlship.state.JournalEntry;
import io.mlship.state.StateObject;
import io.mlship.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history lines mlship deploy and mlship promote leave when they run on their own, over scripted stages. */
class JournaledStagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EnvironmentView STAGING = EnvironmentView.of(
            new SpecLoader(JSON).load(Path.of("examples/reco-service/mlship.yaml"), null), "staging");
    private static final ImageDigest D1 = new ImageDigest("sha256:" + "d1".repeat(32));
    private static final ImageDigest D2 = new ImageDigest("sha256:" + "d2".repeat(32));
    private static final String BUILD = "https://ci.example.com/job/reco/5/";
    private static final EndpointSnapshot BEFORE_V2 = new EndpointSnapshot(Map.of("dm-1", 100), Map.of("dm-1", "1"),
            Map.of("1", List.of("default", "prod")));

    @TempDir
    Path dir;

    private StateStore store;
    private final Scripted scripted = new Scripted();
    private final List<String> warnings = new ArrayList<>();
    private JournaledStages stages;

    @BeforeEach
    void setUp() {
        store = new FolderStateStore(dir, "staging");
        stages = new JournaledStages(scripted, JSON, Clock.systemUTC(), new Progress() {
            @Override
            public void step(String message) {
            }

            @Override
            public void warn(String message) {
                warnings.add(message);
            }

            @Override
            public void section(String message) {
            }

            @Override
            public Progress of(String part) {
                return this;
            }
        });
    }

    /** Each scripted stage answers the next outcome it was given. */
    private static final class Scripted implements ReleaseStages {
        final Deque<Integer> deployChanges = new ArrayDeque<>();
        final Deque<PromotionRecord> records = new ArrayDeque<>();
        MlshipException failure;
        String restored = "reg/repo@" + D1.value();

        @Override
        public BuildOutcome build(BuildInput in) {
            throw new AssertionError("not scripted");
        }

        @Override
        public DeployOutcome deploy(DeployInput in) {
            List<String> changed = java.util.stream.IntStream.range(0, deployChanges.pop()).mapToObj(i -> "Object/" + i).toList();
            DeployReport report = new DeployReport(new Plan("reco", List.of(), Map.of(), Map.of()), in.dryRun(), null, "2", "1",
                    Duration.ofSeconds(1), null);
            return new DeployOutcome("staging", "reco", "reg/repo@" + in.imageDigest(), "ctx", "r-7", List.of(), changed,
                    report, null, in.deployedBy(), failure);
        }

        @Override
        public ServiceRollback rollBackService(DeployInput in) {
            return new ServiceRollback("staging", "reco", "reg/repo@" + D2.value(), restored, "ctx");
        }

        @Override
        public io.mlship.kube.deploy.CanaryStep canaryStep(DeployInput in, int percent) {
            throw new AssertionError("not scripted");
        }

        @Override
        public io.mlship.kube.deploy.CandidateRemoval removeCandidate(DeployInput in) {
            throw new AssertionError("not scripted");
        }

        @Override
        public PromotionOutcome promote(PromotionInput in, Consumer<PromotionRecord> checkpoint) {
            return new PromotionOutcome("staging", in.action(), records.pop(), null, failure);
        }

        @Override
        public GateOutcome gate(GateInput in) {
            throw new AssertionError("not scripted");
        }
    }

    private DeployInput deploy(ImageDigest digest) {
        return DeployInput.of(STAGING, digest, dir.resolve("deploy-staging.json")).withDeployedBy(new DeployedBy(BUILD, null))
                .withState(store);
    }

    private PromotionInput promotion(Action action, String version) {
        return PromotionInput.of(STAGING, action, dir.resolve("promote-staging.json")).withModel(null, version, null)
                .withProvenance(null, null, BUILD).withState(store);
    }

    private static PromotionRecord record(String action, String versionId, Map<String, Integer> split,
                                          Map<String, List<String>> aliases, EndpointSnapshot before) {
        return new PromotionRecord(action, "projects/p/locations/r/models/reco-ranker", versionId, "gs://b/x/", "sha256:art",
                false, "e/reco", "dm-" + versionId, split, aliases, before, List.of(), null);
    }

    private List<JournalEntry> journal() {
        return new Journal(store, JSON, Clock.systemUTC()).entries();
    }

    @Test
    void eachDeployThatChangedObjectsIsALineWithItsImageAndBuild() throws Exception {
        scripted.deployChanges.addAll(List.of(3, 0, 2));

        stages.deploy(deploy(D1));
        stages.deploy(deploy(D1)); // nothing changed: the same release again
        stages.deploy(deploy(D2).withDryRun(true));

        assertThat(journal()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("deploy");
            assertThat(e.serving().imageDigest()).isEqualTo(D1.value());
            assertThat(e.releaseId()).isEqualTo("r-7");
            assertThat(e.buildUrl()).isEqualTo(BUILD);
            assertThat(e.who()).isEqualTo(BUILD);
        });
    }

    @Test
    void aFailedRolloutWasUndoneAtOnceSoItIsNoLine() throws Exception {
        scripted.deployChanges.add(3);
        scripted.failure = MlshipException.infrastructure("rollout failed: rolled back", "see the events", null);

        DeployOutcome outcome = stages.deploy(deploy(D1));

        assertThat(outcome.succeeded()).isFalse();
        assertThat(journal()).isEmpty();
    }

    @Test
    void aServiceRollbackKeepsTheModelAndPutsTheRestoredImageBack() throws Exception {
        scripted.deployChanges.addAll(List.of(1, 1));
        scripted.records.add(record("promote", "1", Map.of("dm-1", 100), Map.of("1", List.of("default", "candidate")),
                new EndpointSnapshot(null, null, null)));
        stages.deploy(deploy(D1));
        stages.promote(promotion(Action.PROMOTE, "v1"), r -> { });
        stages.deploy(deploy(D2));

        stages.rollBackService(deploy(null));

        List<JournalEntry> lines = journal();
        assertThat(lines).extracting(JournalEntry::kind).containsExactly("deploy", "promote", "deploy", "rollback-service");
        assertThat(lines.get(3).serving().imageDigest()).isEqualTo(D1.value());
        assertThat(lines.get(3).serving().modelVersion()).isEqualTo("v1");
        assertThat(lines.get(3).serving().traffic()).isEqualTo(Map.of("dm-1", 100));
    }

    @Test
    void aServiceRollbackToNothingLeavesNoImage() throws Exception {
        scripted.deployChanges.add(1);
        scripted.restored = null; // nothing ran before the first deploy: the rollback removed its objects
        stages.deploy(deploy(D1));

        stages.rollBackService(deploy(null));

        assertThat(journal().get(1).serving().imageDigest()).isNull();
    }

    @Test
    void promoteShiftAndRollbackEachLeaveTheModelVersionAliasesAndTrafficAfterThem() throws Exception {
        scripted.records.addAll(List.of(
                record("promote", "1", Map.of("dm-1", 100), Map.of("1", List.of("default", "candidate")), new EndpointSnapshot(null, null, null)),
                record("shift", "1", Map.of("dm-1", 100), Map.of("1", List.of("default", "candidate", "prod")), new EndpointSnapshot(null, null, null)),
                record("promote", "2", Map.of("dm-1", 90, "dm-2", 10), Map.of("1", List.of("default", "prod"), "2", List.of("candidate")), BEFORE_V2),
                record("rollback", "2", Map.of("dm-1", 100), Map.of("1", List.of("default", "prod"), "2", List.of()), BEFORE_V2)));

        stages.promote(promotion(Action.PROMOTE, "v1"), r -> { });
        stages.promote(promotion(Action.SHIFT, null), r -> { });
        stages.promote(promotion(Action.PROMOTE, "v2"), r -> { });
        stages.promote(promotion(Action.ROLLBACK, null), r -> { });

        List<JournalEntry> lines = journal();
        assertThat(lines).extracting(JournalEntry::kind).containsExactly("promote", "shift", "promote", "rollback-model");
        assertThat(lines).extracting(e -> e.serving().modelVersion() + "/" + e.serving().modelVersionId())
                .as("a shift and a rollback name the version by the label it was promoted with")
                .containsExactly("v1/1", "v1/1", "v2/2", "v1/1");
        assertThat(lines.get(2).serving().traffic()).isEqualTo(Map.of("dm-1", 90, "dm-2", 10));
        assertThat(lines.get(3).serving().traffic()).isEqualTo(Map.of("dm-1", 100));
        assertThat(lines.get(3).serving().aliases()).containsEntry("1", List.of("default", "prod"));
        assertThat(lines).allSatisfy(e -> assertThat(e.buildUrl()).isEqualTo(BUILD));
    }

    @Test
    void aPromotionRunAgainThatChangedNothingIsNoSecondLine() throws Exception {
        PromotionRecord same = record("promote", "1", Map.of("dm-1", 100), Map.of("1", List.of("candidate")),
                new EndpointSnapshot(null, null, null));
        scripted.records.addAll(List.of(same, same));

        stages.promote(promotion(Action.PROMOTE, "v1"), r -> { });
        stages.promote(promotion(Action.PROMOTE, "v1"), r -> { });

        assertThat(journal()).hasSize(1);
    }

    @Test
    void aJournalThatCannotBeWrittenWarnsAndTheChangeStillStands() throws Exception {
        scripted.deployChanges.add(2);
        StateStore folder = new FolderStateStore(dir, "staging");
        store = new StateStore() {
            @Override
            public Optional<StateObject> read(String name) {
                return folder.read(name);
            }

            @Override
            public StateObject write(String name, String content, String expectedVersion) {
                throw MlshipException.infrastructure("the state store is read-only", "grant write", null);
            }

            @Override
            public void delete(String name) {
                folder.delete(name);
            }

            @Override
            public List<StateObject> list(String prefix) {
                return folder.list(prefix);
            }

            @Override
            public String where() {
                return folder.where();
            }
        };

        DeployOutcome outcome = stages.deploy(deploy(D1));

        assertThat(outcome.succeeded()).isTrue();
        assertThat(warnings).singleElement().asString().contains("the deploy is done but its history line was not kept")
                .contains("read-only");
    }
}
