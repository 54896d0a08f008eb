package io.mlship.docs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A step's description ({@code resources/io/mlship/steps/<step>.json}), the one source of its docs. */
@JsonIgnoreProperties(ignoreUnknown = false)
public record StepMetadata(String name, String command, String summary, String description, List<Param> params,
                           List<Result> results, String example, List<String> failures, List<Section> sections,
                           String kind) {

    public StepMetadata {
        params = params == null ? List.of() : List.copyOf(params);
        results = results == null ? List.of() : List.copyOf(results);
        failures = failures == null ? List.of() : List.copyOf(failures);
        sections = sections == null ? List.of() : List.copyOf(sections);
    }

    /** {@code pipeline} for mlPipeline, which runs the other steps instead of one CLI command. */
    public boolean isPipeline() {
        return "pipeline".equals(kind);
    }

    /** More of the step's documentation (a file format, how to publish reports), written in Markdown. */
    public record Section(String title, String markdown) {
    }

    /** {@code requires}: parameters that must be given, non-empty, whenever this one is (forceUngated needs a reason). */
    public record Param(String name, String type, boolean required, JsonNode defaultValue, String description, boolean cli,
                        List<String> requires) {
        @com.fasterxml.jackson.annotation.JsonCreator
        public Param(@com.fasterxml.jackson.annotation.JsonProperty("name") String name,
                     @com.fasterxml.jackson.annotation.JsonProperty("type") String type,
                     @com.fasterxml.jackson.annotation.JsonProperty("required") boolean required,
                     @com.fasterxml.jackson.annotation.JsonProperty("default") JsonNode defaultValue,
                     @com.fasterxml.jackson.annotation.JsonProperty("description") String description,
                     @com.fasterxml.jackson.annotation.JsonProperty("cli") boolean cli,
                     @com.fasterxml.jackson.annotation.JsonProperty("requires") List<String> requires) {
            this.name = name;
            this.type = type;
            this.required = required;
            this.defaultValue = defaultValue;
            this.description = description;
            this.cli = cli;
            this.requires = requires == null ? List.of() : List.copyOf(requires);
        }

        public String kind() {
            return type + (required ? ", required" : ", optional") + (requires.isEmpty() ? "" : ", needs " + String.join(", ", requires));
        }
    }

    public record Result(String name, String description) {
    }
}
