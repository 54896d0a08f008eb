package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The rules of version aliases: each names at most one version of a model; "default" always names one. */
final class VersionAliases {
    static final String DEFAULT = "default";
    static final Pattern ALIAS = Pattern.compile("[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]");

    private VersionAliases() {
    }

    static void check(String alias) {
        if (!ALIAS.matcher(alias).matches()) {
            throw ApiError.invalid("version alias '" + alias + "' must match " + ALIAS.pattern());
        }
        if (alias.matches("[0-9]+")) {
            throw ApiError.invalid("version alias '" + alias + "' looks like a version id");
        }
    }

    /** An alias names one version of a model: adding it somewhere takes it from where it was. */
    static void take(List<Model> versions, String alias) {
        for (int i = 0; i < versions.size(); i++) {
            Model v = versions.get(i);
            if (v.getVersionAliasesList().contains(alias)) {
                List<String> kept = new ArrayList<>(v.getVersionAliasesList());
                kept.remove(alias);
                versions.set(i, v.toBuilder().clearVersionAliases().addAllVersionAliases(kept).build());
            }
        }
    }

    /** A MergeVersionAliases request's list: aliases to add, and ("-alias") to remove. */
    record Change(List<String> add, List<String> remove) {

        static Change parse(List<String> requested) {
            if (requested.isEmpty()) {
                throw ApiError.invalid("version_aliases is empty");
            }
            List<String> add = new ArrayList<>();
            List<String> remove = new ArrayList<>();
            for (String a : requested) {
                boolean minus = a.startsWith("-");
                String alias = minus ? a.substring(1) : a;
                check(alias);
                if (DEFAULT.equals(alias) && minus) {
                    throw ApiError.invalid("the 'default' alias cannot be removed; move it to another version instead");
                }
                (minus ? remove : add).add(alias);
            }
            for (String a : add) {
                if (remove.contains(a)) {
                    throw ApiError.invalid("alias '" + a + "' is both added and removed");
                }
            }
            return new Change(List.copyOf(add), List.copyOf(remove));
        }

        /** The aliases a version has after the change, given those it has now. */
        List<String> applyTo(List<String> current) {
            List<String> aliases = new ArrayList<>(current);
            aliases.removeAll(remove);
            for (String a : add) {
                if (!aliases.contains(a)) {
                    aliases.add(a);
                }
            }
            return aliases;
        }
    }
}
