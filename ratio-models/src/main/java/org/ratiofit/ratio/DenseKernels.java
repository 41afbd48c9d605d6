package org.ratiofit.ratio;

/**
 * Matrix products and activations of {@link BatchedThetaGradient} on primitive arrays: SIMD
 * register-blocked kernels (the JDK's vector API, fused multiply-add, 4 rows × 2 vectors of
 * accumulators) when the JVM runs with {@code --add-modules jdk.incubator.vector}, plain loops
 * otherwise. Both compute every output element as the same chain of fused multiply-adds
 * (bias, then k = 0, 1, ... in order), so they give bit-identical results: which one runs never
 * changes a number.
 *
 * <p>Vector-API code is very slow until the JIT's C2 compiler has compiled it (each vector
 * operation allocates in the interpreter), and on a loaded machine that can take many seconds.
 * So the SIMD kernel is switched on only once it is compiled: {@link #warmUp(Runnable, long, long)},
 * called by {@link BatchedThetaGradient} when it is built, runs it on the network's own shapes
 * until then (before: a daemon thread ran it on other shapes, whose compiled code the JIT threw
 * away at the first real call). Since both kernels agree bit for bit, the moment of the switch
 * does not affect results.
 */
final class DenseKernels {
    private DenseKernels() {}

    /** Whether the vector API is present (and not turned off with {@code -Dratiofit.scalarKernels=true}). */
    static final boolean SIMD = VectorLog.SIMD && !Boolean.getBoolean("ratiofit.scalarKernels");

    private static volatile boolean simdHot;

    /** The thread running {@link #warmUp(Runnable, long, long)}: it uses the SIMD kernels before they are switched on for all. */
    private static volatile Thread warming;

    /** Whether the SIMD kernel is in use now. */
    static boolean simdInUse() {
        return simdHot;
    }

    private static boolean simd() {
        return SIMD && (simdHot || Thread.currentThread() == warming);
    }

    /**
     * As {@link FloatKernels#warmUp}: runs {@code call} (the real network's shapes, {@code fmas}
     * multiply-adds) on the calling thread with the SIMD kernels until its CPU time per call shows
     * compiled code (below fmas / {@value #COMPILED_FMAS_PER_NS} ns, then
     * {@value FloatKernels#STABLE_ROUNDS} rounds without a 10% gain; at most {@code maxMillis}),
     * then switches them on for every thread. {@link BatchedThetaGradient} calls it when built.
     */
    static synchronized boolean warmUp(Runnable call, long fmas, long maxMillis) {
        if (!SIMD || simdHot) return simdHot;
        warming = Thread.currentThread();
        java.lang.management.ThreadMXBean tmx = java.lang.management.ManagementFactory.getThreadMXBean();
        boolean cpuTime = tmx.isCurrentThreadCpuTimeSupported();
        try {
            long deadline = System.nanoTime() + maxMillis * 1_000_000L;
            double target = fmas / COMPILED_FMAS_PER_NS, best = Double.POSITIVE_INFINITY;
            int reps = 1, fast = 0;
            while (true) {
                long c0 = cpuTime ? tmx.getCurrentThreadCpuTime() : System.nanoTime();
                try {
                    for (int r = 0; r < reps; r++) call.run();
                } catch (RuntimeException e) { // an output the conversion rejects: the real calls report it
                    simdHot = true;
                    return false;
                }
                long c1 = cpuTime ? tmx.getCurrentThreadCpuTime() : System.nanoTime();
                double per = (double) (c1 - c0) / reps;
                if (per < target) {
                    if (per < 0.9 * best) {
                        best = per;
                        fast = 0;
                    } else {
                        fast++;
                    }
                }
                if (fast >= FloatKernels.STABLE_ROUNDS) {
                    simdHot = true;
                    return true;
                }
                if (System.nanoTime() > deadline) break;
                if (c1 - c0 < 1_000_000L) reps *= 2;
            }
            simdHot = true;
            return false;
        } finally {
            warming = null;
        }
    }

    /** {@link #warmUp}: fused multiply-adds per ns of CPU time that mean "compiled" (half the float figure: half the lanes). */
    static final double COMPILED_FMAS_PER_NS = 1;

    /** c[m×n] = a[m×p] · b[p×n] (+ bias[n] on every row when bias is not null); row-major. */
    static void multiply(double[] a, int m, int p, double[] b, int n, double[] bias, double[] c) {
        if (n >= 4 && simd()) {
            Simd.multiply(a, m, p, b, n, bias, c);
            return;
        }
        scalar(a, 0, m, p, b, n, bias, c);
    }

    static void scalar(double[] a, int from, int m, int p, double[] b, int n, double[] bias, double[] c) {
        for (int i = from; i < m; i++) {
            int ra = i * p, rc = i * n;
            if (bias == null) java.util.Arrays.fill(c, rc, rc + n, 0.0);
            else System.arraycopy(bias, 0, c, rc, n);
            for (int k = 0; k < p; k++) {
                double s = a[ra + k];
                int rb = k * n;
                for (int o = 0; o < n; o++) c[rc + o] = Math.fma(s, b[rb + o], c[rc + o]);
            }
        }
    }

