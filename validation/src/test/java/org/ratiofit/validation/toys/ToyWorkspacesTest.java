package org.ratiofit.validation.toys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.likelihood.Model;
import org.ratiofit.objective.Objective;

class ToyWorkspacesTest {

    static final GaussianOnExponential TOY = new GaussianOnExponential(GaussianOnExponential.Config.standard());

    /**
     * The workspace's −ln L differs from the textbook likelihood by a constant, Σ ln f_B(x_i), once
     * the textbook's signal shape is divided by its average over the model's reference events,
     * K(α) = Σ_ref f_S(x; α)/f_B(x) / Σ_ref f_S(x; 0)/f_B(x) (the default shape normalisation;
     * recomputed here from the toy's exact densities on the same reference draw). Gradient against central differences of
     * that textbook.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void workspaceLikelihoodIsTheExactOneUpToAConstant(long seed) {
        double[] x = TOY.generate(new double[] {1, 0, 0}, seed);
        Model m = ToyWorkspaces.gaussianOnExponential(TOY, x, 1000, seed + 1, false);
        double[] ref = TOY.sampleBackground(1000, seed + 1);
        Objective exact = TOY.exactNll(x, null);
        double constant = 0;
        for (double v : x) {
            constant += Math.log(TOY.backgroundPdf(v));
        }
        java.util.Random r = new java.util.Random(seed);
        for (int k = 0; k < 10; k++) {
            double[] p = {0.2 + 2 * r.nextDouble(), 2 * r.nextGaussian(), 2 * r.nextGaussian()};
            double e = normalisedTextbook(exact, x, ref, p);
            assertEquals(e, m.value(p) - constant, 1e-9 * Math.abs(e), "seed " + seed + " point " + java.util.Arrays.toString(p));
            double[] gm = new double[3];
            m.valueAndGradient(p, gm);
            for (int i = 0; i < 3; i++) {
                double h = 1e-5 * (1 + Math.abs(p[i]));
                double[] up = p.clone();
                double[] dn = p.clone();
                up[i] += h;
                dn[i] -= h;
                double fd = (normalisedTextbook(exact, x, ref, up) - normalisedTextbook(exact, x, ref, dn)) / (2 * h);
                assertEquals(fd, gm[i], 1e-5 * (1 + Math.abs(fd)), "seed " + seed + " gradient " + i);
            }
        }
        // at α_shift = 0 nothing is normalised: the exact likelihood itself
        double[] p0 = {1.3, 0, 0.4};
        assertEquals(exact.value(p0), m.value(p0) - constant, 1e-9 * Math.abs(exact.value(p0)));
    }

    /** With a quadrature reference the shape normalisation is 1: the model is the textbook likelihood, value and gradient. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5})
    void quadratureReferenceGivesTheTextbookLikelihood(long seed) {
        double[] x = TOY.generate(new double[] {1, 0.5, 0}, seed);
        Model m = ToyWorkspaces.gaussianOnExponentialQuadrature(TOY, x, 4000, false);
        Objective exact = TOY.exactNll(x, null);
        double constant = 0;
        for (double v : x) {
            constant += Math.log(TOY.backgroundPdf(v));
        }
        java.util.Random r = new java.util.Random(seed);
        for (int k = 0; k < 10; k++) {
            double[] p = {0.2 + 2 * r.nextDouble(), 2 * r.nextGaussian(), 2 * r.nextGaussian()};
            double[] ge = new double[3];
            double[] gm = new double[3];
            double e = exact.valueAndGradient(p, ge);
            assertEquals(e, m.valueAndGradient(p, gm) - constant, 1e-9 * Math.abs(e), "seed " + seed + " point " + java.util.Arrays.toString(p));
            for (int i = 0; i < 3; i++) {
                assertEquals(ge[i], gm[i], 1e-7 * (1 + Math.abs(ge[i])), "seed " + seed + " gradient " + i);
            }
        }
    }

    /** The toy's exact −ln L with the signal shape divided by its reference average K(α_shift). */
    static double normalisedTextbook(Objective exact, double[] x, double[] ref, double[] p) {
        double as = p[GaussianOnExponential.ALPHA_SHIFT];
        double norm = 0;
        double norm0 = 0;
        for (double v : ref) {
            norm += TOY.signalPdf(v, as) / TOY.backgroundPdf(v);
            norm0 += TOY.signalPdf(v, 0) / TOY.backgroundPdf(v);
        }
        norm /= norm0;
        double nuS = TOY.signalYield(p[GaussianOnExponential.MU]);
        double nuB = TOY.backgroundYield(p[GaussianOnExponential.ALPHA_BKG]);
        double correction = 0;
        for (double v : x) {
            double fs = TOY.signalPdf(v, as);
            double fb = TOY.backgroundPdf(v);
            correction += Math.log(nuS * fs + nuB * fb) - Math.log(nuS * fs / norm + nuB * fb);
        }
        return exact.value(p) + correction;
    }
}
