package org.ratiofit.benchmarks.workspace;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.OnnxRuntimes;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;
import org.ratiofit.workspace.build.BuildOptions;
import org.ratiofit.workspace.build.BuildResult;
import org.ratiofit.workspace.build.WorkspaceBuilder;

/**
 * The build benchmark (a timing main, not JMH: one build takes tens of seconds): 3 basis
 * samples, each with a nominal ensemble and 5 up/down shape systematics (3 × 11 = 33 ensembles of
 * 3 members, each a 4→64→64→1 ReLU MLP with a final sigmoid and standard scaling), evaluated on
 * the data events and the reference events; against pure ONNX Runtime: the same 99 networks run
 * over the same events, pre-scaled float32 tensors of the build's ONNX chunk size, on the same
 * number of threads with the same session options, outputs copied out; wall and process CPU time
 * (the CPU ratio is the robust one on a shared machine). Events, models and the
 * configuration are generated into a temporary folder (deleted at the end).
 *
 * <p>Arguments: data events (10^6), reference events (10^5), threads (2), rounds (1; 0: the build alone, no
 * warm-up and no baselines, for its peak memory).
 */
public final class BuildBenchmark {

    static final int WARMUP_EVENTS = 50_000;
    static final int FEATURES = 4, MEMBERS = 3, SAMPLES = 3, SYSTEMATICS = 5, HIDDEN = 64, ORT_CHUNK = 16_384;

    public static void main(String[] args) throws Exception {
        int nData = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int nRef = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Path dir = Files.createTempDirectory("ratiofit-build-bench");
        try {
            List<Path> onnx = generate(dir, nData, nRef);
            System.out.printf(Locale.ROOT, "%d data + %d reference events, %d ensembles x %d members (%d networks), %d threads%n",
                    nData, nRef, onnx.size() / MEMBERS, MEMBERS, onnx.size(), threads);
            if (rounds == 0) {
                // the build alone, for its peak memory (run under /usr/bin/time -v)
                long t0 = System.nanoTime();
                BuildResult res = WorkspaceBuilder.build(dir.resolve("fit.yml"), dir.resolve("ws"), BuildOptions.defaults().withThreads(threads));
                System.out.printf(Locale.ROOT, "build alone %.2f s wall (ensemble inference %.0f%% of %d x build); peak Java heap %.0f MiB%n",
                        (System.nanoTime() - t0) * 1e-9, 100 * res.timings().inferenceShare(), threads, peakHeap() / (1024.0 * 1024.0));
                return;
            }
            // a small build first, so that class loading and JIT compilation do not count against the timed one
            long w0 = System.nanoTime();
            WorkspaceBuilder.build(dir.resolve("fit-warmup.yml"), dir.resolve("ws-warmup"), BuildOptions.defaults().withThreads(threads));
            deleteTree(dir.resolve("ws-warmup"));
            System.out.printf(Locale.ROOT, "warm-up build (%d data events) %.1f s%n", WARMUP_EVENTS, (System.nanoTime() - w0) * 1e-9);
            for (int r = 0; r < rounds; r++) {
                Path out = dir.resolve("ws-" + r);
                long c0 = cpuNanos();
                long t0 = System.nanoTime();
                BuildResult res = WorkspaceBuilder.build(dir.resolve("fit.yml"), out, BuildOptions.defaults().withThreads(threads));
                double build = (System.nanoTime() - t0) * 1e-9;
                double buildCpu = (cpuNanos() - c0) * 1e-9;
                deleteTree(out);
                double[] pure = pureOrt(dir, onnx, nData, nRef, threads);
                double[] lib = ensemblesOnly(dir, onnx.size() / MEMBERS, threads);
                System.out.printf(Locale.ROOT, "round %d: ratio-models Ensemble.evaluate alone on the same chunks %.2f s wall, %.1f CPU-s%n",
                        r + 1, lib[0], lib[1]);
                BuildResult.Timings t = res.timings();
                System.out.printf(Locale.ROOT,
                        "round %d: build %.2f s wall, %.1f CPU-s (checks %.2f, events %.2f, writing %.2f; ensemble inference %.2f thread-s"
                                + " = %.0f%% of %d x build); pure ONNX Runtime %.2f s wall, %.1f CPU-s; pure / build: wall %.0f%%, CPU %.0f%%%n",
                        r + 1, build, buildCpu, t.validation(), t.evaluation(), t.write(), t.inference(), 100 * t.inferenceShare(), threads,
                        pure[0], pure[1], 100 * pure[0] / build, 100 * pure[1] / buildCpu);
            }
            System.out.printf(Locale.ROOT, "peak Java heap (sum of pool peaks) %.0f MiB%n", peakHeap() / (1024.0 * 1024.0));
        } finally {
            deleteTree(dir);
        }
    }

