package io.mlship.fuzz;

import java.util.Random;

/** Line-level mutations the seeded fuzzers share: keys swapped, indentation broken, tokens inserted, characters flipped. */
public final class LineMutations {
    private LineMutations() {
    }

    public static String replaceKey(String line, String key) {
        int colon = line.indexOf(':');
        return colon < 0 ? line : indentOf(line) + key + line.substring(colon);
    }

    public static String reindent(String line, Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> line.stripLeading();
            case 1 -> "\t" + line;
            default -> " ".repeat(1 + r.nextInt(3)) + line;
        };
    }

    public static String indentOf(String line) {
        return line.substring(0, line.length() - line.stripLeading().length());
    }

    public static String insert(String line, String token, Random r) {
        int at = line.isEmpty() ? 0 : r.nextInt(line.length() + 1);
        return line.substring(0, at) + token + line.substring(at);
    }

    public static String flip(String line, Random r) {
        if (line.isEmpty()) {
            return String.valueOf((char) r.nextInt(128));
        }
        char[] chars = line.toCharArray();
        chars[r.nextInt(chars.length)] = (char) r.nextInt(r.nextBoolean() ? 32 : 0x3000);
        return new String(chars);
    }
}
