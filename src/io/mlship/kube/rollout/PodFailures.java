package io.mlship.kube.rollout;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads, from a pod's container statuses and its events, the failures of a rollout that will not fix themselves:
 * a crash loop, an image that cannot be pulled, a container the kubelet cannot configure (a Secret or key that is
 * not there) or a Secret volume that cannot be mounted. Failing readiness is not one of them: a model that loads
 * for minutes is slow, not broken ({@link ReadinessWait} gives it its grace).
 */
final class PodFailures {
    private static final Set<String> PULL_FAILURES = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull");
    private static final Set<String> CONFIG_FAILURES = Set.of("CreateContainerConfigError", "CreateContainerError", "RunContainerError");
    /** The kubelet's FailedMount message when a Secret volume's Secret does not exist: {@code secret "name" not found}. */
    private static final Pattern MISSING_SECRET_VOLUME = Pattern.compile(".*\\bsecrets? \"[^\"]+\" not found.*", Pattern.DOTALL);

    private PodFailures() {
    }

    /** A failure that will not fix itself, or empty while the pod may still come up. */
    static Optional<String> failure(Pod pod, Collection<Event> events) {
        List<ContainerStatus> statuses = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                ? List.of() : pod.getStatus().getContainerStatuses();
        for (ContainerStatus cs : statuses) {
            ContainerStateWaiting waiting = cs.getState() == null ? null : cs.getState().getWaiting();
            if (waiting == null) {
                continue;
            }
            String reason = waiting.getReason();
            if ("CrashLoopBackOff".equals(reason)) {
                return Optional.of(crashed(pod, cs));
            }
            if (PULL_FAILURES.contains(reason)) {
                return Optional.of("container " + cs.getName() + " cannot pull image " + cs.getImage() + " (" + reason + ")"
                        + detail(waiting.getMessage()) + lastEvent(pod, events, "Failed"));
            }
            if (CONFIG_FAILURES.contains(reason)) {
                return Optional.of("container " + cs.getName() + " of pod " + pod.getMetadata().getName() + " cannot start ("
                        + reason + ")" + detail(waiting.getMessage()) + secretHint(waiting.getMessage(), pod));
            }
        }
        Optional<Event> mount = events.stream().filter(e -> about(e, pod) && "FailedMount".equals(e.getReason())
                && e.getMessage() != null && MISSING_SECRET_VOLUME.matcher(e.getMessage()).matches()).findFirst();
        if (mount.isPresent()) {
            return Optional.of("pod " + pod.getMetadata().getName() + " cannot mount a volume (FailedMount): "
                    + mount.get().getMessage() + secretHint(mount.get().getMessage(), pod));
        }
        return Optional.empty();
    }

    /** The last Warning the kubelet or scheduler gave about a pod that is not running yet, to explain a stuck rollout. */
    static Optional<String> lastWarning(Pod pod, Collection<Event> events) {
        Event last = null;
        for (Event e : events) {
            if (about(e, pod) && "Warning".equals(e.getType()) && e.getMessage() != null) {
                last = e;
            }
        }
        return Optional.ofNullable(last).map(e -> "pod " + pod.getMetadata().getName() + ": " + e.getReason() + ": " + e.getMessage());
    }

    /** The newest "Readiness probe failed" event about the pod, with its count, or empty. */
    static Optional<String> readinessProbe(Pod pod, Collection<Event> events) {
        Event last = null;
        for (Event e : events) {
            if (about(e, pod) && "Unhealthy".equals(e.getReason()) && e.getMessage() != null
                    && e.getMessage().startsWith("Readiness probe failed")) {
                last = e;
            }
        }
        return Optional.ofNullable(last).map(e -> e.getMessage().strip() + " (" + count(e) + " times)");
    }

    /** mlship only refers to Secrets, so the fix is outside it: say where the Secret must be. */
    private static String secretHint(String message, Pod pod) {
        if (message == null || !message.toLowerCase(java.util.Locale.ROOT).contains("secret")) {
            return "";
        }
        return " — create the Secret (with that key) in namespace " + pod.getMetadata().getNamespace()
                + "; mlship only refers to it and never writes Secrets";
    }

    private static String crashed(Pod pod, ContainerStatus cs) {
        ContainerStateTerminated last = cs.getLastState() == null ? null : cs.getLastState().getTerminated();
        StringBuilder s = new StringBuilder("container ").append(cs.getName());
        if (last != null) {
            s.append(" exited ").append(last.getExitCode());
            String why = last.getMessage() != null && !last.getMessage().isBlank() ? last.getMessage().strip() : last.getReason();
            if (why != null) {
                s.append(": ").append(lastLine(why));
            }
        } else {
            s.append(" keeps crashing");
        }
        s.append(" (CrashLoopBackOff, ").append(cs.getRestartCount() == null ? 0 : cs.getRestartCount())
                .append(" restarts, pod ").append(pod.getMetadata().getName()).append(')');
        return s.toString();
    }

    /** A Python traceback's last line is the error; the rest is noise in a build log. */
    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    private static String lastEvent(Pod pod, Collection<Event> events, String reason) {
        return events.stream().filter(e -> about(e, pod) && reason.equals(e.getReason()) && e.getMessage() != null)
                .map(e -> "; event " + e.getReason() + ": " + e.getMessage()).findFirst().orElse("");
    }

    private static String detail(String message) {
        return message == null || message.isBlank() ? "" : ": " + message;
    }

    private static boolean about(Event e, Pod pod) {
        return e.getInvolvedObject() != null && "Pod".equals(e.getInvolvedObject().getKind())
                && pod.getMetadata().getName().equals(e.getInvolvedObject().getName());
    }

    private static int count(Event e) {
        return e.getCount() == null ? 1 : e.getCount();
    }

    static boolean running(Pod pod) {
        return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
    }

    static boolean ready(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }
}