    /** CPU time of the whole process (every thread, ONNX Runtime's included): robust to other processes' load, unlike wall time. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static long peakHeap() {
        long s = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) s += p.getPeakUsage().getUsed();
        }
        return s;
    }

    static EventTable table(Random r, int n, double shift, boolean weight) {
        Map<String, double[]> cols = new LinkedHashMap<>();
        for (int j = 0; j < FEATURES; j++) {
            double[] c = new double[n];
            for (int i = 0; i < n; i++) c[i] = shift + r.nextGaussian();
            cols.put("f" + j, c);
        }
        if (weight) {
            double[] w = new double[n];
            Arrays.fill(w, 1000.0 / n);
            cols.put("weight", w);
        }
        return new EventTable("bench", cols);
    }

    /** Events, 33 ensembles and the configuration; returns every network's ONNX file. */
    static List<Path> generate(Path dir, int nData, int nRef) throws IOException {
        Random r = new Random(2026);
        EventFiles.write(dir.resolve("data.npy"), table(r, nData, 0.1, false), null);
        EventFiles.write(dir.resolve("reference.npy"), table(r, nRef, 0, true), null);
        List<String> features = new ArrayList<>();
        for (int j = 0; j < FEATURES; j++) features.add("f" + j);
        List<Path> onnx = new ArrayList<>();
        StringBuilder samples = new StringBuilder();
        StringBuilder systematics = new StringBuilder();
        samples.append("  - {Name: data, Data: true, SamplePath: data.npy}\n");
        samples.append("  - {Name: R, UseAsReference: true, SamplePath: reference.npy, Weight: weight}\n");
        for (int s = 0; s < SAMPLES; s++) {
            EventFiles.write(dir.resolve("s" + s + ".npy"), table(r, 20_000, 0.2 * (s + 1), true), null);
            onnx.addAll(ensemble(dir.resolve("models/s" + s), features, r));
            samples.append("  - {Name: S").append(s).append(", UseAsBasis: true, SamplePath: s").append(s)
                    .append(".npy, Weight: weight, Ensemble: models/s").append(s).append("}\n");
        }
        for (int k = 0; k < SYSTEMATICS; k++) {
            systematics.append("  - Name: sys").append(k).append("\n    Type: Shape\n    Up:\n");
            for (int s = 0; s < SAMPLES; s++) {
                onnx.addAll(ensemble(dir.resolve("models/s" + s + "_sys" + k + "_up"), features, r));
                systematics.append("      - {SampleName: S").append(s).append(", Ensemble: models/s").append(s).append("_sys").append(k).append("_up}\n");
            }
            systematics.append("    Dn:\n");
            for (int s = 0; s < SAMPLES; s++) {
                onnx.addAll(ensemble(dir.resolve("models/s" + s + "_sys" + k + "_dn"), features, r));
                systematics.append("      - {SampleName: S").append(s).append(", Ensemble: models/s").append(s).append("_sys").append(k).append("_dn}\n");
            }
        }
        String yaml = "Version: 1\nGeneral:\n  Measurement: {Name: bench, POI: mu}\nTrainingFeatures: " + features + "\nSamples:\n" + samples
                + "NormFactors:\n  - {Name: mu, Samples: [S0], Nominal: 1.0, Bounds: [0.0, 10.0]}\nSystematics:\n" + systematics
                + "Regions:\n  - {Name: SR, Type: unbinned}\n";
        Files.writeString(dir.resolve("fit.yml"), yaml);
        EventFiles.write(dir.resolve("data_warmup.npy"), table(r, WARMUP_EVENTS, 0.1, false), null);
        Files.writeString(dir.resolve("fit-warmup.yml"), yaml.replace("SamplePath: data.npy", "SamplePath: data_warmup.npy"));
        return onnx;
    }

