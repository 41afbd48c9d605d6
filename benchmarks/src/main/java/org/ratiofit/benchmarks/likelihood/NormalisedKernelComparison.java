package org.ratiofit.benchmarks.likelihood;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Interpolation;
import org.ratiofit.likelihood.LegacyUnbinnedKernel;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.likelihood.ShapeNormalisation;
import org.ratiofit.likelihood.UnbinnedChannel;

/**
 * Issue 13: value + gradient of the normalised likelihood (log-space shape factors, each sample
 * normalised over a reference sample as large as the data) against the kernel before the issue
 * (HistFactory code-4 polynomial per event, unnormalised; {@link LegacyUnbinnedKernel}), on the
 * likelihood benchmark's configuration: N events, 3 samples, 10 code-4 shapesys per sample (all
 * alphas inside |alpha| &lt; 1) and 5 normsys. Interleaved rounds in one JVM, medians and ratios.
 *
 * <p>Usage: NormalisedKernelComparison [events] [rounds] [float32|float64]
 */
public final class NormalisedKernelComparison {

    private NormalisedKernelComparison() {
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        boolean f32 = args.length > 2 && args[2].equals("float32");
        SplittableRandom r = new SplittableRandom(1);
        int samples = LikelihoodBenchmark.SAMPLES;
        int shapes = LikelihoodBenchmark.SHAPES;
        int normsys = LikelihoodBenchmark.NORMSYS;
        double[] yields = {50, 200, 5000};
        Map<String, SampleColumns> data = new LinkedHashMap<>();
        Map<String, SampleColumns> ref = new LinkedHashMap<>();
        for (Map<String, SampleColumns> set : List.of(data, ref)) {
            for (int p = 0; p < samples; p++) {
                double[] lr = LikelihoodBenchmark.gauss(r, n, 0, 0.5);
                double[][] up = new double[shapes][];
                double[][] down = new double[shapes][];
                for (int k = 0; k < shapes; k++) {
                    up[k] = LikelihoodBenchmark.ratio(r, n, 0.05);
                    down[k] = LikelihoodBenchmark.ratio(r, n, 0.05);
                }
                set.put("s" + p, new SampleColumns(lr, List.of(up), List.of(down), List.of()));
            }
        }
        double[] refW = new double[n];
        Arrays.fill(refW, 1.0 / n);
        EventSet refSet = new EventSet(n, refW, ref);
        Model normalised = build(n, data, refSet, ShapeNormalisation.REFERENCE, yields, f32);
        Model unnormalised = build(n, data, null, ShapeNormalisation.NONE, yields, f32);
        UnbinnedChannel ch = (UnbinnedChannel) unnormalised.channels().get(0);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < unnormalised.dimension(); i++) {
            index.put(unnormalised.parameters().get(i).name(), i);
        }
        LegacyUnbinnedKernel legacy = new LegacyUnbinnedKernel(ch.samples(), ch.data(), index, f32);
        double[] x = normalised.initialValues();
        for (int k = 1; k < x.length; k++) {
            x[k] = 0.7 * Math.sin(k);
        }
        double[] c = new double[samples];
        for (int p = 0; p < samples; p++) {
            c[p] = yields[p] * (p == 0 ? x[0] : 1);
            for (int k = 0; k < normsys; k++) {
                if ((k + p) % 2 == 0) {
                    c[p] *= Interpolation.code4(x[1 + shapes + k], 1.05, 0.96)[0];
                }
            }
        }
        ForkJoinPool pool = ForkJoinPool.commonPool();
        double[] g = new double[x.length];
        String load = load();
        double[][] t = new double[3][rounds];
        for (int i = -3; i < rounds; i++) {
            long t0 = System.nanoTime();
            legacy.evaluate(x, c, pool, true);
            long t1 = System.nanoTime();
            normalised.valueAndGradient(x, g);
            long t2 = System.nanoTime();
            unnormalised.valueAndGradient(x, g);
            long t3 = System.nanoTime();
            if (i >= 0) {
                t[0][i] = (t1 - t0) / 1e6;
                t[1][i] = (t2 - t1) / 1e6;
                t[2][i] = (t3 - t2) / 1e6;
            }
        }
        double m0 = median(t[0]);
        double m1 = median(t[1]);
        double m2 = median(t[2]);
        System.out.printf("N = %d data + %d reference events, %s storage, %d rounds, %d threads; load before: %s, after: %s%n",
                n, n, f32 ? "float32" : "float64", rounds, pool.getParallelism(), load, load());
        System.out.printf("before issue 13 (code-4 polynomial, unnormalised): median %.1f ms%n", m0);
        System.out.printf("log-space, normalised over the reference (default): median %.1f ms  (%.2fx)%n", m1, m1 / m0);
        System.out.printf("log-space, unnormalised (legacy option):            median %.1f ms  (%.2fx)%n", m2, m2 / m0);
        // per-round ratios, for the spread under load
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ratio[i] = t[1][i] / t[0][i];
        }
        Arrays.sort(ratio);
        System.out.printf("per-round ratio normalised/before: min %.2f median %.2f max %.2f%n", ratio[0], median(ratio), ratio[rounds - 1]);
    }

    private static Model build(int n, Map<String, SampleColumns> data, EventSet ref, ShapeNormalisation norm, double[] yields, boolean f32) {
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1.2, 0, 10));
        for (int k = 0; k < LikelihoodBenchmark.SHAPES; k++) {
            b.parameter(Parameter.constrained("shape" + k));
        }
        for (int k = 0; k < LikelihoodBenchmark.NORMSYS; k++) {
            b.parameter(Parameter.constrained("norm" + k));
        }
        ModelBuilder.UnbinnedBuilder u = b.unbinned("SR", n).shapeNormalisation(norm);
        if (ref != null) {
            u.reference(ref);
        }
        for (int p = 0; p < LikelihoodBenchmark.SAMPLES; p++) {
            SampleColumns c = data.get("s" + p);
            ModelBuilder.SampleBuilder s = u.sample("s" + p, yields[p], c.logRatio());
            if (p == 0) {
                s.normFactor("mu");
            }
            for (int k = 0; k < LikelihoodBenchmark.SHAPES; k++) {
                s.shapeSys("shape" + k, 4, c.shapeUp().get(k), c.shapeDown().get(k));
            }
            for (int k = 0; k < LikelihoodBenchmark.NORMSYS; k++) {
                if ((k + p) % 2 == 0) {
                    s.normSys("norm" + k, 4, 1.05, 0.96);
                }
            }
            s.end();
        }
        u.end();
        return b.float32(f32).build();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }
}
