package org.ratiofit.ratio.training.calibration;

import java.util.Arrays;

/**
 * Histogram calibration fitted on the holdout: bins in the raw ratio r̂ with edges at weighted
 * quantiles of all holdout events (so each bin holds about the same weight; the end bins reach to
 * 0 and ∞); in each bin the calibrated ratio is Σ_A w / Σ_B w with weights normalised per class.
 */
public record HistogramCalibrator(int formatVersion, String kind, double[] ratioEdges, double[] binRatios)
        implements RatioCalibrator {

    public static final int FORMAT_VERSION = 1;

    public static HistogramCalibrator fit(double[] ratios, int[] labels, double[] weights, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("histogram calibration needs at least one bin, got " + bins);
        }
        int n = ratios.length;
        double[] s = ratios;
        double[] edges = weightedQuantileEdges(s, weights, bins);
        int nb = edges.length - 1;
        double[] sumA = new double[nb];
        double[] sumB = new double[nb];
        for (int i = 0; i < n; i++) {
            int b = bin(edges, s[i]);
            if (labels[i] == 1) {
                sumA[b] += weights[i];
            } else {
                sumB[b] += weights[i];
            }
        }
        double[] r = new double[nb];
        for (int b = 0; b < nb; b++) {
            // a bin without both classes: keep the raw ratio at the bin centre rather than 0 or infinity
            r[b] = sumB[b] > 0 && sumA[b] > 0 ? sumA[b] / sumB[b]
                    : 0.5 * (edges[b] + edges[b + 1]);
        }
        return new HistogramCalibrator(FORMAT_VERSION, "histogram", edges, r);
    }

    /** Edges at weighted quantiles k/bins (k = 0..bins) of x, duplicates removed; ends at the min and max. */
    public static double[] weightedQuantileEdges(double[] x, double[] w, int bins) {
        int n = x.length;
        Integer[] order = new Integer[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            total += Math.max(0, w[i]);
        }
        Arrays.sort(order, (a, b) -> Double.compare(x[a], x[b]));
        double[] edges = new double[bins + 1];
        edges[0] = x[order[0]];
        edges[bins] = x[order[n - 1]];
        double cum = 0;
        int k = 1;
        for (int j = 0; j < n && k < bins; j++) {
            cum += Math.max(0, w[order[j]]);
            while (k < bins && cum >= total * k / bins) {
                edges[k++] = x[order[j]];
            }
        }
        double[] distinct = Arrays.stream(edges).distinct().toArray();
        return distinct.length >= 2 ? distinct : new double[] {distinct[0], distinct[0]};
    }

    static int bin(double[] edges, double s) {
        int pos = Arrays.binarySearch(edges, s);
        int b = pos >= 0 ? pos : -pos - 2;
        return Math.max(0, Math.min(edges.length - 2, b));
    }

    @Override
    public double calibrate(double ratio) {
        return binRatios[bin(ratioEdges, ratio)];
    }
}