    /** Swish in place, z·σ(z), with its derivative σ(1 + z(1 − σ)) into der. */
    static void swish(double[] z, double[] der, int len) {
        int q = simd() ? Simd.swish(z, der, len) : 0;
        for (; q < len; q++) {
            double x = z[q];
            double e = expNonPositive(-Math.abs(x));
            double s = x >= 0 ? 1 / (1 + e) : e / (1 + e);
            der[q] = s + x * s * (1 - s);
            z[q] = x * s;
        }
    }

    // exp on [−700, 0] as the same chain of operations in the plain and the SIMD code (so both give
    // the same bits): k = round(y / ln 2) by the 1.5·2^52 trick, r = y − k ln 2 in two steps
    // (fdlibm's split of ln 2), e^r by its Taylor polynomial to degree 13 (|r| ≤ ln 2 / 2: truncation
    // below 1e-17), times 2^k built from k's bits. Within a few ulp of Math.exp.
    static final double LOG2E = 1.4426950408889634;
    static final double LN2_HI = 6.93147180369123816490e-01;
    static final double LN2_LO = 1.90821492927058770002e-10;
    static final double MAGIC = 6755399441055744.0; // 1.5 · 2^52
    static final long EXP_BIAS_BITS = Double.doubleToRawLongBits(MAGIC) - 1023;
    static final double[] TAYLOR = new double[14];
    static {
        double f = 1;
        for (int n = 0; n < TAYLOR.length; n++) {
            if (n > 0) f *= n;
            TAYLOR[n] = 1 / f;
        }
    }

    /** e^y for y ≤ 0 (y below −700 taken as −700: e^−700 ≈ 1e−304 for anything smaller). */
    static double expNonPositive(double y) {
        y = Math.max(y, -700.0);
        double t = y * LOG2E + MAGIC;
        double k = t - MAGIC;
        double r = Math.fma(-k, LN2_HI, y);
        r = Math.fma(-k, LN2_LO, r);
        double p = TAYLOR[13];
        for (int n = 12; n >= 0; n--) p = Math.fma(p, r, TAYLOR[n]);
        return p * Double.longBitsToDouble((Double.doubleToRawLongBits(t) - EXP_BIAS_BITS) << 52);
    }

    /** Loaded only when the module is present. */
    static final class Simd {
        private static final jdk.incubator.vector.VectorSpecies<Double> S = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED;

