package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The kernel's vector exponential against Math.exp. */
class KernelExpTest {

    @Test
    void vectorExpIsWithinFourUlpOfMathExp() {
        Random r = new Random(1);
        int n = 100_003;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double scale = i % 3 == 0 ? 700 : (i % 3 == 1 ? 30 : 1);
            x[i] = scale * (2 * r.nextDouble() - 1);
        }
        double[] y = x.clone();
        for (int s = 0; s < n; s += UnbinnedKernel.BLOCK) {
            double[] blk = java.util.Arrays.copyOfRange(y, s, Math.min(n, s + UnbinnedKernel.BLOCK));
            UnbinnedKernel.expInPlace(blk, blk.length);
            System.arraycopy(blk, 0, y, s, blk.length);
        }
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double e = Math.exp(x[i]);
            if (x[i] <= -708) {
                assertEquals(0, y[i], 1e-300);
                continue;
            }
            worst = Math.max(worst, Math.abs(y[i] - e) / Math.ulp(e));
        }
        assertTrue(worst <= 4, "worst error " + worst + " ulp");
    }

    @Test
    void edgesOverflowAndNan() {
        double[] x = {0, 1, -1, 709.7, 709.8, 1e6, -745, -1e6, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.5, 2, 3, 4, 5};
        UnbinnedKernel.expInPlace(x, x.length);
        assertEquals(1, x[0], 0);
        assertEquals(Math.E, x[1], 2 * Math.ulp(Math.E));
        assertEquals(1 / Math.E, x[2], 2 * Math.ulp(1 / Math.E));
        assertEquals(Math.exp(709.7), x[3], 4 * Math.ulp(Math.exp(709.7)));
        assertEquals(Double.POSITIVE_INFINITY, x[4], 0);
        assertEquals(Double.POSITIVE_INFINITY, x[5], 0);
        assertEquals(0, x[6], 0);
        assertEquals(0, x[7], 0);
        assertTrue(Double.isNaN(x[8]));
        assertEquals(Double.POSITIVE_INFINITY, x[9], 0);
        assertEquals(0, x[10], 0);
    }
}
