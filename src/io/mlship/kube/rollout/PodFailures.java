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

/** Reads why a pod of a rollout cannot become ready, from its container statuses and its events. */
final class PodFailures {
    private static final Set<String> PULL_FAILURES = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName");
    private static final Set<String> CONFIG_FAILURES = Set.of("CreateContainerConfigError", "CreateContainerError");

    private PodFailures() {
    }

    /** A failure that will not fix itself, or empty while the pod may still come up. */
    static Optional<String> failure(Pod pod, Collection<Event> events, int readinessFailureThreshold) {
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
                return Optional.of("container " + cs.getName() + " cannot start (" + reason + ")" + detail(waiting.getMessage()));
            }
        }
        if (running(pod) && !ready(pod)) {
            Optional<Event> probe = events.stream().filter(e -> about(e, pod) && "Unhealthy".equals(e.getReason())
                    && e.getMessage() != null && e.getMessage().startsWith("Readiness probe failed")).findFirst();
            if (probe.isPresent() && count(probe.get()) >= readinessFailureThreshold) {
                return Optional.of("pod " + pod.getMetadata().getName() + " never became ready: "
                        + probe.get().getMessage() + " (" + count(probe.get()) + " times)");
            }
        }
        return Optional.empty();
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

    private static boolean running(Pod pod) {
        return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
    }

    private static boolean ready(Pod pod) {
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
