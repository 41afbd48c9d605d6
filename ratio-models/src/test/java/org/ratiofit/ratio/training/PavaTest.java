package org.ratiofit.ratio.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.ratio.training.calibration.HistogramCalibrator;
import org.ratiofit.ratio.training.calibration.IsotonicCalibrator;
import org.ratiofit.ratio.training.calibration.Pava;

/** PAVA on cases solved by hand, its defining properties on random cases, and the calibrators. */
class PavaTest {

    @Test
    void knownCases() {
        // already monotone: unchanged
        Pava.Fit f = Pava.fit(new double[] {1, 2, 3}, new double[] {1, 2, 3}, new double[] {1, 1, 1});
        assertArrayEquals(new double[] {1, 2, 3}, f.y(), 1e-15);
        // one violation pools to the mean: 1, 3, 2, 4 -> 1, 2.5, 2.5, 4
        f = Pava.fit(new double[] {1, 2, 3, 4}, new double[] {1, 3, 2, 4}, new double[] {1, 1, 1, 1});
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, f.y(), 1e-15);
        // weighted: 3 (w 3) then 1 (w 1) pool to (9 + 1)/4 = 2.5
        f = Pava.fit(new double[] {0, 1}, new double[] {3, 1}, new double[] {3, 1});
        assertArrayEquals(new double[] {2.5, 2.5}, f.y(), 1e-15);
        // decreasing sequence pools to one block: mean of 5,4,3,2,1 = 3
        f = Pava.fit(new double[] {5, 4, 3, 2, 1}, new double[] {1, 2, 3, 4, 5}, new double[] {1, 1, 1, 1, 1});
        assertArrayEquals(new double[] {1, 2, 3, 4, 5}, f.x(), 0);
        f = Pava.fit(new double[] {1, 2, 3, 4, 5}, new double[] {5, 4, 3, 2, 1}, new double[] {1, 1, 1, 1, 1});
        assertArrayEquals(new double[] {3, 3, 3, 3, 3}, f.y(), 1e-15);
        // a cascade: 1, 4, 3, 0 -> pools (4,3) to 3.5, then (3.5,3.5,0) to 7/3, then 1 < 7/3 stays
        f = Pava.fit(new double[] {1, 2, 3, 4}, new double[] {1, 4, 3, 0}, new double[] {1, 1, 1, 1});
        assertArrayEquals(new double[] {1, 7.0 / 3, 7.0 / 3, 7.0 / 3}, f.y(), 1e-15);
        // ties in x are pooled first: x = 1, 1, 2 with y = 0, 1, 0.2 -> (0.5 at 1), 0.2 violates -> 0.4, 0.4
        f = Pava.fit(new double[] {1, 1, 2}, new double[] {0, 1, 0.2}, new double[] {1, 1, 1});
        assertArrayEquals(new double[] {1, 2}, f.x(), 0);
        assertArrayEquals(new double[] {0.4, 0.4}, f.y(), 1e-15);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15, 16})
    void monotoneAndWeightedMeanPreserving(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 50 + rng.nextInt(200);
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        double sumWy = 0;
        double sumW = 0;
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextInt(n / 2); // ties on purpose
            y[i] = 0.01 * x[i] + GaussianToy.gaussian(rng);
            w[i] = rng.nextDouble() + 0.1;
            sumWy += w[i] * y[i];
            sumW += w[i];
        }
        Pava.Fit f = Pava.fit(x, y, w);
        for (int k = 1; k < f.y().length; k++) {
            assertTrue(f.y()[k] >= f.y()[k - 1] - 1e-12, "seed " + seed + ": not monotone at " + k);
            assertTrue(f.x()[k] > f.x()[k - 1], "seed " + seed + ": x not strictly increasing");
        }
        // the weighted mean of the fit equals that of the data
        double fitted = 0;
        for (int i = 0; i < n; i++) {
            fitted += w[i] * Pava.interpolate(f.x(), f.y(), x[i]);
        }
        assertEquals(sumWy / sumW, fitted / sumW, 1e-10, "seed " + seed);
    }

    @Test
    void isotonicCalibrationRecoversTheTrueRatioOfAMiscalibratedModel() {
        // true ratio r = exp(t); the "model" reports exp(2t) (over-confident); labels drawn from r
        SplittableRandom rng = new SplittableRandom(5);
        int n = 40_000;
        double[] rawRatio = new double[n];
        int[] labels = new int[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double t = 2 * rng.nextDouble() - 1;
            double p = 1 / (1 + Math.exp(-t));
            labels[i] = rng.nextDouble() < p ? 1 : 0;
            rawRatio[i] = Math.exp(2 * t);
            w[i] = 1;
        }
        IsotonicCalibrator iso = IsotonicCalibrator.fit(rawRatio, labels, w);
        HistogramCalibrator hist = HistogramCalibrator.fit(rawRatio, labels, w, 20);
        for (double t : new double[] {-0.5, 0.0, 0.5}) {
            double truth = Math.exp(t);
            assertEquals(truth, iso.calibrate(Math.exp(2 * t)), 0.1 * truth, "isotonic at t = " + t);
            assertEquals(truth, hist.calibrate(Math.exp(2 * t)), 0.15 * truth, "histogram at t = " + t);
        }
        // each histogram bin holds about the same weight (weighted-quantile edges)
        assertEquals(21, hist.ratioEdges().length);
    }
}
