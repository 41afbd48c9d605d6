package org.ratiofit.likelihood;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weighted Gram sums of the exact Hessian's pass ({@link UnbinnedKernel}): over one block of
 * events, sum_j wt[j] x_l[j] x_r[j] for every pair of a few per-event columns, in register-blocked
 * tiles with a vector accumulator per entry; deterministic to the bit for a given block.
 */
final class GramSums {

    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int L = DS.length();

    private GramSums() {
    }

    /**
     * out[outOff + l nc + r] = sum_j wt[j] x_l[j] x_r[j] for l <= r < nc over the columns x = cols[0..nc), upper
     * triangle only. Register-blocked: 2 x 4 tiles of entries, each with its own vector accumulator, so a tile
     * loads each of its columns once per group of lanes (instead of two loads per entry) and its eight fused
     * multiply-adds are independent; lanes are summed in a fixed order, then the scalar tail: the bits depend only
     * on the block's events, not on threads or compilation tier.
     */
    static void gram(double[] wt, double[][] cols, int nc, int len, double[] out, int outOff, double[] t) {
        for (int l = 0; l < nc; l += 2) {
            int l1 = Math.min(l + 1, nc - 1);
            for (int r = l; r < nc; r += 4) {
                // narrower tiles at the end of a row pair: no multiply-adds for entries outside the matrix
                int width = Math.min(4, nc - r);
                if (width == 4) {
                    tile24(wt, cols[l], cols[l1], cols[r], cols[r + 1], cols[r + 2], cols[r + 3], len, t);
                } else if (width == 3) {
                    tile23(wt, cols[l], cols[l1], cols[r], cols[r + 1], cols[r + 2], len, t);
                } else {
                    tile22(wt, cols[l], cols[l1], cols[r], cols[r + width - 1], len, t);
                }
                for (int i = 0; i < 2; i++) {
                    int row = l + i;
                    for (int c = 0; c < 4 && row < nc; c++) {
                        int col = r + c;
                        if (col < nc && col >= row) {
                            out[outOff + row * nc + col] = t[4 * i + c];
                        }
                    }
                }
            }
        }
    }

    /** As {@link #tile24} for three columns (out[4 i + c], c < 3). */
    private static void tile23(double[] wt, double[] x0, double[] x1, double[] y0, double[] y1, double[] y2, int len, double[] out) {
        DoubleVector s00 = DoubleVector.zero(DS);
        DoubleVector s01 = s00;
        DoubleVector s02 = s00;
        DoubleVector s10 = s00;
        DoubleVector s11 = s00;
        DoubleVector s12 = s00;
        int j = 0;
        for (; j <= len - L; j += L) {
            DoubleVector wv = DoubleVector.fromArray(DS, wt, j);
            DoubleVector a0 = wv.mul(DoubleVector.fromArray(DS, x0, j));
            DoubleVector a1 = wv.mul(DoubleVector.fromArray(DS, x1, j));
            DoubleVector v = DoubleVector.fromArray(DS, y0, j);
            s00 = a0.fma(v, s00);
            s10 = a1.fma(v, s10);
            v = DoubleVector.fromArray(DS, y1, j);
            s01 = a0.fma(v, s01);
            s11 = a1.fma(v, s11);
            v = DoubleVector.fromArray(DS, y2, j);
            s02 = a0.fma(v, s02);
            s12 = a1.fma(v, s12);
        }
        out[0] = UnbinnedKernel.lanes(s00);
        out[1] = UnbinnedKernel.lanes(s01);
        out[2] = UnbinnedKernel.lanes(s02);
        out[4] = UnbinnedKernel.lanes(s10);
        out[5] = UnbinnedKernel.lanes(s11);
        out[6] = UnbinnedKernel.lanes(s12);
        for (; j < len; j++) {
            double a0 = wt[j] * x0[j];
            double a1 = wt[j] * x1[j];
            out[0] = Math.fma(a0, y0[j], out[0]);
            out[1] = Math.fma(a0, y1[j], out[1]);
            out[2] = Math.fma(a0, y2[j], out[2]);
            out[4] = Math.fma(a1, y0[j], out[4]);
            out[5] = Math.fma(a1, y1[j], out[5]);
            out[6] = Math.fma(a1, y2[j], out[6]);
        }
    }

