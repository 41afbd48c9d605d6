package org.ratiofit.samplers.nuts;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One chain of the No-U-Turn sampler as Stan's base_nuts runs it: multinomial sampling of the
 * trajectory with biased progressive sampling between the old tree and each new subtree, the
 * generalised U-turn criterion on sharp momenta checked over every merged subtree and across the
 * boundary between its halves, divergence when H - H0 exceeds maxDeltaH.
 *
 * <p>All scratch arrays are allocated once per chain; a transition allocates nothing.
 */
final class NutsChain {

    /** A point in phase space with the log-density and its gradient at q. */
    static final class Point {
        final double[] q;
        final double[] p;
        final double[] g;
        double lp;

        Point(int d) {
            q = new double[d];
            p = new double[d];
            g = new double[d];
        }

        void set(Point o) {
            System.arraycopy(o.q, 0, q, 0, q.length);
            System.arraycopy(o.p, 0, p, 0, p.length);
            System.arraycopy(o.g, 0, g, 0, g.length);
            lp = o.lp;
        }
    }

    private final PosteriorDensity density;
    private final PosteriorDensity.Workspace ws;
    private final SplittableRandom rng;
    private final int d;
    private final boolean dense;

    // inverse metric: diagonal, or dense with its Cholesky factor L (inv = L L^T)
    final double[] invDiag;
    final double[][] invDense;
    private final double[][] cholL;

    double epsilon;
    long gradientEvaluations;
    private final int maxDepth;
    private final double maxDeltaH;

    // transition outputs
    int depth;
    int nLeapfrog;
    boolean divergent;
    double acceptStat;
    double energy;

    private final Point z;
    private final Point zFwd;
    private final Point zBck;
    private final Point zSample;
    private final Point zPropose;
    private final Point zInit;
    private final double[] pFwdFwd, pSharpFwdFwd, pFwdBck, pSharpFwdBck;
    private final double[] pBckFwd, pSharpBckFwd, pBckBck, pSharpBckBck;
    private final double[] rho, rhoFwd, rhoBck, rhoExt, tmp;

    // per recursion level scratch
    private final double[][] lvPInitEnd, lvPSharpInitEnd, lvRhoInit, lvPFinalBeg, lvPSharpFinalBeg, lvRhoFinal, lvRhoExt;
    private final Point[] lvZProposeFinal;
    private double sumMetroProb;
    private boolean subtreeValid;

    NutsChain(PosteriorDensity density, NutsSettings settings, SplittableRandom rng) {
        this.density = density;
        this.ws = density.workspace();
        this.rng = rng;
        this.d = density.dimension();
        this.dense = settings.getMetric() == NutsSettings.Metric.DENSE;
        this.maxDepth = settings.getMaxDepth();
        this.maxDeltaH = settings.getMaxDeltaH();
        invDiag = new double[d];
        Arrays.fill(invDiag, 1.0);
        invDense = dense ? new double[d][d] : null;
        cholL = dense ? new double[d][d] : null;
        if (dense) {
            for (int i = 0; i < d; i++) {
                invDense[i][i] = 1;
                cholL[i][i] = 1;
            }
        }
        z = new Point(d);
        zFwd = new Point(d);
        zBck = new Point(d);
        zSample = new Point(d);
        zPropose = new Point(d);
        zInit = new Point(d);
        pFwdFwd = new double[d]; pSharpFwdFwd = new double[d]; pFwdBck = new double[d]; pSharpFwdBck = new double[d];
        pBckFwd = new double[d]; pSharpBckFwd = new double[d]; pBckBck = new double[d]; pSharpBckBck = new double[d];
        rho = new double[d]; rhoFwd = new double[d]; rhoBck = new double[d]; rhoExt = new double[d]; tmp = new double[d];
        int levels = maxDepth + 1;
        lvPInitEnd = new double[levels][d];
        lvPSharpInitEnd = new double[levels][d];
        lvRhoInit = new double[levels][d];
        lvPFinalBeg = new double[levels][d];
        lvPSharpFinalBeg = new double[levels][d];
        lvRhoFinal = new double[levels][d];
        lvRhoExt = new double[levels][d];
        lvZProposeFinal = new Point[levels];
        for (int i = 0; i < levels; i++) {
            lvZProposeFinal[i] = new Point(d);
        }
    }

