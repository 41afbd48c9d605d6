package org.ratiofit.likelihood;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * BENCHMARK ONLY: a verbatim copy of the unbinned kernel as it was before issue 13 (per-event
 * HistFactory code-4 polynomial, no normalisation), kept so that NormalisedKernelComparison
 * measures today's kernel against the normalised one in one run. Not used by ratiofit.
 *
 * <p>The hot loop of an unbinned channel: per event the mixture density
 * s_i = sum_p c_p r_p(x_i) g_p(x_i, alpha) relative to the reference, and in the same pass the
 * sums that the gradient needs. Structure of arrays, processed in fixed blocks of events whose
 * partial sums are reduced in block order, so the result is the same to the last bit for any
 * number of threads. Inner loops are plain element-wise loops over a block, which the JIT vectorises;
 * no allocation per event.
 */
public final class LegacyUnbinnedKernel {

    static final int BLOCK = 1024;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FS = VectorSpecies.of(float.class, VectorShape.forBitSize(DS.vectorBitSize() / 2));
    private static final int L = DS.length();

    private final int n;
    private final double[] w;
    private final int samples;
    private final double[][] lr;
    private final double[][] ratio;
    private final int[][] shapeParam;
    private final int[][] shapeCode;
    private final double[][][] up;
    private final double[][][] down;
    private final double[][][] lnUp;
    private final double[][][] lnDown;
    private final float[][][] upF;
    private final float[][][] downF;
    private final float[][][] lnUpF;
    private final float[][][] lnDownF;
    private final boolean float32;
    private final int[][] polyParam;
    private final int[][][] polyPairs;
    private final double[][][] delta;
    /** Accumulator layout: 0 = sum w ln s, 1 = invalid events, then A_p, then B_pk, then C_pA. */
    private final int[] offB;
    private final int[] offC;
    private final int nAcc;
    private final ThreadLocal<Scratch> scratch;

    /**
     * @param float32 store the per-event shape columns (ratios and their logs) as float32: half the
     *                memory traffic, about 1e-7 relative rounding of each factor; arithmetic stays float64
     */
    public LegacyUnbinnedKernel(List<UnbinnedSample> sampleList, EventSet events, Map<String, Integer> index, boolean float32) {
        this.float32 = float32;
        upF = new float[sampleList.size()][][];
        downF = new float[sampleList.size()][][];
        lnUpF = new float[sampleList.size()][][];
        lnDownF = new float[sampleList.size()][][];
        n = events.events();
        w = events.weights();
        samples = sampleList.size();
        lr = new double[samples][];
        ratio = new double[samples][];
        shapeParam = new int[samples][];
        shapeCode = new int[samples][];
        up = new double[samples][][];
        down = new double[samples][][];
        lnUp = new double[samples][][];
        lnDown = new double[samples][][];
        polyParam = new int[samples][];
        polyPairs = new int[samples][][];
        delta = new double[samples][][];
        offB = new int[samples];
        offC = new int[samples];
        int acc = 2 + samples;
        for (int p = 0; p < samples; p++) {
            UnbinnedSample s = sampleList.get(p);
            SampleColumns c = events.columns().get(s.name());
            lr[p] = c.logRatio();
            ratio[p] = exp(c.logRatio());
            List<Modifier.ShapeSys> shapes = s.shapeSystematics();
            int k = shapes.size();
            shapeParam[p] = new int[k];
            shapeCode[p] = new int[k];
            up[p] = new double[k][];
            down[p] = new double[k][];
            lnUp[p] = new double[k][];
            lnDown[p] = new double[k][];
            upF[p] = new float[k][];
            downF[p] = new float[k][];
            lnUpF[p] = new float[k][];
            lnDownF[p] = new float[k][];
            for (int j = 0; j < k; j++) {
                shapeParam[p][j] = index.get(shapes.get(j).parameter());
                shapeCode[p][j] = shapes.get(j).code();
                double[] u = c.shapeUp().get(j);
                double[] d = c.shapeDown().get(j);
                if (float32) {
                    upF[p][j] = toFloat(u);
                    downF[p][j] = toFloat(d);
                    lnUpF[p][j] = toFloat(log(u));
                    lnDownF[p][j] = toFloat(log(d));
                } else {
                    up[p][j] = u;
                    down[p][j] = d;
                    lnUp[p][j] = log(u);
                    lnDown[p][j] = log(d);
                }
            }
            Modifier.Polynomial poly = s.polynomial();
            if (poly != null) {
                polyParam[p] = poly.parameters().stream().mapToInt(index::get).toArray();
                polyPairs[p] = Monomials.of(polyParam[p].length);
                delta[p] = c.polynomial().toArray(new double[0][]);
            } else {
                polyParam[p] = new int[0];
                polyPairs[p] = new int[0][];
                delta[p] = new double[0][];
            }
            offB[p] = acc;
            acc += k;
            offC[p] = acc;
            acc += delta[p].length;
        }
        nAcc = acc;
        int[] shapeCounts = new int[samples];
        for (int p = 0; p < samples; p++) {
            shapeCounts[p] = shapeParam[p].length;
        }
        scratch = ThreadLocal.withInitial(() -> new Scratch(shapeCounts));
    }

