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
 * So the SIMD kernel is switched on only once it is fast: a daemon thread started at first use
 * runs it on small matrices and compares its time with the plain loop's, then sets a flag (or
 * gives up after a minute and the plain loops stay). Since both kernels agree bit for bit, the
 * moment of the switch does not affect results.
 */
final class DenseKernels {
    private DenseKernels() {}

    /** Whether the vector API is present (and not turned off with {@code -Dratiofit.scalarKernels=true}). */
    static final boolean SIMD = VectorLog.SIMD && !Boolean.getBoolean("ratiofit.scalarKernels");

    private static volatile boolean simdHot;

    static {
        if (SIMD) {
            Thread t = new Thread(DenseKernels::warmUp, "ratiofit-simd-warmup");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            t.start();
        }
    }

    /** Whether the SIMD kernel is in use now. */
    static boolean simdInUse() {
        return simdHot;
    }

    private static void warmUp() {
        int m = 8, p = 32, n = 32;
        java.util.Random r = new java.util.Random(1);
        double[] a = new double[m * p], b = new double[p * n], bias = new double[n], c = new double[m * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = r.nextGaussian();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            for (int rep = 0; rep < 200; rep++) Simd.multiply(a, m, p, b, n, bias, c);
            long t1 = System.nanoTime();
            for (int rep = 0; rep < 200; rep++) scalar(a, 0, m, p, b, n, bias, c);
            long t2 = System.nanoTime();
            if (t1 - t0 < t2 - t1) {
                simdHot = true;
                return;
            }
        }
    }

    /** c[m×n] = a[m×p] · b[p×n] (+ bias[n] on every row when bias is not null); row-major. */
    static void multiply(double[] a, int m, int p, double[] b, int n, double[] bias, double[] c) {
        if (SIMD && simdHot && n >= 4) {
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
        for (int q = 0; q < len; q++) {
            double x = z[q];
            double s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            der[q] = s + x * s * (1 - s);
            z[q] = x * s;
        }
    }

    /** Loaded only when the module is present. */
    static final class Simd {
        private static final jdk.incubator.vector.VectorSpecies<Double> S = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED;

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
