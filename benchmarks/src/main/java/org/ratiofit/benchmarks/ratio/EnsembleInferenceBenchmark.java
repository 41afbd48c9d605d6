package org.ratiofit.benchmarks.ratio;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleEvaluation;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.InferenceOptions;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.OnnxRuntimes;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * An ensemble of 5 members, each an 8→64→64→64→1 ReLU MLP with a final sigmoid, over 10^6 events:
 * ratiofit's path (double columns in: standard scaling, float32 conversion, chunked ONNX Runtime
 * runs, score → ln r, mean-of-ratios aggregation with the per-event spread; the member covariance,
 * off by default, in {@code ratiofitEnsembleWithCovariance}) against raw
 * OrtSession.run over the same chunks pre-built as float32 tensors (no scaling, no conversion).
 * Rows per second = events / time per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class EnsembleInferenceBenchmark {
    static final int MEMBERS = 5;
    static final int FEATURES = 8;

    @Param({"1000000"})
    public int events;

    @Param({"16384"})
    public int chunkRows;

    @Param({"2"})
    public int threads;

    /** ONNX Runtime's spin-waiting, the same in ratiofit's and the raw sessions. */
    @Param({"true", "false"})
    public boolean spinning;

    private Path dir;
    private Ensemble ensemble;
    private double[][] columns;
    private OrtSession[] raw;
    private List<OnnxTensor> tensors;
    private float[] rawOut;

    @Setup(Level.Trial)
    public void setup() throws IOException, OrtException {
        dir = Files.createTempDirectory("ratiofit-ens-bench");
        Random r = new Random(1);
        double[] mean = new double[FEATURES], scale = new double[FEATURES];
        Arrays.fill(scale, 2.0);
        List<String> features = new ArrayList<>();
        for (int j = 0; j < FEATURES; j++) features.add("f" + j);
        List<String> members = new ArrayList<>();
        for (int m = 0; m < MEMBERS; m++) {
            int[] w = {FEATURES, 64, 64, 64, 1};
            List<Layer> layers = new ArrayList<>();
            for (int l = 0; l + 1 < w.length; l++) {
                double[][] wt = new double[w[l + 1]][w[l]];
                for (double[] row : wt) for (int i = 0; i < row.length; i++) row[i] = r.nextGaussian() * Math.sqrt(2.0 / w[l]);
                layers.add(new Layer(wt, new double[w[l + 1]], l + 2 == w.length ? Activation.SIGMOID : Activation.RELU));
            }
            OnnxMlpWriter.write(dir.resolve("m" + m + "/net.onnx"), "x", "score", layers);
            var sc = ModelSidecar.binary("member" + m, "net.onnx", "x", features, ModelSidecar.OutputConvention.SCORE, "A", "B")
                    .withScaling(List.of(new ModelSidecar.Standard(features, mean, scale)));
            Sidecars.write(sc, dir.resolve("m" + m + "/model.json"));
            members.add("m" + m + "/model.json");
        }
        Ensemble.writeManifest(EnsembleManifest.of("bench", members, EnsembleManifest.Aggregation.MEAN_RATIO), dir.resolve("ensemble.json"));
        InferenceOptions opts = InferenceOptions.DEFAULT.withChunkRows(chunkRows).withIntraOpThreads(threads).withSpinning(spinning);
        ensemble = Ensemble.load(dir, opts);

        columns = new double[FEATURES][events];
        for (double[] c : columns) for (int i = 0; i < events; i++) c[i] = r.nextGaussian();

        OrtEnvironment env = OnnxRuntimes.environment();
        raw = new OrtSession[MEMBERS];
        for (int m = 0; m < MEMBERS; m++) {
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                so.setIntraOpNumThreads(threads);
                so.setInterOpNumThreads(1);
                if (!spinning) so.addConfigEntry("session.intra_op.allow_spinning", "0");
                raw[m] = env.createSession(dir.resolve("m" + m + "/net.onnx").toString(), so);
            }
        }
        tensors = new ArrayList<>();
        for (int start = 0; start < events; start += chunkRows) {
            int n = Math.min(chunkRows, events - start);
            FloatBuffer fb = ByteBuffer.allocateDirect(n * FEATURES * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int i = 0; i < n; i++) for (int j = 0; j < FEATURES; j++) fb.put(i * FEATURES + j, (float) (columns[j][start + i] / 2.0));
            tensors.add(OnnxTensor.createTensor(env, fb, new long[]{n, FEATURES}));
        }
        rawOut = new float[events];
    }

    /** ratiofit: columns in, aggregated ln r with spread out. */
    @Benchmark
    public EnsembleEvaluation ratiofitEnsemble() {
        return ensemble.evaluate(columns, null);
    }

    /** As {@link #ratiofitEnsemble}, with the member-by-member covariance over events. */
    @Benchmark
    public EnsembleEvaluation ratiofitEnsembleWithCovariance() {
        return ensemble.evaluate(columns, null, true);
    }

    /** Raw ONNX Runtime over the same chunks as pre-built float32 tensors; outputs copied out. */
    @Benchmark
    public float[] rawOrtSessionRun() throws OrtException {
        for (OrtSession s : raw) {
            int off = 0;
            for (OnnxTensor t : tensors) {
                try (OrtSession.Result res = s.run(Map.of("x", t))) {
                    FloatBuffer ob = ((OnnxTensor) res.get(0)).getFloatBuffer();
                    int n = ob.remaining();
                    ob.get(rawOut, off, n);
                    off += n;
                }
            }
        }
        return rawOut;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException, IOException {
        ensemble.close();
        for (OrtSession s : raw) s.close();
        for (OnnxTensor t : tensors) t.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
