package org.ratiofit.likelihood;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The hot loop of an unbinned channel: per event the mixture density
 * s_i = sum_p c_p r_p(x_i) g_p(x_i, alpha) relative to the reference, and in the same pass the
 * sums that the gradient needs. Per sample the per-event log-density is one linear form,
 * ln r_p g_p = ln r_p + sum_A Delta_A m_A(alpha) + sum_k (a_k ln u_k + b_k ln d_k)
 * ({@link LogInterpolation}: every shape factor in log space), followed by one exponential; the
 * gradient needs two dot products per shape factor (with ln u_k and ln d_k). Structure of arrays,
 * processed in fixed blocks of events whose partial sums are reduced in block order, so the
 * result is the same to the last bit for any number of threads; no allocation per event.
 *
 * <p>The same kernel over the reference events ({@link #referenceSums}) gives each sample's
 * normalisation sum_ref w r_p g_p and its derivatives ({@link ShapeNormalisation}).
 */
final class UnbinnedKernel {

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
    private final double[][][] lnUp;
    private final double[][][] lnDown;
    private final float[][][] lnUpF;
    private final float[][][] lnDownF;
    private final boolean float32;
    private final int[][] polyParam;
    private final int[][][] polyPairs;
    private final double[][][] delta;
    /**
     * Per sample: whether its rows are a parametrised ratio's θ-gradient columns ({@link ParametrisedColumns}):
     * linear rows in θ whose multipliers are 0 (the log-ratio column already holds ln r(x|θ) at the current θ),
     * so the pass's row sums are sum_i q_i d ln r(x_i|θ)/d theta_k.
     */
    private final boolean[] tangent;
    /** Accumulator layout: 0 = sum w ln s, 1 = invalid events, then A_p, then (U_pk, D_pk) pairs, then C_pA. */
    private final int[] offB;
    private final int[] offC;
    private final int nAcc;
    /** Per sample: the parameters its per-event log-density reads (shape and polynomial), global indices. */
    private final int[][] sampleParams;
    /** Per (p, k): the shape factor's parameter as an index into sampleParams[p]. */
    private final int[][] shapeLoc;
    /** Per (p, l): the polynomial's parameter l as an index into sampleParams[p]. */
    private final int[][] polyLoc;
    private final ThreadLocal<Scratch> scratch;

    /**
     * @param float32 store the per-event shape columns (ln u, ln d) as float32: half the memory
     *                traffic, about 1e-7 relative rounding of each factor; arithmetic stays float64
     */
    UnbinnedKernel(List<UnbinnedSample> sampleList, EventSet events, Map<String, Integer> index, boolean float32) {
        this.float32 = float32;
        n = events.events();
        w = events.weights();
        samples = sampleList.size();
        lr = new double[samples][];
        ratio = new double[samples][];
        shapeParam = new int[samples][];
        shapeCode = new int[samples][];
        lnUp = new double[samples][][];
        lnDown = new double[samples][][];
        lnUpF = new float[samples][][];
        lnDownF = new float[samples][][];
        polyParam = new int[samples][];
        polyPairs = new int[samples][][];
        delta = new double[samples][][];
        tangent = new boolean[samples];
        offB = new int[samples];
        offC = new int[samples];
        int acc = 2 + samples;
        for (int p = 0; p < samples; p++) {
            UnbinnedSample s = sampleList.get(p);
            SampleColumns c = events.columns().get(s.name());
            lr[p] = c.logRatio();
            List<Modifier.ShapeSys> shapes = s.shapeSystematics();
            int k = shapes.size();
            shapeParam[p] = new int[k];
            shapeCode[p] = new int[k];
            lnUp[p] = new double[k][];
            lnDown[p] = new double[k][];
            lnUpF[p] = new float[k][];
            lnDownF[p] = new float[k][];
            for (int j = 0; j < k; j++) {
                shapeParam[p][j] = index.get(shapes.get(j).parameter());
                shapeCode[p][j] = shapes.get(j).code();
                double[] lu = log(c.shapeUp().get(j));
                double[] ld = log(c.shapeDown().get(j));
                if (float32) {
                    lnUpF[p][j] = toFloat(lu);
                    lnDownF[p][j] = toFloat(ld);
                } else {
                    lnUp[p][j] = lu;
                    lnDown[p][j] = ld;
                }
            }
            Modifier.Polynomial poly = s.polynomial();
            if (c.parametrised() != null) {
                tangent[p] = true;
                polyParam[p] = s.parametrisedRatio().parameters().stream().mapToInt(index::get).toArray();
                polyPairs[p] = new int[polyParam[p].length][];
                for (int a = 0; a < polyPairs[p].length; a++) {
                    polyPairs[p][a] = new int[] {a, -1};
                }
                delta[p] = c.parametrised().gradient();
            } else if (poly != null) {
                polyParam[p] = poly.parameters().stream().mapToInt(index::get).toArray();
                polyPairs[p] = Monomials.of(polyParam[p].length);
                delta[p] = c.polynomial().toArray(new double[0][]);
            } else {
                polyParam[p] = new int[0];
                polyPairs[p] = new int[0][];
                delta[p] = new double[0][];
            }
            ratio[p] = k == 0 && delta[p].length == 0 ? exp(c.logRatio()) : null;
            offB[p] = acc;
            acc += 2 * k;
            offC[p] = acc;
            acc += delta[p].length;
        }
        nAcc = acc;
        sampleParams = new int[samples][];
        shapeLoc = new int[samples][];
        polyLoc = new int[samples][];
        for (int p = 0; p < samples; p++) {
            java.util.List<Integer> ps = new java.util.ArrayList<>();
            shapeLoc[p] = new int[shapeParam[p].length];
            for (int k = 0; k < shapeParam[p].length; k++) {
                if (!ps.contains(shapeParam[p][k])) {
                    ps.add(shapeParam[p][k]);
                }
                shapeLoc[p][k] = ps.indexOf(shapeParam[p][k]);
            }
            polyLoc[p] = new int[polyParam[p].length];
            for (int l = 0; l < polyParam[p].length; l++) {
                if (!ps.contains(polyParam[p][l])) {
                    ps.add(polyParam[p][l]);
                }
                polyLoc[p][l] = ps.indexOf(polyParam[p][l]);
            }
            sampleParams[p] = ps.stream().mapToInt(Integer::intValue).toArray();
        }
        int[] mp = java.util.Arrays.stream(sampleParams).mapToInt(a -> a.length).toArray();
        scratch = ThreadLocal.withInitial(() -> new Scratch(samples, mp));
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
        final boolean reference;
        /** Per (p, k): {a, b, a', b'} of {@link LogInterpolation#coefficients}. */
        final double[][][] coef = new double[samples][][];
        final double[][] mono = new double[samples][];
        final double[] theta;
        /** Second-order sums wanted (see {@link HessianSums}). */
        final boolean hessian;
        /** Data pass with Hessian: channel-local parameters, d c_p / d theta over them, and per (p, l) the channel-local index of sampleParams[p][l]. */
        final int m;
        final double[][] dc;
        final int[][] chanLoc;
        /**
         * Hessian accumulator layout: per sample the sums of q u (offG0) and cp q u u^T (offT1, mp x mp), then
         * (offT3, nb x nb, upper triangle) the Gram matrix sum_i w_i B_i B_i^T of the basis B = (rho_1..rho_P,
         * G_k for k in kLoc) that spans d ln s: a channel parameter outside kLoc (a yield-only one such as mu or a
         * normsys) has G_a = sum_p dc_p[a] rho_p, so its entries of w G G^T are small combinations of the
         * per-sample sums sum w rho_p rho_q and sum w rho_p G_k ({@link #hessianSums}).
         */
        final int[] offG0 = new int[samples];
        final int[] offT1 = new int[samples];
        final int offT3;
        final int hAcc;
        /** Channel-local indices of the parameters some sample's per-event log-density reads (ascending), and per channel-local index its position there or -1. */
        final int[] kLoc;
        final int[] kPos;
        /** Size of the basis of d ln s: samples + kLoc.length (0 without a data Hessian). */
        final int nb;

        Prep(double[] theta, double[] c, boolean gradient, boolean reference) {
            this(theta, c, gradient, reference, false, null, null);
        }

        Prep(double[] theta, double[] c, boolean gradient, boolean reference, boolean hessian, int[] act, double[][] dc) {
            this.c = c;
            this.theta = theta;
            this.gradient = gradient || hessian;
            this.reference = reference;
            this.hessian = hessian;
            this.dc = dc;
            this.m = act == null ? 0 : act.length;
            chanLoc = new int[samples][];
            int h = 0;
            for (int p = 0; p < samples; p++) {
                int mp = sampleParams[p].length;
                offG0[p] = h;
                h += mp;
                offT1[p] = h;
                h += mp * mp;
                chanLoc[p] = new int[mp];
                for (int l = 0; l < mp && act != null; l++) {
                    int at = -1;
                    for (int a = 0; a < act.length; a++) {
                        if (act[a] == sampleParams[p][l]) {
                            at = a;
                        }
                    }
                    if (at < 0) {
                        throw new IllegalStateException("parameter " + sampleParams[p][l] + " of sample " + p + " missing from the channel's parameters");
                    }
                    chanLoc[p][l] = at;
                }
            }
            kPos = new int[m];
            java.util.Arrays.fill(kPos, -1);
            for (int p = 0; p < samples && act != null; p++) {
                for (int l : chanLoc[p]) {
                    kPos[l] = 0;
                }
            }
            int nk = 0;
            for (int a = 0; a < m; a++) {
                if (kPos[a] >= 0) {
                    kPos[a] = nk++;
                }
            }
            kLoc = new int[nk];
            for (int a = 0; a < m; a++) {
                if (kPos[a] >= 0) {
                    kLoc[kPos[a]] = a;
                }
            }
            nb = act == null ? 0 : samples + nk;
            offT3 = h;
            h += nb * nb;
            hAcc = h;
            for (int p = 0; p < samples; p++) {
                int k = shapeParam[p].length;
                coef[p] = new double[k][];
                for (int j = 0; j < k; j++) {
                    coef[p][j] = LogInterpolation.coefficients(shapeCode[p][j], theta[shapeParam[p][j]]);
                }
                mono[p] = new double[polyPairs[p].length];
                for (int a = 0; a < mono[p].length; a++) {
                    int[] pr = polyPairs[p][a];
                    mono[p][a] = tangent[p] ? 0 : pr[1] < 0 ? theta[polyParam[p][pr[0]]] : theta[polyParam[p][pr[0]]] * theta[polyParam[p][pr[1]]];
                }
            }
        }
    }

    // Static, holding no reference to the kernel: a thread's ThreadLocal map keeps its values
    // strongly, so a value pointing back at the kernel would keep every kernel (and its event
    // columns) alive as long as the thread lives (pool threads fitting thousands of toy models).
    private static final class Scratch {
        final double[][] rg;
        final double[] s = new double[BLOCK];
        final double[] inv = new double[BLOCK];
        final double[] q = new double[BLOCK];
        final boolean[] bad = new boolean[BLOCK];
        final double[] d2 = new double[2];
        final int[] mp;
        /** Hessian pass only (allocated on first use): per (p, l) the block's d L_p / d theta_l, and the channel's d ln s columns. */
        double[][][] u;
        double[][] gh = new double[0][];
        final double[] e = new double[BLOCK];
        /** Hessian pass on data: 1 / s_i (0 for bad events). */
        final double[] invS = new double[BLOCK];
        final double[] wv = new double[BLOCK];

        Scratch(int samples, int[] mp) {
            rg = new double[samples][BLOCK];
            this.mp = mp;
        }

        /** Per sample its u columns followed by a column of ones (the Gram columns of t1 and g0). */
        double[][][] colsP;
        double[] gt;
        final double[] tile = new double[8];
        boolean[] wrote = new boolean[0];
        boolean[] first = new boolean[0];
        double[][] rhoP;
        double[][] basis = new double[0][];

        double[][][] u() {
            if (u == null) {
                u = new double[mp.length][][];
                colsP = new double[mp.length][][];
                double[] ones = new double[BLOCK];
                java.util.Arrays.fill(ones, 1.0);
                int big = 0;
                for (int p = 0; p < mp.length; p++) {
                    u[p] = new double[mp[p]][BLOCK];
                    colsP[p] = java.util.Arrays.copyOf(u[p], mp[p] + 1);
                    colsP[p][mp[p]] = ones;
                    big = Math.max(big, mp[p] + 1);
                }
                gt = new double[big * big];
                wrote = new boolean[big];
                first = new boolean[big];
            }
            return u;
        }

        double[][] gh(int m) {
            if (gh.length < m) {
                gh = new double[m][BLOCK];
            }
            return gh;
        }

        double[][] rhoP() {
            if (rhoP == null) {
                rhoP = new double[mp.length][BLOCK];
            }
            return rhoP;
        }

        double[][] basis(int nb) {
            if (basis.length != nb) {
                basis = new double[nb][];
            }
            return basis;
        }
    }

    /**
     * Result of one pass. {@code b[p][k]} is the derivative of sum_i w_i ln s_i through the shape
     * factor k of sample p (for a reference pass: of sum_i w_i r_p g_p).
     */
    record Sums(double sumWLogS, long invalid, double[] a, double[][] b, double[][] cPoly, double[][] uSum, double[][] dSum) {
    }

    /** One pass; without {@code gradient} only the value's sums are filled (the others are zero). */
    Sums evaluate(double[] theta, double[] c, ForkJoinPool pool, boolean gradient) {
        return pass(new Prep(theta, c, gradient, false), pool);
    }

    /**
     * A pass over these events as reference events: a[p] = sum_i w_i r_p g_p(x_i), b[p][k] its
     * derivative in alpha_k through shape factor k, cPoly[p][A] = sum_i w_i r_p g_p Delta_A(x_i);
     * invalid counts events whose r_p g_p overflows.
     */
    Sums referenceSums(double[] theta, ForkJoinPool pool, boolean gradient) {
        double[] ones = new double[samples];
        java.util.Arrays.fill(ones, 1);
        return pass(new Prep(theta, ones, gradient, true), pool);
    }

    /**
     * Second-order sums of one pass, besides its {@link Sums}. Per sample p over its parameters
     * {@link #sampleParams}: g0[p][l] = sum_i q_ip u_ipl and t1[p][l][l'] = c_p sum_i q_ip u_ipl u_ipl',
     * where u_ip = d L_p(x_i) / d theta (L_p = ln r_p g_p), q_ip = w_i r_p g_p / s_i on data and
     * w_i r_p g_p on reference events; b2[p][k] = the second derivative of the shape factor's
     * coefficients applied to its (c_p-scaled) sums of q ln u and q ln d. On data, over the channel's
     * parameters {@code act}: t3[a][b] = sum_i w_i G_ia G_ib with G_i = d ln s_i / d theta =
     * sum_p (r_p g_p / s_i)(d c_p + c_p u_ip).
     */
    record HessianSums(Sums sums, double[][] g0, double[][][] t1, double[][] t3, double[][] b2) {
    }

    /** The data pass with second-order sums; dc[p][a] = d c_p / d theta_{act[a]}. */
    HessianSums evaluateWithHessian(double[] theta, double[] c, int[] act, double[][] dc, ForkJoinPool pool) {
        Prep prep = new Prep(theta, c, true, false, true, act, dc);
        double[] h = new double[prep.hAcc];
        Sums sums = pass(prep, pool, h);
        return hessianSums(prep, sums, h);
    }

    /** The reference pass with second-order sums (no t3). */
    HessianSums referenceSumsWithHessian(double[] theta, ForkJoinPool pool) {
        double[] ones = new double[samples];
        java.util.Arrays.fill(ones, 1);
        Prep prep = new Prep(theta, ones, true, true, true, null, null);
        double[] h = new double[prep.hAcc];
        Sums sums = pass(prep, pool, h);
        return hessianSums(prep, sums, h);
    }

    /** The parameters (global indices) of sample p's per-event log-density, in the order of g0 and t1. */
    int[] sampleParameters(int p) {
        return sampleParams[p].clone();
    }

    private HessianSums hessianSums(Prep prep, Sums sums, double[] h) {
        double[][] g0 = new double[samples][];
        double[][][] t1 = new double[samples][][];
        double[][] b2 = new double[samples][];
        for (int p = 0; p < samples; p++) {
            int mp = sampleParams[p].length;
            g0[p] = java.util.Arrays.copyOfRange(h, prep.offG0[p], prep.offG0[p] + mp);
            t1[p] = new double[mp][mp];
            for (int l = 0; l < mp; l++) {
                for (int r = l; r < mp; r++) {
                    t1[p][l][r] = h[prep.offT1[p] + l * mp + r];
                    t1[p][r][l] = t1[p][l][r];
                }
            }
            b2[p] = new double[shapeParam[p].length];
            for (int k = 0; k < b2[p].length; k++) {
                double[] c2 = LogInterpolation.secondCoefficients(shapeCode[p][k], prep.theta[shapeParam[p][k]]);
                b2[p][k] = c2[0] * sums.uSum()[p][k] + c2[1] * sums.dSum()[p][k];
            }
        }
        int m = prep.m;
        int nb = prep.nb;
        // the Gram matrix of the basis (rho_1..rho_P, G_k), then w G G^T through each parameter's coordinates
        double[][] gram = new double[nb][nb];
        for (int i = 0; i < nb; i++) {
            for (int j = i; j < nb; j++) {
                gram[i][j] = h[prep.offT3 + i * nb + j];
                gram[j][i] = gram[i][j];
            }
        }
        double[][] t3 = new double[m][m];
        for (int a = 0; a < m; a++) {
            for (int b = a; b < m; b++) {
                int ka = prep.kPos[a];
                int kb = prep.kPos[b];
                double v;
                if (ka >= 0 && kb >= 0) {
                    v = gram[samples + ka][samples + kb];
                } else if (ka >= 0 || kb >= 0) {
                    int y = ka >= 0 ? b : a;
                    int k = samples + (ka >= 0 ? ka : kb);
                    v = 0;
                    for (int p = 0; p < samples; p++) {
                        v += prep.dc[p][y] * gram[p][k];
                    }
                } else {
                    v = 0;
                    for (int p = 0; p < samples; p++) {
                        double r = 0;
                        for (int q = 0; q < samples; q++) {
                            r += gram[p][q] * prep.dc[q][b];
                        }
                        v += prep.dc[p][a] * r;
                    }
                }
                t3[a][b] = v;
                t3[b][a] = v;
            }
        }
        return new HessianSums(sums, g0, t1, t3, b2);
    }

    private Sums pass(Prep prep, ForkJoinPool pool) {
        return pass(prep, pool, null);
    }

    /** One pass; with {@code hessian} (prep.hessian) the second-order sums are added there, reduced in block order. */
    private Sums pass(Prep prep, ForkJoinPool pool, double[] hessian) {
        int nBlocks = (n + BLOCK - 1) / BLOCK;
        double[] partial = new double[nBlocks * nAcc];
        double[] hPartial = prep.hessian ? new double[nBlocks * prep.hAcc] : null;
        if (nBlocks <= 1 || pool == null) {
            for (int b = 0; b < nBlocks; b++) {
                block(b, prep, partial, hPartial);
            }
        } else {
            pool.submit(() -> IntStream.range(0, nBlocks).parallel().forEach(b -> block(b, prep, partial, hPartial))).join();
        }
        if (prep.hessian) {
            for (int b = 0; b < nBlocks; b++) {
                int o = b * prep.hAcc;
                for (int j = 0; j < prep.hAcc; j++) {
                    hessian[j] += hPartial[o + j];
                }
            }
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
            int k = shapeParam[p].length;
            bb[p] = new double[k];
            for (int j = 0; j < k; j++) {
                double[] cf = prep.coef[p][j];
                bb[p][j] = cf[2] * acc[offB[p] + 2 * j] + cf[3] * acc[offB[p] + 2 * j + 1];
            }
            cc[p] = java.util.Arrays.copyOfRange(acc, offC[p], offC[p] + delta[p].length);
        }
        double[][] us = null;
        double[][] ds = null;
        if (prep.hessian) {
            us = new double[samples][];
            ds = new double[samples][];
            for (int p = 0; p < samples; p++) {
                int k = shapeParam[p].length;
                us[p] = new double[k];
                ds[p] = new double[k];
                for (int j = 0; j < k; j++) {
                    us[p][j] = acc[offB[p] + 2 * j];
                    ds[p][j] = acc[offB[p] + 2 * j + 1];
                }
            }
        }
        return new Sums(acc[0], (long) acc[1], a, bb, cc, us, ds);
    }

    /** Per event s_i at theta (c = coefficients), for Asimov weights; non-positive where the mixture is. */
    void mixture(double[] theta, double[] c, double[] out) {
        Prep prep = new Prep(theta, c, false, false);
        Scratch sc = scratch.get();
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start);
            density(start, len, prep, sc);
            System.arraycopy(sc.s, 0, out, start, len);
        }
    }

    /** Fills sc.rg (r_p g_p), sc.s and sc.bad for one block; returns whether any event is bad. */
    private boolean density(int start, int len, Prep prep, Scratch sc) {
        double[] s = sc.s;
        java.util.Arrays.fill(s, 0, len, 0.0);
        for (int p = 0; p < samples; p++) {
            double[] rg = sc.rg[p];
            if (ratio[p] != null) {
                System.arraycopy(ratio[p], start, rg, 0, len);
            } else {
                System.arraycopy(lr[p], start, rg, 0, len);
                double[][] dp = delta[p];
                double[] mono = prep.mono[p];
                for (int a = 0; a < dp.length; a++) {
                    axpy(mono[a], dp[a], start, rg, len);
                }
                for (int k = 0; k < shapeParam[p].length; k++) {
                    double[] cf = prep.coef[p][k];
                    if (float32) {
                        axpy2F(cf[0], lnUpF[p][k], cf[1], lnDownF[p][k], start, rg, len);
                    } else {
                        axpy2(cf[0], lnUp[p][k], cf[1], lnDown[p][k], start, rg, len);
                    }
                }
                expInPlace(rg, len);
            }
            double cp = prep.c[p];
            for (int j = 0; j < len; j++) {
                s[j] += cp * rg[j];
            }
        }
        if (minimum(s, len) > 0) {
            return false;
        }
        boolean anyBad = false;
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

    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2_HI = 0.6931471803691238;
    private static final double LN2_LO = 1.9082149292705877e-10;
    /** 1.5 * 2^52: adding and subtracting it rounds to the nearest integer. */
    private static final double ROUND = 6755399441055744.0;
    private static final long ROUND_BITS = Double.doubleToRawLongBits(ROUND);
    /** exp(x) below this is returned as 0 (2^k stays a normal number above it). */
    private static final double EXP_LOW = -708.0;
    /** exp(x) above this is returned as +infinity. */
    private static final double EXP_HIGH = 709.782712893384;

    /**
     * x[j] = exp(x[j]) for j &lt; len, over vector lanes: x = k ln 2 + r with |r| &lt;= ln 2 / 2,
     * exp(r) by its Taylor polynomial to r^13 (truncation below 1e-16 relative), times 2^k built
     * in the exponent bits; about 2 ulp. Below -708 it gives 0, above 709.78 +infinity (so an
     * overflowing density is still caught). The remainder of a block uses Math.exp; an event always
     * sits at the same place in its block, so the result does not depend on the thread count.
     */
    static void expInPlace(double[] x, int len) {
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector round = DoubleVector.broadcast(DS, ROUND);
        DoubleVector hi = DoubleVector.broadcast(DS, LN2_HI);
        DoubleVector lo = DoubleVector.broadcast(DS, LN2_LO);
        DoubleVector low = DoubleVector.broadcast(DS, EXP_LOW);
        DoubleVector high = DoubleVector.broadcast(DS, EXP_HIGH);
        DoubleVector zero = DoubleVector.zero(DS);
        DoubleVector inf = DoubleVector.broadcast(DS, Double.POSITIVE_INFINITY);
        int j = 0;
        for (; j <= len - L; j += L) {
            DoubleVector v = DoubleVector.fromArray(DS, x, j);
            DoubleVector c = v.max(low).min(high);
            DoubleVector t = c.fma(log2e, round);
            DoubleVector k = t.sub(round);
            DoubleVector r = k.neg().fma(hi, c);
            r = k.neg().fma(lo, r);
            DoubleVector p = DoubleVector.broadcast(DS, 1.0 / 6227020800.0);
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0 / 479001600.0));
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0 / 39916800.0));
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0 / 3628800.0));
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0 / 362880.0));
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0 / 40320.0));
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0 / 5040.0));
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0 / 720.0));
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0 / 120.0));
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0 / 24.0));
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0 / 6.0));
            p = p.fma(r, DoubleVector.broadcast(DS, 0.5));
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0));
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0));
            // 2^(k-1), times 2 (exact): k sits in the low bits of t's representation; k - 1 keeps
            // 2^(k-1) a normal number for every k in range (k = 1024 just below the overflow)
            LongVector kb = t.reinterpretAsLongs().sub(ROUND_BITS).add(1022L).lanewise(VectorOperators.LSHL, 52);
            DoubleVector e = p.add(p).mul(kb.reinterpretAsDoubles());
            e = e.blend(zero, v.compare(VectorOperators.LE, low));
            e = e.blend(inf, v.compare(VectorOperators.GE, high));
            // NaN stays NaN (caught as an invalid density)
            e = e.blend(v, v.compare(VectorOperators.NE, v));
            e.intoArray(x, j);
        }
        for (; j < len; j++) {
            x[j] = Math.exp(x[j]);
        }
    }

    /** y[0..len) += a x1[off..off+len) + b x2[off..off+len), in one pass over y. */
    private static void axpy2(double a, double[] x1, double b, double[] x2, int off, double[] y, int len) {
        DoubleVector av = DoubleVector.broadcast(DS, a);
        DoubleVector bv = DoubleVector.broadcast(DS, b);
        int j = 0;
        for (; j <= len - L; j += L) {
            DoubleVector t = DoubleVector.fromArray(DS, x1, off + j).fma(av, DoubleVector.fromArray(DS, y, j));
            DoubleVector.fromArray(DS, x2, off + j).fma(bv, t).intoArray(y, j);
        }
        for (; j < len; j++) {
            y[j] = Math.fma(x2[off + j], b, Math.fma(x1[off + j], a, y[j]));
        }
    }

    /** {@link #dot2} (the same bits) and, in the same pass, u[0..len) = a y1 + b y2 (the Hessian's u column). */
    private static void dot2Set(double[] x, double[] y1, double[] y2, int yOff, int len, double[] out, double a, double b, double[] u) {
        DoubleVector av = DoubleVector.broadcast(DS, a);
        DoubleVector bv = DoubleVector.broadcast(DS, b);
        DoubleVector a1 = DoubleVector.zero(DS);
        DoubleVector a2 = DoubleVector.zero(DS);
        int j = 0;
        for (; j <= len - L; j += L) {
            DoubleVector xv = DoubleVector.fromArray(DS, x, j);
            DoubleVector v1 = DoubleVector.fromArray(DS, y1, yOff + j);
            DoubleVector v2 = DoubleVector.fromArray(DS, y2, yOff + j);
            a1 = xv.fma(v1, a1);
            a2 = xv.fma(v2, a2);
            v2.fma(bv, v1.mul(av)).intoArray(u, j);
        }
        double s1 = lanes(a1);
        double s2 = lanes(a2);
        for (; j < len; j++) {
            s1 = Math.fma(x[j], y1[yOff + j], s1);
            s2 = Math.fma(x[j], y2[yOff + j], s2);
            u[j] = Math.fma(y2[yOff + j], b, y1[yOff + j] * a);
        }
        out[0] = s1;
        out[1] = s2;
    }

    /** As {@link #dot2Set} for float32 columns. */
    private static void dot2SetF(double[] x, float[] y1, float[] y2, int yOff, int len, double[] out, double a, double b, double[] u) {
        DoubleVector av = DoubleVector.broadcast(DS, a);
        DoubleVector bv = DoubleVector.broadcast(DS, b);
        DoubleVector a1 = DoubleVector.zero(DS);
        DoubleVector a2 = DoubleVector.zero(DS);
        int j = 0;
        for (; j <= len - L; j += L) {
            DoubleVector xv = DoubleVector.fromArray(DS, x, j);
            DoubleVector v1 = (DoubleVector) FloatVector.fromArray(FS, y1, yOff + j).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector v2 = (DoubleVector) FloatVector.fromArray(FS, y2, yOff + j).convertShape(VectorOperators.F2D, DS, 0);
            a1 = xv.fma(v1, a1);
            a2 = xv.fma(v2, a2);
            v2.fma(bv, v1.mul(av)).intoArray(u, j);
        }
        double s1 = lanes(a1);
        double s2 = lanes(a2);
        for (; j < len; j++) {
            s1 = Math.fma(x[j], y1[yOff + j], s1);
            s2 = Math.fma(x[j], y2[yOff + j], s2);
            u[j] = Math.fma(y2[yOff + j], b, (double) y1[yOff + j] * a);
        }
        out[0] = s1;
        out[1] = s2;
    }

    /** As {@link #axpy2} for float32 columns, widened to float64 lanes. */
    private static void axpy2F(double a, float[] x1, double b, float[] x2, int off, double[] y, int len) {
        DoubleVector av = DoubleVector.broadcast(DS, a);
        DoubleVector bv = DoubleVector.broadcast(DS, b);
        int j = 0;
        for (; j <= len - L; j += L) {
            DoubleVector v1 = (DoubleVector) FloatVector.fromArray(FS, x1, off + j).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector v2 = (DoubleVector) FloatVector.fromArray(FS, x2, off + j).convertShape(VectorOperators.F2D, DS, 0);
            v2.fma(bv, v1.fma(av, DoubleVector.fromArray(DS, y, j))).intoArray(y, j);
        }
        for (; j < len; j++) {
            y[j] = Math.fma(x2[off + j], b, Math.fma(x1[off + j], a, y[j]));
        }
    }

    /** out = {x . y1, x . y2} in one pass over x (lanes summed in a fixed order). */
    private static void dot2(double[] x, double[] y1, double[] y2, int yOff, int len, double[] out) {
        DoubleVector a1 = DoubleVector.zero(DS);
        DoubleVector a2 = DoubleVector.zero(DS);
        int j = 0;
        for (; j <= len - L; j += L) {
            DoubleVector xv = DoubleVector.fromArray(DS, x, j);
            a1 = xv.fma(DoubleVector.fromArray(DS, y1, yOff + j), a1);
            a2 = xv.fma(DoubleVector.fromArray(DS, y2, yOff + j), a2);
        }
        double s1 = lanes(a1);
        double s2 = lanes(a2);
        for (; j < len; j++) {
            s1 = Math.fma(x[j], y1[yOff + j], s1);
            s2 = Math.fma(x[j], y2[yOff + j], s2);
        }
        out[0] = s1;
        out[1] = s2;
    }

    private static void dot2F(double[] x, float[] y1, float[] y2, int yOff, int len, double[] out) {
        DoubleVector a1 = DoubleVector.zero(DS);
        DoubleVector a2 = DoubleVector.zero(DS);
        int j = 0;
        for (; j <= len - L; j += L) {
            DoubleVector xv = DoubleVector.fromArray(DS, x, j);
            a1 = xv.fma((DoubleVector) FloatVector.fromArray(FS, y1, yOff + j).convertShape(VectorOperators.F2D, DS, 0), a1);
            a2 = xv.fma((DoubleVector) FloatVector.fromArray(FS, y2, yOff + j).convertShape(VectorOperators.F2D, DS, 0), a2);
        }
        double s1 = lanes(a1);
        double s2 = lanes(a2);
        for (; j < len; j++) {
            s1 = Math.fma(x[j], y1[yOff + j], s1);
            s2 = Math.fma(x[j], y2[yOff + j], s2);
        }
        out[0] = s1;
        out[1] = s2;
    }

    /** y[0..len) += a x[off..off+len). */
    private static void axpy(double a, double[] x, int off, double[] y, int len) {
        if (a == 0) {
            return;
        }
        DoubleVector av = DoubleVector.broadcast(DS, a);
        int j = 0;
        for (; j <= len - L; j += L) {
            DoubleVector.fromArray(DS, x, off + j).fma(av, DoubleVector.fromArray(DS, y, j)).intoArray(y, j);
        }
        for (; j < len; j++) {
            y[j] = Math.fma(x[off + j], a, y[j]);
        }
    }

    private void block(int b, Prep prep, double[] partial, double[] hPartial) {
        Scratch sc = scratch.get();
        int start = b * BLOCK;
        int len = Math.min(BLOCK, n - start);
        int o = b * nAcc;
        boolean anyBad = density(start, len, prep, sc);
        double[] s = sc.s;
        double[] inv = sc.inv;
        double logSum = 0;
        long invalid = 0;
        if (prep.reference) {
            // sums of w r_p g_p: the "inverse" is the weight alone, no logarithm
            for (int j = 0; j < len; j++) {
                double wj = w == null ? 1 : w[start + j];
                if (anyBad && sc.bad[j]) {
                    if (wj != 0) {
                        invalid++;
                    }
                    inv[j] = 0;
                } else {
                    inv[j] = wj;
                }
            }
        } else if (!anyBad) {
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
        if (!prep.gradient && !prep.reference) {
            return;
        }
        double[] q = sc.q;
        if (prep.hessian) {
            hessianStart(start, len, prep, sc, anyBad);
        }
        for (int p = 0; p < samples; p++) {
            double[] rg = sc.rg[p];
            for (int j = 0; j < len; j++) {
                q[j] = rg[j] * inv[j];
            }
            partial[o + 2 + p] = sum(q, len);
            if (!prep.gradient) {
                continue;
            }
            double cp = prep.c[p];
            double[] d2 = sc.d2;
            boolean[] wrote = null;
            if (prep.hessian) {
                wrote = sc.wrote;
                java.util.Arrays.fill(wrote, 0, sampleParams[p].length, false);
            }
            for (int k = 0; k < shapeParam[p].length; k++) {
                int loc = shapeLoc[p][k];
                if (wrote != null && !wrote[loc]) {
                    // the Hessian's u column of this factor's parameter in the same pass over its columns
                    double[] cf = prep.coef[p][k];
                    if (float32) {
                        dot2SetF(q, lnUpF[p][k], lnDownF[p][k], start, len, d2, cf[2], cf[3], sc.u[p][loc]);
                    } else {
                        dot2Set(q, lnUp[p][k], lnDown[p][k], start, len, d2, cf[2], cf[3], sc.u[p][loc]);
                    }
                    wrote[loc] = true;
                } else if (float32) {
                    dot2F(q, lnUpF[p][k], lnDownF[p][k], start, len, d2);
                } else {
                    dot2(q, lnUp[p][k], lnDown[p][k], start, len, d2);
                }
                partial[o + offB[p] + 2 * k] = cp * d2[0];
                partial[o + offB[p] + 2 * k + 1] = cp * d2[1];
            }
            for (int a = 0; a < delta[p].length; a++) {
                partial[o + offC[p] + a] = cp * dot(q, delta[p][a], start, len);
            }
            if (prep.hessian) {
                hessianSample(p, start, len, prep, sc, anyBad, hPartial, b * prep.hAcc);
            }
        }
        if (prep.hessian) {
            hessianFinish(len, prep, sc, hPartial, b * prep.hAcc);
        }
    }

    /**
     * The second-order sums of one block (see {@link HessianSums}), after {@link #block} filled sc.rg, sc.s, sc.inv:
     * {@link #hessianStart}, per sample {@link #hessianSample}, then {@link #hessianFinish}. Every sum of products is one entry of a weighted Gram matrix of a few columns ({@link #gram}): per sample
     * its u columns and a column of ones under the weight q (t1 and g0), and on data the basis of d ln s under w
     * (the per-sample shares rho_p and the columns G_k of the parameters that some log-density reads).
     */
    private void hessianStart(int start, int len, Prep prep, Scratch sc, boolean anyBad) {
        sc.u();
        if (!prep.reference) {
            int nk = prep.kLoc.length;
            double[][] gh = sc.gh(nk);
            sc.rhoP();
            for (int k = 0; k < nk; k++) {
                java.util.Arrays.fill(gh[k], 0, len, 0.0);
            }
            double[] wv = sc.wv;
            double[] invS = sc.invS;
            double[] s = sc.s;
            for (int j = 0; j < len; j++) {
                boolean bad = anyBad && sc.bad[j];
                wv[j] = bad ? 0 : w == null ? 1 : w[start + j];
                invS[j] = bad ? 0 : 1 / s[j];
            }
        }
    }

    /** Sample p's part, right after its first-order sums (its shape columns are still in cache). */
    private void hessianSample(int p, int start, int len, Prep prep, Scratch sc, boolean anyBad, double[] h, int o) {
        double[][][] u = sc.u;
        boolean data = !prep.reference;
        int nk = prep.kLoc.length;
        double[][] gh = sc.gh;
        double[][] rhoP = sc.rhoP;
        double[] q = sc.q;
        double[] e = sc.e;
        {
            int mp = sampleParams[p].length;
            double[][] up = u[p];
            // a column's first shape factor writes it (no zero fill); columns only the polynomial reads are zeroed
            // (block wrote the first factor of each column already, fused with the first-order sums)
            boolean[] wrote = sc.wrote;
            boolean[] first = sc.first;
            java.util.Arrays.fill(first, 0, mp, false);
            for (int k = 0; k < shapeParam[p].length; k++) {
                double[] cf = prep.coef[p][k];
                int loc = shapeLoc[p][k];
                double[] y = up[loc];
                if (!first[loc]) {
                    first[loc] = true;
                } else if (float32) {
                    axpy2F(cf[2], lnUpF[p][k], cf[3], lnDownF[p][k], start, y, len);
                } else {
                    axpy2(cf[2], lnUp[p][k], cf[3], lnDown[p][k], start, y, len);
                }
            }
            for (int l = 0; l < mp; l++) {
                if (!wrote[l]) {
                    java.util.Arrays.fill(up[l], 0, len, 0.0);
                }
            }
            for (int a = 0; a < delta[p].length; a++) {
                int[] pr = polyPairs[p][a];
                int l = polyLoc[p][pr[0]];
                if (pr[1] < 0) {
                    axpy(1, delta[p][a], start, up[l], len);
                } else if (pr[1] == pr[0]) {
                    axpy(2 * prep.theta[polyParam[p][pr[0]]], delta[p][a], start, up[l], len);
                } else {
                    axpy(prep.theta[polyParam[p][pr[1]]], delta[p][a], start, up[l], len);
                    axpy(prep.theta[polyParam[p][pr[0]]], delta[p][a], start, up[polyLoc[p][pr[1]]], len);
                }
            }
            double[] rg = sc.rg[p];
            // q = rg inv is still there from the first-order sums of this sample
            double cp = prep.c[p];
            // sum q u_l u_r and (against the ones column) sum q u_l, in one register-blocked pass
            double[] gt = sc.gt;
            GramSums.gram(q, sc.colsP[p], mp + 1, len, gt, 0, sc.tile);
            int nc = mp + 1;
            for (int l = 0; l < mp; l++) {
                h[o + prep.offG0[p] + l] = gt[l * nc + mp];
                for (int r = l; r < mp; r++) {
                    h[o + prep.offT1[p] + l * mp + r] = cp * gt[l * nc + r];
                }
            }
            if (data) {
                double[] rho = rhoP[p];
                double[] invS = sc.invS;
                for (int j = 0; j < len; j++) {
                    rho[j] = rg[j] * invS[j];
                }
                if (anyBad) {
                    // r_p g_p may overflow there: no 0 x infinity
                    for (int j = 0; j < len; j++) {
                        if (sc.bad[j]) {
                            rho[j] = 0;
                        }
                    }
                }
                double[] dcp = prep.dc[p];
                for (int k = 0; k < nk; k++) {
                    axpy(dcp[prep.kLoc[k]], rho, 0, gh[k], len);
                }
                for (int j = 0; j < len; j++) {
                    e[j] = cp * rho[j];
                }
                for (int l = 0; l < mp; l++) {
                    axpy1(e, up[l], gh[prep.kPos[prep.chanLoc[p][l]]], len);
                }
            }
        }
    }

    /** The data pass's Gram matrix of the basis of d ln s, after every sample's {@link #hessianSample}. */
    private void hessianFinish(int len, Prep prep, Scratch sc, double[] h, int o) {
        if (!prep.reference) {
            double[][] rhoP = sc.rhoP;
            double[][] gh = sc.gh;
            int nk = prep.kLoc.length;
            double[] wv = sc.wv;
            double[][] basis = sc.basis(prep.nb);
            for (int p = 0; p < samples; p++) {
                basis[p] = rhoP[p];
            }
            for (int k = 0; k < nk; k++) {
                basis[samples + k] = gh[k];
            }
            GramSums.gram(wv, basis, prep.nb, len, h, o + prep.offT3, sc.tile);
        }
    }

    /** y[0..len) += a[0..len) x[0..len), lane by lane (fused). */
    private static void axpy1(double[] a, double[] x, double[] y, int len) {
        int j = 0;
        for (; j <= len - L; j += L) {
            DoubleVector.fromArray(DS, a, j).fma(DoubleVector.fromArray(DS, x, j), DoubleVector.fromArray(DS, y, j)).intoArray(y, j);
        }
        for (; j < len; j++) {
            y[j] = Math.fma(a[j], x[j], y[j]);
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

    /** The lanes of v summed in lane order (the same bits on every thread and compilation tier). */
    static double lanes(DoubleVector v) {
        double s = 0;
        for (int l = 0; l < L; l++) {
            s += v.lane(l);
        }
        return s;
    }
}
