package org.ratiofit.likelihood;

import java.util.List;
import org.ratiofit.objective.ParameterSpec;

/**
 * Lets the JIT compile the likelihood's kernels before a large model's first full pass.
 *
 * <p>In a fresh JVM the first passes over 10^6 events run in the interpreter and the first
 * compiled tiers until the compiler's own threads are done: the end-to-end benchmark's first fit
 * took 2.9 s where the same fit in a warm JVM takes 1.3 s (BENCHMARKS.md, issue 21), and its
 * uncompiled passes left garbage that raised the peak heap. {@link #warmUp} runs the value,
 * gradient and Hessian passes on a copy of the model over the first {@value #EVENTS} events of
 * every event set (the same channels, samples, modifiers and threads, so the same code) until the
 * time per round stops falling or {@code maxMillis} pass. It computes nothing the model keeps:
 * results are the same with or without it, bit for bit.
 */
public final class KernelWarmUp {
    /** Events per event set of the copy. */
    public static final int EVENTS = 4096;

    /** Models with fewer unbinned events than this are not worth it (their first passes are short). */
    public static final long MIN_EVENTS = 200_000;

    /** System property that switches the warm-up off ({@code -Dratiofit.noKernelWarmUp=true}). */
    public static final String OFF_PROPERTY = "ratiofit.noKernelWarmUp";

    private KernelWarmUp() {}

    /**
     * Warms the kernels up on a small copy of {@code model} when it holds at least
     * {@link #MIN_EVENTS} unbinned events (and the property {@value #OFF_PROPERTY} is not true);
     * returns the rounds run (0: skipped).
     */
    public static int warmUp(Model model, long maxMillis) {
        if (Boolean.getBoolean(OFF_PROPERTY) || unbinnedEvents(model) < MIN_EVENTS || model.hasParametrisedRatios()) {
            return 0;
        }
        Model small = model.head(EVENTS);
        List<ParameterSpec> specs = small.parameters();
        int n = specs.size();
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = specs.get(i).initial();
        double[] g = new double[n];
        double[][] h = new double[n][n];
        boolean hessian = small.hasHessian();
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        double best = Double.POSITIVE_INFINITY;
        int rounds = 0, slower = 0;
        while (System.nanoTime() < deadline && slower < 8) {
            long t0 = System.nanoTime();
            small.value(x);
            small.valueAndGradient(x, g);
            if (hessian) small.valueGradientAndHessian(x, g, h);
            long dt = System.nanoTime() - t0;
            rounds++;
            if (dt < 0.9 * best) {
                best = dt;
                slower = 0;
            } else {
                slower++;
            }
        }
        return rounds;
    }

    private static long unbinnedEvents(Model model) {
        long n = 0;
        for (Channel c : model.channels()) {
            if (c instanceof UnbinnedChannel u) {
                n += u.data().events();
                if (u.reference() != null) n += u.reference().events();
            }
        }
        return n;
    }
}
