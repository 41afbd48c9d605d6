package org.ratiofit.ratio;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 kernels of {@link BatchedThetaGradient} ({@link BatchedThetaGradient.Precision#FLOAT32}):
 * a dense layer's matrix product with its epilogue fused into the same loop — bias, then either
 * nothing, or swish with its derivative (forward), or the product with the previous layer's
 * activation derivative (reverse) — on float arrays, so a SIMD register holds twice the lanes of
 * the double kernels ({@link DenseKernels}).
 *
 * <p>As there: a SIMD kernel (the JDK's vector API, fused multiply-add, 4 rows × 4 vectors of
 * accumulators on 512-bit vectors, then 4 × 3, 4 × 2, 4 × 1, the epilogue applied to each block of 4 rows while it is in the L1 cache) when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}, plain loops otherwise, both computing every output
 * element as the same chain of operations (bias, then fused multiply-adds over k = 0, 1, ... in
 * order, then the same epilogue operations), so they agree bit for bit. The SIMD kernel is switched
 * on by {@link #warmUp(Runnable, long, long)}, which {@link BatchedThetaGradient} calls when it is built
 * with the network's own shapes (before the JIT has compiled it, vector code runs hundreds of
 * times slower than plain loops; before this warm-up, the plain loops ran the first second or
 * more of a NUTS run at ~10 ms per call instead of ~0.1 ms).
 *
 * <p>The exponential in swish is {@link #expNeg} (e^−x): the float analogue of
 * {@link DenseKernels#expNonPositive} (range reduction by ln 2, a degree-7 Taylor polynomial) on
 * [−80, 80], within a few ulp of {@code (float) Math.exp(−x)}.
 */
final class FloatKernels {
    private FloatKernels() {}

    /** Epilogue: store the product (+ bias). */
    static final int STORE = 0;
    /** Epilogue: swish of the product (+ bias) into c, its derivative into der. */
    static final int SWISH = 1;
    /** Epilogue: the product times der (element by element) into c. */
    static final int TIMES_DER = 2;

    static final boolean SIMD = VectorLog.SIMD && !Boolean.getBoolean("ratiofit.scalarKernels"); // as DenseKernels.SIMD (not read from there: that would start its warm-up)

    private static volatile boolean simdHot;
    /** The thread running {@link #warmUp(Runnable, long, long)}: it uses the SIMD kernels before they are switched on for all. */
    private static volatile Thread warming;

    private static boolean simd() {
        return SIMD && (simdHot || Thread.currentThread() == warming);
    }

    /**
     * Runs {@code call} (a small evaluation through the kernels of this class, with the shapes of
     * the real work, {@code fmas} fused multiply-adds) on the calling thread with the SIMD kernels
     * until the JIT has compiled them, then switches the SIMD kernels on for every thread. Returns
     * at once when they are on already or absent.
     *
     * <p>Why on the real shapes: the JIT compiles code from the profile of its first calls, so
     * every branch the real work takes is compiled (a warm-up on other shapes leaves branches as
     * uncommon traps, and the first real call throws the compiled code away: a second or more at
     * ~10 ms per call). "Compiled" is read from the calling thread's CPU time per call: below
     * {@code fmas} / {@value #COMPILED_FMAS_PER_NS} ns (compiled SIMD code does 10–30 multiply-adds
     * per ns on a current core, the interpreter and the first JIT tier, which box every vector,
     * below 0.2), and then {@value #STABLE_ROUNDS} rounds (of ≥ 1 ms) in a row without a gain of
     * 10% on the fastest (C2 compiles loops first, whole methods later); at most {@code maxMillis}
     * of wall time.
     *
     * @return whether the compiled speed was reached (the SIMD kernels are switched on either way)
     */
    static synchronized boolean warmUp(Runnable call, long fmas, long maxMillis) {
        if (!SIMD || simdHot) return simdHot;
        warming = Thread.currentThread();
        java.lang.management.ThreadMXBean tmx = java.lang.management.ManagementFactory.getThreadMXBean();
        boolean cpuTime = tmx.isCurrentThreadCpuTimeSupported();
        boolean log = Boolean.getBoolean("ratiofit.logWarmUp");
        try {
            long start = System.nanoTime();
            long deadline = start + maxMillis * 1_000_000L;
            double target = fmas / COMPILED_FMAS_PER_NS;
            int reps = 1, fast = 0;
            double best = Double.POSITIVE_INFINITY;
            while (true) {
                long c0 = cpuTime ? tmx.getCurrentThreadCpuTime() : System.nanoTime();
                try {
                    for (int r = 0; r < reps; r++) call.run();
                } catch (RuntimeException e) {
                    // the warm-up's input gave an output the conversion rejects (a saturated score, say):
                    // not this method's to report (the real calls will, at their own θ); switch on and stop
                    simdHot = true;
                    return false;
                }
                long c1 = cpuTime ? tmx.getCurrentThreadCpuTime() : System.nanoTime();
                double per = (double) (c1 - c0) / reps;
                long now = System.nanoTime();
                if (log) System.err.printf(java.util.Locale.ROOT, "warm-up %.1f ms: %d calls, %.1f us CPU per call (target %.1f)%n", (now - start) * 1e-6, reps, per * 1e-3, target * 1e-3);
                if (per < target) {
                    if (per < 0.9 * best) { // still improving: C2 replaces the first compilations (loops first, then whole methods)
                        best = per;
                        fast = 0;
                    } else {
                        fast++;
                    }
                }
                if (fast >= STABLE_ROUNDS) {
                    simdHot = true;
                    return true;
                }
                if (now > deadline) break;
                if (c1 - c0 < 1_000_000L) reps *= 2; // rounds of at least ~1 ms
            }
            simdHot = true;
            return false;
        } finally {
            warming = null;
        }
    }

    /** {@link #warmUp}: fused multiply-adds per ns of CPU time that mean "compiled". */
    static final double COMPILED_FMAS_PER_NS = 2;
    static final int STABLE_ROUNDS = 3;

    /** Whether the SIMD kernel is in use now. */
    static boolean simdInUse() {
        return simdHot;
    }

    /**
     * c[m×n] = epilogue(a[m×p] · b[p×n] + bias[n]) (bias null: none); row-major. SWISH writes the
     * derivative into der; TIMES_DER multiplies by der[m×n].
     */
    static void product(float[] a, int m, int p, float[] b, int n, float[] bias, int epilogue, float[] c, float[] der) {
        if (simd()) Simd.product(a, m, p, b, n, bias, epilogue, c, der);
        else plain(a, m, p, b, n, bias, epilogue, c, der);
    }

    /** c[i×n + o] = swish(base[i×n + o] + shift[o]) for i in [0, m), its derivative into der. */
    static void shiftSwish(float[] base, int m, float[] shift, int n, float[] c, float[] der) {
        if (simd()) Simd.shiftSwish(base, m, shift, n, c, der);
        else plainShiftSwish(base, 0, m, shift, n, c, der);
    }

    static void plain(float[] a, int m, int p, float[] b, int n, float[] bias, int epilogue, float[] c, float[] der) {
        for (int i = 0; i < m; i++) plainRow(a, i, p, b, n, bias, epilogue, c, der);
    }

    /** Row i of {@link #plain}: the products as an axpy over the row (bias, then k in order), then the epilogue. */
    static void plainRow(float[] a, int i, int p, float[] b, int n, float[] bias, int epilogue, float[] c, float[] der) {
        int ra = i * p, rc = i * n;
        if (bias == null) java.util.Arrays.fill(c, rc, rc + n, 0f);
        else System.arraycopy(bias, 0, c, rc, n);
        for (int k = 0; k < p; k++) {
            float s = a[ra + k];
            int rb = k * n;
            for (int o = 0; o < n; o++) c[rc + o] = Math.fma(s, b[rb + o], c[rc + o]);
        }
        epilogue(c, der, rc, rc + n, epilogue);
    }

    static void epilogue(float[] c, float[] der, int from, int to, int epilogue) {
        if (epilogue == SWISH) {
            for (int q = from; q < to; q++) c[q] = swish(c[q], der, q);
        } else if (epilogue == TIMES_DER) {
            for (int q = from; q < to; q++) c[q] = c[q] * der[q];
        }
    }

    static void plainShiftSwish(float[] base, int from, int m, float[] shift, int n, float[] c, float[] der) {
        for (int i = from; i < m; i++) {
            int r = i * n;
            for (int o = 0; o < n; o++) c[r + o] = swish(base[r + o] + shift[o], der, r + o);
        }
    }

    /** Swish x·σ(x), σ(x) = 1 / (1 + e^−x), with its derivative σ(1 + x(1 − σ)) written into der[q]. */
    static float swish(float x, float[] der, int q) {
        float s = 1f / (1f + expNeg(x));
        der[q] = x * s * (1f - s) + s;
        return x * s;
    }

    // e^−x for x in [−80, 80] in float (e^80 ≈ 5.5e34 is finite, so σ needs no case split), with
    // the sign folded into the constants (no negations): k = round(y / ln 2) by the 1.5·2^23 trick, r = y − k ln 2 in two
    // steps (ln 2 split so that k·LN2_HI is exact), e^r by its Taylor polynomial to degree 7
    // (|r| ≤ ln 2 / 2: truncation below 1e-8), times 2^k built from k's bits.
    static final float LOG2E = 1.442695041f;
    static final float LN2_HI = 0.693145751953125f;
    static final float LN2_LO = 1.428606765330187e-06f;
    static final float MAGIC = 12582912f; // 1.5 · 2^23
    static final int EXP_BIAS_BITS = Float.floatToRawIntBits(MAGIC) - 127;
    // k = round(−x / ln 2), r = x + k ln 2 = −(−x − k ln 2), e^−x = 2^k e^−r with e^−r by the
    // Taylor polynomial in r with alternating signs.
    static final float[] TAYLOR = new float[8]; // (−1)^n / n!
    static {
        double f = 1;
        for (int n = 0; n < TAYLOR.length; n++) {
            if (n > 0) f *= n;
            TAYLOR[n] = (float) ((n % 2 == 0 ? 1 : -1) / f);
        }
    }

    /** e^−x, x clamped to [−80, 80] (σ(±80) is 1 or 1.8e−35 either way). */
    static float expNeg(float x) {
        x = Math.min(Math.max(x, -80f), 80f);
        float t = Math.fma(x, -LOG2E, MAGIC);
        float k = t - MAGIC;
        float r = Math.fma(k, LN2_HI, x);
        r = Math.fma(k, LN2_LO, r);
        float p = TAYLOR[7];
        for (int n = 6; n >= 0; n--) p = Math.fma(p, r, TAYLOR[n]);
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) - EXP_BIAS_BITS) << 23);
    }

    /** Loaded only when the module is present. */
    static final class Simd {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        /** 512-bit vectors, so 32 vector registers: room for 16 accumulators. */
        private static final boolean WIDE = S.vectorBitSize() >= 512;

        /**
         * The epilogue over c[from, to) in place: swish lane by lane with
         * {@link FloatKernels#expNeg} written out (the same operations in the same order as
         * the plain code: the vector API must not be nested in helper calls here, or C2's inlining
         * depth runs out and every vector is boxed), or the product with der.
         */
        static void epilogue(float[] c, float[] der, int from, int to, int epilogue) {
            if (epilogue == STORE) return;
            final int l = S.length();
            int q = from;
            if (epilogue == TIMES_DER) {
                for (; q + l <= to; q += l) FloatVector.fromArray(S, c, q).mul(FloatVector.fromArray(S, der, q)).intoArray(c, q);
                FloatKernels.epilogue(c, der, q, to, epilogue);
                return;
            }
            var one = FloatVector.broadcast(S, 1f);
            var lo = FloatVector.broadcast(S, -80f);
            var hi = FloatVector.broadcast(S, 80f);
            var mlog2e = FloatVector.broadcast(S, -LOG2E);
            var magic = FloatVector.broadcast(S, MAGIC);
            var ln2hi = FloatVector.broadcast(S, LN2_HI);
            var ln2lo = FloatVector.broadcast(S, LN2_LO);
            var t7 = FloatVector.broadcast(S, TAYLOR[7]);
            var t6 = FloatVector.broadcast(S, TAYLOR[6]);
            var t5 = FloatVector.broadcast(S, TAYLOR[5]);
            var t4 = FloatVector.broadcast(S, TAYLOR[4]);
            var t3 = FloatVector.broadcast(S, TAYLOR[3]);
            var t2 = FloatVector.broadcast(S, TAYLOR[2]);
            var t1 = FloatVector.broadcast(S, TAYLOR[1]);
            var t0 = FloatVector.broadcast(S, TAYLOR[0]);
            for (; q + l <= to; q += l) {
                var x = FloatVector.fromArray(S, c, q);
                // e = expNeg(x)
                var xc = x.max(lo).min(hi);
                var t = xc.fma(mlog2e, magic);
                var k = t.sub(magic);
                var r = k.fma(ln2hi, xc);
                r = k.fma(ln2lo, r);
                var p = t7.fma(r, t6);
                p = p.fma(r, t5);
                p = p.fma(r, t4);
                p = p.fma(r, t3);
                p = p.fma(r, t2);
                p = p.fma(r, t1);
                p = p.fma(r, t0);
                var e = p.mul(t.reinterpretAsInts().sub(EXP_BIAS_BITS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                var sg = one.div(one.add(e));
                var xs = x.mul(sg);
                xs.mul(one.sub(sg)).add(sg).intoArray(der, q);
                xs.intoArray(c, q);
            }
            FloatKernels.epilogue(c, der, q, to, epilogue);
        }

        static void shiftSwish(float[] base, int m, float[] shift, int n, float[] c, float[] der) {
            final int l = S.length();
            int nv = n - n % l;
            for (int i = 0; i < m; i++) {
                int r = i * n;
                int o = 0;
                for (; o < nv; o += l) FloatVector.fromArray(S, base, r + o).add(FloatVector.fromArray(S, shift, o)).intoArray(c, r + o);
                for (; o < n; o++) c[r + o] = base[r + o] + shift[o];
            }
            epilogue(c, der, 0, m * n, SWISH);
        }

        static void product(float[] a, int m, int p, float[] b, int n, float[] bias, int epilogue, float[] c, float[] der) {
            final int l = S.length();
            int nv = n - n % l;
            var zero = FloatVector.zero(S);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                int a0 = i * p, a1 = a0 + p, a2 = a1 + p, a3 = a2 + p;
                int c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
                int o = 0;
                // 512-bit vectors (32 registers): 4 rows × 4 vectors, 16 accumulators, 4 loads + 4 broadcasts per 16
                // multiply-adds (a 64-wide layer in one pass; with 3 + 1 vectors the last vector did 4 per 5)
                if (WIDE) for (; o + 4 * l <= nv; o += 4 * l) {
                    var x0 = bias == null ? zero : FloatVector.fromArray(S, bias, o);
                    var y0 = bias == null ? zero : FloatVector.fromArray(S, bias, o + l);
                    var u0 = bias == null ? zero : FloatVector.fromArray(S, bias, o + 2 * l);
                    var v0 = bias == null ? zero : FloatVector.fromArray(S, bias, o + 3 * l);
                    var x1 = x0; var x2 = x0; var x3 = x0;
                    var y1 = y0; var y2 = y0; var y3 = y0;
                    var u1 = u0; var u2 = u0; var u3 = u0;
                    var v1 = v0; var v2 = v0; var v3 = v0;
                    for (int k = 0; k < p; k++) {
                        int rb = k * n + o;
                        var w = FloatVector.fromArray(S, b, rb);
                        var v = FloatVector.fromArray(S, b, rb + l);
                        var z = FloatVector.fromArray(S, b, rb + 2 * l);
                        var q = FloatVector.fromArray(S, b, rb + 3 * l);
                        var e = FloatVector.broadcast(S, a[a0 + k]);
                        x0 = e.fma(w, x0); y0 = e.fma(v, y0); u0 = e.fma(z, u0); v0 = e.fma(q, v0);
                        e = FloatVector.broadcast(S, a[a1 + k]);
                        x1 = e.fma(w, x1); y1 = e.fma(v, y1); u1 = e.fma(z, u1); v1 = e.fma(q, v1);
                        e = FloatVector.broadcast(S, a[a2 + k]);
                        x2 = e.fma(w, x2); y2 = e.fma(v, y2); u2 = e.fma(z, u2); v2 = e.fma(q, v2);
                        e = FloatVector.broadcast(S, a[a3 + k]);
                        x3 = e.fma(w, x3); y3 = e.fma(v, y3); u3 = e.fma(z, u3); v3 = e.fma(q, v3);
                    }
                    x0.intoArray(c, c0 + o); y0.intoArray(c, c0 + o + l); u0.intoArray(c, c0 + o + 2 * l); v0.intoArray(c, c0 + o + 3 * l);
                    x1.intoArray(c, c1 + o); y1.intoArray(c, c1 + o + l); u1.intoArray(c, c1 + o + 2 * l); v1.intoArray(c, c1 + o + 3 * l);
                    x2.intoArray(c, c2 + o); y2.intoArray(c, c2 + o + l); u2.intoArray(c, c2 + o + 2 * l); v2.intoArray(c, c2 + o + 3 * l);
                    x3.intoArray(c, c3 + o); y3.intoArray(c, c3 + o + l); u3.intoArray(c, c3 + o + 2 * l); v3.intoArray(c, c3 + o + 3 * l);
                }
                for (; o + 3 * l <= nv; o += 3 * l) { // 12 accumulators: fewer loads per fused multiply-add than 4 × 2
                    var x0 = bias == null ? zero : FloatVector.fromArray(S, bias, o);
                    var y0 = bias == null ? zero : FloatVector.fromArray(S, bias, o + l);
                    var u0 = bias == null ? zero : FloatVector.fromArray(S, bias, o + 2 * l);
                    var x1 = x0; var x2 = x0; var x3 = x0;
                    var y1 = y0; var y2 = y0; var y3 = y0;
                    var u1 = u0; var u2 = u0; var u3 = u0;
                    for (int k = 0; k < p; k++) {
                        int rb = k * n + o;
                        var w = FloatVector.fromArray(S, b, rb);
                        var v = FloatVector.fromArray(S, b, rb + l);
                        var z = FloatVector.fromArray(S, b, rb + 2 * l);
                        var e = FloatVector.broadcast(S, a[a0 + k]);
                        x0 = e.fma(w, x0); y0 = e.fma(v, y0); u0 = e.fma(z, u0);
                        e = FloatVector.broadcast(S, a[a1 + k]);
                        x1 = e.fma(w, x1); y1 = e.fma(v, y1); u1 = e.fma(z, u1);
                        e = FloatVector.broadcast(S, a[a2 + k]);
                        x2 = e.fma(w, x2); y2 = e.fma(v, y2); u2 = e.fma(z, u2);
                        e = FloatVector.broadcast(S, a[a3 + k]);
                        x3 = e.fma(w, x3); y3 = e.fma(v, y3); u3 = e.fma(z, u3);
                    }
                    x0.intoArray(c, c0 + o); y0.intoArray(c, c0 + o + l); u0.intoArray(c, c0 + o + 2 * l);
                    x1.intoArray(c, c1 + o); y1.intoArray(c, c1 + o + l); u1.intoArray(c, c1 + o + 2 * l);
                    x2.intoArray(c, c2 + o); y2.intoArray(c, c2 + o + l); u2.intoArray(c, c2 + o + 2 * l);
                    x3.intoArray(c, c3 + o); y3.intoArray(c, c3 + o + l); u3.intoArray(c, c3 + o + 2 * l);
                }
                for (; o + 2 * l <= nv; o += 2 * l) {
                    var x0 = bias == null ? zero : FloatVector.fromArray(S, bias, o);
                    var y0 = bias == null ? zero : FloatVector.fromArray(S, bias, o + l);
                    var x1 = x0; var x2 = x0; var x3 = x0;
                    var y1 = y0; var y2 = y0; var y3 = y0;
                    for (int k = 0; k < p; k++) {
                        var w = FloatVector.fromArray(S, b, k * n + o);
                        var v = FloatVector.fromArray(S, b, k * n + o + l);
                        var e0 = FloatVector.broadcast(S, a[a0 + k]);
                        var e1 = FloatVector.broadcast(S, a[a1 + k]);
                        var e2 = FloatVector.broadcast(S, a[a2 + k]);
                        var e3 = FloatVector.broadcast(S, a[a3 + k]);
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
                    var x0 = bias == null ? zero : FloatVector.fromArray(S, bias, o);
                    var x1 = x0; var x2 = x0; var x3 = x0;
                    for (int k = 0; k < p; k++) {
                        var w = FloatVector.fromArray(S, b, k * n + o);
                        x0 = FloatVector.broadcast(S, a[a0 + k]).fma(w, x0);
                        x1 = FloatVector.broadcast(S, a[a1 + k]).fma(w, x1);
                        x2 = FloatVector.broadcast(S, a[a2 + k]).fma(w, x2);
                        x3 = FloatVector.broadcast(S, a[a3 + k]).fma(w, x3);
                    }
                    x0.intoArray(c, c0 + o); x1.intoArray(c, c1 + o);
                    x2.intoArray(c, c2 + o); x3.intoArray(c, c3 + o);
                }
                for (; o < n; o++) { // the four rows' chains interleaved (a narrow output: the network's last layer)
                    float s0 = bias == null ? 0f : bias[o], s1 = s0, s2 = s0, s3 = s0;
                    for (int k = 0; k < p; k++) {
                        float w = b[k * n + o];
                        s0 = Math.fma(a[a0 + k], w, s0);
                        s1 = Math.fma(a[a1 + k], w, s1);
                        s2 = Math.fma(a[a2 + k], w, s2);
                        s3 = Math.fma(a[a3 + k], w, s3);
                    }
                    c[c0 + o] = s0;
                    c[c1 + o] = s1;
                    c[c2 + o] = s2;
                    c[c3 + o] = s3;
                }
                epilogue(c, der, c0, c0 + 4 * n, epilogue);
            }
            for (; i < m; i++) {
                int ra = i * p, rc = i * n;
                int o = 0;
                for (; o < nv; o += l) {
                    var x0 = bias == null ? zero : FloatVector.fromArray(S, bias, o);
                    for (int k = 0; k < p; k++) x0 = FloatVector.broadcast(S, a[ra + k]).fma(FloatVector.fromArray(S, b, k * n + o), x0);
                    x0.intoArray(c, rc + o);
                }
                tail(a, ra, p, b, n, bias, c, rc, nv);
                epilogue(c, der, rc, rc + n, epilogue);
            }
        }

        /** Columns [from, n) of one row in scalar code: the same chain as the plain loop. */
        private static void tail(float[] a, int ra, int p, float[] b, int n, float[] bias, float[] c, int rc, int from) {
            for (int o = from; o < n; o++) {
                float s = bias == null ? 0f : bias[o];
                for (int k = 0; k < p; k++) s = Math.fma(a[ra + k], b[k * n + o], s);
                c[rc + o] = s;
            }
        }
    }
}
