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

    /** Opens a CSV file, reading only its header; chunks read in order are parsed as they are asked for. */
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
        try (Cursor c = new Cursor(file)) {
            return c.next(columns, Integer.MAX_VALUE);
        }
    }

    /** Counts the events (data lines) without parsing numbers. */
    static long countEvents(Path file) throws IOException {
        requireFile(file);
        long n = -1; // the first non-comment line is the header
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!skip(line)) {
                    n++;
                }
            }
        }
        if (n < 0) {
            throw new EventFileException(file + ": empty CSV file (no header row)");
        }
        return n;
    }

    /** Reads a CSV file front to back, a given number of events at a time. */
    static final class Cursor implements AutoCloseable {
        private final Path file;
        private final BufferedReader in;
        private final List<String> header;
        private int lineNo;
        /** Events parsed so far: the index (from 0) of the next one. */
        private long events;

        Cursor(Path file) throws IOException {
            requireFile(file);
            this.file = file;
            this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            List<String> h = null;
            try {
                String line;
                while (h == null && (line = in.readLine()) != null) {
                    lineNo++;
                    if (!skip(line)) {
                        h = parseHeader(file, line, lineNo);
                    }
                }
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
            if (h == null) {
                in.close();
                throw new EventFileException(file + ": empty CSV file (no header row)");
            }
            this.header = h;
        }

        /** Parses up to {@code maxRows} further events of the named columns (all when null). */
        EventTable next(List<String> columns, int maxRows) throws IOException {
            List<String> wanted = columns == null ? header : columns;
            // Where does each file column go (-1: not read)? Lets the scan parse only what is asked.
            int[] target = new int[header.size()];
            Arrays.fill(target, -1);
            for (int j = 0; j < wanted.size(); j++) {
                int k = header.indexOf(wanted.get(j));
                if (k < 0) {
                    throw new EventFileException(EventTable.missingColumnMessage(file.toString(), wanted.get(j), header));
                }
                target[k] = j;
            }
            int capacity = Math.min(maxRows, 1024);
            double[][] values = new double[wanted.size()][capacity];
            int n = 0;
            String line;
            while (n < maxRows && (line = in.readLine()) != null) {
                lineNo++;
                if (skip(line)) {
                    continue;
                }
                if (n == capacity) {
                    // Doubling keeps the total copying linear in the number of events.
                    capacity = (int) Math.min(Math.min((long) capacity * 2, Integer.MAX_VALUE - 8), maxRows);
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
                            throw new EventFileException(file + ": " + at(n) + " has more than the "
                                    + header.size() + " fields of the header");
                        }
                        int j = target[field];
                        if (j >= 0) {
                            values[j][n] = parseNumber(file, at(n), header.get(field), line, start, p);
                        }
                        field++;
                        start = p + 1;
                    }
                }
                if (field != header.size()) {
                    throw new EventFileException(file + ": " + at(n) + " has " + field + " fields but the header has "
                            + header.size());
                }
                n++;
            }
            events += n;
            LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
            for (int j = 0; j < wanted.size(); j++) {
                out.put(wanted.get(j), n == capacity ? values[j] : Arrays.copyOf(values[j], n));
            }
            // with no column asked for, the rows are still counted
            return new EventTable(file.toString(), out, n);
        }

        /** "line L (event E, counted from 0)": the file's line as an editor counts it, and the event's index. */
        private String at(int inChunk) {
            return "line " + lineNo + " (event " + (events + inChunk) + ", counted from 0)";
        }

        @Override
        public void close() throws IOException {
            in.close();
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

    private static double parseNumber(Path file, String where, String column, String line, int from, int to) {
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
                default -> throw new EventFileException(file + ": " + where + ", column '" + column
                        + "': '" + t + "' is not a number");
            }
        }
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new EventFileException(file + ": no such file");
        }
    }

    /**
     * Reads chunks in order straight from the file (bounded memory); a read out of order, after
     * the first, parses the whole file once and serves ranges from memory.
     */
    private static final class Source implements EventSource {
        private final Path file;
        private final List<String> header;
        private EventTable all;
        private Cursor cursor;
        private long nextEvent;
        private long size = -1;

        Source(Path file, List<String> header) {
            this.file = file;
            this.header = List.copyOf(header);
        }

        @Override public Path file() { return file; }
        @Override public EventFormat format() { return EventFormat.CSV; }
        @Override public String describe() { return file.toString(); }
        @Override public List<String> columnNames() { return header; }

        @Override
        public long size() throws IOException {
            if (size < 0) {
                size = all != null ? all.size() : countEvents(file);
            }
            return size;
        }

        @Override
        public EventTable read(List<String> columns, long start, int count) throws IOException {
            List<String> cols = resolve(columns);
            long n = size();
            if (start < 0 || count < 0 || start + count > n) {
                throw new IndexOutOfBoundsException(file + ": events [" + start + ", " + (start + count) + ") of " + n);
            }
            if (all == null && (cursor == null || start != nextEvent) && start != 0) {
                closeCursor();
                all = CsvEvents.read(file, null);
            }
            if (all != null) {
                EventTable t = all.select(cols);
                return start == 0 && count == all.size() ? t : t.slice((int) start, (int) start + count);
            }
            if (cursor == null || start != nextEvent) {
                closeCursor();
                cursor = new Cursor(file);
                nextEvent = 0;
            }
            EventTable t = cursor.next(cols, count);
            nextEvent += t.size();
            if (t.size() != count) {
                throw new EventFileException(file + ": expected " + count + " more events at event " + start
                        + " but the file ended after " + t.size() + " (did it change while being read?)");
            }
            return t;
        }

        private void closeCursor() throws IOException {
            if (cursor != null) {
                cursor.close();
                cursor = null;
            }
        }

        @Override
        public void close() throws IOException {
            all = null;
            closeCursor();
        }
    }
}