    /** As {@link #tile24} for two columns (out[4 i + c], c < 2; y1 may be y0 for a single column). */
    private static void tile22(double[] wt, double[] x0, double[] x1, double[] y0, double[] y1, int len, double[] out) {
        DoubleVector s00 = DoubleVector.zero(DS);
        DoubleVector s01 = s00;
        DoubleVector s10 = s00;
        DoubleVector s11 = s00;
        int j = 0;
        for (; j <= len - L; j += L) {
            DoubleVector wv = DoubleVector.fromArray(DS, wt, j);
            DoubleVector a0 = wv.mul(DoubleVector.fromArray(DS, x0, j));
            DoubleVector a1 = wv.mul(DoubleVector.fromArray(DS, x1, j));
            DoubleVector v = DoubleVector.fromArray(DS, y0, j);
            s00 = a0.fma(v, s00);
            s10 = a1.fma(v, s10);
            v = DoubleVector.fromArray(DS, y1, j);
            s01 = a0.fma(v, s01);
            s11 = a1.fma(v, s11);
        }
        out[0] = UnbinnedKernel.lanes(s00);
        out[1] = UnbinnedKernel.lanes(s01);
        out[4] = UnbinnedKernel.lanes(s10);
        out[5] = UnbinnedKernel.lanes(s11);
        for (; j < len; j++) {
            double a0 = wt[j] * x0[j];
            double a1 = wt[j] * x1[j];
            out[0] = Math.fma(a0, y0[j], out[0]);
            out[1] = Math.fma(a0, y1[j], out[1]);
            out[4] = Math.fma(a1, y0[j], out[4]);
            out[5] = Math.fma(a1, y1[j], out[5]);
        }
    }

    /** out[4 i + c] = sum_j wt[j] x_i[j] y_c[j] for i < 2, c < 4. */
    private static void tile24(double[] wt, double[] x0, double[] x1, double[] y0, double[] y1, double[] y2, double[] y3,
                               int len, double[] out) {
        DoubleVector s00 = DoubleVector.zero(DS);
        DoubleVector s01 = s00;
        DoubleVector s02 = s00;
        DoubleVector s03 = s00;
        DoubleVector s10 = s00;
        DoubleVector s11 = s00;
        DoubleVector s12 = s00;
        DoubleVector s13 = s00;
        int j = 0;
        for (; j <= len - L; j += L) {
            DoubleVector wv = DoubleVector.fromArray(DS, wt, j);
            DoubleVector a0 = wv.mul(DoubleVector.fromArray(DS, x0, j));
            DoubleVector a1 = wv.mul(DoubleVector.fromArray(DS, x1, j));
            DoubleVector v = DoubleVector.fromArray(DS, y0, j);
            s00 = a0.fma(v, s00);
            s10 = a1.fma(v, s10);
            v = DoubleVector.fromArray(DS, y1, j);
            s01 = a0.fma(v, s01);
            s11 = a1.fma(v, s11);
            v = DoubleVector.fromArray(DS, y2, j);
            s02 = a0.fma(v, s02);
            s12 = a1.fma(v, s12);
            v = DoubleVector.fromArray(DS, y3, j);
            s03 = a0.fma(v, s03);
            s13 = a1.fma(v, s13);
        }
        out[0] = UnbinnedKernel.lanes(s00);
        out[1] = UnbinnedKernel.lanes(s01);
        out[2] = UnbinnedKernel.lanes(s02);
        out[3] = UnbinnedKernel.lanes(s03);
        out[4] = UnbinnedKernel.lanes(s10);
        out[5] = UnbinnedKernel.lanes(s11);
        out[6] = UnbinnedKernel.lanes(s12);
        out[7] = UnbinnedKernel.lanes(s13);
        for (; j < len; j++) {
            double a0 = wt[j] * x0[j];
            double a1 = wt[j] * x1[j];
            out[0] = Math.fma(a0, y0[j], out[0]);
            out[1] = Math.fma(a0, y1[j], out[1]);
            out[2] = Math.fma(a0, y2[j], out[2]);
            out[3] = Math.fma(a0, y3[j], out[3]);
            out[4] = Math.fma(a1, y0[j], out[4]);
            out[5] = Math.fma(a1, y1[j], out[5]);
            out[6] = Math.fma(a1, y2[j], out[6]);
            out[7] = Math.fma(a1, y3[j], out[7]);
        }
    }
}
