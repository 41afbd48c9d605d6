package org.ratiofit.validation.ddm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exact DDM density: normalisation, choice probabilities, derivatives, published values, the simulator. */
class WienerFptTest {

    /** A random parameter point within ssm-simulators' bounds. */
    private static double[] point(long seed) {
        Random r = new Random(seed);
        return new double[] {-3 + 6 * r.nextDouble(), 0.3 + 2.2 * r.nextDouble(), 0.1 + 0.8 * r.nextDouble(), 2 * r.nextDouble()};
    }

    /** ∫ density over rt in (t, ∞) for one choice: Gauss–Legendre on geometrically growing pieces of τ. */
    static double integral(int choice, double v, double a, double z, double t, double tauFrom, double tauTo) {
        double[] x = GL_X, w = GL_W;
        double total = 0;
        double lo = tauFrom;
        double step = Math.max(1e-4, tauFrom);
        while (lo < tauTo) {
            double hi = Math.min(tauTo, lo + step);
            double m = (lo + hi) / 2, h = (hi - lo) / 2;
            for (int k = 0; k < x.length; k++) total += h * w[k] * WienerFpt.density(t + m + h * x[k], choice, v, a, z, t);
            lo = hi;
            step *= 1.3;
        }
        return total;
    }

    // 10-point Gauss–Legendre nodes and weights on [−1, 1]
    private static final double[] GL_X = {-0.9739065285171717, -0.8650633666889845, -0.6794095682990244, -0.4333953941292472, -0.1488743389816312,
            0.1488743389816312, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845, 0.9739065285171717};
    private static final double[] GL_W = {0.0666713443086881, 0.1494513491505806, 0.2190863625159820, 0.2692667193099963, 0.2955242247147529,
            0.2955242247147529, 0.2692667193099963, 0.2190863625159820, 0.1494513491505806, 0.0666713443086881};

    /** P(lower boundary) of a Wiener process with drift v from z·a in (0, a). */
    static double probabilityLower(double v, double a, double z) {
        if (Math.abs(v) < 1e-12) return 1 - z;
        return (Math.exp(-2 * v * a) - Math.exp(-2 * v * a * z)) / (Math.exp(-2 * v * a) - 1);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void bothBoundariesIntegrateToOneAndEachToItsChoiceProbability(long seed) {
        double[] p = point(seed);
        double v = p[0], a = p[1], z = p[2], t = p[3];
        // u = τ/a² up to 60: the slowest tail (v = 0) has decayed below e^(−π² 60/2)
        double tauMax = 60 * a * a;
        double up = integral(WienerFpt.UPPER, v, a, z, t, 0, tauMax);
        double dn = integral(WienerFpt.LOWER, v, a, z, t, 0, tauMax);
        assertEquals(1.0, up + dn, 1e-7, "seed " + seed + " " + java.util.Arrays.toString(p));
        assertEquals(probabilityLower(v, a, z), dn, 1e-7, "P(lower), seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36})
    void derivativesMatchFiniteDifferences(long seed) {
        double[] p = point(seed);
        Random r = new Random(seed);
        int choice = r.nextBoolean() ? WienerFpt.UPPER : WienerFpt.LOWER;
        // decision times from very short (small-time series) to long (large-time series)
        double tau = p[1] * p[1] * Math.exp(-4 + 6 * r.nextDouble());
        double rt = p[3] + tau;
        double[] g = new double[4];
        WienerFpt.logDensity(rt, choice, p[0], p[1], p[2], p[3], g);
        for (int j = 0; j < 4; j++) {
            double h = 1e-6 * Math.max(1, Math.abs(p[j]));
            if (j == 3) h = Math.min(h, tau / 10);
            double[] up = p.clone(), dn = p.clone();
            up[j] += h;
            dn[j] -= h;
            double fd = (WienerFpt.logDensity(rt, choice, up[0], up[1], up[2], up[3]) - WienerFpt.logDensity(rt, choice, dn[0], dn[1], dn[2], dn[3])) / (2 * h);
            assertEquals(fd, g[j], 2e-5 * (1 + Math.abs(fd)), "seed " + seed + " parameter " + j + " u = " + tau / (p[1] * p[1]));
        }
    }

    @ParameterizedTest(name = "u = {0}")
    @ValueSource(doubles = {0.05, 0.2, 0.5, 1.0, 2.0})
    void smallAndLargeTimeSeriesAgree(double u) {
        // (beyond u ≈ 3 the small-time sum cancels catastrophically, ~1e-8 relative at u = 5: the
        // switch never uses it there)
        for (double w : new double[] {0.1, 0.3, 0.5, 0.77, 0.9}) {
            double[] s = new double[3], l = new double[3];
            WienerFpt.smallTime(u, w, 60, s);
            WienerFpt.largeTime(u, w, 200, l);
            for (int k = 0; k < 3; k++) assertEquals(s[k], l[k], 1e-9 * (1 + Math.abs(s[k])), "u " + u + " w " + w + " component " + k);
            // and the switch's truncated choice agrees with both
            double[] c = new double[3];
            WienerFpt.standardLog(u, w, c);
            assertEquals(s[0], c[0], 1e-10 * (1 + Math.abs(s[0])));
        }
    }

    @Test
    void navarroFussReferenceValues() throws IOException {
        List<double[]> rows = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/ddm/navarro_fuss_reference.csv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.startsWith("v,") || line.isBlank()) continue;
                String[] f = line.split(",");
                double[] r = new double[f.length];
                for (int k = 0; k < f.length; k++) r[k] = Double.parseDouble(f[k]);
                rows.add(r);
            }
        }
        assertEquals(12, rows.size());
        for (double[] r : rows) {
            double v = r[0], t = r[1], a = r[2], z = r[3], rt = r[4], err = r[5], ref = r[6];
            double ours = WienerFpt.density(rt, WienerFpt.LOWER, v, a, z, t);
            // the reference's error bound err is on the standardised density: scale it to p
            double scale = Math.exp(-v * a * z - v * v * (rt - t) / 2) / (a * a);
            assertEquals(ref, ours, 2 * err * scale + 1e-9 * ref, "row " + java.util.Arrays.toString(r));
        }
    }

