package org.ratiofit.ratio.data;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CSV event files: a header row of column names, then one event a line, comma-separated numbers.
 * Blank lines and lines starting with {@code #} are skipped. Besides Java's number syntax it takes
 * NumPy/pandas spellings of special values ({@code nan}, {@code inf}, {@code -inf}). A bad number
 * is an error naming the file, the line and the column.
 */
public final class CsvEvents {

    private CsvEvents() {}

    /** Opens a CSV file, reading only its header; the events are parsed once, on first use. */
    public static EventSource open(Path file) throws IOException {
        return new Source(file, readHeader(file));
    }

    /** The column names of the header row. */
    public static List<String> readHeader(Path file) throws IOException {
        requireFile(file);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (skip(line)) {
                    continue;
                }
                return parseHeader(file, line, lineNo);
            }
        }
        throw new EventFileException(file + ": empty CSV file (no header row)");
    }

    /** Reads the named columns (all when null) of every event. */
    public static EventTable read(Path file, List<String> columns) throws IOException {
        requireFile(file);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            List<String> header = null;
            while (header == null && (line = in.readLine()) != null) {
                lineNo++;
                if (!skip(line)) {
                    header = parseHeader(file, line, lineNo);
                }
            }
            if (header == null) {
                throw new EventFileException(file + ": empty CSV file (no header row)");
            }
            List<String> wanted = columns == null ? header : columns;
            int[] index = new int[wanted.size()];
            for (int j = 0; j < wanted.size(); j++) {
                index[j] = header.indexOf(wanted.get(j));
                if (index[j] < 0) {
                    throw new EventFileException(EventTable.missingColumnMessage(file.toString(), wanted.get(j), header));
                }
            }
            // Where does each file column go (-1: not read)? Lets the scan parse only what is asked.
            int[] target = new int[header.size()];
            Arrays.fill(target, -1);
            for (int j = 0; j < index.length; j++) {
                target[index[j]] = j;
            }
            int capacity = 1024;
            double[][] values = new double[wanted.size()][capacity];
            int n = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (skip(line)) {
                    continue;
                }
                if (n == capacity) {
                    // Doubling keeps the total copying linear in the number of events.
                    capacity = Math.toIntExact(Math.min((long) capacity * 2, Integer.MAX_VALUE - 8));
                    for (int j = 0; j < values.length; j++) {
                        values[j] = Arrays.copyOf(values[j], capacity);
                    }
                }
                int field = 0;
                int start = 0;
                int len = line.length();
                for (int p = 0; p <= len; p++) {
                    if (p == len || line.charAt(p) == ',') {
                        if (field >= header.size()) {
                            throw new EventFileException(file + ": line " + lineNo + " has more than the "
                                    + header.size() + " fields of the header");
                        }
                        int j = target[field];
                        if (j >= 0) {
                            values[j][n] = parseNumber(file, lineNo, header.get(field), line, start, p);
                        }
                        field++;
                        start = p + 1;
                    }
                }
                if (field != header.size()) {
                    throw new EventFileException(file + ": line " + lineNo + " has " + field + " fields but the header has "
                            + header.size());
                }
                n++;
            }
            LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
            for (int j = 0; j < wanted.size(); j++) {
                out.put(wanted.get(j), n == capacity ? values[j] : Arrays.copyOf(values[j], n));
            }
            return new EventTable(file.toString(), out);
        }
    }

    /** Writes a table as CSV with a header row; values in Java's shortest round-trip decimal form. */
    public static void write(Path file, EventTable table) throws IOException {
        List<String> names = table.columnNames();
        for (String n : names) {
            if (n.contains(",") || n.contains("\n") || n.contains("\"")) {
                throw new EventFileException(file + ": column name '" + n + "' cannot be written to CSV");
            }
        }
        double[][] cols = new double[names.size()][];
        for (int j = 0; j < cols.length; j++) {
            cols[j] = table.column(names.get(j));
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(String.join(",", names));
            w.write('\n');
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < table.size(); i++) {
                sb.setLength(0);
                for (int j = 0; j < cols.length; j++) {
                    if (j > 0) {
                        sb.append(',');
                    }
                    sb.append(cols[j][i]);
                }
                sb.append('\n');
                w.append(sb);
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean skip(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '#';
            }
        }
        return true;
    }

    private static List<String> parseHeader(Path file, String line, int lineNo) {
        if (!line.isEmpty() && line.charAt(0) == '\uFEFF') {
            line = line.substring(1);
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String raw : line.split(",", -1)) {
            String n = raw.trim();
            if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) {
                n = n.substring(1, n.length() - 1);
            }
            if (n.isEmpty()) {
                throw new EventFileException(file + ": line " + lineNo + ": empty column name in the header");
            }
            if (!seen.add(n)) {
                throw new EventFileException(file + ": line " + lineNo + ": column '" + n + "' appears twice in the header");
            }
            names.add(n);
        }
        return names;
    }

    private static double parseNumber(Path file, int lineNo, String column, String line, int from, int to) {
        while (from < to && Character.isWhitespace(line.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(line.charAt(to - 1))) {
            to--;
        }
        String t = line.substring(from, to);
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            switch (t.toLowerCase(Locale.ROOT)) {
                case "nan", "+nan", "-nan" -> {
                    return Double.NaN;
                }
                case "inf", "+inf", "infinity", "+infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-inf", "-infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> throw new EventFileException(file + ": line " + lineNo + ", column '" + column
                        + "': '" + t + "' is not a number");
            }
        }
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new EventFileException(file + ": no such file");
        }
    }

    private static final class Source implements EventSource {
        private final Path file;
        private final List<String> header;
        private EventTable all;

        Source(Path file, List<String> header) {
            this.file = file;
            this.header = List.copyOf(header);
        }

        @Override public Path file() { return file; }
        @Override public EventFormat format() { return EventFormat.CSV; }
        @Override public String describe() { return file.toString(); }
        @Override public List<String> columnNames() { return header; }

        private EventTable all() throws IOException {
            if (all == null) {
                // CSV has no index: one full parse, then ranges are served from memory.
                all = CsvEvents.read(file, null);
            }
            return all;
        }

        @Override
        public long size() throws IOException {
            return all().size();
        }

        @Override
        public EventTable read(List<String> columns, long start, int count) throws IOException {
            List<String> cols = resolve(columns);
            EventTable t = all();
            if (start < 0 || count < 0 || start + count > t.size()) {
                throw new IndexOutOfBoundsException(file + ": events [" + start + ", " + (start + count) + ") of " + t.size());
            }
            if (start == 0 && count == t.size()) {
                return t.select(cols);
            }
            return t.select(cols).slice((int) start, (int) start + count);
        }

        @Override
        public void close() {
            all = null;
        }
    }
}