    /** Sets the position; returns false when the log-density is not finite there. */
    boolean setPosition(double[] q) {
        System.arraycopy(q, 0, z.q, 0, d);
        z.lp = evaluate(z.q, z.g);
        return Double.isFinite(z.lp);
    }

    /** The log-density at q; an exception from the density is rethrown with q attached. */
    private double evaluate(double[] q, double[] g) {
        gradientEvaluations++;
        try {
            return density.logDensityAndGradient(q, g, ws);
        } catch (RuntimeException e) {
            throw new DensityEvaluationException(q, e);
        }
    }

    double[] position() {
        return z.q;
    }

    double logDensity() {
        return z.lp;
    }

    // ---- Hamiltonian with Euclidean metric ----

    private double kinetic(double[] p) {
        if (dense) {
            double s = 0;
            for (int i = 0; i < d; i++) {
                double[] row = invDense[i];
                double r = 0;
                for (int j = 0; j < d; j++) {
                    r += row[j] * p[j];
                }
                s += p[i] * r;
            }
            return 0.5 * s;
        }
        double s = 0;
        for (int i = 0; i < d; i++) {
            s += invDiag[i] * p[i] * p[i];
        }
        return 0.5 * s;
    }

    private double hamiltonian(Point pt) {
        return kinetic(pt.p) - pt.lp;
    }

    /** Velocity dH/dp = M^{-1} p (the sharp momentum). */
    private void dtauDp(double[] p, double[] out) {
        if (dense) {
            for (int i = 0; i < d; i++) {
                double[] row = invDense[i];
                double r = 0;
                for (int j = 0; j < d; j++) {
                    r += row[j] * p[j];
                }
                out[i] = r;
            }
        } else {
            for (int i = 0; i < d; i++) {
                out[i] = invDiag[i] * p[i];
            }
        }
    }

    private void sampleMomentum(Point pt) {
        if (dense) {
            // p = L^{-T} u has covariance (L L^T)^{-1} = M
            for (int i = 0; i < d; i++) {
                tmp[i] = rng.nextGaussian();
            }
            for (int i = d - 1; i >= 0; i--) {
                double s = tmp[i];
                for (int j = i + 1; j < d; j++) {
                    s -= cholL[j][i] * pt.p[j];
                }
                pt.p[i] = s / cholL[i][i];
            }
        } else {
            for (int i = 0; i < d; i++) {
                pt.p[i] = rng.nextGaussian() / Math.sqrt(invDiag[i]);
            }
        }
    }

    private void leapfrog(Point pt, double eps) {
        double half = 0.5 * eps;
        double[] q = pt.q;
        double[] p = pt.p;
        double[] g = pt.g;
        for (int i = 0; i < d; i++) {
            p[i] += half * g[i];
        }
        if (dense) {
            dtauDp(p, tmp);
            for (int i = 0; i < d; i++) {
                q[i] += eps * tmp[i];
            }
        } else {
            for (int i = 0; i < d; i++) {
                q[i] += eps * invDiag[i] * p[i];
            }
        }
        pt.lp = evaluate(q, g);
        if (Double.isFinite(pt.lp)) {
            for (int i = 0; i < d; i++) {
                p[i] += half * g[i];
            }
        }
    }

    void updateCholesky() {
        if (!dense) {
            return;
        }
        for (int j = 0; j < d; j++) {
            double s = invDense[j][j];
            for (int k = 0; k < j; k++) {
                s -= cholL[j][k] * cholL[j][k];
            }
            if (!(s > 0)) {
                throw new IllegalStateException("adapted dense inverse metric is not positive definite");
            }
            double ljj = Math.sqrt(s);
            cholL[j][j] = ljj;
            for (int i = j + 1; i < d; i++) {
                double t = invDense[i][j];
                for (int k = 0; k < j; k++) {
                    t -= cholL[i][k] * cholL[j][k];
                }
                cholL[i][j] = t / ljj;
            }
            for (int i = 0; i < j; i++) {
                cholL[i][j] = 0;
            }
        }
    }

