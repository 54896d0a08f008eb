package io.mlship.commits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConventionalCommitsTest {
    private final ConventionalCommits rule = new ConventionalCommits(ConventionalCommits.DEFAULT_TYPES);

    @ParameterizedTest
    @ValueSource(strings = {"feat: rank by title and brand", "fix(api): keep the top-k order stable",
            "refactor(model)!: new vocabulary format", "chore!: drop Python 3.9", "docs(smoke/cases): explain tolerances"})
    void conformingSubjects(String subject) {
        assertThat(rule.problem(subject)).isEmpty();
    }

    @Test
    void eachKindOfMistakeIsNamed() {
        assertThat(rule.problem("Update model")).contains("does not start with 'type: ' or 'type(scope): '");
        assertThat(rule.problem("feat:rank by title")).contains("the description after ': ' is missing or starts with a space");
        assertThat(rule.problem("feat:  two spaces")).contains("the description after ': ' is missing or starts with a space");
        assertThat(rule.problem("feature: rank by title")).get().asString().startsWith("type 'feature' is not one of feat, fix");
        assertThat(rule.problem("Fix: typo")).get().asString().endsWith("(types are lower case: 'fix')");
        assertThat(rule.problem("fix(): empty scope")).contains("does not start with 'type: ' or 'type(scope): '");
    }

    @Test
    void typesCanBeChosen() {
        ConventionalCommits own = new ConventionalCommits(java.util.List.of("model", "data"));

        assertThat(own.problem("model: retrain on March data")).isEmpty();
        assertThat(own.problem("feat: x")).contains("type 'feat' is not one of model, data");
    }
}
