package io.mlship.sandbox.vertex;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Vertex AI names every resource with the project's number ({@code projects/123456789012/locations/…}) whatever a
 * request called it by; requests may name the project by id or number. The emulator does the same: a project id
 * stands for a stable number of its own, and every name in a request is turned into that form before the
 * emulator's state sees it, so what it stores and answers carries numbers only.
 */
public final class ProjectNumbers {
    private static final Pattern PROJECT = Pattern.compile("(?<![A-Za-z0-9_/-])projects/([^/\\s]+)(?=/)");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");
    /** Values that hold users' data, not resource names: a prediction instance is never rewritten. */
    private static final List<String> DATA_TYPES = List.of("google.protobuf.Struct", "google.protobuf.Value",
            "google.protobuf.ListValue");

    private ProjectNumbers() {
    }

    /** The project's number: itself when it is one, else 12 digits that are the same for the id every time. */
    public static String of(String project) {
        if (NUMBER.matcher(project).matches()) {
            return project;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(project.getBytes(StandardCharsets.UTF_8));
            long n = 0;
            for (int i = 0; i < 8; i++) {
                n = (n << 8) | (hash[i] & 0xff);
            }
            return Long.toString(100_000_000_000L + Math.floorMod(n, 900_000_000_000L));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code text} with every {@code projects/<id>/} in it turned into {@code projects/<number>/}. */
    public static String canonical(String text) {
        Matcher m = PROJECT.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("projects/" + of(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A request with every resource name in it (nested messages too) in the numbered form. */
    @SuppressWarnings("unchecked")
    public static <M extends Message> M canonical(M request) {
        if (DATA_TYPES.contains(request.getDescriptorForType().getFullName())) {
            return request;
        }
        Message.Builder b = request.toBuilder();
        for (Map.Entry<FieldDescriptor, Object> f : request.getAllFields().entrySet()) {
            Object value = f.getValue();
            if (f.getKey().isRepeated()) {
                List<Object> items = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    items.add(rewritten(item));
                }
                b.setField(f.getKey(), items);
            } else {
                b.setField(f.getKey(), rewritten(value));
            }
        }
        return (M) b.build();
    }

    private static Object rewritten(Object value) {
        if (value instanceof String s) {
            return canonical(s);
        }
        if (value instanceof Message m) {
            return canonical(m);
        }
        return value;
    }
}
