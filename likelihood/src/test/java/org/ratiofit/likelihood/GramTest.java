package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The register-blocked weighted Gram matrix of the Hessian pass against plain sums, for column counts that
 * do and do not fill its 2 x 4 tiles and lengths with and without a scalar tail; the lower triangle is
 * left alone, and the result does not depend on where the columns sit in the output.
 */
class GramTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 16);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gramMatchesPlainSums(long seed) {
        Random r = new Random(seed);
        int nc = 1 + r.nextInt(14);
        int len = 1 + r.nextInt(UnbinnedKernel.BLOCK);
        double[] wt = new double[len];
        double[][] cols = new double[nc][len];
        for (int j = 0; j < len; j++) {
            wt[j] = r.nextDouble();
            for (int c = 0; c < nc; c++) {
                cols[c][j] = r.nextGaussian();
            }
        }
        int off = r.nextInt(5);
        double[] out = new double[off + nc * nc];
        java.util.Arrays.fill(out, Double.NaN);
        GramSums.gram(wt, cols, nc, len, out, off, new double[8]);
        for (int l = 0; l < nc; l++) {
            for (int c = 0; c < nc; c++) {
                if (c < l) {
                    assertEquals(Double.NaN, out[off + l * nc + c], "lower triangle written at " + l + "," + c);
                    continue;
                }
                double sum = 0;
                double abs = 0;
                for (int j = 0; j < len; j++) {
                    sum += wt[j] * cols[l][j] * cols[c][j];
                    abs += Math.abs(wt[j] * cols[l][j] * cols[c][j]);
                }
                assertEquals(sum, out[off + l * nc + c], 1e-13 * abs, "entry " + l + "," + c + " of " + nc + " over " + len);
            }
        }
        double[] again = new double[nc * nc];
        GramSums.gram(wt, cols, nc, len, again, 0, new double[8]);
        for (int l = 0; l < nc; l++) {
            for (int c = l; c < nc; c++) {
                assertEquals(out[off + l * nc + c], again[l * nc + c], 0.0, "same bits at another offset");
            }
        }
    }
}
