package io.mlship.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Turns {@code mlship validate --params p.json} into ordinary options ({@code --spec=… --env=…}), so the
 * Jenkins steps' parameters go through exactly the parsing and validation a person's command line does,
 * and never through a shell. Keys are option names in camelCase; lists repeat the option; maps become
 * {@code key=value} entries; booleans are written as {@code --flag=true|false}.
 */
final class ParamsFile {
    private static final Pattern KEY = Pattern.compile("[a-z][A-Za-z0-9]*");
    private static final long MAX_BYTES = 1024 * 1024;
    private final java.util.function.Supplier<ObjectMapper> json;

    /** {@code json} is asked for only when there is a params file to read. */
    ParamsFile(java.util.function.Supplier<ObjectMapper> json) {
        this.json = json;
    }

    String[] expand(CommandLine cli, String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--params") && i + 1 < args.length) {
                out.addAll(read(cli, Path.of(args[++i])));
            } else if (arg.startsWith("--params=")) {
                out.addAll(read(cli, Path.of(arg.substring("--params=".length()))));
            } else {
                out.add(arg);
            }
        }
        return out.toArray(String[]::new);
    }

    private List<String> read(CommandLine cli, Path file) {
        JsonNode root;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw bad(cli, "params file " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            root = json.get().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw bad(cli, "params file " + file + " is not valid JSON (line "
                    + (e.getLocation() == null ? 0 : e.getLocation().getLineNr()) + "): " + e.getOriginalMessage());
        } catch (IOException e) {
            throw bad(cli, "cannot read params file " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw bad(cli, "params file " + file + " must hold a JSON object of option names and values");
        }
        List<String> options = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (!KEY.matcher(key).matches() || key.equals("params")) {
                throw bad(cli, "params file " + file + ": '" + key + "' is not an option name (use camelCase, e.g. imageDigest)");
            }
            String option = "--" + kebab(key);
            JsonNode value = e.getValue();
            if (value.isNull()) {
                continue;
            }
            if (value.isArray()) {
                value.forEach(item -> options.add(option + "=" + scalar(cli, file, key, item)));
            } else if (value.isObject()) {
                value.fields().forEachRemaining(entry ->
                        options.add(option + "=" + entry.getKey() + "=" + scalar(cli, file, key, entry.getValue())));
            } else {
                options.add(option + "=" + scalar(cli, file, key, value));
            }
        }
        return options;
    }

    private String scalar(CommandLine cli, Path file, String key, JsonNode value) {
        if (value.isContainerNode()) {
            throw bad(cli, "params file " + file + ": '" + key + "' nests too deep; values are strings, numbers, booleans, lists or maps");
        }
        return value.asText();
    }

    static String kebab(String camel) {
        StringBuilder out = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static CommandLine.ParameterException bad(CommandLine cli, String message) {
        return new CommandLine.ParameterException(cli, message);
    }
}
