package org.ratiofit.ratio.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.io.Npy;

/** Bad event files: every error names the file and, where it applies, the line and the column. */
class EventFileErrorsTest {

    @TempDir
    Path dir;

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "message '" + message + "' should contain '" + p + "'");
        }
    }

    @Test
    void csvBadNumberNamesFileLineAndColumn() throws IOException {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "# a comment\nx,weight\n1.0,2\n\n3.5,abc\n");
        EventFileException e = assertThrows(EventFileException.class, () -> EventFiles.read(f, null, null));
        assertContains(e.getMessage(), f.toString(), "line 5", "column 'weight'", "'abc'");
        // Only the asked columns are parsed, so the bad weight does not stop reading x.
        assertEquals(2, EventFiles.read(f, null, List.of("x")).size());
    }

    @Test
    void csvRowWithWrongFieldCount() throws IOException {
        Path f = dir.resolve("short.csv");
        Files.writeString(f, "a,b,c\n1,2,3\n4,5\n");
        EventFileException e = assertThrows(EventFileException.class, () -> EventFiles.read(f, null, null));
        assertContains(e.getMessage(), f.toString(), "line 3", "2 fields", "3");
    }

    @Test
    void csvAcceptsNumpySpecialValues() throws IOException {
        Path f = dir.resolve("special.csv");
        Files.writeString(f, "a\nnan\ninf\n-inf\n1e-3\n");
        double[] a = EventFiles.read(f, null, null).column("a");
        assertTrue(Double.isNaN(a[0]));
        assertEquals(Double.POSITIVE_INFINITY, a[1]);
        assertEquals(Double.NEGATIVE_INFINITY, a[2]);
        assertEquals(1e-3, a[3]);
    }

    @Test
    void missingColumnSuggestsTheClosestName() throws IOException {
        Path f = dir.resolve("t.npz");
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("pt_lead", new double[] {1, 2});
        cols.put("weight", new double[] {1, 1});
        Npy.writeNpz(f, cols);
        try (EventSource s = EventFiles.open(f, null)) {
            EventFileException e = assertThrows(EventFileException.class, () -> s.read(List.of("pt_led"), 0, 2));
            assertContains(e.getMessage(), f.toString(), "'pt_led'", "did you mean 'pt_lead'");
        }
    }

    @Test
    void npzColumnsOfDifferentLengths() throws IOException {
        Path f = dir.resolve("ragged.npz");
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("a", new double[] {1, 2, 3});
        cols.put("b", new double[] {1, 2});
        Npy.writeNpz(f, cols);
        EventFileException e = assertThrows(EventFileException.class, () -> EventFiles.open(f, null));
        assertContains(e.getMessage(), f.toString(), "'b'", "2 events", "'a'", "3");
    }

    @Test
    void npyMatrixWithoutNamesOrWithTheWrongNumber() throws IOException {
        Path f = dir.resolve("m.npy");
        Npy.write(f, new double[] {1, 2, 3, 4, 5, 6}, new int[] {2, 3});
        EventFileException e = assertThrows(EventFileException.class, () -> EventFiles.open(f, null));
        assertContains(e.getMessage(), f.toString(), "column names", "m.columns.txt");
        EventFileException e2 = assertThrows(EventFileException.class,
                () -> EventFiles.open(f, ReadOptions.columns(List.of("a", "b"))));
        assertContains(e2.getMessage(), f.toString(), "2 column names", "3 columns");
        try (EventSource s = EventFiles.open(f, ReadOptions.columns(List.of("a", "b", "c")))) {
            assertEquals(6.0, s.read(List.of("c"), 1, 1).column("c")[0]);
        }
    }

    @Test
    void npyFormatVersion2HeaderIsRead() throws IOException {
        // Version 2.0 has a 4-byte header length (NumPy writes it for headers over 64 KiB, e.g. many fields).
        String dict = "{'descr': [('a', '<f8'), ('b', '<i2')], 'fortran_order': False, 'shape': (2,), }";
        StringBuilder h = new StringBuilder(dict);
        while ((12 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + h.length() + 2 * 10).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(h.length())
                .put(h.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        b.putDouble(1.5).putShort((short) -7).putDouble(-2.25).putShort((short) 300);
        Path f = dir.resolve("v2.npy");
        Files.write(f, b.array());
        EventTable t = EventFiles.read(f, null, null);
        assertEquals(List.of("a", "b"), t.columnNames());
        assertEquals(List.of(1.5, -2.25), java.util.Arrays.stream(t.column("a")).boxed().toList());
        assertEquals(List.of(-7.0, 300.0), java.util.Arrays.stream(t.column("b")).boxed().toList());
    }

    @Test
    void truncatedNpy() throws IOException {
        Path f = dir.resolve("cut.npy");
        byte[] full = Npy.toBytes(new double[] {1, 2, 3, 4}, new int[] {4});
        Files.write(f, java.util.Arrays.copyOf(full, full.length - 8));
        EventFileException e = assertThrows(EventFileException.class, () -> EventFiles.open(f, null));
        assertContains(e.getMessage(), f.toString(), "truncated");
    }

    @Test
    void hdf5MissingGroupSuggestsTheClosest() throws IOException {
        Path f = dir.resolve("t.h5");
        EventFiles.write(f, new EventTable("t", Map.of("x", new double[] {1, 2})), ReadOptions.group("events"));
        EventFileException e = assertThrows(EventFileException.class, () -> EventFiles.open(f, ReadOptions.group("/event")));
        assertContains(e.getMessage(), f.toString(), "'/event'", "did you mean '/events'");
    }

    @Test
    void missingFileAndUnknownExtension() {
        Path f = dir.resolve("nothing.h5");
        assertContains(assertThrows(EventFileException.class, () -> EventFiles.open(f, null)).getMessage(),
                f.toString(), "no such file");
        Path g = dir.resolve("events.parquet");
        assertContains(assertThrows(EventFileException.class, () -> EventFiles.open(g, null)).getMessage(),
                g.toString(), "unknown event file format");
    }

    @Test
    void tableOperationsAreExact() {
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("a", new double[] {1, 2, 3, 4});
        cols.put("b", new double[] {10, 20, 30, 40});
        EventTable t = new EventTable("t", cols);
        EventTable f = t.filter(new boolean[] {true, false, false, true});
        assertEquals(List.of(1.0, 4.0), java.util.Arrays.stream(f.column("a")).boxed().toList());
        assertEquals(List.of(20.0, 30.0), java.util.Arrays.stream(t.slice(1, 3).column("b")).boxed().toList());
        float[] packed = new float[4];
        t.packRowMajor(List.of("b", "a"), 2, 4, packed);
        assertEquals(List.of(30f, 3f, 40f, 4f), List.of(packed[0], packed[1], packed[2], packed[3]));
        assertThrows(EventFileException.class, () -> new EventTable("t", Map.of("a", new double[1], "b", new double[2])));
    }
}
