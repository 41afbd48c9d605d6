package org.ratiofit.likelihood;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The hot loop of an unbinned channel: per event the mixture density
 * s_i = sum_p c_p r_p(x_i) g_p(x_i, alpha) relative to the reference, and in the same pass the
 * sums that the gradient needs. Structure of arrays, processed in fixed blocks of events whose
 * partial sums are reduced in block order, so the result is the same to the last bit for any
 * number of threads. Inner loops are plain element-wise loops over a block, which the JIT vectorises;
 * no allocation per event.
 */
final class UnbinnedKernel {

    static final int BLOCK = 2048;

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
    private final int[][] polyParam;
    private final int[][][] polyPairs;
    private final double[][][] delta;
    /** Accumulator layout: 0 = sum w ln s, 1 = invalid events, then A_p, then B_pk, then C_pA. */
    private final int[] offB;
    private final int[] offC;
    private final int nAcc;
    private final ThreadLocal<Scratch> scratch;

    UnbinnedKernel(List<UnbinnedSample> sampleList, EventSet events, Map<String, Integer> index) {
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
            for (int j = 0; j < k; j++) {
                shapeParam[p][j] = index.get(shapes.get(j).parameter());
                shapeCode[p][j] = shapes.get(j).code();
                up[p][j] = c.shapeUp().get(j);
                down[p][j] = c.shapeDown().get(j);
                lnUp[p][j] = log(up[p][j]);
                lnDown[p][j] = log(down[p][j]);
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
        scratch = ThreadLocal.withInitial(Scratch::new);
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
        final double[][] alpha = new double[samples][];
        final boolean[][] inner = new boolean[samples][];
        final double[][][] weights = new double[samples][][];
        final double[][] mono = new double[samples][];

        Prep(double[] theta, double[] c) {
            this.c = c;
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

    private final class Scratch {
        final double[][] rg = new double[samples][BLOCK];
        final double[][][] dlog = new double[samples][][];
        final double[] s = new double[BLOCK];
        final double[] inv = new double[BLOCK];
        final double[] q = new double[BLOCK];
        final double[] t = new double[BLOCK];
        final double[] f = new double[BLOCK];
        final boolean[] bad = new boolean[BLOCK];

        Scratch() {
            for (int p = 0; p < samples; p++) {
                dlog[p] = new double[shapeParam[p].length][BLOCK];
            }
        }
    }

    /** Result of one pass; {@code acc} in the layout documented on the fields. */
    record Sums(double sumWLogS, long invalid, double[] a, double[][] b, double[][] cPoly) {
    }

    Sums evaluate(double[] theta, double[] c, ForkJoinPool pool) {
        Prep prep = new Prep(theta, c);
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
        Prep prep = new Prep(theta, c);
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
                double[] lu = lnUp[p][k];
                double[] ld = lnDown[p][k];
                if (prep.inner[p][k]) {
                    double[] u = up[p][k];
                    double[] d = down[p][k];
                    double[] wt = prep.weights[p][k];
                    double w0 = wt[0], w1 = wt[1], w2 = wt[2], w3 = wt[3], w4 = wt[4], w5 = wt[5];
                    double g0 = wt[6], g1 = wt[7], g2 = wt[8], g3 = wt[9], g4 = wt[10], g5 = wt[11];
                    double[] f = sc.f;
                    for (int j = 0; j < len; j++) {
                        int i = start + j;
                        double um = u[i] - 1;
                        double dm = d[i] - 1;
                        double ul = u[i] * lu[i];
                        double dlg = d[i] * ld[i];
                        double ul2 = ul * lu[i];
                        double dl2 = dlg * ld[i];
                        double fv = 1 + w0 * um + w1 * dm + w2 * ul + w3 * dlg + w4 * ul2 + w5 * dl2;
                        double gv = g0 * um + g1 * dm + g2 * ul + g3 * dlg + g4 * ul2 + g5 * dl2;
                        f[j] = fv;
                        rg[j] *= fv;
                        dl[j] = gv / fv;
                    }
                    for (int j = 0; j < len; j++) {
                        if (!(f[j] > 0)) {
                            if (!anyBad) {
                                java.util.Arrays.fill(sc.bad, 0, len, false);
                                anyBad = true;
                            }
                            sc.bad[j] = true;
                        }
                    }
                } else if (alpha >= 0) {
                    for (int j = 0; j < len; j++) {
                        double e = lu[start + j];
                        rg[j] *= Math.exp(alpha * e);
                        dl[j] = e;
                    }
                } else {
                    for (int j = 0; j < len; j++) {
                        double e = ld[start + j];
                        rg[j] *= Math.exp(-alpha * e);
                        dl[j] = -e;
                    }
                }
            }
            double cp = prep.c[p];
            for (int j = 0; j < len; j++) {
                s[j] += cp * rg[j];
            }
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

    /** Four independent accumulators break the add latency chain; the order is fixed, so deterministic. */
    private static double sum(double[] x, int len) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < len; j += 4) {
            s0 += x[j];
            s1 += x[j + 1];
            s2 += x[j + 2];
            s3 += x[j + 3];
        }
        for (; j < len; j++) {
            s0 += x[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double dot(double[] x, double[] y, int yOff, int len) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < len; j += 4) {
            s0 += x[j] * y[yOff + j];
            s1 += x[j + 1] * y[yOff + j + 1];
            s2 += x[j + 2] * y[yOff + j + 2];
            s3 += x[j + 3] * y[yOff + j + 3];
        }
        for (; j < len; j++) {
            s0 += x[j] * y[yOff + j];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
