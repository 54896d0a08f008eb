package io.mlship.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The wheels of an {@code image.python.wheels} folder (given without requirements) that pip is handed for one
 * target: a folder may hold a wheel per machine of the same project, and pip refuses any file given to it that
 * does not fit. So per project, the wheels built for the target's machine (or for any); a project with none of
 * them keeps all its wheels, and pip refuses them naming the wheel and the target.
 */
final class PlatformWheels {
    private PlatformWheels() {
    }

    static List<Path> forTarget(List<Path> wheels, PythonTarget target) {
        Map<String, List<Path>> byProject = new LinkedHashMap<>();
        for (Path wheel : wheels) {
            String project = wheel.getFileName().toString().split("-", 2)[0].toLowerCase(Locale.ROOT)
                    .replaceAll("[-_.]+", "-");
            byProject.computeIfAbsent(project, p -> new ArrayList<>()).add(wheel);
        }
        List<Path> out = new ArrayList<>();
        for (List<Path> files : byProject.values()) {
            List<Path> fitting = files.stream().filter(w -> fitsMachine(w, target.arch())).toList();
            out.addAll(fitting.isEmpty() ? files : fitting);
        }
        return out;
    }

    /** The file name's platform tag (its last part; compressed tag sets joined by '.') names the machine or any. */
    static boolean fitsMachine(Path wheel, String arch) {
        String name = wheel.getFileName().toString().replaceFirst("\\.whl$", "");
        String platformTag = name.substring(name.lastIndexOf('-') + 1);
        for (String tag : platformTag.split("\\.")) {
            if (tag.equals("any") || tag.endsWith("_" + arch)) {
                return true;
            }
        }
        return false;
    }
}
