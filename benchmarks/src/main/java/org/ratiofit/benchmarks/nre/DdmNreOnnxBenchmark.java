package org.ratiofit.benchmarks.nre;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.function.DoubleSupplier;
import org.ratiofit.ratio.BatchedThetaGradient;
import org.ratiofit.ratio.BatchedThetaGradient.Precision;
import org.ratiofit.ratio.OnnxThetaGradient;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.validation.ddm.DdmSimulator;

/**
 * Issue 19's two ways to Σ_i ln r(x_i | θ) and its θ-gradient for the committed drift-diffusion
 * NRE (examples/models/ddm, 3 × 64 swish), side by side: the Java batched path
 * ({@link BatchedThetaGradient}, FLOAT64 and FLOAT32) and the derived ONNX graph with the gradient
 * as an extra output run by ONNX Runtime ({@link OnnxThetaGradient}), at 50, 200 and 10^4 trials,
 * on one thread and on two (ONNX Runtime: intra-op threads; Java: the call runs in a fork-join pool
 * of that many threads where it splits the set, above 4096 trials; below, on the calling thread alone). Wall time per call (ONNX
 * Runtime's threads are not the calling thread), median over 7 rounds of ≥ 0.2 s after
 * {@code -DwarmupMs} (default 2000) of warm-up; all variants of one size back to back; the load
 * average is printed before and after; {@code -Drepeats=k} measures the table k times.
 *
 * <pre>
 * mvn -B -o -q -DskipTests -Pjmh package -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.ratiofit.benchmarks.nre.DdmNreOnnxBenchmark [sizes] [sidecar]
 * </pre>
 */
public final class DdmNreOnnxBenchmark {

    private DdmNreOnnxBenchmark() {}

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {50, 200, 10000};
        Path sidecar = Path.of(args.length > 1 ? args[1] : "examples/models/ddm/ddm-nre.json");
        double[] truth = {0.5, 1.5, 0.5, 0.3};
        System.out.printf("DDM NRE %s; value + θ-gradient, µs per call (wall); load average %.2f%n", sidecar, load());
        System.out.printf("%8s %9s %9s %9s %9s %9s %9s %11s%n", "trials", "f64 1t", "f32 1t", "onnx 1t", "f64 2t", "f32 2t", "onnx 2t", "onnx/best");
        try (RatioModel model = RatioModel.load(sidecar)) {
            for (int rep = 0; rep < Integer.getInteger("repeats", 1); rep++) for (int n : sizes) {
                double[][] data = DdmSimulator.tutorial().simulate(truth[0], truth[1], truth[2], truth[3], n, 3);
                double[][] cols = {data[0], data[1]};
                BatchedThetaGradient f64 = BatchedThetaGradient.of(model, cols, Precision.FLOAT64);
                BatchedThetaGradient f32 = BatchedThetaGradient.of(model, cols, Precision.FLOAT32);
                Random r = new Random(5);
                double minRt = Arrays.stream(data[0]).min().orElseThrow();
                java.util.function.Supplier<double[]> theta = () -> new double[] {truth[0] + 0.05 * r.nextGaussian(), truth[1] + 0.02 * r.nextGaussian(),
                        truth[2] + 0.01 * r.nextGaussian(), Math.min(truth[3] + 0.005 * r.nextGaussian(), minRt - 1e-3)};
                if (!BatchedThetaGradient.simdInUse() || !BatchedThetaGradient.floatSimdInUse()) { // first size: wait for the SIMD kernels' switch
                    long w0 = System.nanoTime();
                    f64.sum(theta.get(), null, new double[4]);
                    f32.sum(theta.get(), null, new double[4]);
                    while ((!BatchedThetaGradient.simdInUse() || !BatchedThetaGradient.floatSimdInUse()) && System.nanoTime() - w0 < 90_000_000_000L) Thread.sleep(20);
                    System.out.printf("(SIMD kernels switched on after %.1f s)%n", (System.nanoTime() - w0) * 1e-9);
                }
                double[] t = new double[6];
                try (OnnxThetaGradient onnx1 = OnnxThetaGradient.of(model, cols, 1);
                     OnnxThetaGradient onnx2 = OnnxThetaGradient.of(model, cols, 2)) {
                    for (int threads = 1; threads <= 2; threads++) {
                        ForkJoinPool pool = new ForkJoinPool(threads);
                        try {
                            int k = 3 * (threads - 1);
                            boolean split = n > 4096; // below, the Java path runs on the calling thread alone
                            DoubleSupplier g64 = () -> f64.sum(theta.get(), null, new double[4]);
                            DoubleSupplier g32 = () -> f32.sum(theta.get(), null, new double[4]);
                            t[k] = time(split ? inPool(pool, g64) : g64);
                            t[k + 1] = time(split ? inPool(pool, g32) : g32);
                            OnnxThetaGradient o = threads == 1 ? onnx1 : onnx2;
                            t[k + 2] = time(() -> o.sum(theta.get(), null, new double[4]));
                        } finally {
                            pool.shutdown();
                        }
                    }
                }
                double bestJava = Math.min(Math.min(t[0], t[1]), Math.min(t[3], t[4]));
                System.out.printf("%8d %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %11.2f%n", n, t[0], t[1], t[2], t[3], t[4], t[5], Math.min(t[2], t[5]) / bestJava);
            }
        }
        System.out.printf("load average at the end %.2f; SIMD kernels in use: double %s, float %s%n", load(), BatchedThetaGradient.simdInUse(),
                BatchedThetaGradient.floatSimdInUse());
    }

    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The call run as a task of {@code pool}, so that its parallel streams use that pool's threads. */
    private static DoubleSupplier inPool(ForkJoinPool pool, DoubleSupplier f) {
        return () -> pool.submit(f::getAsDouble).join();
    }

    /** Median wall µs per call over 7 rounds of ≥ 0.2 s, after the warm-up. */
    static double time(DoubleSupplier f) {
        double sink = 0;
        long end = System.nanoTime() + Long.getLong("warmupMs", 2000) * 1_000_000L;
        while (System.nanoTime() < end) sink += f.getAsDouble();
        java.util.List<Double> per = new java.util.ArrayList<>();
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
}
