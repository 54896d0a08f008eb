package io.mlship.kube.apply;

import java.util.List;

/** What a deploy does to one object, with the changed fields for an update. */
public record Change(ObjectKey key, Action action, List<String> fields) {

    public enum Action {
        CREATE("+"), UPDATE("~"), UNCHANGED("="), PRUNE("-");

        private final String mark;

        Action(String mark) {
            this.mark = mark;
        }

        public String mark() {
            return mark;
        }
    }

    public Change {
        fields = List.copyOf(fields);
    }

    public boolean changes() {
        return action != Action.UNCHANGED;
    }
}