    @Test
    void zeroDensityBelowTheNonDecisionTimeIsSaidInWords() {
        assertEquals(Double.NEGATIVE_INFINITY, WienerFpt.logDensity(0.2, WienerFpt.UPPER, 0.5, 1.5, 0.5, 0.3));
        String why = WienerFpt.check(7, 0.2, 1, 0.3);
        assertTrue(why.contains("trial 7") && why.contains("non-decision time"), why);
        assertNull(WienerFpt.check(7, 0.5, 1, 0.3));
    }

    /**
     * χ² of simulated response-time histograms (per choice) against the exact density's bin
     * probabilities: Euler–Maruyama at dt = 0.001 with the bridge correction, 20000 trials.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {41, 42, 43})
    void simulatedHistogramsMatchTheDensity(long seed) {
        double[] p = seed == 41 ? new double[] {0.5, 1.5, 0.5, 0.3} : point(seed);
        double v = p[0], a = p[1], z = p[2], t = p[3];
        int n = 20000;
        double[][] sim = new DdmSimulator(0.001, true).simulate(v, a, z, t, n, seed);
        double chi2 = chi2(sim, v, a, z, t, n);
        double crit = chi2Critical(chi2Dof);
        assertTrue(chi2 < crit, "seed " + seed + " " + java.util.Arrays.toString(p) + ": χ² = " + chi2 + " on " + chi2Dof + " dof, 99.9% critical " + crit);
    }

    private int chi2Dof;

    /** χ² over quantile-spaced bins of the decision time (20 per choice, merged below 5 expected). */
    double chi2(double[][] sim, double v, double a, double z, double t, int n) {
        double chi2 = 0;
        int dof = 0;
        for (int choice : new int[] {WienerFpt.UPPER, WienerFpt.LOWER}) {
            double total = integral(choice, v, a, z, t, 0, 60 * a * a);
            if (total * n < 50) continue;
            // bin edges: exact quantiles of this choice's decision-time density
            int bins = 20;
            double[] edges = new double[bins + 1];
            edges[bins] = Double.POSITIVE_INFINITY;
            double tau = 0, acc = 0, step = 1e-4;
            int e = 1;
            while (e < bins && tau < 60 * a * a) {
                double piece = integral(choice, v, a, z, t, tau, tau + step);
                if (acc + piece >= total * e / bins) {
                    edges[e++] = tau + step;
                }
                acc += piece;
                tau += step;
                step = Math.min(step * 1.05, 0.01);
            }
            double[] expected = new double[bins];
            double[] observed = new double[bins];
            for (int b = 0; b < bins; b++) {
                double hi = Double.isInfinite(edges[b + 1]) ? 60 * a * a : edges[b + 1];
                expected[b] = n * integral(choice, v, a, z, t, edges[b], hi);
            }
            for (int i = 0; i < n; i++) {
                if (sim[1][i] != choice) continue;
                double d = sim[0][i] - t;
                int b = 0;
                while (b + 1 < bins && d >= edges[b + 1]) b++;
                observed[b]++;
            }
            for (int b = 0; b < bins; b++) {
                if (expected[b] < 5) continue;
                chi2 += (observed[b] - expected[b]) * (observed[b] - expected[b]) / expected[b];
                dof++;
            }
        }
        chi2Dof = dof - 1;
        return chi2;
    }

    static double chi2Critical(int dof) {
        return new ChiSquaredDistribution(dof).inverseCumulativeProbability(0.999);
    }
}
