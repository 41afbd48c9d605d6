package org.ratiofit.ratio.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Events as named columns: one contiguous {@code double[]} per column, all of the same length
 * (structure of arrays, so per-event loops read one array at a time).
 *
 * <p>The table does not copy the arrays it is given, and {@link #column(String)} returns the
 * stored array itself: callers that change it change the table.
 */
public final class EventTable {

    private final String source;
    private final LinkedHashMap<String, double[]> columns;
    private final int size;

    /**
     * @param source names where the events came from (a file, "file[group]"), for error messages
     * @param columns column name to values, in column order; every array of the same length
     */
    public EventTable(String source, Map<String, double[]> columns) {
        this(source, columns, -1);
    }

    /**
     * A table that knows its number of events even without columns (a pass that reads no column of
     * a file, e.g. an unweighted sample without a selection, still counts its events).
     *
     * @param events the number of events, or -1 to take it from the columns
     */
    public EventTable(String source, Map<String, double[]> columns, int events) {
        this.source = source;
        this.columns = new LinkedHashMap<>(columns);
        int n = -1;
        String first = null;
        for (Map.Entry<String, double[]> e : this.columns.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException(source + ": column '" + e.getKey() + "' has no values");
            }
            if (n < 0) {
                n = e.getValue().length;
                first = e.getKey();
            } else if (e.getValue().length != n) {
                throw new EventFileException(source + ": column '" + e.getKey() + "' has " + e.getValue().length
                        + " events but column '" + first + "' has " + n);
            }
        }
        if (events >= 0 && n >= 0 && n != events) {
            throw new EventFileException(source + ": column '" + first + "' has " + n + " events, expected " + events);
        }
        this.size = n >= 0 ? n : Math.max(events, 0);
    }

    public String source() {
        return source;
    }

    /** The number of events. */
    public int size() {
        return size;
    }

    public List<String> columnNames() {
        return Collections.unmodifiableList(new ArrayList<>(columns.keySet()));
    }

    public boolean hasColumn(String name) {
        return columns.containsKey(name);
    }

    /** The stored values of a column; an error naming the source, the column and the closest name if absent. */
    public double[] column(String name) {
        double[] c = columns.get(name);
        if (c == null) {
            throw new EventFileException(missingColumnMessage(source, name, columns.keySet()));
        }
        return c;
    }

    /** A table of the named columns only, in the given order (no copy of the arrays). */
    public EventTable select(Collection<String> names) {
        LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, column(n));
        }
        return new EventTable(source, out, size);
    }

    /** The events whose mask entry is true, as a new table (copies). */
    public EventTable filter(boolean[] mask) {
        if (mask.length != size) {
            throw new IllegalArgumentException(source + ": mask of " + mask.length + " entries for " + size + " events");
        }
        int kept = 0;
        for (boolean b : mask) {
            if (b) {
                kept++;
            }
        }
        LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : columns.entrySet()) {
            double[] src = e.getValue();
            double[] dst = new double[kept];
            int j = 0;
            for (int i = 0; i < size; i++) {
                if (mask[i]) {
                    dst[j++] = src[i];
                }
            }
            out.put(e.getKey(), dst);
        }
        return new EventTable(source, out, kept);
    }

    /** Events {@code [from, to)} as a new table (copies). */
    public EventTable slice(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException(source + ": slice [" + from + ", " + to + ") of " + size + " events");
        }
        LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : columns.entrySet()) {
            out.put(e.getKey(), java.util.Arrays.copyOfRange(e.getValue(), from, to));
        }
        return new EventTable(source, out, to - from);
    }

    /**
     * Packs events {@code [from, to)} of the named columns row-major into {@code out} (event-major,
     * feature-minor: the layout of an ONNX {@code [batch, features]} input), narrowing to float32.
     * {@code out} must hold at least {@code (to - from) * features.size()} values.
     */
    public void packRowMajor(List<String> features, int from, int to, float[] out) {
        int k = features.size();
        if ((long) (to - from) * k > out.length) {
            throw new IllegalArgumentException("output buffer of " + out.length + " floats is too small for "
                    + (to - from) + " events x " + k + " features");
        }
        for (int j = 0; j < k; j++) {
            double[] c = column(features.get(j));
            for (int i = from, r = j; i < to; i++, r += k) {
                out[r] = (float) c[i];
            }
        }
    }

    /** Joins tables with the same columns end to end (one copy, sized once). */
    public static EventTable concat(String source, List<EventTable> parts) {
        if (parts.isEmpty()) {
            return new EventTable(source, Map.of());
        }
        List<String> names = parts.get(0).columnNames();
        long total = 0;
        for (EventTable t : parts) {
            if (!t.columnNames().equals(names)) {
                throw new IllegalArgumentException(source + ": cannot join tables with columns " + names + " and "
                        + t.columnNames());
            }
            total += t.size();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new EventFileException(source + ": " + total + " events do not fit in one table; read in chunks");
        }
        LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
        for (String n : names) {
            double[] dst = new double[(int) total];
            int at = 0;
            for (EventTable t : parts) {
                double[] src = t.column(n);
                System.arraycopy(src, 0, dst, at, src.length);
                at += src.length;
            }
            out.put(n, dst);
        }
        return new EventTable(source, out);
    }

    static String missingColumnMessage(String source, String name, Collection<String> available) {
        String hint = Names.closest(name, available);
        return source + ": no column '" + name + "'"
                + (hint != null ? " (did you mean '" + hint + "'?)" : "")
                + "; columns are " + available;
    }

    @Override
    public String toString() {
        return "EventTable[" + source + ", " + size + " events, columns=" + columns.keySet() + "]";
    }
}
