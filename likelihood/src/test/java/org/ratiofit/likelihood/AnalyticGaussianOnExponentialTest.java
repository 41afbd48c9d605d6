package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gaussian signal (mean 125, width 2) on an exponential background over [100, 150], with exact
 * per-event log-ratios against the background pdf as reference, a background normsys (code 1) and a
 * signal peak-shift nuisance (exactly quadratic per event, so a polynomial modifier represents it
 * exactly). The workspace -ln L must equal the textbook extended unbinned -ln L up to a constant.
 */
class AnalyticGaussianOnExponentialTest {

    static final double LO = 100, HI = 150, M = 125, S = 2, TAU = 20;
    static final double NU_S = 40, NU_B = 900, UP = 1.12, DOWN = 0.91;

    static double bkgPdf(double x) {
        double norm = TAU * (Math.exp(-LO / TAU) - Math.exp(-HI / TAU));
        return Math.exp(-x / TAU) / norm;
    }

    /** Truncated to [100, 150]; the truncation's normalisation is 1 - O(1e-30) at 12.5 sigma, i.e. 1. */
    static double sigPdf(double x, double mean) {
        double z = (x - mean) / S;
        return Math.exp(-0.5 * z * z) / (S * Math.sqrt(2 * Math.PI));
    }

    static double textbookNll(double[] x, double mu, double delta, double alpha) {
        double nuS = mu * NU_S;
        double nuB = NU_B * (alpha >= 0 ? Math.pow(UP, alpha) : Math.pow(DOWN, -alpha));
        double nll = nuS + nuB + 0.5 * alpha * alpha;
        for (double xi : x) {
            nll -= Math.log(nuS * sigPdf(xi, M + delta) + nuB * bkgPdf(xi));
        }
        return nll;
    }

    static double[] events(long seed, int n) {
        Random r = new Random(seed);
        double[] x = new double[n];
        double fs = NU_S / (NU_S + NU_B);
        for (int i = 0; i < n; i++) {
            double v;
            do {
                if (r.nextDouble() < fs) {
                    v = M + S * r.nextGaussian();
                } else {
                    double u = r.nextDouble();
                    v = -TAU * Math.log(Math.exp(-LO / TAU) - u * (Math.exp(-LO / TAU) - Math.exp(-HI / TAU)));
                }
            } while (v < LO || v > HI);
            x[i] = v;
        }
        return x;
    }

    @Test
    void workspaceEqualsTextbookUpToAConstantOnAGrid() {
        long seed = 2024;
        double[] x = events(seed, 940);
        int n = x.length;
        double[] lrS = new double[n];
        double[] lrB = new double[n];
        double[] lin = new double[n];
        double[] quad = new double[n];
        for (int i = 0; i < n; i++) {
            lrS[i] = Math.log(sigPdf(x[i], M)) - Math.log(bkgPdf(x[i]));
            lrB[i] = 0;
            lin[i] = (x[i] - M) / (S * S);
            quad[i] = -1 / (2 * S * S);
        }
        ModelBuilder b = new ModelBuilder()
                .parameter(Parameter.poi("mu", 1, 0, 10))
                .parameter(new Parameter("delta", Parameter.Kind.NORM_FACTOR, 0, -5, 5, false, 0, 1))
                .parameter(Parameter.constrained("alpha"));
        b.unbinned("SR", n)
                .sample("signal", NU_S, lrS).normFactor("mu").polynomial(List.of("delta"), new double[] {0, 0}, List.of(lin, quad)).end()
                .sample("background", NU_B, lrB).normSys("alpha", 1, UP, DOWN).end()
                .end();
        Model m = b.build();
        Double offset = null;
        for (double mu : new double[] {0.2, 0.7, 1.0, 1.6, 3.0}) {
            for (double delta : new double[] {-1.5, -0.3, 0, 0.4, 2.0}) {
                for (double alpha : new double[] {-2, -0.5, 0, 0.8, 1.7}) {
                    double ws = m.value(new double[] {mu, delta, alpha});
                    double tb = textbookNll(x, mu, delta, alpha);
                    double diff = ws - tb;
                    if (offset == null) {
                        offset = diff;
                    }
                    double rel = Math.abs(diff - offset) / Math.abs(tb);
                    assertTrue(rel < 1e-10, "seed " + seed + " (mu, delta, alpha) = (" + mu + ", " + delta + ", " + alpha
                            + "): workspace " + ws + " textbook " + tb + " offset drift " + (diff - offset));
                }
            }
        }
        // the constant is sum_i ln p_ref(x_i), which the workspace drops
        double refTerm = 0;
        for (double xi : x) {
            refTerm += Math.log(bkgPdf(xi));
        }
        assertTrue(Math.abs(offset - refTerm) < 1e-9 * Math.abs(refTerm), "seed " + seed + ": offset " + offset + " vs sum ln p_ref " + refTerm);
    }
}
