package io.mlship.jenkins

import org.junit.jupiter.api.Test

/** mlSmokeTest's metadata, vars script and help agree, by the same rules as every step's. */
class MlSmokeTestDocsTest {
    private final StepDocsTest docs = new StepDocsTest()

    @Test
    void metadataIsWellFormed() {
        docs.metadataIsWellFormed('mlSmokeTest')
    }

    @Test
    void varsScriptRunsItsOwnMetadata() {
        docs.varsScriptRunsItsOwnMetadata('mlSmokeTest')
    }

    @Test
    void helpTextDocumentsWhatTheMetadataSays() {
        docs.helpTextDocumentsWhatTheMetadataSays('mlSmokeTest')
    }
}