    /** Stan's heuristic: double or halve the step size until one leapfrog step crosses acceptance 0.8. */
    void initStepSize() {
        if (epsilon == 0 || epsilon > 1e7 || Double.isNaN(epsilon)) {
            return;
        }
        zInit.set(z);
        double logTarget = Math.log(0.8);
        sampleMomentum(z);
        double h0 = hamiltonian(z);
        leapfrog(z, epsilon);
        double h = hamiltonian(z);
        if (Double.isNaN(h)) {
            h = Double.POSITIVE_INFINITY;
        }
        int direction = (h0 - h) > logTarget ? 1 : -1;
        while (true) {
            z.set(zInit);
            sampleMomentum(z);
            h0 = hamiltonian(z);
            leapfrog(z, epsilon);
            h = hamiltonian(z);
            if (Double.isNaN(h)) {
                h = Double.POSITIVE_INFINITY;
            }
            double dH = h0 - h;
            if (direction == 1 && !(dH > logTarget)) {
                break;
            } else if (direction == -1 && !(dH < logTarget)) {
                break;
            } else {
                epsilon = direction == 1 ? 2 * epsilon : 0.5 * epsilon;
            }
            if (epsilon > 1e7) {
                throw new IllegalStateException("step size heuristic diverged above 1e7: the posterior is probably improper");
            }
            if (epsilon == 0) {
                throw new IllegalStateException("step size heuristic reached 0: the log-density or its gradient is probably wrong");
            }
        }
        z.set(zInit);
    }

    private static boolean criterion(double[] pSharpMinus, double[] pSharpPlus, double[] rho, int d) {
        double a = 0;
        double b = 0;
        for (int i = 0; i < d; i++) {
            a += pSharpPlus[i] * rho[i];
            b += pSharpMinus[i] * rho[i];
        }
        return a > 0 && b > 0;
    }

    private static double logSumExp(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        double m = Math.max(a, b);
        return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }

    /** One NUTS transition from the current point. */
    void transition() {
        sampleMomentum(z);
        zFwd.set(z);
        zBck.set(z);
        zSample.set(z);
        zPropose.set(z);
        System.arraycopy(z.p, 0, pFwdFwd, 0, d);
        dtauDp(z.p, pSharpFwdFwd);
        System.arraycopy(z.p, 0, pFwdBck, 0, d);
        System.arraycopy(pSharpFwdFwd, 0, pSharpFwdBck, 0, d);
        System.arraycopy(z.p, 0, pBckFwd, 0, d);
        System.arraycopy(pSharpFwdFwd, 0, pSharpBckFwd, 0, d);
        System.arraycopy(z.p, 0, pBckBck, 0, d);
        System.arraycopy(pSharpFwdFwd, 0, pSharpBckBck, 0, d);
        System.arraycopy(z.p, 0, rho, 0, d);

        double logSumWeight = 0;
        double h0 = hamiltonian(z);
        nLeapfrog = 0;
        sumMetroProb = 0;
        depth = 0;
        divergent = false;

        while (depth < maxDepth) {
            Arrays.fill(rhoFwd, 0);
            Arrays.fill(rhoBck, 0);
            double logSumWeightSubtree;
            if (rng.nextDouble() > 0.5) {
                z.set(zFwd);
                // the old trajectory becomes the backward subtree; its forward end is the old forward end
                System.arraycopy(rho, 0, rhoBck, 0, d);
                System.arraycopy(pFwdFwd, 0, pBckFwd, 0, d);
                System.arraycopy(pSharpFwdFwd, 0, pSharpBckFwd, 0, d);
                logSumWeightSubtree = buildTree(depth, zPropose, pSharpFwdBck, pSharpFwdFwd, rhoFwd, pFwdBck, pFwdFwd, h0, epsilon);
                zFwd.set(z);
            } else {
                z.set(zBck);
                System.arraycopy(rho, 0, rhoFwd, 0, d);
                System.arraycopy(pBckBck, 0, pFwdBck, 0, d);
                System.arraycopy(pSharpBckBck, 0, pSharpFwdBck, 0, d);
                logSumWeightSubtree = buildTree(depth, zPropose, pSharpBckFwd, pSharpBckBck, rhoBck, pBckFwd, pBckBck, h0, -epsilon);
                zBck.set(z);
            }
            if (!subtreeValid) {
                break;
            }
            depth++;
            // biased progressive sampling: favour the new subtree
            if (logSumWeightSubtree > logSumWeight) {
                zSample.set(zPropose);
            } else if (rng.nextDouble() < Math.exp(logSumWeightSubtree - logSumWeight)) {
                zSample.set(zPropose);
            }
            logSumWeight = logSumExp(logSumWeight, logSumWeightSubtree);

            for (int i = 0; i < d; i++) {
                rho[i] = rhoBck[i] + rhoFwd[i];
            }
            boolean persist = criterion(pSharpBckBck, pSharpFwdFwd, rho, d);
            for (int i = 0; i < d; i++) {
                rhoExt[i] = rhoBck[i] + pFwdBck[i];
            }
            persist &= criterion(pSharpBckBck, pSharpFwdBck, rhoExt, d);
            for (int i = 0; i < d; i++) {
                rhoExt[i] = rhoFwd[i] + pBckFwd[i];
            }
            persist &= criterion(pSharpBckFwd, pSharpFwdFwd, rhoExt, d);
            if (!persist) {
                break;
            }
        }
        acceptStat = sumMetroProb / nLeapfrog;
        z.set(zSample);
        energy = hamiltonian(z);
    }

