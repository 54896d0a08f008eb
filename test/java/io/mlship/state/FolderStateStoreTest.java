package io.mlship.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderStateStoreTest extends StateStoreContract {
    @TempDir
    Path dir;

    @Override
    protected StateStore store() {
        return new FolderStateStore(dir, "staging");
    }

    @Test
    void documentsAreTheWorkspaceFilesJenkinsArchivesAndEnvironmentsDoNotMix() {
        new FolderStateStore(dir, "staging").write("deploy", "{}", null);
        new FolderStateStore(dir, "prod").write("deploy", "{\"p\":1}", null);

        assertThat(dir.resolve("deploy-staging.json")).hasContent("{}");
        assertThat(new FolderStateStore(dir, "prod").list("")).extracting(StateObject::content).containsExactly("{\"p\":1}");
    }
}
