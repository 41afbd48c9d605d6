package org.ratiofit.ratio.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.ratiofit.io.Npy;

/**
 * NumPy event files. A {@code .npy} holds a structured array (one field per column), a 2-D array
 * {@code (events, columns)} whose column names come from the configuration or from the side file
 * {@code <name>.columns.txt}, or a 1-D array (one column named after the file). A {@code .npz}
 * holds one 1-D array per column. {@code .npy} files are read a range of rows at a time straight
 * from the file; {@code .npz} members are read whole, one column at a time, when first asked for.
 */
public final class NpyEvents {

    /** Rows decoded per positional read of a {@code .npy}: bounds the byte buffer, not the result. */
    private static final int BLOCK_BYTES = 1 << 24;

    private NpyEvents() {}

    /** The side file naming the columns of a 2-D {@code x.npy}: {@code x.columns.txt}. */
    public static Path columnsFile(Path npy) {
        String name = npy.getFileName().toString();
        String stem = name.toLowerCase(java.util.Locale.ROOT).endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        return npy.resolveSibling(stem + ".columns.txt");
    }

    public static EventSource openNpy(Path file, ReadOptions options) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new EventFileException(file + ": no such file");
        }
        List<String> names = options == null ? null : options.columnNames();
        if (names == null && Files.isRegularFile(columnsFile(file))) {
            names = readColumnsFile(columnsFile(file));
        }
        String stem = file.getFileName().toString().replaceFirst("(?i)\\.npy$", "");
        NpyLayout layout;
        try (InputStream in = Files.newInputStream(file)) {
            layout = NpyLayout.parse(in, file.toString(), names, stem, columnsFile(file).toString());
        }
        long needed = layout.dataStart + layout.rows * (long) layout.stride;
        if (Files.size(file) < needed) {
            throw new EventFileException(file + ": truncated data: the header promises " + layout.rows + " events ("
                    + needed + " bytes), the file has " + Files.size(file));
        }
        return new NpySource(file, layout);
    }

    public static EventSource openNpz(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new EventFileException(file + ": no such file");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (java.util.zip.ZipException e) {
            throw new EventFileException(file + ": not a valid .npz (zip) archive: " + e.getMessage());
        }
        try {
            LinkedHashMap<String, ZipEntry> entries = new LinkedHashMap<>();
            LinkedHashMap<String, NpyLayout> layouts = new LinkedHashMap<>();
            long rows = -1;
            String first = null;
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (e.isDirectory()) {
                    continue;
                }
                String key = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                String where = file + "[" + key + "]";
                NpyLayout l;
                try (InputStream in = zip.getInputStream(e)) {
                    l = NpyLayout.parse(in, where, null, key, null);
                }
                if (l.fields.size() != 1 || !l.fields.get(0).name().equals(key)) {
                    throw new EventFileException(where + ": each array of an .npz of events must be one 1-D column");
                }
                if (rows >= 0 && l.rows != rows) {
                    throw new EventFileException(file + ": column '" + key + "' has " + l.rows + " events but column '"
                            + first + "' has " + rows);
                }
                if (rows < 0) {
                    rows = l.rows;
                    first = key;
                }
                entries.put(key, e);
                layouts.put(key, l);
            }
            if (entries.isEmpty()) {
                throw new EventFileException(file + ": the .npz archive holds no arrays");
            }
            return new NpzSource(file, zip, entries, layouts, rows);
        } catch (IOException | RuntimeException ex) {
            zip.close();
            throw ex;
        }
    }

    static List<String> readColumnsFile(Path f) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.add(t);
            }
        }
        return out;
    }

    /** Writes a 2-D float64 {@code .npy} {@code (events, columns)} and its {@code .columns.txt} side file. */
    public static void writeMatrix(Path file, EventTable table) throws IOException {
        List<String> names = table.columnNames();
        int n = table.size();
        int k = names.size();
        double[] flat = new double[Math.multiplyExact(n, k)];
        for (int j = 0; j < k; j++) {
            double[] c = table.column(names.get(j));
            for (int i = 0; i < n; i++) {
                flat[i * k + j] = c[i];
            }
        }
        Npy.write(file, flat, new int[] {n, k});
        Files.write(columnsFile(file), (String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a structured {@code .npy}: one little-endian float64 field per column. */
    public static void writeStructured(Path file, EventTable table) throws IOException {
        List<String> names = table.columnNames();
        StringBuilder descr = new StringBuilder("[");
        for (int j = 0; j < names.size(); j++) {
            if (names.get(j).contains("'")) {
                throw new EventFileException(file + ": column name '" + names.get(j) + "' cannot be a NumPy field name");
            }
            descr.append(j > 0 ? ", " : "").append("('").append(names.get(j)).append("', '<f8')");
        }
        descr.append(']');
        byte[] header = NpyLayout.header(descr.toString(), "(" + table.size() + ",)");
        int k = names.size();
        ByteBuffer body = ByteBuffer.allocate(Math.multiplyExact(Math.multiplyExact(table.size(), k), 8))
                .order(ByteOrder.LITTLE_ENDIAN);
        double[][] cols = new double[k][];
        for (int j = 0; j < k; j++) {
            cols[j] = table.column(names.get(j));
        }
        for (int i = 0; i < table.size(); i++) {
            for (int j = 0; j < k; j++) {
                body.putDouble(cols[j][i]);
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(header);
            out.write(body.array());
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes an {@code .npz} with one float64 1-D array per column. */
    public static void writeNpz(Path file, EventTable table) throws IOException {
        LinkedHashMap<String, double[]> cols = new LinkedHashMap<>();
        for (String n : table.columnNames()) {
            cols.put(n, table.column(n));
        }
        Npy.writeNpz(file, cols);
    }

    private static void checkRange(String where, long start, int count, long rows) {
        if (start < 0 || count < 0 || start + count > rows) {
            throw new IndexOutOfBoundsException(where + ": events [" + start + ", " + (start + count) + ") of " + rows);
        }
    }

    private static final class NpySource implements EventSource {
        private final Path file;
        private final NpyLayout layout;
        private final FileChannel channel;

        NpySource(Path file, NpyLayout layout) throws IOException {
            this.file = file;
            this.layout = layout;
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
        }

        @Override public Path file() { return file; }
        @Override public EventFormat format() { return EventFormat.NPY; }
        @Override public String describe() { return file.toString(); }
        @Override public List<String> columnNames() { return layout.names(); }
        @Override public long size() { return layout.rows; }

        @Override
        public EventTable read(List<String> columns, long start, int count) throws IOException {
            List<String> cols = resolve(columns);
            checkRange(file.toString(), start, count, layout.rows);
            LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
            for (String c : cols) {
                out.put(c, new double[count]);
            }
            if (layout.fortran) {
                for (String c : cols) {
                    NpyLayout.Field f = layout.field(c);
                    int col = layout.names().indexOf(c);
                    long base = layout.dataStart + ((long) col * layout.rows + start) * f.width();
                    readBlocks(base, f.width(), count, (buf, from, m) -> NpyLayout.decode(f, buf, 0, f.width(), m, out.get(c), from));
                }
            } else {
                List<NpyLayout.Field> fs = new ArrayList<>();
                for (String c : cols) {
                    fs.add(layout.field(c));
                }
                long base = layout.dataStart + start * layout.stride;
                readBlocks(base, layout.stride, count, (buf, from, m) -> {
                    for (int j = 0; j < fs.size(); j++) {
                        NpyLayout.decode(fs.get(j), buf, 0, layout.stride, m, out.get(cols.get(j)), from);
                    }
                });
            }
            return new EventTable(file.toString(), out);
        }

        private interface Block {
            void accept(ByteBuffer buf, int from, int count);
        }

        private void readBlocks(long base, int recordBytes, int count, Block block) throws IOException {
            int perBlock = Math.max(1, BLOCK_BYTES / Math.max(1, recordBytes));
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min((long) perBlock * recordBytes, (long) count * recordBytes));
            for (int from = 0; from < count; from += perBlock) {
                int m = Math.min(perBlock, count - from);
                buf.clear().limit(m * recordBytes);
                long pos = base + (long) from * recordBytes;
                while (buf.hasRemaining()) {
                    int r = channel.read(buf, pos + buf.position());
                    if (r < 0) {
                        throw new EventFileException(file + ": unexpected end of file");
                    }
                }
                buf.flip();
                block.accept(buf, from, m);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static final class NpzSource implements EventSource {
        private final Path file;
        private final ZipFile zip;
        private final LinkedHashMap<String, ZipEntry> entries;
        private final Map<String, NpyLayout> layouts;
        private final long rows;
        private final Map<String, double[]> loaded = new HashMap<>();

        NpzSource(Path file, ZipFile zip, LinkedHashMap<String, ZipEntry> entries, Map<String, NpyLayout> layouts, long rows) {
            this.file = file;
            this.zip = zip;
            this.entries = entries;
            this.layouts = layouts;
            this.rows = rows;
        }

        @Override public Path file() { return file; }
        @Override public EventFormat format() { return EventFormat.NPZ; }
        @Override public String describe() { return file.toString(); }
        @Override public List<String> columnNames() { return List.copyOf(entries.keySet()); }
        @Override public long size() { return rows; }

        private double[] column(String name) throws IOException {
            double[] c = loaded.get(name);
            if (c != null) {
                return c;
            }
            NpyLayout l = layouts.get(name);
            String where = file + "[" + name + "]";
            if (l.rows > Integer.MAX_VALUE - 8) {
                throw new EventFileException(where + ": " + l.rows + " events are too many for one .npz column");
            }
            int n = (int) l.rows;
            int w = l.stride;
            c = new double[n];
            try (InputStream in = zip.getInputStream(entries.get(name))) {
                in.skipNBytes(l.dataStart);
                int perBlock = Math.max(1, BLOCK_BYTES / w);
                byte[] bytes = new byte[(int) Math.min((long) perBlock * w, (long) n * w)];
                for (int from = 0; from < n; from += perBlock) {
                    int m = Math.min(perBlock, n - from);
                    int got = in.readNBytes(bytes, 0, m * w);
                    if (got < m * w) {
                        throw new EventFileException(where + ": truncated data");
                    }
                    NpyLayout.decode(l.fields.get(0), ByteBuffer.wrap(bytes, 0, m * w), 0, w, m, c, from);
                }
            } catch (java.io.EOFException e) {
                throw new EventFileException(where + ": truncated data");
            }
            loaded.put(name, c);
            return c;
        }

        @Override
        public EventTable read(List<String> columns, long start, int count) throws IOException {
            List<String> cols = resolve(columns);
            checkRange(file.toString(), start, count, rows);
            LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
            for (String c : cols) {
                double[] all = column(c);
                out.put(c, start == 0 && count == all.length ? all : java.util.Arrays.copyOfRange(all, (int) start, (int) start + count));
            }
            return new EventTable(file.toString(), out);
        }

        @Override
        public void close() throws IOException {
            loaded.clear();
            zip.close();
        }
    }
}
