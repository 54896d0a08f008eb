package io.mlship.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A passed gate: which image and model version passed it, when, in which release and build. A promotion can then
 * ask whether what it is about to move on has passed before.
 *
 * @param at           when the gate passed (an ISO-8601 instant)
 * @param modelVersion the artifact version label ({@code v1})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record GateVerdict(String releaseId, String at, String imageDigest, String modelVersion, String modelVersionId,
                          String buildUrl, String gitSha) {
}