    /** Small weights keep the scores away from 0 and 1 (a realistic ratio near 1). */
    static List<Path> ensemble(Path folder, List<String> features, Random r) throws IOException {
        List<String> members = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        double[] mean = new double[FEATURES], scale = new double[FEATURES];
        Arrays.fill(scale, 1.5);
        for (int m = 0; m < MEMBERS; m++) {
            int[] w = {FEATURES, HIDDEN, HIDDEN, 1};
            List<Layer> layers = new ArrayList<>();
            for (int l = 0; l + 1 < w.length; l++) {
                double[][] wt = new double[w[l + 1]][w[l]];
                for (double[] row : wt) for (int i = 0; i < row.length; i++) row[i] = r.nextGaussian() * Math.sqrt(1.0 / w[l]);
                double[] b = new double[w[l + 1]];
                layers.add(new Layer(wt, b, l + 2 == w.length ? Activation.SIGMOID : Activation.RELU));
            }
            Path net = folder.resolve("m" + m + "/net.onnx");
            OnnxMlpWriter.write(net, "x", "score", layers);
            Sidecars.write(ModelSidecar.binary(folder.getFileName() + "_m" + m, "net.onnx", "x", features, ModelSidecar.OutputConvention.SCORE,
                    "A", "B").withScaling(List.of(new ModelSidecar.Standard(features, mean, scale))), folder.resolve("m" + m + "/model.json"));
            members.add("m" + m + "/model.json");
            files.add(net);
        }
        Ensemble.writeManifest(EnsembleManifest.of(folder.getFileName().toString(), members, EnsembleManifest.Aggregation.MEAN_RATIO),
                folder.resolve(EnsembleManifest.FILE_NAME));
        return files;
    }

