package org.ratiofit.benchmarks.likelihood;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import org.ratiofit.likelihood.Model;

/**
 * The Hessian pass against the gradient pass of {@link LikelihoodBenchmark}'s shape model (3 samples,
 * 10 code-4 shape factors each, 5 normsys, reference events a tenth of the data), on one thread, in
 * the thread's CPU time: less sensitive to other processes on a shared machine than wall time.
 * Alternates the two calls; prints the medians.
 * Usage: java --add-modules jdk.incubator.vector -cp benchmarks.jar
 * org.ratiofit.benchmarks.likelihood.HessianPassTiming [EVENTS] [ROUNDS] [float64|float32]
 */
public final class HessianPassTiming {

    private HessianPassTiming() {
    }

    public static void main(String[] args) {
        LikelihoodBenchmark.ShapeState s = new LikelihoodBenchmark.ShapeState();
        s.events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        s.storage = args.length > 2 ? args[2] : "float64";
        s.setUp();
        Model m = s.model.withPool((ForkJoinPool) null);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 5; i++) {
            m.valueAndGradient(s.x, s.g);
            m.valueGradientAndHessian(s.x, s.g, s.h);
        }
        long[] g = new long[rounds];
        long[] h = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = mx.getCurrentThreadCpuTime();
            m.valueAndGradient(s.x, s.g);
            long t1 = mx.getCurrentThreadCpuTime();
            m.valueGradientAndHessian(s.x, s.g, s.h);
            long t2 = mx.getCurrentThreadCpuTime();
            g[i] = t1 - t0;
            h[i] = t2 - t1;
        }
        Arrays.sort(g);
        Arrays.sort(h);
        double gm = g[rounds / 2] / 1e6;
        double hm = h[rounds / 2] / 1e6;
        System.out.printf("%d events, %s, one thread, median of %d (thread CPU ms): value+gradient %.1f, +Hessian %.1f, ratio %.2f%n",
                s.events, s.storage, rounds, gm, hm, hm / gm);
    }
}
