package org.ratiofit.benchmarks.ratio;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link EnsembleInferenceBenchmark}'s two paths alternated call by call, each timed in wall-clock
 * and in process CPU time. On a machine shared with other work the load drifts over the seconds a
 * JMH run spends on one benchmark before the other; alternating puts both paths under the same
 * load, and CPU time (the work done, whatever the waiting) is steadier than wall time.
 *
 * <p>Usage: {@code EnsembleInferenceInterleaved [repetitions] [events]} (defaults 12, 10^6).
 * Prints each pair and the medians of the ratios.
 */
public final class EnsembleInferenceInterleaved {
    private EnsembleInferenceInterleaved() {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        EnsembleInferenceBenchmark b = new EnsembleInferenceBenchmark();
        b.events = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        b.chunkRows = 16384;
        b.threads = 2;
        b.spinning = false;
        b.setup();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try {
            for (int w = 0; w < 2; w++) {
                b.rawOrtSessionRun();
                b.ratiofitEnsemble();
            }
            double[] wall = new double[reps], cpu = new double[reps];
            for (int r = 0; r < reps; r++) {
                // alternate which path goes first
                long[] raw = new long[2], rf = new long[2];
                for (int k = 0; k < 2; k++) {
                    boolean rawNow = (r + k) % 2 == 0;
                    long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
                    if (rawNow) b.rawOrtSessionRun(); else b.ratiofitEnsemble();
                    long dc = os.getProcessCpuTime() - c0, dt = System.nanoTime() - t0;
                    long[] into = rawNow ? raw : rf;
                    into[0] = dt;
                    into[1] = dc;
                }
                wall[r] = (double) rf[0] / raw[0];
                cpu[r] = (double) rf[1] / raw[1];
                System.out.printf(Locale.ROOT, "rep %2d  raw %6.0f ms wall %6.0f ms cpu | ratiofit %6.0f ms wall %6.0f ms cpu | ratio wall %.3f cpu %.3f%n",
                        r, raw[0] / 1e6, raw[1] / 1e6, rf[0] / 1e6, rf[1] / 1e6, wall[r], cpu[r]);
            }
            Arrays.sort(wall);
            Arrays.sort(cpu);
            System.out.printf(Locale.ROOT, "median ratio ratiofit/raw: wall %.3f, cpu %.3f (%d pairs)%n", wall[reps / 2], cpu[reps / 2], reps);
        } finally {
            b.tearDown();
        }
    }
}
