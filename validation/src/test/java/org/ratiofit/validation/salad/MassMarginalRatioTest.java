package org.ratiofit.validation.salad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MassMarginalRatioTest {

    static final List<SaladConfig.Window> SB = List.of(new SaladConfig.Window(3.4, 3.8), new SaladConfig.Window(4.2, 4.6));

    /** n draws of m ~ e^{−m/τ} on [3, 5]. */
    static double[] exponential(int n, double tau, SplittableRandom rng) {
        double a = Math.exp(-3 / tau);
        double c = Math.exp(-5 / tau);
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = -tau * Math.log(a - rng.nextDouble() * (a - c));
        }
        return m;
    }

    /** Expected events of e^{−m/τ}, n in all on [3, 5], in [lo, hi). */
    static double expected(int n, double tau, double lo, double hi) {
        return n * (Math.exp(-lo / tau) - Math.exp(-hi / tau)) / (Math.exp(-3 / tau) - Math.exp(-5 / tau));
    }

    /**
     * Data and simulation with different slopes (ρ ∝ e^{−m(1/τd − 1/τs)}, log-linear) and different
     * counts: the fit interpolates the signal region's yield ratio within its statistics, and a
     * constant ratio (equal slopes) is fitted with order 0 most of the time.
     */
    @ParameterizedTest
    @CsvSource({"1, 1.2, 1.2, 20000, 30000", "2, 1.2, 1.0, 20000, 20000", "3, 1.0, 1.4, 40000, 20000",
            "4, 1.2, 1.2, 16000, 16000"})
    void interpolatesTheSignalRegionYieldRatio(long seed, double tauData, double tauSim, int nData, int nSim) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] md = exponential(nData, tauData, rng);
        double[] ms = exponential(nSim, tauSim, rng);
        MassMarginalRatio r = MassMarginalRatio.fit(md, null, ms, null, SB, 200, 3);
        // predicted SR data yield: Σ_SR sim ρ(m) against the true expectation
        double pred = 0;
        int nSr = 0;
        for (double m : ms) {
            if (m >= 3.8 && m < 4.2) {
                pred += r.value(m);
                nSr++;
            }
        }
        double truth = expected(nData, tauData, 3.8, 4.2);
        // errors: the sideband data and simulation statistics carried into the SR (≈ 1/√N_SB each) and the SR simulation's
        double nSbData = expected(nData, tauData, 3.4, 3.8) + expected(nData, tauData, 4.2, 4.6);
        double nSbSim = expected(nSim, tauSim, 3.4, 3.8) + expected(nSim, tauSim, 4.2, 4.6);
        double rel = Math.sqrt(1 / nSbData + 1 / nSbSim + 1.0 / nSr) * 2;
        assertEquals(truth, pred, 4 * rel * truth, "order " + r.order() + " chi2 " + r.chi2() + "/" + r.ndf());
        assertTrue(r.chi2PerNdf() < 3, "chi2/ndf " + r.chi2PerNdf());
        assertTrue(r.order() <= 2, "order " + r.order());
        assertEquals(r.bins().size() - r.order() - 1, r.ndf());
    }

    @Test
    void aCurvedRatioNeedsAHigherOrder() {
        SplittableRandom rng = new SplittableRandom(7);
        double[] ms = exponential(200000, 1.2, rng);
        // data: the simulation's m accepted with probability ∝ exp(−4 (m − 4)²): a strongly curved ln ρ
        double[] md = java.util.Arrays.stream(exponential(400000, 1.2, rng))
                .filter(m -> rng.nextDouble() < Math.exp(-4 * (m - 4) * (m - 4))).toArray();
        MassMarginalRatio r = MassMarginalRatio.fit(md, null, ms, null, SB, 200, 3);
        assertTrue(r.order() >= 2, "order " + r.order() + ", chi2 by order " + java.util.Arrays.toString(r.chi2ByOrder()));
        assertTrue(r.chi2ByOrder()[0] > 10 * r.chi2(), java.util.Arrays.toString(r.chi2ByOrder()));
        // the ratio at the SR centre against its sideband values: exp(0) vs exp(−4 · 0.4²) at 3.6
        assertEquals(Math.exp(4 * 0.16), r.value(4.0) / r.value(3.6), 0.1);
    }

    @Test
    void tooFewBinsIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MassMarginalRatio.fit(new double[] {3.5}, null, new double[] {4.5}, null, SB, 200, 3));
        assertTrue(e.getMessage().contains("at least 2 sideband bins"), e.getMessage());
    }
}