        /** Swish over the whole vectors of z[0, len) with the plain code's operations; returns where the plain loop goes on. */
        static int swish(double[] z, double[] der, int len) {
            final int l = S.length();
            int q = 0;
            var one = jdk.incubator.vector.DoubleVector.broadcast(S, 1.0);
            var lo = jdk.incubator.vector.DoubleVector.broadcast(S, -700.0);
            var log2e = jdk.incubator.vector.DoubleVector.broadcast(S, LOG2E);
            var magic = jdk.incubator.vector.DoubleVector.broadcast(S, MAGIC);
            var ln2hi = jdk.incubator.vector.DoubleVector.broadcast(S, LN2_HI);
            var ln2lo = jdk.incubator.vector.DoubleVector.broadcast(S, LN2_LO);
            var c13 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[13]);
            var c12 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[12]);
            var c11 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[11]);
            var c10 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[10]);
            var c9 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[9]);
            var c8 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[8]);
            var c7 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[7]);
            var c6 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[6]);
            var c5 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[5]);
            var c4 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[4]);
            var c3 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[3]);
            var c2 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[2]);
            var c1 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[1]);
            var c0 = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[0]);
            for (; q + l <= len; q += l) {
                var x = jdk.incubator.vector.DoubleVector.fromArray(S, z, q);
                // e = exp(−|x|), exp written out here: the vector API nested in a helper call runs
                // out of C2's inlining depth, and then every vector is boxed
                var y = x.abs().neg().max(lo);
                var t = y.mul(log2e).add(magic);
                var nk = t.sub(magic).neg();
                var r = nk.fma(ln2hi, y);
                r = nk.fma(ln2lo, r);
                // the polynomial unrolled by hand: a vector carried around a loop can be boxed too
                var p = c13.fma(r, c12).fma(r, c11).fma(r, c10).fma(r, c9).fma(r, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3)
                        .fma(r, c2).fma(r, c1).fma(r, c0);
                var e = p.mul(t.reinterpretAsLongs().sub(EXP_BIAS_BITS).lanewise(jdk.incubator.vector.VectorOperators.LSHL, 52).reinterpretAsDoubles());
                var den = one.add(e);
                var pos = x.compare(jdk.incubator.vector.VectorOperators.GE, 0.0);
                var s = e.div(den).blend(one.div(den), pos);
                x.mul(s).mul(one.sub(s)).add(s).intoArray(der, q);
                x.mul(s).intoArray(z, q);
            }
            return q;
        }

        /** {@link DenseKernels#expNonPositive} lane by lane, the same operations in the same order. */
        static jdk.incubator.vector.DoubleVector exp(jdk.incubator.vector.DoubleVector y) {
            y = y.max(-700.0);
            var t = y.mul(LOG2E).add(MAGIC);
            var k = t.sub(MAGIC);
            var nk = k.neg();
            var r = nk.fma(jdk.incubator.vector.DoubleVector.broadcast(S, LN2_HI), y);
            r = nk.fma(jdk.incubator.vector.DoubleVector.broadcast(S, LN2_LO), r);
            var p = jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[13]);
            for (int n = 12; n >= 0; n--) p = p.fma(r, jdk.incubator.vector.DoubleVector.broadcast(S, TAYLOR[n]));
            var scale = t.reinterpretAsLongs().sub(EXP_BIAS_BITS).lanewise(jdk.incubator.vector.VectorOperators.LSHL, 52).reinterpretAsDoubles();
            return p.mul(scale);
        }

        static void multiply(double[] a, int m, int p, double[] b, int n, double[] bias, double[] c) {
            final int l = S.length();
            int nv = n - n % l;
            var zero = jdk.incubator.vector.DoubleVector.zero(S);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                int a0 = i * p, a1 = a0 + p, a2 = a1 + p, a3 = a2 + p;
                int c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
                int o = 0;
                for (; o + 2 * l <= nv; o += 2 * l) {
                    var x0 = bias == null ? zero : jdk.incubator.vector.DoubleVector.fromArray(S, bias, o);
                    var y0 = bias == null ? zero : jdk.incubator.vector.DoubleVector.fromArray(S, bias, o + l);
                    var x1 = x0; var x2 = x0; var x3 = x0;
                    var y1 = y0; var y2 = y0; var y3 = y0;
                    for (int k = 0; k < p; k++) {
                        var w = jdk.incubator.vector.DoubleVector.fromArray(S, b, k * n + o);
                        var v = jdk.incubator.vector.DoubleVector.fromArray(S, b, k * n + o + l);
                        var e0 = jdk.incubator.vector.DoubleVector.broadcast(S, a[a0 + k]);
                        var e1 = jdk.incubator.vector.DoubleVector.broadcast(S, a[a1 + k]);
                        var e2 = jdk.incubator.vector.DoubleVector.broadcast(S, a[a2 + k]);
                        var e3 = jdk.incubator.vector.DoubleVector.broadcast(S, a[a3 + k]);
                        x0 = e0.fma(w, x0); y0 = e0.fma(v, y0);
                        x1 = e1.fma(w, x1); y1 = e1.fma(v, y1);
                        x2 = e2.fma(w, x2); y2 = e2.fma(v, y2);
                        x3 = e3.fma(w, x3); y3 = e3.fma(v, y3);
                    }
                    x0.intoArray(c, c0 + o); y0.intoArray(c, c0 + o + l);
                    x1.intoArray(c, c1 + o); y1.intoArray(c, c1 + o + l);
                    x2.intoArray(c, c2 + o); y2.intoArray(c, c2 + o + l);
                    x3.intoArray(c, c3 + o); y3.intoArray(c, c3 + o + l);
                }
                for (; o < nv; o += l) {
                    var x0 = bias == null ? zero : jdk.incubator.vector.DoubleVector.fromArray(S, bias, o);
                    var x1 = x0; var x2 = x0; var x3 = x0;
                    for (int k = 0; k < p; k++) {
                        var w = jdk.incubator.vector.DoubleVector.fromArray(S, b, k * n + o);
                        x0 = jdk.incubator.vector.DoubleVector.broadcast(S, a[a0 + k]).fma(w, x0);
                        x1 = jdk.incubator.vector.DoubleVector.broadcast(S, a[a1 + k]).fma(w, x1);
                        x2 = jdk.incubator.vector.DoubleVector.broadcast(S, a[a2 + k]).fma(w, x2);
                        x3 = jdk.incubator.vector.DoubleVector.broadcast(S, a[a3 + k]).fma(w, x3);
                    }
                    x0.intoArray(c, c0 + o); x1.intoArray(c, c1 + o); x2.intoArray(c, c2 + o); x3.intoArray(c, c3 + o);
                }
                for (; o < n; o++) {
                    for (int r = 0; r < 4; r++) {
                        int ra = (i + r) * p;
                        double s = bias == null ? 0 : bias[o];
                        for (int k = 0; k < p; k++) s = Math.fma(a[ra + k], b[k * n + o], s);
                        c[(i + r) * n + o] = s;
                    }
                }
            }
            for (; i < m; i++) {
                int ra = i * p, rc = i * n;
                int o = 0;
                for (; o < nv; o += l) {
                    var x0 = bias == null ? zero : jdk.incubator.vector.DoubleVector.fromArray(S, bias, o);
                    for (int k = 0; k < p; k++) {
                        x0 = jdk.incubator.vector.DoubleVector.broadcast(S, a[ra + k]).fma(jdk.incubator.vector.DoubleVector.fromArray(S, b, k * n + o), x0);
                    }
                    x0.intoArray(c, rc + o);
                }
                for (; o < n; o++) {
                    double s = bias == null ? 0 : bias[o];
                    for (int k = 0; k < p; k++) s = Math.fma(a[ra + k], b[k * n + o], s);
                    c[rc + o] = s;
                }
            }
        }
    }
}
