package io.mlship.jenkins

/** "Did you mean" for misspelt parameter names. Index loops only: see {@link StepMetadata}. */
class Names implements Serializable {
    private static final long serialVersionUID = 1L

    /** The candidate closest to {@code given}, or null when none is close enough to be a plausible typo. */
    static String closest(String given, List<String> candidates) {
        String best = null
        int bestDistance = Integer.MAX_VALUE
        for (int i = 0; i < candidates.size(); i++) {
            String candidate = candidates[i]
            int d = distance(given.toLowerCase(), candidate.toLowerCase())
            if (d < bestDistance) {
                best = candidate
                bestDistance = d
            }
        }
        // Allow about one edit per three characters, at least two: 'evn' -> 'env', not 'x' -> 'spec'.
        int allowed = Math.max(2, (int) (given.length() / 3))
        return bestDistance <= allowed && bestDistance < given.length() ? best : null
    }

    /** Levenshtein distance, counting a swap of two neighbours as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1]
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1
                int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost)
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1)
                }
                d[i][j] = best
            }
        }
        return d[a.length()][b.length()]
    }
}
