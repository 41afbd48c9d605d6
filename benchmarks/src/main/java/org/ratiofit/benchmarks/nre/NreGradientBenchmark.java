package org.ratiofit.benchmarks.nre;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.workspace.nre.RatioLikelihood;

/**
 * Per-step cost of value + θ-gradient of Σ_i ln r(x_i | θ) for an NRE network (the shape of the
 * examples' trained one: inputs (x, mu, sigma), 3×64 swish, logit output), at 50, 200 and 10^4
 * observations: the batched fast path ({@code BatchedThetaGradient}), the double-precision graph
 * interpreter (the path before it), an ONNX Runtime forward pass alone (float32, no gradient: the
 * floor for any gradient graph run by ONNX Runtime, which costs at least one forward and one
 * reverse pass), and the exact normal log-likelihood with its gradient in Java. One thread per
 * call (NUTS runs chains in parallel). A plain timing main: median over rounds of ≥ 0.2 s.
 *
 * <pre>
 * mvn -B -o -q -DskipTests -Pjmh package -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.ratiofit.benchmarks.nre.NreGradientBenchmark
 * </pre>
 */
public final class NreGradientBenchmark {

    private NreGradientBenchmark() {}

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {50, 200, 10000};
        int hidden = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        Path dir = Files.createTempDirectory("nre-bench");
        RatioModel model = network(dir, hidden);
        System.out.printf("network 3→%d→%d→%d→1 swish, logit output; one thread; times per call (value + gradient unless noted)%n", hidden, hidden, hidden);
        System.out.printf("%8s %14s %14s %14s %14s %10s %10s %14s %14s%n", "events", "fast µs", "interpreter µs", "ORT fwd µs", "exact µs", "interp/fast",
                "fast/exact", "linked fast µs", "linked interp µs");
        Random r = new Random(1);
        for (int n : sizes) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) y[i] = 0.8 + 1.2 * r.nextGaussian();
            List<ParameterSpec> ps = List.of(ParameterSpec.free("mu", 0, 0.1), ParameterSpec.bounded("sigma", 1, 0.1, 0, 10));
            RatioLikelihood fast = RatioLikelihood.iid(model, new double[][] {y}, null, ps);
            if (!fast.fastPath()) throw new IllegalStateException("no fast path");
            RatioLikelihood slow = fast.withoutFastPath();
            double[] theta = {0.8, 1.2};
            double tFast = time(() -> fast.valueAndGradient(jitter(theta), new double[2]));
            double tSlow = time(() -> slow.valueAndGradient(jitter(theta), new double[2]));
            double tOrt = time(() -> model.logRatios(new double[][] {y}, jitter(theta))[0]);
            double tExact = time(() -> exact(y, jitter(theta), new double[2]));
            // θ per event: mu_i = a + b x_i (the regression example's linked likelihood)
            double[] cov = new double[n];
            for (int i = 0; i < n; i++) cov[i] = -2 + 4 * r.nextDouble();
            List<ParameterSpec> rp = List.of(ParameterSpec.free("a", 0, 0.1), ParameterSpec.free("b", 0, 0.1), ParameterSpec.bounded("sigma", 1, 0.1, 0, 10));
            org.ratiofit.workspace.nre.LinearPredictor link = org.ratiofit.workspace.nre.LinearPredictor.builder(List.of("a", "b", "sigma"), model.parameters(), n)
                    .term("mu", "a").term("mu", "b", cov).term("sigma", "sigma").build();
            RatioLikelihood linked = RatioLikelihood.linked(model, new double[][] {y}, null, rp, link);
            double[] phi = {0.5, -0.8, 0.6};
            double tLinked = time(() -> linked.valueAndGradient(new double[] {phi[0] + 0.01 * JITTER.nextGaussian(), phi[1], phi[2]}, new double[3]));
            double tLinkedSlow = time(() -> linked.withoutFastPath().valueAndGradient(new double[] {phi[0] + 0.01 * JITTER.nextGaussian(), phi[1], phi[2]}, new double[3]));
            System.out.printf("(SIMD kernel in use: %s)%n", org.ratiofit.ratio.BatchedThetaGradient.simdInUse());
            System.out.printf("%8d %14.1f %14.1f %14.1f %14.2f %10.1f %10.1f %14.1f %14.1f%n", n, tFast, tSlow, tOrt, tExact, tSlow / tFast, tFast / tExact,
                    tLinked, tLinkedSlow);
        }
        System.out.println("SIMD kernel in use at the end: " + org.ratiofit.ratio.BatchedThetaGradient.simdInUse());
        model.close();
    }

    private static final Random JITTER = new Random(2);

    private static double[] jitter(double[] t) {
        return new double[] {t[0] + 0.01 * JITTER.nextGaussian(), t[1] * (1 + 0.01 * JITTER.nextGaussian())};
    }

    /** −Σ ln N(y; mu, sigma) and its gradient: what the exact likelihood costs. */
    static double exact(double[] y, double[] t, double[] g) {
        double mu = t[0], s = t[1], inv = 1 / s, sum = 0, sz = 0, szz = 0;
        for (double v : y) {
            double z = (v - mu) * inv;
            sz += z;
            szz += z * z;
        }
        sum = 0.5 * szz + y.length * Math.log(s);
        g[0] = -sz * inv;
        g[1] = (y.length - szz) * inv;
        return sum;
    }

    /** Median µs per call over rounds of ≥ 0.2 s, after 1 s of warm-up. */
    static double time(java.util.function.DoubleSupplier f) {
        double sink = 0;
        long end = System.nanoTime() + Long.getLong("warmupMs", 1000) * 1_000_000L;
        while (System.nanoTime() < end) sink += f.getAsDouble();
        List<Double> per = new ArrayList<>();
        for (int round = 0; round < 7; round++) {
            long t0 = System.nanoTime();
            int calls = 0;
            do {
                sink += f.getAsDouble();
                calls++;
            } while (System.nanoTime() - t0 < 200_000_000L);
            per.add((System.nanoTime() - t0) / 1e3 / calls);
        }
        if (sink == 42.4242) System.out.println();
        per.sort(null);
        return per.get(per.size() / 2);
    }

    static RatioModel network(Path dir, int h) {
        Random r = new Random(7);
        int[] widths = {3, h, h, h, 1};
        List<OnnxMlpWriter.Layer> layers = new ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            double[][] w = new double[widths[l + 1]][widths[l]];
            double[] b = new double[widths[l + 1]];
            for (double[] row : w) for (int i = 0; i < row.length; i++) row[i] = (float) (1.2 * r.nextGaussian() / Math.sqrt(widths[l]));
            for (int i = 0; i < b.length; i++) b[i] = (float) (0.1 * r.nextGaussian());
            boolean last = l + 2 == widths.length;
            layers.add(new OnnxMlpWriter.Layer(w, b, last ? OnnxMlpWriter.Activation.IDENTITY : OnnxMlpWriter.Activation.SWISH));
        }
        OnnxGraphBuilder.write(OnnxMlpWriter.mlp(List.of(new OnnxMlpWriter.Input("features", 3)), "output", layers, List.of("x", "mu", "sigma")),
                dir.resolve("nre.onnx"));
        Sidecars.write(ModelSidecar.binary("nre", "nre.onnx", "features", List.of("x"), ModelSidecar.OutputConvention.LOGIT, "p(x|θ)", "p(x)")
                .withParameters(List.of("mu", "sigma"), null)
                .withScaling(List.of(new ModelSidecar.Standard(List.of("x", "mu", "sigma"), new double[] {0.1, 0, 1.9}, new double[] {1.8, 1.7, 0.9}))),
                dir.resolve("nre.json"));
        return RatioModel.load(dir.resolve("nre.json"));
    }

}
