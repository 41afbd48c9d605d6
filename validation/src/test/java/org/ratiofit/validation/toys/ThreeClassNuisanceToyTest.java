package org.ratiofit.validation.toys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.likelihood.Model;
import org.ratiofit.objective.Objective;

class ThreeClassNuisanceToyTest {

    static final ThreeClassNuisanceToy TOY = ThreeClassNuisanceToy.standard();

    /** The normal density written out independently (product of two 1-D densities). */
    static double pdf(ThreeClassNuisanceToy.ClassSpec s, double x1, double x2, double[] nu) {
        double p = 1;
        double[] x = {x1, x2};
        for (int k = 0; k < 2; k++) {
            double m = s.mean()[k] + s.shift()[k][0] * nu[0] + s.shift()[k][1] * nu[1];
            double sd = s.sigma()[k];
            p *= Math.exp(-(x[k] - m) * (x[k] - m) / (2 * sd * sd)) / (sd * Math.sqrt(2 * Math.PI));
        }
        return p;
    }

    /** ln p_c(x|ν) − ln p_c(x|0) = Σ_A Δ_A(x) m_A(ν) exactly, and the multiclass log-ratio is the density ratio. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void polynomialAndMulticlassLogRatiosAreExact(long seed) {
        Random r = new Random(seed);
        for (int k = 0; k < 50; k++) {
            double x1 = 2 * r.nextGaussian();
            double x2 = 2 * r.nextGaussian();
            double[] nu = {3 * r.nextGaussian(), 3 * r.nextGaussian()};
            double[] m = ThreeClassNuisanceToy.monomials(nu);
            for (int c = 0; c < 3; c++) {
                ThreeClassNuisanceToy.ClassSpec s = TOY.spec(c);
                double want = Math.log(pdf(s, x1, x2, nu)) - Math.log(pdf(s, x1, x2, new double[2]));
                double[] d = TOY.delta(c, x1, x2);
                double got = 0;
                for (int a = 0; a < m.length; a++) {
                    got += d[a] * m[a];
                }
                assertEquals(want, got, 1e-10 * (1 + Math.abs(want)), "seed " + seed + " class " + c + " x=(" + x1 + "," + x2 + ") nu=" + nu[0] + "," + nu[1]);
                double lr = Math.log(pdf(s, x1, x2, new double[2]) / pdf(TOY.spec(ThreeClassNuisanceToy.REFERENCE), x1, x2, new double[2]));
                assertEquals(lr, TOY.logRatio(c, x1, x2), 1e-10 * (1 + Math.abs(lr)), "seed " + seed + " class " + c);
            }
        }
    }

    /** The polynomial part is a shape: E_{p_c(x|0)}[exp Σ Δ m(ν)] = 1 (Monte Carlo within 4 errors), and the samples have the shifted means. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12})
    void shapeIsNormalisedAndSamplesFollowTheShiftedMeans(long seed) {
        int n = 200_000;
        double[] nu = {1.5, -2.0};
        double[] m = ThreeClassNuisanceToy.monomials(nu);
        for (int c = 0; c < 3; c++) {
            double[][] x = TOY.sample(c, new double[2], n, seed + c);
            double s = 0;
            double s2 = 0;
            for (int i = 0; i < n; i++) {
                double[] d = TOY.delta(c, x[0][i], x[1][i]);
                double e = 0;
                for (int a = 0; a < m.length; a++) {
                    e += d[a] * m[a];
                }
                double w = Math.exp(e);
                s += w;
                s2 += w * w;
            }
            double mean = s / n;
            double err = Math.sqrt((s2 / n - mean * mean) / n);
            assertEquals(1.0, mean, 4 * err, "seed " + seed + " class " + c + " E[exp(Δ·m)]");
            double[][] xv = TOY.sample(c, nu, n, seed + 10 + c);
            ThreeClassNuisanceToy.ClassSpec spec = TOY.spec(c);
            for (int k = 0; k < 2; k++) {
                double mk = spec.mean()[k] + spec.shift()[k][0] * nu[0] + spec.shift()[k][1] * nu[1];
                double avg = java.util.Arrays.stream(xv[k]).average().orElseThrow();
                assertEquals(mk, avg, 4 * spec.sigma()[k] / Math.sqrt(n), "seed " + seed + " class " + c + " mean of x" + (k + 1));
            }
        }
    }

    @Test
    void yieldsFollowTheInclusiveParametrisation() {
        double[] nu = {0.7, -1.3};
        double[] m = ThreeClassNuisanceToy.monomials(nu);
        assertEquals(5, m.length);
        assertEquals(0.7 * -1.3, m[3], 1e-15);
        for (int c = 0; c < 3; c++) {
            double e = 0;
            for (int a = 0; a < 5; a++) {
                e += TOY.spec(c).yieldCoefficients()[a] * m[a];
            }
            assertEquals(TOY.spec(c).yield() * Math.exp(e), TOY.yield(c, nu), 1e-9);
            assertEquals(TOY.spec(c).yield(), TOY.yield(c, new double[2]), 1e-12);
        }
    }

    /**
     * The workspace model with the exact columns is the textbook likelihood up to the constant
     * Σ ln p_ztt(x_i|0), once each class's shape is divided by its average over the model's
     * reference events, K_c(ν) = Σ_ref p_c(x|ν)/p_ztt(x|0) / Σ_ref p_c(x|0)/p_ztt(x|0) (the default
     * shape normalisation, recomputed here from the exact densities on the same reference events).
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22})
    void exactModelIsTheTextbookLikelihood(long seed) {
        double[][] x = TOY.generate(new double[] {1.2, 0.5, -0.4}, seed);
        int n = x[0].length;
        assertTrue(Math.abs(n - 4300) < 5 * Math.sqrt(4300), "events " + n);
        double[][] ref = TOY.sample(ThreeClassNuisanceToy.ZTT, new double[2], 2000, seed + 1);
        Model model = TOY.exactModel(x, ref);
        Objective exact = TOY.exactNll(x);
        double constant = 0;
        for (int i = 0; i < n; i++) {
            constant += TOY.logPdf(ThreeClassNuisanceToy.ZTT, x[0][i], x[1][i], new double[2]);
        }
        Random r = new Random(seed);
        for (int k = 0; k < 10; k++) {
            double[] t = {0.3 + 2 * r.nextDouble(), 2 * r.nextGaussian(), 2 * r.nextGaussian()};
            double e = exact.value(t) + normalisationCorrection(x, ref, t);
            assertEquals(e, model.value(t) - constant, 1e-9 * Math.abs(e), "seed " + seed + " at " + java.util.Arrays.toString(t));
        }
    }

    /** Σ_i [ln Σ_c y_c p_c(x_i|ν) − ln Σ_c y_c p_c(x_i|ν)/N_c(ν)]: what the normalisation adds to the exact −ln L. */
    static double normalisationCorrection(double[][] x, double[][] ref, double[] t) {
        double[] nu = {t[1], t[2]};
        double[] y = new double[3];
        double[] norm = new double[3];
        for (int c = 0; c < 3; c++) {
            y[c] = (c == ThreeClassNuisanceToy.HTT ? t[0] : 1) * TOY.yield(c, nu);
            double norm0 = 0;
            for (int j = 0; j < ref[0].length; j++) {
                double lnRef = TOY.logPdf(ThreeClassNuisanceToy.ZTT, ref[0][j], ref[1][j], new double[2]);
                norm[c] += Math.exp(TOY.logPdf(c, ref[0][j], ref[1][j], nu) - lnRef);
                norm0 += Math.exp(TOY.logPdf(c, ref[0][j], ref[1][j], new double[2]) - lnRef);
            }
            norm[c] /= norm0;
        }
        double corr = 0;
        for (int i = 0; i < x[0].length; i++) {
            double raw = 0;
            double normalised = 0;
            for (int c = 0; c < 3; c++) {
                double d = y[c] * Math.exp(TOY.logPdf(c, x[0][i], x[1][i], nu));
                raw += d;
                normalised += d / norm[c];
            }
            corr += Math.log(raw) - Math.log(normalised);
        }
        return corr;
    }
}
