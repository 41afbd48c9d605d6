package org.ratiofit.benchmarks.nre;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.ratiofit.ratio.BatchedThetaGradient;
import org.ratiofit.ratio.BatchedThetaGradient.Precision;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.validation.ddm.DdmSimulator;
import org.ratiofit.validation.ddm.WienerFpt;

/**
 * Per-call cost of Σ_i ln r(x_i | θ) for the committed drift-diffusion NRE (examples/models/ddm,
 * 3 × 64 swish) on simulated trials, at 50, 200 and 10^4 trials: value + θ-gradient and the
 * forward pass alone, in double ({@code FLOAT64}) and float ({@code FLOAT32}) arithmetic, against
 * the exact Wiener first-passage-time log-density with its closed-form gradient. One call at a
 * time on the calling thread (sizes up to 4096 trials: above, the batched path splits into blocks
 * on the common pool, and the figures are wall time). A plain timing main: the calling thread's CPU
 * time (so other processes on a loaded machine count less; wall time above 4096 trials), median
 * over 7 rounds of ≥ 0.2 s after {@code -DwarmupMs} (default 3000) of warm-up; all variants of one
 * size measured back to back.
 *
 * <pre>
 * mvn -B -o -q -DskipTests -Pjmh package -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.ratiofit.benchmarks.nre.DdmNreBenchmark [sizes] [sidecar]
 * </pre>
 */
public final class DdmNreBenchmark {

    private DdmNreBenchmark() {}

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {50, 200, 10000};
        Path sidecar = Path.of(args.length > 1 ? args[1] : "examples/models/ddm/ddm-nre.json");
        double[] truth = {0.5, 1.5, 0.5, 0.3};
        try (RatioModel model = RatioModel.load(sidecar)) {
            System.out.printf("DDM NRE %s; one call at a time; µs per call (thread CPU time up to 4096 trials, wall time above)%n", sidecar);
            System.out.printf("%8s %12s %12s %12s %12s %12s %10s %10s %10s%n", "trials", "f64 v+g", "f32 v+g", "f64 fwd", "f32 fwd", "exact v+g",
                    "f64/f32", "f32 v+g/fwd", "f32/exact");
            for (int n : sizes) {
                double[][] data = DdmSimulator.tutorial().simulate(truth[0], truth[1], truth[2], truth[3], n, 3);
                double[][] cols = {data[0], data[1]};
                BatchedThetaGradient f64 = BatchedThetaGradient.of(model, cols, Precision.FLOAT64);
                BatchedThetaGradient f32 = BatchedThetaGradient.of(model, cols, Precision.FLOAT32);
                Random r = new Random(5);
                double minRt = Arrays.stream(data[0]).min().orElseThrow();
                java.util.function.Supplier<double[]> theta = () -> new double[] {truth[0] + 0.05 * r.nextGaussian(), truth[1] + 0.02 * r.nextGaussian(),
                        truth[2] + 0.01 * r.nextGaussian(), Math.min(truth[3] + 0.005 * r.nextGaussian(), minRt - 1e-3)};
                boolean cpu = n <= 4096;
                if (!BatchedThetaGradient.simdInUse() || !BatchedThetaGradient.floatSimdInUse()) { // first size: wait for the SIMD kernels' switch
                    long w0 = System.nanoTime();
                    f64.sum(theta.get(), null, new double[4]);
                    f32.sum(theta.get(), null, new double[4]);
                    while ((!BatchedThetaGradient.simdInUse() || !BatchedThetaGradient.floatSimdInUse()) && System.nanoTime() - w0 < 90_000_000_000L) Thread.sleep(20);
                    System.out.printf("(SIMD kernels switched on after %.1f s)%n", (System.nanoTime() - w0) * 1e-9);
                }
                double tG64 = time(() -> f64.sum(theta.get(), null, new double[4]), cpu);
                double tG32 = time(() -> f32.sum(theta.get(), null, new double[4]), cpu);
                double tF64 = time(() -> f64.value(theta.get(), null), cpu);
                double tF32 = time(() -> f32.value(theta.get(), null), cpu);
                double tExact = time(() -> exact(data, theta.get()), cpu);
                System.out.printf("%8d %12.1f %12.1f %12.1f %12.1f %12.1f %10.2f %10.2f %10.2f%n", n, tG64, tG32, tF64, tF32, tExact, tG64 / tG32, tG32 / tF32,
                        tG32 / tExact);
            }
            System.out.println("SIMD kernels in use at the end: double " + BatchedThetaGradient.simdInUse() + ", float " + BatchedThetaGradient.floatSimdInUse());
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** Median µs per call over 7 rounds of ≥ 0.2 s (thread CPU time when {@code cpu}, else wall), after the warm-up. */
    static double time(java.util.function.DoubleSupplier f) {
        return time(f, true);
    }

    static double time(java.util.function.DoubleSupplier f, boolean cpu) {
        double sink = 0;
        long end = System.nanoTime() + Long.getLong("warmupMs", 3000) * 1_000_000L;
        while (System.nanoTime() < end) sink += f.getAsDouble();
        java.util.List<Double> per = new java.util.ArrayList<>();
        for (int round = 0; round < 7; round++) {
            long c0 = THREADS.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            int calls = 0;
            do {
                sink += f.getAsDouble();
                calls++;
            } while (System.nanoTime() - t0 < 200_000_000L);
            long spent = cpu ? THREADS.getCurrentThreadCpuTime() - c0 : System.nanoTime() - t0;
            per.add(spent / 1e3 / calls);
        }
        if (sink == 42.4242) System.out.println();
        per.sort(null);
        return per.get(per.size() / 2);
    }

    static double exact(double[][] data, double[] t) {
        double[] g = new double[4], gi = new double[4];
        double ll = 0;
        for (int i = 0; i < data[0].length; i++) {
            ll += WienerFpt.logDensity(data[0][i], (int) data[1][i], t[0], t[1], t[2], t[3], gi);
            for (int j = 0; j < 4; j++) g[j] += gi[j];
        }
        return ll + g[0];
    }
}