    int events() {
        return n;
    }

    private static double[] exp(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.exp(x[i]);
        }
        return y;
    }

    private static float[] toFloat(double[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) x[i];
        }
        return y;
    }

    private static double[] log(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.log(x[i]);
        }
        return y;
    }

    /** Per-evaluation settings derived from the parameter point (shared read-only by the blocks). */
    private final class Prep {
        final double[] c;
        final boolean gradient;
        final double[][] alpha = new double[samples][];
        final boolean[][] inner = new boolean[samples][];
        final double[][][] weights = new double[samples][][];
        final double[][] mono = new double[samples][];

        Prep(double[] theta, double[] c, boolean gradient) {
            this.c = c;
            this.gradient = gradient;
            for (int p = 0; p < samples; p++) {
                int k = shapeParam[p].length;
                alpha[p] = new double[k];
                inner[p] = new boolean[k];
                weights[p] = new double[k][];
                for (int j = 0; j < k; j++) {
                    double a = theta[shapeParam[p][j]];
                    alpha[p][j] = a;
                    inner[p][j] = shapeCode[p][j] == 4 && a >= -1 && a <= 1;
                    if (inner[p][j]) {
                        weights[p][j] = Interpolation.code4Weights(a);
                    }
                }
                mono[p] = new double[polyPairs[p].length];
                for (int a = 0; a < mono[p].length; a++) {
                    int[] pr = polyPairs[p][a];
                    mono[p][a] = pr[1] < 0 ? theta[polyParam[p][pr[0]]] : theta[polyParam[p][pr[0]]] * theta[polyParam[p][pr[1]]];
                }
            }
        }
    }

    // Static, holding no reference to the kernel: a thread's ThreadLocal map keeps its values
    // strongly, so a value pointing back at the kernel would keep every kernel (and its event
    // columns) alive as long as the thread lives (pool threads fitting thousands of toy models).
    private static final class Scratch {
        final double[][] rg;
        final double[][][] dlog;
        final double[] s = new double[BLOCK];
        final double[] inv = new double[BLOCK];
        final double[] q = new double[BLOCK];
        final double[] t = new double[BLOCK];
        final double[] f = new double[BLOCK];
        final boolean[] bad = new boolean[BLOCK];

        Scratch(int[] shapeCounts) {
            rg = new double[shapeCounts.length][BLOCK];
            dlog = new double[shapeCounts.length][][];
            for (int p = 0; p < shapeCounts.length; p++) {
                dlog[p] = new double[shapeCounts[p]][BLOCK];
            }
        }
    }

    /** Result of one pass; {@code acc} in the layout documented on the fields. */
    public record Sums(double sumWLogS, long invalid, double[] a, double[][] b, double[][] cPoly) {
    }

    /** One pass; without {@code gradient} only the value's sums are filled (the others are zero). */
    public Sums evaluate(double[] theta, double[] c, ForkJoinPool pool, boolean gradient) {
        Prep prep = new Prep(theta, c, gradient);
        int nBlocks = (n + BLOCK - 1) / BLOCK;
        double[] partial = new double[nBlocks * nAcc];
        if (nBlocks <= 1 || pool == null) {
            for (int b = 0; b < nBlocks; b++) {
                block(b, prep, partial);
            }
        } else {
            pool.submit(() -> IntStream.range(0, nBlocks).parallel().forEach(b -> block(b, prep, partial))).join();
        }
        double[] acc = new double[nAcc];
        for (int b = 0; b < nBlocks; b++) {
            int o = b * nAcc;
            for (int j = 0; j < nAcc; j++) {
                acc[j] += partial[o + j];
            }
        }
        double[] a = new double[samples];
        double[][] bb = new double[samples][];
        double[][] cc = new double[samples][];
        for (int p = 0; p < samples; p++) {
            a[p] = acc[2 + p];
            bb[p] = java.util.Arrays.copyOfRange(acc, offB[p], offB[p] + shapeParam[p].length);
            cc[p] = java.util.Arrays.copyOfRange(acc, offC[p], offC[p] + delta[p].length);
        }
        return new Sums(acc[0], (long) acc[1], a, bb, cc);
    }

    /** Per event s_i at theta (c = yields), for Asimov weights; non-positive where the mixture is. */
    void mixture(double[] theta, double[] c, double[] out) {
        Prep prep = new Prep(theta, c, false);
        Scratch sc = scratch.get();
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start);
            density(start, len, prep, sc);
            System.arraycopy(sc.s, 0, out, start, len);
        }
    }

    /** Fills sc.rg (r_p g_p), sc.dlog (d ln g_p / d alpha_k), sc.s and sc.bad for one block. */
    private boolean density(int start, int len, Prep prep, Scratch sc) {
        boolean anyBad = false;
        double[] s = sc.s;
        java.util.Arrays.fill(s, 0, len, 0.0);
        for (int p = 0; p < samples; p++) {
            double[] rg = sc.rg[p];
            double[][] dp = delta[p];
            if (dp.length > 0) {
                double[] t = sc.t;
                System.arraycopy(lr[p], start, t, 0, len);
                double[] mono = prep.mono[p];
                for (int a = 0; a < dp.length; a++) {
                    double m = mono[a];
                    double[] col = dp[a];
                    for (int j = 0; j < len; j++) {
                        t[j] += m * col[start + j];
                    }
                }
                for (int j = 0; j < len; j++) {
                    rg[j] = Math.exp(t[j]);
                }
            } else {
                System.arraycopy(ratio[p], start, rg, 0, len);
            }
            for (int k = 0; k < shapeParam[p].length; k++) {
                double[] dl = sc.dlog[p][k];
                double alpha = prep.alpha[p][k];
                if (prep.inner[p][k]) {
                    double fmin = float32
                            ? code4F(upF[p][k], downF[p][k], lnUpF[p][k], lnDownF[p][k], start, len, prep.weights[p][k], rg, dl, prep.gradient)
                            : code4D(up[p][k], down[p][k], lnUp[p][k], lnDown[p][k], start, len, prep.weights[p][k], rg, dl, prep.gradient);
                    if (!(fmin > 0)) {
                        // rare: recompute which events have a non-positive factor
                        double[] wt = prep.weights[p][k];
                        for (int j = 0; j < len; j++) {
                            if (!(code4Scalar(k, p, start + j, wt) > 0)) {
                                if (!anyBad) {
                                    java.util.Arrays.fill(sc.bad, 0, len, false);
                                    anyBad = true;
                                }
                                sc.bad[j] = true;
                            }
                        }
                    }
                } else {
                    boolean pos = alpha >= 0;
                    double sgn = pos ? alpha : -alpha;
                    for (int j = 0; j < len; j++) {
                        int i = start + j;
                        double e = float32 ? (pos ? lnUpF[p][k][i] : lnDownF[p][k][i]) : (pos ? lnUp[p][k][i] : lnDown[p][k][i]);
                        rg[j] *= Math.exp(sgn * e);
                        dl[j] = pos ? e : -e;
                    }
                }
            }
            double cp = prep.c[p];
            for (int j = 0; j < len; j++) {
                s[j] += cp * rg[j];
            }
        }
        if (minimum(s, len) > 0) {
            return anyBad;
        }
        for (int j = 0; j < len; j++) {
            if (!(s[j] > 0) || s[j] == Double.POSITIVE_INFINITY) {
                if (!anyBad) {
                    java.util.Arrays.fill(sc.bad, 0, len, false);
                    anyBad = true;
                }
                sc.bad[j] = true;
            }
        }
        return anyBad;
    }

    private double code4Scalar(int k, int p, int i, double[] wt) {
        double u = float32 ? upF[p][k][i] : up[p][k][i];
        double d = float32 ? downF[p][k][i] : down[p][k][i];
        double lu = float32 ? lnUpF[p][k][i] : lnUp[p][k][i];
        double ld = float32 ? lnDownF[p][k][i] : lnDown[p][k][i];
        double ul = u * lu;
        double dlg = d * ld;
        return 1 + wt[0] * (u - 1) + wt[1] * (d - 1) + wt[2] * ul + wt[3] * dlg + wt[4] * ul * lu + wt[5] * dlg * ld;
    }

    /**
     * Code-4 factor for |alpha| <= 1 over one block, float64 columns: rg *= f, dl = f'/f.
     * Returns the smallest f (NaN-propagating checks happen in the caller).
     */
    private static double code4D(double[] u, double[] d, double[] lu, double[] ld, int start, int len, double[] wt,
                                 double[] rg, double[] dl, boolean grad) {
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector w0 = DoubleVector.broadcast(DS, wt[0]), w1 = DoubleVector.broadcast(DS, wt[1]);
        DoubleVector w2 = DoubleVector.broadcast(DS, wt[2]), w3 = DoubleVector.broadcast(DS, wt[3]);
        DoubleVector w4 = DoubleVector.broadcast(DS, wt[4]), w5 = DoubleVector.broadcast(DS, wt[5]);
        DoubleVector g0 = DoubleVector.broadcast(DS, wt[6]), g1 = DoubleVector.broadcast(DS, wt[7]);
        DoubleVector g2 = DoubleVector.broadcast(DS, wt[8]), g3 = DoubleVector.broadcast(DS, wt[9]);
        DoubleVector g4 = DoubleVector.broadcast(DS, wt[10]), g5 = DoubleVector.broadcast(DS, wt[11]);
        DoubleVector vmin = one;
        int j = 0;
        for (; j <= len - L; j += L) {
            int i = start + j;
            DoubleVector uv = DoubleVector.fromArray(DS, u, i);
            DoubleVector dv = DoubleVector.fromArray(DS, d, i);
            DoubleVector luv = DoubleVector.fromArray(DS, lu, i);
            DoubleVector ldv = DoubleVector.fromArray(DS, ld, i);
            // inlined: a helper returning both vectors would box them
            DoubleVector um = uv.sub(one);
            DoubleVector dm = dv.sub(one);
            DoubleVector ul = uv.mul(luv);
            DoubleVector dlg = dv.mul(ldv);
            DoubleVector ul2 = ul.mul(luv);
            DoubleVector dl2 = dlg.mul(ldv);
            DoubleVector f = um.fma(w0, one);
            f = dm.fma(w1, f);
            f = ul.fma(w2, f);
            f = dlg.fma(w3, f);
            f = ul2.fma(w4, f);
            f = dl2.fma(w5, f);
            DoubleVector g = um.mul(g0);
            g = dm.fma(g1, g);
            g = ul.fma(g2, g);
            g = dlg.fma(g3, g);
            g = ul2.fma(g4, g);
            g = dl2.fma(g5, g);
            DoubleVector.fromArray(DS, rg, j).mul(f).intoArray(rg, j);
            if (grad) {
                g.div(f).intoArray(dl, j);
            }
            vmin = vmin.min(f);
        }
        double fmin = vmin.reduceLanes(VectorOperators.MIN);
        for (; j < len; j++) {
            int i = start + j;
            fmin = Math.min(fmin, code4Tail(u[i], d[i], lu[i], ld[i], wt, rg, dl, j));
        }
        return fmin;
    }

    /** As {@link #code4D} for float32 columns, widened to float64 lanes. */
    private static double code4F(float[] u, float[] d, float[] lu, float[] ld, int start, int len, double[] wt,
                                 double[] rg, double[] dl, boolean grad) {
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector w0 = DoubleVector.broadcast(DS, wt[0]), w1 = DoubleVector.broadcast(DS, wt[1]);
        DoubleVector w2 = DoubleVector.broadcast(DS, wt[2]), w3 = DoubleVector.broadcast(DS, wt[3]);
        DoubleVector w4 = DoubleVector.broadcast(DS, wt[4]), w5 = DoubleVector.broadcast(DS, wt[5]);
        DoubleVector g0 = DoubleVector.broadcast(DS, wt[6]), g1 = DoubleVector.broadcast(DS, wt[7]);
        DoubleVector g2 = DoubleVector.broadcast(DS, wt[8]), g3 = DoubleVector.broadcast(DS, wt[9]);
        DoubleVector g4 = DoubleVector.broadcast(DS, wt[10]), g5 = DoubleVector.broadcast(DS, wt[11]);
        DoubleVector vmin = one;
        int j = 0;
        for (; j <= len - L; j += L) {
            int i = start + j;
            DoubleVector uv = (DoubleVector) FloatVector.fromArray(FS, u, i).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector dv = (DoubleVector) FloatVector.fromArray(FS, d, i).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector luv = (DoubleVector) FloatVector.fromArray(FS, lu, i).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector ldv = (DoubleVector) FloatVector.fromArray(FS, ld, i).convertShape(VectorOperators.F2D, DS, 0);
            // inlined: a helper returning both vectors would box them
            DoubleVector um = uv.sub(one);
            DoubleVector dm = dv.sub(one);
            DoubleVector ul = uv.mul(luv);
            DoubleVector dlg = dv.mul(ldv);
            DoubleVector ul2 = ul.mul(luv);
            DoubleVector dl2 = dlg.mul(ldv);
            DoubleVector f = um.fma(w0, one);
            f = dm.fma(w1, f);
            f = ul.fma(w2, f);
            f = dlg.fma(w3, f);
            f = ul2.fma(w4, f);
            f = dl2.fma(w5, f);
            DoubleVector g = um.mul(g0);
            g = dm.fma(g1, g);
            g = ul.fma(g2, g);
            g = dlg.fma(g3, g);
            g = ul2.fma(g4, g);
            g = dl2.fma(g5, g);
            DoubleVector.fromArray(DS, rg, j).mul(f).intoArray(rg, j);
            if (grad) {
                g.div(f).intoArray(dl, j);
            }
            vmin = vmin.min(f);
        }
        double fmin = vmin.reduceLanes(VectorOperators.MIN);
        for (; j < len; j++) {
            int i = start + j;
            fmin = Math.min(fmin, code4Tail(u[i], d[i], lu[i], ld[i], wt, rg, dl, j));
        }
        return fmin;
    }

    /** The scalar remainder of a block, with the same fused operations as the lanes. */
    private static double code4Tail(double u, double d, double lu, double ld, double[] wt, double[] rg, double[] dl, int j) {
        double um = u - 1;
        double dm = d - 1;
        double ul = u * lu;
        double dlg = d * ld;
        double ul2 = ul * lu;
        double dl2 = dlg * ld;
        double f = Math.fma(um, wt[0], 1.0);
        f = Math.fma(dm, wt[1], f);
        f = Math.fma(ul, wt[2], f);
        f = Math.fma(dlg, wt[3], f);
        f = Math.fma(ul2, wt[4], f);
        f = Math.fma(dl2, wt[5], f);
        double g = um * wt[6];
        g = Math.fma(dm, wt[7], g);
        g = Math.fma(ul, wt[8], g);
        g = Math.fma(dlg, wt[9], g);
        g = Math.fma(ul2, wt[10], g);
        g = Math.fma(dl2, wt[11], g);
        rg[j] *= f;
        dl[j] = g / f;
        return f;
    }

    private void block(int b, Prep prep, double[] partial) {
        Scratch sc = scratch.get();
        int start = b * BLOCK;
        int len = Math.min(BLOCK, n - start);
        int o = b * nAcc;
        boolean anyBad = density(start, len, prep, sc);
        double[] s = sc.s;
        double[] inv = sc.inv;
        double logSum = 0;
        long invalid = 0;
        if (!anyBad) {
            if (w == null) {
                for (int j = 0; j < len; j++) {
                    inv[j] = 1 / s[j];
                }
                for (int j = 0; j < len; j++) {
                    logSum += Math.log(s[j]);
                }
            } else {
                for (int j = 0; j < len; j++) {
                    inv[j] = w[start + j] / s[j];
                }
                for (int j = 0; j < len; j++) {
                    logSum += w[start + j] * Math.log(s[j]);
                }
            }
        } else {
            for (int j = 0; j < len; j++) {
                double wj = w == null ? 1 : w[start + j];
                if (sc.bad[j]) {
                    // a zero-weight event cannot spoil the likelihood
                    if (wj != 0) {
                        invalid++;
                    }
                    inv[j] = 0;
                } else {
                    inv[j] = wj / s[j];
                    logSum += wj * Math.log(s[j]);
                }
            }
        }
        partial[o] = logSum;
        partial[o + 1] = invalid;
        if (!prep.gradient) {
            return;
        }
        double[] q = sc.q;
        for (int p = 0; p < samples; p++) {
            double[] rg = sc.rg[p];
            for (int j = 0; j < len; j++) {
                q[j] = rg[j] * inv[j];
            }
            partial[o + 2 + p] = sum(q, len);
            double cp = prep.c[p];
            for (int k = 0; k < shapeParam[p].length; k++) {
                partial[o + offB[p] + k] = cp * dot(q, sc.dlog[p][k], 0, len);
            }
            for (int a = 0; a < delta[p].length; a++) {
                partial[o + offC[p] + a] = cp * dot(q, delta[p][a], start, len);
            }
        }
    }

    /** Lane-wise accumulation, lanes summed in a fixed order: the same bits on every thread and tier. */
    private static double sum(double[] x, int len) {
        DoubleVector acc = DoubleVector.zero(DS);
        int j = 0;
        for (; j <= len - L; j += L) {
            acc = acc.add(DoubleVector.fromArray(DS, x, j));
        }
        double s = lanes(acc);
        for (; j < len; j++) {
            s += x[j];
        }
        return s;
    }

    private static double dot(double[] x, double[] y, int yOff, int len) {
        DoubleVector acc = DoubleVector.zero(DS);
        int j = 0;
        for (; j <= len - L; j += L) {
            acc = DoubleVector.fromArray(DS, x, j).fma(DoubleVector.fromArray(DS, y, yOff + j), acc);
        }
        double s = lanes(acc);
        for (; j < len; j++) {
            s = Math.fma(x[j], y[yOff + j], s);
        }
        return s;
    }

    /** Smallest value (NaN if any is NaN) of x[0..len). */
    private static double minimum(double[] x, int len) {
        DoubleVector m = DoubleVector.broadcast(DS, Double.POSITIVE_INFINITY);
        int j = 0;
        for (; j <= len - L; j += L) {
            m = m.min(DoubleVector.fromArray(DS, x, j));
        }
        double r = m.reduceLanes(VectorOperators.MIN);
        for (; j < len; j++) {
            r = Math.min(r, x[j]);
        }
        return r;
    }

    private static double lanes(DoubleVector v) {
        double s = 0;
        for (int l = 0; l < L; l++) {
            s += v.lane(l);
        }
        return s;
    }
}
