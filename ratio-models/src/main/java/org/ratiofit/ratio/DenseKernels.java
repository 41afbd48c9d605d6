package org.ratiofit.ratio;

/**
 * Matrix products and activations of {@link BatchedThetaGradient} on primitive arrays: SIMD
 * register-blocked kernels (the JDK's vector API, fused multiply-add, 4 rows × 2 vectors of
 * accumulators) when the JVM runs with {@code --add-modules jdk.incubator.vector}, plain loops
 * otherwise. Both give the same products up to rounding (fused multiply-add rounds once).
 */
final class DenseKernels {
    private DenseKernels() {}

    static final boolean SIMD = VectorLog.SIMD;

    /** c[m×n] = a[m×p] · b[p×n] (+ bias[n] on every row when bias is not null); row-major. */
    static void multiply(double[] a, int m, int p, double[] b, int n, double[] bias, double[] c) {
        if (SIMD && n >= 4) {
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
                if (s == 0) continue;
                int rb = k * n;
                for (int o = 0; o < n; o++) c[rc + o] += s * b[rb + o];
            }
        }
    }

    /** Swish in place, z·σ(z), with its derivative σ(1 + z(1 − σ)) into der. */
    static void swish(double[] z, double[] der, int len) {
        int q = 0;
        if (SIMD) q = Simd.swish(z, der, len);
        for (; q < len; q++) {
            double x = z[q];
            double s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            der[q] = s + x * s * (1 - s);
            z[q] = x * s;
        }
    }

    /** Loaded only when the module is present. */
    private static final class Simd {
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
                        for (int k = 0; k < p; k++) s += a[ra + k] * b[k * n + o];
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
                    for (int k = 0; k < p; k++) s += a[ra + k] * b[k * n + o];
                    c[rc + o] = s;
                }
            }
        }

        /** Vector part of {@link DenseKernels#swish}; returns how many values it did. */
        static int swish(double[] z, double[] der, int len) {
            final int l = S.length();
            var one = jdk.incubator.vector.DoubleVector.broadcast(S, 1.0);
            int q = 0;
            for (; q + l <= len; q += l) {
                var x = jdk.incubator.vector.DoubleVector.fromArray(S, z, q);
                // 1/(1 + e^(−x)): e^(−x) = +∞ for very negative x gives σ = 0, no NaN
                var s = one.div(one.add(x.neg().lanewise(jdk.incubator.vector.VectorOperators.EXP)));
                var d = s.add(x.mul(s).mul(one.sub(s)));
                d.intoArray(der, q);
                x.mul(s).intoArray(z, q);
            }
            return q;
        }
    }
}
