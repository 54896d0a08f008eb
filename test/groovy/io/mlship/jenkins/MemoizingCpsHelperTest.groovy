package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertThrows
import static org.junit.jupiter.api.Assertions.assertNotSame

import org.junit.jupiter.api.Test

/** The faster round trip still writes and reads everything: what the CPS tests rely on it for. */
class MemoizingCpsHelperTest extends CpsPipelineTest {

    @Test
    void aStateRoundTripsToAnEqualCopyEveryTime() {
        Map state = [stage: 'Release to staging', canary: [20, 50, 100], gate: [passed: true, digest: 'sha256:abc']]

        Map first = helper.roundtripSerialization(state)
        Map second = helper.roundtripSerialization(first)

        assertEquals(state, first)
        assertEquals(state, second)
        assertNotSame(state, first)
    }

    @Test
    void aStateHoldingSomethingJenkinsCannotSaveIsRefused() {
        Map state = [stage: 'Build and push image', thread: new Thread()]

        assertThrows(NotSerializableException) { helper.roundtripSerialization(state) }
    }
}
