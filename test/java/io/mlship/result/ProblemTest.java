package io.mlship.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Problem's hand-written equality must agree with what a record would generate: every component counts. */
class ProblemTest {

    @Test
    void equalWhenEveryComponentIsEqualAndDifferentWhenAnyIsNot() {
        Problem p = Problem.error("deploy.ingress.host", "mlship.yaml", 12, "is not valid", "use a DNS name");
        Problem same = new Problem(Severity.ERROR, "deploy.ingress.host", "mlship.yaml", 12, "is not valid", "use a DNS name");
        assertThat(same).isEqualTo(p).hasSameHashCodeAs(p);
        assertThat(Set.of(p)).contains(same);

        List<Problem> others = List.of(
                Problem.warning("deploy.ingress.host", "mlship.yaml", 12, "is not valid", "use a DNS name"),
                Problem.error("deploy.ingress", "mlship.yaml", 12, "is not valid", "use a DNS name"),
                Problem.error("deploy.ingress.host", "other.yaml", 12, "is not valid", "use a DNS name"),
                Problem.error("deploy.ingress.host", "mlship.yaml", 13, "is not valid", "use a DNS name"),
                Problem.error("deploy.ingress.host", "mlship.yaml", 12, "is missing", "use a DNS name"),
                Problem.error("deploy.ingress.host", "mlship.yaml", 12, "is not valid", null),
                Problem.error(null, null, 12, "is not valid", "use a DNS name"));
        for (Problem other : others) {
            assertThat(other).as(other.toString()).isNotEqualTo(p);
            assertThat(p).isNotEqualTo(other);
        }
        assertThat(Problem.error(null, null, 0, "m", null)).isEqualTo(Problem.error(null, null, 0, "m", null))
                .hasSameHashCodeAs(Problem.error(null, null, 0, "m", null));
    }
}
