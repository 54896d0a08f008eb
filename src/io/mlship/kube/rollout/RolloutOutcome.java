package io.mlship.kube.rollout;

import java.time.Duration;
import java.time.Instant;

/**
 * How a watched rollout ended. {@code reason} says why it failed in the words of the pods, events and
 * conditions; {@code noticedAt} is when mlship saw the deciding update.
 */
public record RolloutOutcome(boolean available, String reason, String revision, Duration elapsed, Instant noticedAt) {
}
