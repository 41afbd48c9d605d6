package org.ratiofit.ratio.data;

import java.util.Collection;

/** "Did you mean" suggestions for misspelt names (column names, configuration keys). */
public final class Names {

    private Names() {}

    /**
     * The candidate closest to {@code name} by case-insensitive edit distance, when close enough to
     * be a likely typo (at most a third of the name's length, at least 1, or a case-only
     * difference); null otherwise.
     */
    public static String closest(String name, Collection<String> candidates) {
        if (name == null) {
            return null;
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(name.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        int allowed = Math.max(1, name.length() / 3);
        return best != null && bestDistance <= allowed ? best : null;
    }

    /** Levenshtein distance (insertions, deletions, substitutions), two rows of memory. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