    /**
     * Builds a subtree of 2^depth leapfrog steps from the moving point {@link #z}; returns its
     * log-sum of weights and sets {@link #subtreeValid}. {@code rho} is accumulated into.
     */
    private double buildTree(int level, Point propose, double[] pSharpBeg, double[] pSharpEnd, double[] rhoAcc,
                             double[] pBeg, double[] pEnd, double h0, double eps) {
        if (level == 0) {
            leapfrog(z, eps);
            nLeapfrog++;
            double h = hamiltonian(z);
            if (Double.isNaN(h)) {
                h = Double.POSITIVE_INFINITY;
            }
            if (h - h0 > maxDeltaH) {
                divergent = true;
            }
            double lw = h0 - h;
            sumMetroProb += lw > 0 ? 1 : Math.exp(lw);
            propose.set(z);
            dtauDp(z.p, pSharpBeg);
            System.arraycopy(pSharpBeg, 0, pSharpEnd, 0, d);
            for (int i = 0; i < d; i++) {
                rhoAcc[i] += z.p[i];
            }
            System.arraycopy(z.p, 0, pBeg, 0, d);
            System.arraycopy(z.p, 0, pEnd, 0, d);
            subtreeValid = !divergent;
            return lw;
        }
        double[] pInitEnd = lvPInitEnd[level];
        double[] pSharpInitEnd = lvPSharpInitEnd[level];
        double[] rhoInit = lvRhoInit[level];
        Arrays.fill(rhoInit, 0);
        double lwInit = buildTree(level - 1, propose, pSharpBeg, pSharpInitEnd, rhoInit, pBeg, pInitEnd, h0, eps);
        if (!subtreeValid) {
            return Double.NEGATIVE_INFINITY;
        }
        Point proposeFinal = lvZProposeFinal[level];
        proposeFinal.set(z);
        double[] pFinalBeg = lvPFinalBeg[level];
        double[] pSharpFinalBeg = lvPSharpFinalBeg[level];
        double[] rhoFinal = lvRhoFinal[level];
        Arrays.fill(rhoFinal, 0);
        double lwFinal = buildTree(level - 1, proposeFinal, pSharpFinalBeg, pSharpEnd, rhoFinal, pFinalBeg, pEnd, h0, eps);
        if (!subtreeValid) {
            return Double.NEGATIVE_INFINITY;
        }
        double lwSubtree = logSumExp(lwInit, lwFinal);
        // multinomial sample between the two halves
        if (lwFinal > lwSubtree) {
            propose.set(proposeFinal);
        } else if (rng.nextDouble() < Math.exp(lwFinal - lwSubtree)) {
            propose.set(proposeFinal);
        }
        double[] rhoSub = lvRhoExt[level];
        for (int i = 0; i < d; i++) {
            double r = rhoInit[i] + rhoFinal[i];
            rhoSub[i] = r;
            rhoAcc[i] += r;
        }
        boolean persist = criterion(pSharpBeg, pSharpEnd, rhoSub, d);
        for (int i = 0; i < d; i++) {
            rhoSub[i] = rhoInit[i] + pFinalBeg[i];
        }
        persist &= criterion(pSharpBeg, pSharpFinalBeg, rhoSub, d);
        for (int i = 0; i < d; i++) {
            rhoSub[i] = rhoFinal[i] + pInitEnd[i];
        }
        persist &= criterion(pSharpInitEnd, pSharpEnd, rhoSub, d);
        subtreeValid = persist;
        return lwSubtree;
    }

    boolean isDense() {
        return dense;
    }
}
