package org.ratiofit.benchmarks.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventSource;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;
import org.ratiofit.workspace.selection.Selection;

/**
 * One pass over 10^6 events x 8 columns in chunks of 65536 events, per file format, and one
 * region selection over the same events: the input side of a workspace build, to compare with
 * ONNX Runtime's ~3-5 M rows/s on this machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class EventReadBenchmark {

    static final int EVENTS = 1_000_000;
    static final int CHUNK = 65_536;
    static final List<String> COLUMNS = List.of("f0", "f1", "f2", "f3", "f4", "f5", "f6", "weight");

    @Param({"npy-structured", "npy-matrix", "hdf5-group", "npz", "csv"})
    public String layout;

    Path dir;
    Path file;
    EventTable table;
    Selection selection;

    @Setup(Level.Trial)
    public void write() throws IOException {
        Random rnd = new Random(1);
        Map<String, double[]> cols = new LinkedHashMap<>();
        for (String c : COLUMNS) {
            double[] v = new double[EVENTS];
            for (int i = 0; i < EVENTS; i++) v[i] = rnd.nextGaussian();
            cols.put(c, v);
        }
        table = new EventTable("benchmark", cols);
        selection = Selection.parse("f0 > 0 & (f1 < 1 | f2 >= -0.5) & -2 < f3 <= 2");
        dir = Files.createTempDirectory("ratiofit-read-bench");
        switch (layout) {
            case "npy-structured" -> { file = dir.resolve("e.npy"); EventFiles.write(file, table, ReadOptions.DEFAULT); }
            case "npy-matrix" -> { file = dir.resolve("e.npy"); EventFiles.write(file, table, ReadOptions.columns(COLUMNS)); }
            case "hdf5-group" -> { file = dir.resolve("e.h5"); EventFiles.write(file, table, ReadOptions.group("events")); }
            case "npz" -> { file = dir.resolve("e.npz"); EventFiles.write(file, table, ReadOptions.DEFAULT); }
            default -> { file = dir.resolve("e.csv"); EventFiles.write(file, table, ReadOptions.DEFAULT); }
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        }
    }

    /** Opens the file and reads every event of every column in chunks. */
    @Benchmark
    public double readAllChunks() throws IOException {
        ReadOptions o = layout.startsWith("hdf5") ? ReadOptions.group("events") : ReadOptions.DEFAULT;
        double s = 0;
        try (EventSource src = EventFiles.open(file, o)) {
            long n = src.size();
            for (long start = 0; start < n; start += CHUNK) {
                EventTable t = src.read(COLUMNS, start, (int) Math.min(CHUNK, n - start));
                s += t.column("weight")[0];
            }
        }
        return s;
    }

    /** The selection over all events held in memory, chunk by chunk into one reused mask. */
    @Benchmark
    public int selection() {
        boolean[] mask = new boolean[CHUNK];
        int kept = 0;
        for (int start = 0; start < EVENTS; start += CHUNK) {
            int end = Math.min(EVENTS, start + CHUNK);
            selection.evaluate(table, start, end, mask);
            for (int i = 0; i < end - start; i++) if (mask[i]) kept++;
        }
        return kept;
    }

}
