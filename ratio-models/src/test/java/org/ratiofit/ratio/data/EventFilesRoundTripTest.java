package org.ratiofit.ratio.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Seeded random tables written in every format and read back bit for bit, whole and in chunks. */
class EventFilesRoundTripTest {

    @TempDir
    Path dir;

    enum Layout {
        CSV("t.csv", ReadOptions.DEFAULT),
        HDF5_ROOT("t.h5", ReadOptions.DEFAULT),
        HDF5_GROUP("t.hdf5", ReadOptions.group("/sample/events")),
        NPY_STRUCTURED("t.npy", ReadOptions.DEFAULT),
        NPY_MATRIX("t.npy", null),
        NPZ("t.npz", ReadOptions.DEFAULT);

        final String fileName;
        final ReadOptions options;

        Layout(String fileName, ReadOptions options) {
            this.fileName = fileName;
            this.options = options;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Layout l : Layout.values()) {
            for (long seed = 1; seed <= 6; seed++) {
                out.add(Arguments.of(l, seed));
            }
        }
        return out.stream();
    }

    static EventTable randomTable(long seed, boolean allowEmpty) {
        Random rnd = new Random(seed);
        String[] pool = {"pt_lead", "eta", "phi", "m_jj", "weight", "score", "n_jets", "x0", "x1", "MET"};
        int k = 1 + rnd.nextInt(5);
        int n = allowEmpty && seed % 5 == 0 ? 0 : 1 + rnd.nextInt(400);
        LinkedHashMap<String, double[]> cols = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(List.of(pool));
        java.util.Collections.shuffle(names, rnd);
        for (int j = 0; j < k; j++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (rnd.nextInt(8)) {
                    case 0 -> rnd.nextInt(20) - 10;
                    case 1 -> Math.scalb(rnd.nextGaussian(), rnd.nextInt(200) - 100);
                    case 2 -> -0.0;
                    case 3 -> i == 0 ? Double.NaN : rnd.nextDouble();
                    case 4 -> i == 1 ? Double.POSITIVE_INFINITY : Double.MIN_VALUE * rnd.nextInt(3);
                    default -> rnd.nextGaussian() * 1e3;
                };
            }
            cols.put(names.get(j), v);
        }
        return new EventTable("random seed " + seed, cols);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void writesAndReadsBackEveryBit(Layout layout, long seed) throws IOException {
        boolean hdf5 = layout == Layout.HDF5_ROOT || layout == Layout.HDF5_GROUP;
        EventTable t = randomTable(seed, !hdf5);
        Path f = dir.resolve(layout.fileName);
        ReadOptions opts = layout.options != null ? layout.options : ReadOptions.columns(t.columnNames());
        EventFiles.write(f, t, opts);
        // The 2-D .npy finds its names in the side file, not in the options.
        ReadOptions readOpts = layout == Layout.NPY_MATRIX ? ReadOptions.DEFAULT : opts;

        List<String> names = EventFiles.columnNames(f, readOpts);
        if (hdf5) {
            // An HDF5 group has no column order of its own (links come back sorted by name).
            assertEquals(t.columnNames().stream().sorted().toList(), names.stream().sorted().toList(),
                    layout + " seed " + seed + ": column names");
        } else {
            assertEquals(t.columnNames(), names, layout + " seed " + seed + ": column names");
        }
        EventTable back = EventFiles.read(f, readOpts, null);
        assertSame(t, back.select(t.columnNames()), layout + " seed " + seed);

        Random rnd = new Random(seed * 31 + 7);
        try (EventSource src = EventFiles.open(f, readOpts)) {
            assertEquals(t.size(), src.size(), layout + " seed " + seed + ": event count");
            List<String> subset = new ArrayList<>(t.columnNames());
            java.util.Collections.shuffle(subset, rnd);
            subset = subset.subList(0, 1 + rnd.nextInt(subset.size()));
            List<EventTable> parts = new ArrayList<>();
            int chunk = 1 + rnd.nextInt(64);
            for (long s = 0; s < src.size(); s += chunk) {
                parts.add(src.read(subset, s, (int) Math.min(chunk, src.size() - s)));
            }
            EventTable joined = EventTable.concat("chunks", parts);
            assertSame(t.select(subset), parts.isEmpty() ? src.read(subset, 0, 0) : joined,
                    layout + " seed " + seed + " chunks of " + chunk);
        }
        // Ranges out of order, each from a fresh source and then from the same one.
        try (EventSource src = EventFiles.open(f, readOpts)) {
            for (int r = 0; r < 4; r++) {
                int from = t.size() == 0 ? 0 : rnd.nextInt(t.size());
                int to = from + (t.size() == 0 ? 0 : rnd.nextInt(t.size() - from + 1));
                assertSame(t.slice(from, to), src.read(t.columnNames(), from, to - from).select(t.columnNames()),
                        layout + " seed " + seed + " range [" + from + ", " + to + ")");
            }
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary file left behind");
        }
    }

    static void assertSame(EventTable expected, EventTable actual, String msg) {
        assertEquals(expected.columnNames(), actual.columnNames(), msg + ": columns");
        assertEquals(expected.size(), actual.size(), msg + ": events");
        for (String c : expected.columnNames()) {
            double[] e = expected.column(c);
            double[] a = actual.column(c);
            for (int i = 0; i < e.length; i++) {
                assertEquals(Double.doubleToLongBits(e[i]), Double.doubleToLongBits(a[i]),
                        msg + ": column " + c + " event " + i + " expected " + e[i] + " got " + a[i]);
            }
        }
    }
}
