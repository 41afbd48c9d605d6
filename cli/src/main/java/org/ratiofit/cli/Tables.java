package org.ratiofit.cli;

import java.util.List;

/** Plain-text tables for the terminal: first column left-aligned, the others right-aligned. */
final class Tables {

    private Tables() {
    }

    static String format(List<String> header, List<List<String>> rows) {
        int n = header.size();
        int[] w = new int[n];
        for (int j = 0; j < n; j++) {
            w[j] = header.get(j).length();
        }
        for (List<String> r : rows) {
            if (r.size() != n) {
                throw new IllegalArgumentException("table row has " + r.size() + " cells, header has " + n);
            }
            for (int j = 0; j < n; j++) {
                w[j] = Math.max(w[j], r.get(j).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        int total = 0;
        for (int j = 0; j < n; j++) {
            total += w[j] + (j > 0 ? 2 : 0);
        }
        sb.append("-".repeat(total)).append('\n');
        for (List<String> r : rows) {
            line(sb, r, w);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w) {
        for (int j = 0; j < cells.size(); j++) {
            String c = cells.get(j);
            if (j == 0) {
                sb.append(c).append(" ".repeat(w[j] - c.length()));
            } else {
                sb.append("  ").append(" ".repeat(w[j] - c.length())).append(c);
            }
        }
        // no trailing blanks
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == ' ') {
            end--;
        }
        sb.setLength(end);
        sb.append('\n');
    }
}
