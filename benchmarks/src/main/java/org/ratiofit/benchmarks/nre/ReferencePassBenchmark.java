package org.ratiofit.benchmarks.nre;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.BatchedThetaGradient;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.workspace.nre.EnsembleRatioLikelihood;

/**
 * Cost of the self-normalised likelihood's reference pass with each member's first layer stored
 * for every reference event (8·width bytes per event and member) against recomputed per block
 * (streamed): value + θ-gradient calls per second of {@link EnsembleRatioLikelihood} with 5
 * members (the ALICES ensemble's shape: 2 features + 2 θ → 64 → 64 → 1, swish, log-ratio output),
 * 1000 observed events, at the given reference sizes; stored and streamed calls alternate (ABAB),
 * so both see the same load. Also checks that both give the same bits.
 *
 * <pre>
 * mvn -B -o -q -DskipTests -Pjmh package -pl benchmarks -am
 * java -Xmx7g --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     org.ratiofit.benchmarks.nre.ReferencePassBenchmark 100000,2000000 [calls per size]
 * </pre>
 */
public final class ReferencePassBenchmark {

    private ReferencePassBenchmark() {}

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {100000, 2000000};
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Path dir = Files.createTempDirectory("refpass-bench");
        List<RatioModel> members = new ArrayList<>();
        for (int m = 0; m < 5; m++) members.add(member(dir, m));
        List<ParameterSpec> specs = List.of(ParameterSpec.bounded("k", 2.0, 0.1, 1.5, 3.0), ParameterSpec.bounded("lambda", 1.0, 0.05, 0.7, 1.4));
        Random r = new Random(3);
        double[][] x = columns(r, 1000);
        EnsembleRatioLikelihood plain = EnsembleRatioLikelihood.iid(members, null, null, x, null, specs, null);
        System.out.printf("5 members 4→64→64→1 swish, 1000 observed events, threads %d, max heap %d MB%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("%10s %14s %14s %12s %12s %10s %8s%n", "reference", "stored calls/s", "streamed c/s", "stored MB", "streamed MB", "streamed/stored", "same");
        for (int n : sizes) {
            double[][] ref = columns(r, n);
            EnsembleRatioLikelihood stored = plain.withReference(ref, null, Long.MAX_VALUE);
            long heapStored = usedAfterGc();
            EnsembleRatioLikelihood streamed = plain.withReference(ref, null, 0);
            if (!stored.referenceFirstLayerStored() || streamed.referenceFirstLayerStored()) throw new IllegalStateException("paths");
            double[] g1 = new double[2], g2 = new double[2];
            double[] p0 = {2.2, 1.05};
            boolean same = stored.valueAndGradient(p0, g1) == streamed.valueAndGradient(p0, g2) && Arrays.equals(g1, g2); // also the warm-up
            double tA = 0, tB = 0;
            for (int c = 0; c < calls; c++) {
                double[] p = {2.0 + 0.4 * r.nextDouble(), 0.9 + 0.2 * r.nextDouble()};
                long t0 = System.nanoTime();
                double a = stored.valueAndGradient(p, g1);
                long t1 = System.nanoTime();
                double b = streamed.valueAndGradient(p, g2);
                long t2 = System.nanoTime();
                tA += (t1 - t0) * 1e-9;
                tB += (t2 - t1) * 1e-9;
                same &= a == b && Arrays.equals(g1, g2);
            }
            stored = null;
            long heapStreamed = usedAfterGc();
            System.out.printf("%10d %14.3f %14.3f %12d %12d %10.3f %8s%n", n, calls / tA, calls / tB, heapStored >> 20, heapStreamed >> 20, tB / tA, same);
            if (streamed.value(p0) > Double.MAX_VALUE) System.out.println(); // keeps streamed reachable until here
        }
        members.forEach(RatioModel::close);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static double[][] columns(Random r, int n) {
        double[][] c = new double[2][n];
        for (int i = 0; i < n; i++) {
            c[0][i] = 0.5 + r.nextGaussian();
            c[1][i] = 1.4 + 0.7 * r.nextGaussian();
        }
        return c;
    }

    private static RatioModel member(Path dir, int seed) {
        Random rng = new Random(100 + seed);
        int[] widths = {4, 64, 64, 1};
        List<OnnxMlpWriter.Layer> layers = new ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            double[][] wt = new double[widths[l + 1]][widths[l]];
            double[] b = new double[widths[l + 1]];
            for (double[] row : wt) for (int j = 0; j < row.length; j++) row[j] = rng.nextGaussian() / Math.sqrt(widths[l]);
            for (int j = 0; j < b.length; j++) b[j] = 0.1 * rng.nextGaussian();
            boolean last = l + 2 == widths.length;
            layers.add(new OnnxMlpWriter.Layer(wt, b, last ? OnnxMlpWriter.Activation.IDENTITY : OnnxMlpWriter.Activation.SWISH));
        }
        String name = "m" + seed;
        OnnxGraphBuilder.write(OnnxMlpWriter.mlp(List.of(new OnnxMlpWriter.Input("features", 4)), "output", layers, List.of("x1", "x2", "k", "lambda")),
                dir.resolve(name + ".onnx"));
        Sidecars.write(ModelSidecar.binary(name, name + ".onnx", "features", List.of("x1", "x2"), ModelSidecar.OutputConvention.LOG_RATIO, "theta0", "theta1")
                .withParameters(List.of("k", "lambda"), null)
                .withScaling(List.of(new ModelSidecar.Standard(List.of("x1", "x2", "k", "lambda"), new double[] {0.5, 1.4, 2.2, 1.0},
                        new double[] {0.9, 0.7, 0.4, 0.2}))), dir.resolve(name + ".json"));
        return RatioModel.load(dir.resolve(name + ".json"));
    }
}
