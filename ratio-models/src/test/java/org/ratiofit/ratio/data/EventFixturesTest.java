package org.ratiofit.ratio.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Files written by NumPy and h5py (make_fixtures.py beside them): every layout the readers
 * support, checked value by value against the formulas the script used.
 */
class EventFixturesTest {

    static final int N = 37;

    static Path fixture(String name) {
        try {
            return Path.of(EventFixturesTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static double x(int i) { return 0.25 * i - 3.0; }
    static double y(int i) { return (float) (i / 7.0); }
    static double n(int i) { return i % 5 - 2; }
    static double w(int i) { return 1.0 + i / 100.0; }

    static void check(EventTable t, List<String> cols, String what) {
        assertEquals(N, t.size(), what + ": events");
        for (int i = 0; i < N; i++) {
            for (String c : cols) {
                double expected = switch (c) {
                    case "x" -> x(i);
                    case "y" -> y(i);
                    case "n" -> n(i);
                    case "w" -> w(i);
                    default -> throw new IllegalArgumentException(c);
                };
                assertEquals(expected, t.column(c)[i], 0.0, what + ": column " + c + " event " + i);
            }
        }
    }

    @Test
    void hdf5CompoundDataset() throws IOException {
        Path f = fixture("compound.h5");
        ReadOptions o = ReadOptions.group("/events");
        assertEquals(List.of("x", "y", "n", "w"), EventFiles.columnNames(f, o));
        check(EventFiles.read(f, o, null), List.of("x", "y", "n", "w"), "compound");
        try (EventSource s = EventFiles.open(f, o)) {
            EventTable part = s.read(List.of("w"), 30, 7);
            for (int r = 0; r < 7; r++) {
                assertEquals(w(30 + r), part.column("w")[r], 0.0, "compound slice event " + (30 + r));
            }
        }
    }

    @Test
    void hdf5GroupOfChunkedCompressedColumns() throws IOException {
        Path f = fixture("group_chunked.h5");
        ReadOptions o = ReadOptions.group("events");
        // 'label' is a scalar string: not a column.
        assertEquals(List.of("n", "w", "x", "y"), EventFiles.columnNames(f, o).stream().sorted().toList());
        check(EventFiles.read(f, o, List.of("x", "y", "n", "w")), List.of("x", "y", "n", "w"), "group");
        try (EventSource s = EventFiles.open(f, o)) {
            // A range crossing gzip chunk boundaries (chunks of 8 events).
            EventTable part = s.read(List.of("x", "n"), 5, 20);
            for (int r = 0; r < 20; r++) {
                assertEquals(x(5 + r), part.column("x")[r], 0.0, "x event " + (5 + r));
                assertEquals(n(5 + r), part.column("n")[r], 0.0, "n event " + (5 + r));
            }
        }
    }

    @Test
    void hdf5MatrixWithConfiguredNames() throws IOException {
        Path f = fixture("group_chunked.h5");
        ReadOptions o = new ReadOptions("/matrix", List.of("x", "w", "n"));
        check(EventFiles.read(f, o, null), List.of("x", "w", "n"), "matrix");
        try (EventSource s = EventFiles.open(f, o)) {
            EventTable part = s.read(List.of("n"), 9, 12);
            for (int r = 0; r < 12; r++) {
                assertEquals(n(9 + r), part.column("n")[r], 0.0, "matrix n event " + (9 + r));
            }
        }
    }

    @Test
    void npyStructuredWithPaddingAndBigEndianMember() throws IOException {
        Path f = fixture("structured.npy");
        assertEquals(List.of("n", "x", "y", "w"), EventFiles.columnNames(f, null));
        check(EventFiles.read(f, null, null), List.of("x", "y", "n", "w"), "structured");
    }

    @Test
    void npyFortranFloat32MatrixWithSideFile() throws IOException {
        Path f = fixture("matrix_f32.npy");
        assertEquals(List.of("x", "y", "w"), EventFiles.columnNames(f, null));
        EventTable t = EventFiles.read(f, null, null);
        for (int i = 0; i < N; i++) {
            assertEquals((float) x(i), t.column("x")[i], 0.0, "x event " + i);
            assertEquals((float) y(i), t.column("y")[i], 0.0, "y event " + i);
            assertEquals((float) w(i), t.column("w")[i], 0.0, "w event " + i);
        }
        try (EventSource s = EventFiles.open(f, null)) {
            EventTable part = s.read(List.of("w", "x"), 11, 3);
            assertEquals(List.of("w", "x"), part.columnNames());
            assertEquals((float) w(12), part.column("w")[1], 0.0);
            assertEquals((float) x(13), part.column("x")[2], 0.0);
        }
    }

    @Test
    void npzCompressedColumns() throws IOException {
        Path f = fixture("columns.npz");
        assertEquals(List.of("x", "n", "w"), EventFiles.columnNames(f, null));
        check(EventFiles.read(f, null, null), List.of("x", "n", "w"), "npz");
    }
}
