package org.ratiofit.validation.toys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.likelihood.Model;
import org.ratiofit.objective.Objective;

class ToyWorkspacesTest {

    static final GaussianOnExponential TOY = new GaussianOnExponential(GaussianOnExponential.Config.standard());

    /** The workspace's −ln L differs from the textbook likelihood by a constant, Σ ln f_B(x_i). */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void workspaceLikelihoodIsTheExactOneUpToAConstant(long seed) {
        double[] x = TOY.generate(new double[] {1, 0, 0}, seed);
        Model m = ToyWorkspaces.gaussianOnExponential(TOY, x, 1000, seed + 1, false);
        Objective exact = TOY.exactNll(x, null);
        double constant = 0;
        for (double v : x) {
            constant += Math.log(TOY.backgroundPdf(v));
        }
        java.util.Random r = new java.util.Random(seed);
        for (int k = 0; k < 10; k++) {
            double[] p = {0.2 + 2 * r.nextDouble(), 2 * r.nextGaussian(), 2 * r.nextGaussian()};
            double e = exact.value(p);
            assertEquals(e, m.value(p) - constant, 1e-9 * Math.abs(e), "seed " + seed + " point " + java.util.Arrays.toString(p));
            double[] ge = new double[3];
            double[] gm = new double[3];
            exact.valueAndGradient(p, ge);
            m.valueAndGradient(p, gm);
            for (int i = 0; i < 3; i++) {
                assertEquals(ge[i], gm[i], 1e-8 * (1 + Math.abs(ge[i])), "seed " + seed + " gradient " + i);
            }
        }
    }
}