    /**
     * The same evaluations in bare ONNX Runtime: every network on every data and reference event,
     * as tasks of (chunk, ensemble) on a pool of {@code threads}, single-threaded sessions.
     */
    static double[] pureOrt(Path dir, List<Path> onnx, int nData, int nRef, int threads) throws Exception {
        OrtEnvironment env = OnnxRuntimes.environment();
        List<OrtSession> sessions = new ArrayList<>();
        for (Path p : onnx) {
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                so.setIntraOpNumThreads(1);
                so.setInterOpNumThreads(1);
                so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                so.addConfigEntry("session.intra_op.allow_spinning", "0");
                sessions.add(env.createSession(p.toString(), so));
            }
        }
        List<OnnxTensor> tensors = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (String file : List.of("data.npy", "reference.npy")) {
            EventTable t = EventFiles.read(dir.resolve(file), null, null);
            int n = t.size();
            for (int start = 0; start < n; start += ORT_CHUNK) {
                int m = Math.min(ORT_CHUNK, n - start);
                FloatBuffer fb = ByteBuffer.allocateDirect(m * FEATURES * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
                for (int j = 0; j < FEATURES; j++) {
                    double[] c = t.column("f" + j);
                    for (int i = 0; i < m; i++) fb.put(i * FEATURES + j, (float) (c[start + i] / 1.5));
                }
                tensors.add(OnnxTensor.createTensor(env, fb, new long[] {m, FEATURES}));
                rows.add(m);
            }
        }
        int ensembles = onnx.size() / MEMBERS;
        ExecutorService exec = Executors.newFixedThreadPool(threads);
        try {
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < tensors.size(); c++) {
                for (int e = 0; e < ensembles; e++) {
                    int cc = c, ee = e;
                    fs.add(exec.submit(() -> {
                        float[] out = new float[rows.get(cc)];
                        for (int m = 0; m < MEMBERS; m++) {
                            try (OrtSession.Result res = sessions.get(ee * MEMBERS + m).run(Map.of("x", tensors.get(cc)))) {
                                ((OnnxTensor) res.get(0)).getFloatBuffer().get(out);
                            }
                        }
                        return out;
                    }));
                }
            }
            for (Future<?> f : fs) f.get();
            return new double[] {(System.nanoTime() - t0) * 1e-9, (cpuNanos() - c0) * 1e-9};
        } finally {
            exec.shutdown();
            for (OnnxTensor t : tensors) t.close();
            for (OrtSession s : sessions) s.close();
        }
    }

    /**
     * The library path without the build: every ensemble's {@code Ensemble.evaluate} (scaling,
     * ONNX Runtime, score → ln r, aggregation) on the build's 65,536-event chunks of data and
     * reference events, as (chunk, ensemble) tasks; one set of ensembles per thread.
     */
    static double[] ensemblesOnly(Path dir, int ensembles, int threads) throws Exception {
        List<double[][]> chunks = new ArrayList<>();
        for (String file : List.of("data.npy", "reference.npy")) {
            EventTable t = EventFiles.read(dir.resolve(file), null, null);
            for (int start = 0; start < t.size(); start += 65_536) {
                int m = Math.min(65_536, t.size() - start);
                double[][] cols = new double[FEATURES][];
                for (int j = 0; j < FEATURES; j++) cols[j] = Arrays.copyOfRange(t.column("f" + j), start, start + m);
                chunks.add(cols);
            }
        }
        List<Path> folders = new ArrayList<>();
        for (int s = 0; s < SAMPLES; s++) {
            folders.add(dir.resolve("models/s" + s));
            for (int k = 0; k < SYSTEMATICS; k++) {
                folders.add(dir.resolve("models/s" + s + "_sys" + k + "_up"));
                folders.add(dir.resolve("models/s" + s + "_sys" + k + "_dn"));
            }
        }
        var opts = org.ratiofit.ratio.InferenceOptions.DEFAULT.withIntraOpThreads(1).withChunkRows(ORT_CHUNK);
        List<Ensemble> all = java.util.Collections.synchronizedList(new ArrayList<>());
        ThreadLocal<Ensemble[]> local = ThreadLocal.withInitial(() -> {
            Ensemble[] e = new Ensemble[folders.size()];
            for (int i = 0; i < e.length; i++) all.add(e[i] = Ensemble.load(folders.get(i), opts));
            return e;
        });
        ExecutorService exec = Executors.newFixedThreadPool(threads);
        try {
            // load each thread's sessions before timing, as the build does
            List<Future<?>> warm = new ArrayList<>();
            java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(threads);
            for (int i = 0; i < threads; i++) warm.add(exec.submit(() -> { local.get(); barrier.await(); return null; }));
            for (Future<?> f : warm) f.get();
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (double[][] c : chunks) {
                for (int e = 0; e < ensembles; e++) {
                    int ee = e;
                    fs.add(exec.submit(() -> local.get()[ee].evaluate(c, null).logRatio()));
                }
            }
            for (Future<?> f : fs) f.get();
            return new double[] {(System.nanoTime() - t0) * 1e-9, (cpuNanos() - c0) * 1e-9};
        } finally {
            exec.shutdown();
            for (Ensemble e : all) e.close();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        }
    }

    private BuildBenchmark() {}

}
