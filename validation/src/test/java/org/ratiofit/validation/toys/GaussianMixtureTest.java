package org.ratiofit.validation.toys;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class GaussianMixtureTest {

    private final GaussianMixture a = new GaussianMixture(new double[] {0.3, 0.7},
            new double[][] {{0, 0, 0}, {1, -1, 0.5}}, new double[][] {{1, 1, 1}, {0.5, 2, 1}});
    private final GaussianMixture b = new GaussianMixture(new double[] {1},
            new double[][] {{0.2, 0, 0}}, new double[][] {{1.5, 1.5, 1.5}});

    @Test
    void ratioReweightsTheDenominatorOntoTheNumerator() {
        // E_B[r] = 1 and E_B[r x] = E_A[x]: the normalisation and reweighting closures, exactly
        double[][] xb = b.sample(400_000, 1);
        double[] lr = GaussianMixture.logRatio(a, b, xb);
        double sumR = 0;
        double sumRx = 0;
        double sumR2 = 0;
        for (int i = 0; i < lr.length; i++) {
            double r = Math.exp(lr[i]);
            sumR += r;
            sumR2 += r * r;
            sumRx += r * xb[1][i];
        }
        int n = lr.length;
        double meanR = sumR / n;
        double se = Math.sqrt((sumR2 / n - meanR * meanR) / n);
        assertEquals(1.0, meanR, 4 * se);
        double expectedMeanX1 = 0.3 * 0 + 0.7 * -1;
        assertEquals(expectedMeanX1, sumRx / n, 0.03);
    }

    @Test
    void sampleMomentsMatchTheMixture() {
        double[][] xa = a.sample(200_000, 2);
        double m0 = 0;
        for (double v : xa[0]) {
            m0 += v;
        }
        assertEquals(0.7, m0 / xa[0].length, 0.01);
    }

    @Test
    void rejectsInconsistentComponents() {
        assertThrows(IllegalArgumentException.class,
                () -> new GaussianMixture(new double[] {1}, new double[][] {{0, 0}}, new double[][] {{1}}));
        assertThrows(IllegalArgumentException.class,
                () -> new GaussianMixture(new double[] {-1}, new double[][] {{0}}, new double[][] {{1}}));
    }
}
