package org.ratiofit.validation.report;

/**
 * A weighted histogram on fixed edges, keeping the weight that fell outside them so that nothing
 * is silently dropped.
 *
 * @param edges     bin edges, increasing, length bins + 1
 * @param counts    summed weight per bin
 * @param underflow weight below the first edge
 * @param overflow  weight at or above the last edge
 */
public record Histogram(double[] edges, double[] counts, double underflow, double overflow) {

    /** Equal-width bins over [lo, hi). */
    public static Histogram of(double[] values, double[] weights, int bins, double lo, double hi) {
        if (bins < 1 || !(hi > lo)) {
            throw new IllegalArgumentException("histogram needs bins >= 1 and hi > lo, got " + bins + " bins on [" + lo + ", " + hi + ")");
        }
        if (weights != null && weights.length != values.length) {
            throw new IllegalArgumentException("histogram: " + values.length + " values but " + weights.length + " weights");
        }
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = lo + (hi - lo) * i / bins;
        }
        double[] counts = new double[bins];
        double under = 0;
        double over = 0;
        double width = (hi - lo) / bins;
        for (int i = 0; i < values.length; i++) {
            double w = weights == null ? 1.0 : weights[i];
            double v = values[i];
            if (v < lo) {
                under += w;
            } else if (v >= hi) {
                over += w;
            } else {
                int b = Math.min(bins - 1, (int) ((v - lo) / width));
                counts[b] += w;
            }
        }
        return new Histogram(edges, counts, under, over);
    }

    /** Equal-width bins spanning the finite range of the values. */
    public static Histogram of(double[] values, double[] weights, int bins) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!(hi > lo)) {
            double c = Double.isFinite(lo) ? lo : 0;
            lo = c - 0.5;
            hi = c + 0.5;
        }
        // Widen by a hair so the maximum lands in the last bin rather than the overflow.
        return of(values, weights, bins, lo, hi + 1e-9 * (hi - lo));
    }

    public double total() {
        double t = underflow + overflow;
        for (double c : counts) {
            t += c;
        }
        return t;
    }

    /** Counts divided by bin width and by the in-range total, so the step curve has unit area. */
    public double[] density() {
        double inRange = 0;
        for (double c : counts) {
            inRange += c;
        }
        double[] d = new double[counts.length];
        for (int i = 0; i < d.length; i++) {
            double w = edges[i + 1] - edges[i];
            d[i] = inRange > 0 ? counts[i] / (inRange * w) : 0;
        }
        return d;
    }
}
