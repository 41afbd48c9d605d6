package org.ratiofit.likelihood.score;

import java.util.Arrays;

/**
 * Bins in the (estimated) score: per observable dimension d, ascending inner edges e_d (bin 0 is
 * (−∞, e_d[0]), the last bin [e_d[last], ∞)); a vector h falls in the cell with mixed-radix index
 * Σ_d b_d Π_{d'<d} n_{d'}. One dimension is SALLINO's projection h = t̂·u; several are SALLY's
 * full score vector on a product grid.
 */
public final class ScoreBinning {

    private final double[][] edges;
    private final int cells;

    public ScoreBinning(double[][] innerEdges) {
        if (innerEdges.length == 0) throw new IllegalArgumentException("score binning needs at least one dimension");
        this.edges = new double[innerEdges.length][];
        int c = 1;
        for (int d = 0; d < innerEdges.length; d++) {
            double[] e = innerEdges[d].clone();
            for (int b = 0; b < e.length; b++) {
                if (!Double.isFinite(e[b]) || (b > 0 && !(e[b] > e[b - 1]))) {
                    throw new IllegalArgumentException("score binning: edges of dimension " + d + " must be finite and strictly ascending, got "
                            + Arrays.toString(e));
                }
            }
            edges[d] = e;
            c = Math.multiplyExact(c, e.length + 1);
        }
        this.cells = c;
    }

    /**
     * Equal-population bins per dimension on a (reference) sample, [dimension][event]: n_d bins
     * with inner edges at the j/n_d quantiles (midway between neighbouring order statistics;
     * duplicate edges from ties are merged, so a dimension may end with fewer bins).
     */
    public static ScoreBinning equalPopulation(double[][] values, int[] binsPerDimension) {
        if (values.length != binsPerDimension.length) {
            throw new IllegalArgumentException("score binning: " + values.length + " dimensions but " + binsPerDimension.length + " bin counts");
        }
        double[][] inner = new double[values.length][];
        for (int d = 0; d < values.length; d++) {
            int nb = binsPerDimension[d];
            double[] v = values[d].clone();
            if (nb < 1) throw new IllegalArgumentException("score binning: dimension " + d + " needs at least 1 bin, got " + nb);
            if (v.length < nb) throw new IllegalArgumentException("score binning: " + v.length + " events cannot fill " + nb + " bins");
            Arrays.sort(v);
            if (!Double.isFinite(v[0]) || !Double.isFinite(v[v.length - 1])) {
                throw new IllegalArgumentException("score binning: dimension " + d + " has non-finite values");
            }
            double[] e = new double[nb - 1];
            int m = 0;
            for (int j = 1; j < nb; j++) {
                long pos = (long) j * v.length / nb; // first event of bin j
                double edge = 0.5 * (v[(int) pos - 1] + v[(int) pos]);
                if (m == 0 || edge > e[m - 1]) e[m++] = edge;
            }
            inner[d] = Arrays.copyOf(e, m);
        }
        return new ScoreBinning(inner);
    }

    public int dimensions() {
        return edges.length;
    }

    /** Number of cells (the product of the per-dimension bin counts). */
    public int cells() {
        return cells;
    }

    /** The inner edges of dimension d (a copy). */
    public double[] edges(int d) {
        return edges[d].clone();
    }

    /** The cell of event i of {@code h} ([dimension][event]). */
    public int cell(double[][] h, int i) {
        int c = 0, stride = 1;
        for (int d = 0; d < edges.length; d++) {
            double v = h[d][i];
            if (Double.isNaN(v)) throw new IllegalArgumentException("score binning: event " + i + " has NaN in dimension " + d);
            int b = Arrays.binarySearch(edges[d], v);
            b = b >= 0 ? b + 1 : -b - 1; // a value on an edge goes to the bin above
            c += b * stride;
            stride *= edges[d].length + 1;
        }
        return c;
    }

    /** The cells of all events of {@code h} ([dimension][event]). */
    public int[] cells(double[][] h) {
        int n = h[0].length;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = cell(h, i);
        return out;
    }

    /** The histogram (counts, or sums of {@code weights} when not null) of {@code h} in these cells. */
    public double[] histogram(double[][] h, double[] weights) {
        double[] n = new double[cells];
        for (int i = 0; i < h[0].length; i++) n[cell(h, i)] += weights == null ? 1 : weights[i];
        return n;
    }

    /** SALLINO's observable: the projection h_i = Σ_j t̂[j][i] u_j, as a one-dimensional [1][event] array. */
    public static double[][] project(double[][] score, double[] direction) {
        if (score.length != direction.length) {
            throw new IllegalArgumentException("projection: score has " + score.length + " components but the direction has " + direction.length);
        }
        int n = score[0].length;
        double[] h = new double[n];
        for (int j = 0; j < score.length; j++) {
            double u = direction[j];
            double[] s = score[j];
            for (int i = 0; i < n; i++) h[i] += u * s[i];
        }
        return new double[][] {h};
    }
}
