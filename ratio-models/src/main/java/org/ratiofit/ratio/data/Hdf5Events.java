package org.ratiofit.ratio.data;

import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import io.jhdf.exceptions.HdfException;

/**
 * HDF5 event files, read with jhdf. The events sit at a path inside the file (the root group by
 * default) that is one of:
 * <ul>
 *   <li>a group whose 1-D numeric datasets are the columns (the layout pandas-free writers and
 *       {@code h5py} users produce most often); other children are not columns;</li>
 *   <li>a 1-D compound dataset, one member per column (a NumPy structured array saved with h5py);</li>
 *   <li>a 2-D numeric dataset {@code (events, columns)} with configured column names.</li>
 * </ul>
 * Opening reads only metadata; groups of datasets and 2-D datasets are read a range of rows at a
 * time (jhdf hyperslabs, chunked and compressed storage included); a compound dataset is read
 * whole, once, on first use.
 */
public final class Hdf5Events {

    private Hdf5Events() {}

    public static EventSource open(Path file, ReadOptions options) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new EventFileException(file + ": no such file");
        }
        String group = options == null || options.group() == null || options.group().isBlank() ? "/" : options.group();
        String where = file + "[" + group + "]";
        HdfFile hdf;
        try {
            hdf = new HdfFile(file);
        } catch (HdfException | IllegalArgumentException e) {
            throw new EventFileException(file + ": not a readable HDF5 file: " + e.getMessage(), e);
        }
        try {
            Node node;
            try {
                node = group.equals("/") ? hdf : hdf.getByPath(group);
            } catch (HdfException e) {
                List<String> top = new ArrayList<>(hdf.getChildren().keySet());
                String hint = Names.closest(group.replaceFirst("^/", ""), top);
                throw new EventFileException(file + ": no group or dataset '" + group + "'"
                        + (hint != null ? " (did you mean '/" + hint + "'?)" : "") + "; the root holds " + top);
            }
            if (node instanceof Group g) {
                return groupSource(file, hdf, g, where);
            }
            Dataset d = (Dataset) node;
            if (d.isCompound()) {
                return new CompoundSource(file, hdf, d, where);
            }
            int[] dims = d.getDimensions();
            if (dims.length == 2) {
                List<String> names = options == null ? null : options.columnNames();
                if (names == null) {
                    throw new EventFileException(where + ": a 2-D dataset needs configured column names");
                }
                if (names.size() != dims[1]) {
                    throw new EventFileException(where + ": " + names.size() + " column names given for a dataset of "
                            + dims[1] + " columns");
                }
                return new MatrixSource(file, hdf, d, where, names);
            }
            if (dims.length == 1) {
                LinkedHashMap<String, Dataset> one = new LinkedHashMap<>();
                one.put(d.getName(), d);
                return new ColumnsSource(file, hdf, one, where, dims[0]);
            }
            throw new EventFileException(where + ": expected a group of columns, a compound dataset or a 2-D dataset,"
                    + " found a dataset of shape " + java.util.Arrays.toString(dims));
        } catch (RuntimeException e) {
            hdf.close();
            throw e;
        }
    }

    private static EventSource groupSource(Path file, HdfFile hdf, Group g, String where) {
        LinkedHashMap<String, Dataset> cols = new LinkedHashMap<>();
        long rows = -1;
        String first = null;
        for (Map.Entry<String, Node> e : g.getChildren().entrySet()) {
            if (!(e.getValue() instanceof Dataset d) || d.isCompound() || d.isScalar() || d.isVariableLength()) {
                continue;
            }
            int[] dims = d.getDimensions();
            boolean column = dims.length == 1 || (dims.length == 2 && dims[1] == 1);
            if (!column || !isNumeric(d.getJavaType())) {
                continue;
            }
            if (rows >= 0 && dims[0] != rows) {
                throw new EventFileException(where + ": column '" + e.getKey() + "' has " + dims[0] + " events but column '"
                        + first + "' has " + rows);
            }
            if (rows < 0) {
                rows = dims[0];
                first = e.getKey();
            }
            cols.put(e.getKey(), d);
        }
        if (cols.isEmpty()) {
            throw new EventFileException(where + ": the group holds no 1-D numeric datasets (columns); its children are "
                    + g.getChildren().keySet());
        }
        return new ColumnsSource(file, hdf, cols, where, rows);
    }

    private static boolean isNumeric(Class<?> t) {
        return t == double.class || t == float.class || t == long.class || t == int.class || t == short.class
                || t == byte.class || t == boolean.class || t == BigInteger.class;
    }

    /** Widens a 1-D (or {@code [n][1]}) primitive array that jhdf returned to double. */
    static double[] toDoubles(Object data, String where, String column) {
        if (data instanceof double[] d) {
            return d;
        }
        if (data instanceof float[] f) {
            double[] out = new double[f.length];
            for (int i = 0; i < f.length; i++) out[i] = f[i];
            return out;
        }
        if (data instanceof long[] l) {
            double[] out = new double[l.length];
            for (int i = 0; i < l.length; i++) out[i] = l[i];
            return out;
        }
        if (data instanceof int[] a) {
            double[] out = new double[a.length];
            for (int i = 0; i < a.length; i++) out[i] = a[i];
            return out;
        }
        if (data instanceof short[] s) {
            double[] out = new double[s.length];
            for (int i = 0; i < s.length; i++) out[i] = s[i];
            return out;
        }
        if (data instanceof byte[] b) {
            double[] out = new double[b.length];
            for (int i = 0; i < b.length; i++) out[i] = b[i];
            return out;
        }
        if (data instanceof boolean[] z) {
            double[] out = new double[z.length];
            for (int i = 0; i < z.length; i++) out[i] = z[i] ? 1 : 0;
            return out;
        }
        if (data instanceof BigInteger[] big) {
            double[] out = new double[big.length];
            for (int i = 0; i < big.length; i++) out[i] = big[i].doubleValue();
            return out;
        }
        if (data != null && data.getClass().isArray() && data.getClass().getComponentType().isArray()) {
            // [n][1] column stored as 2-D.
            int n = Array.getLength(data);
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                Object row = Array.get(data, i);
                if (Array.getLength(row) != 1) {
                    throw new EventFileException(where + ", column '" + column + "': expected one value per event");
                }
                out[i] = toDoubles(row, where, column)[0];
            }
            return out;
        }
        throw new EventFileException(where + ", column '" + column + "': unsupported data type "
                + (data == null ? "null" : data.getClass().getSimpleName()) + " (expected numbers)");
    }

    private static void checkRange(String where, long start, int count, long rows) {
        if (start < 0 || count < 0 || start + count > rows) {
            throw new IndexOutOfBoundsException(where + ": events [" + start + ", " + (start + count) + ") of " + rows);
        }
    }

    /**
     * Writes each column as a 1-D float64 dataset in {@code group} ("/" or a name directly under the
     * root) of a new HDF5 file, written to a temporary file and then renamed.
     */
    public static void write(Path file, EventTable table, String group) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (WritableHdfFile out = HdfFile.write(tmp)) {
            WritableGroup g = out;
            if (group != null && !group.isBlank() && !group.equals("/")) {
                for (String part : group.replaceFirst("^/", "").split("/")) {
                    g = g.putGroup(part);
                }
            }
            for (String name : table.columnNames()) {
                g.putDataset(name, table.column(name));
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private abstract static class Base implements EventSource {
        final Path file;
        final HdfFile hdf;
        final String where;

        Base(Path file, HdfFile hdf, String where) {
            this.file = file;
            this.hdf = hdf;
            this.where = where;
        }

        @Override public Path file() { return file; }
        @Override public EventFormat format() { return EventFormat.HDF5; }
        @Override public String describe() { return where; }

        @Override
        public void close() {
            hdf.close();
        }

        Object slice(Dataset d, long[] offset, int[] shape, String column) {
            try {
                return d.getData(offset, shape);
            } catch (HdfException e) {
                throw new EventFileException(where + ", column '" + column + "': " + e.getMessage(), e);
            }
        }
    }

    private static final class ColumnsSource extends Base {
        private final LinkedHashMap<String, Dataset> columns;
        private final long rows;

        ColumnsSource(Path file, HdfFile hdf, LinkedHashMap<String, Dataset> columns, String where, long rows) {
            super(file, hdf, where);
            this.columns = columns;
            this.rows = rows;
        }

        @Override public List<String> columnNames() { return List.copyOf(columns.keySet()); }
        @Override public long size() { return rows; }

        @Override
        public EventTable read(List<String> cols, long start, int count) {
            List<String> names = resolve(cols);
            checkRange(where, start, count, rows);
            LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
            for (String c : names) {
                Dataset d = columns.get(c);
                if (count == 0) {
                    out.put(c, new double[0]);
                    continue;
                }
                boolean twoD = d.getDimensions().length == 2;
                Object data = twoD ? slice(d, new long[] {start, 0}, new int[] {count, 1}, c)
                        : slice(d, new long[] {start}, new int[] {count}, c);
                out.put(c, toDoubles(data, where, c));
            }
            return new EventTable(where, out);
        }
    }

    private static final class MatrixSource extends Base {
        private final Dataset dataset;
        private final List<String> names;

        MatrixSource(Path file, HdfFile hdf, Dataset dataset, String where, List<String> names) {
            super(file, hdf, where);
            this.dataset = dataset;
            this.names = List.copyOf(names);
        }

        @Override public List<String> columnNames() { return names; }
        @Override public long size() { return dataset.getDimensions()[0]; }

        @Override
        public EventTable read(List<String> cols, long start, int count) {
            List<String> wanted = resolve(cols);
            checkRange(where, start, count, size());
            LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
            if (count == 0) {
                for (String c : wanted) out.put(c, new double[0]);
                return new EventTable(where, out);
            }
            Object rowsData = slice(dataset, new long[] {start, 0}, new int[] {count, names.size()}, wanted.get(0));
            for (String c : wanted) {
                int j = names.indexOf(c);
                double[] v = new double[count];
                for (int i = 0; i < count; i++) {
                    Object row = Array.get(rowsData, i);
                    v[i] = ((Number) Array.get(row, j)).doubleValue();
                }
                out.put(c, v);
            }
            return new EventTable(where, out);
        }
    }

    private static final class CompoundSource extends Base {
        private final Dataset dataset;
        private final List<String> names;
        private Map<String, double[]> all;

        CompoundSource(Path file, HdfFile hdf, Dataset dataset, String where) {
            super(file, hdf, where);
            this.dataset = dataset;
            if (dataset.getDimensions().length != 1) {
                throw new EventFileException(where + ": a compound dataset of events must be 1-D, found shape "
                        + java.util.Arrays.toString(dataset.getDimensions()));
            }
            List<String> n = new ArrayList<>();
            for (io.jhdf.object.datatype.CompoundDataType.CompoundDataMember m
                    : ((io.jhdf.object.datatype.CompoundDataType) dataset.getDataType()).getMembers()) {
                n.add(m.getName());
            }
            this.names = List.copyOf(n);
        }

        @Override public List<String> columnNames() { return names; }
        @Override public long size() { return dataset.getDimensions()[0]; }

        @Override
        public EventTable read(List<String> cols, long start, int count) {
            List<String> wanted = resolve(cols);
            checkRange(where, start, count, size());
            if (all == null) {
                Map<?, ?> data;
                try {
                    data = (Map<?, ?>) dataset.getData();
                } catch (HdfException e) {
                    throw new EventFileException(where + ": " + e.getMessage(), e);
                }
                LinkedHashMap<String, double[]> m = new LinkedHashMap<>();
                for (String c : names) {
                    m.put(c, toDoubles(data.get(c), where, c));
                }
                all = m;
            }
            LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
            for (String c : wanted) {
                double[] v = all.get(c);
                out.put(c, start == 0 && count == v.length ? v : java.util.Arrays.copyOfRange(v, (int) start, (int) start + count));
            }
            return new EventTable(where, out);
        }
    }
}
