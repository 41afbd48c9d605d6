package org.ratiofit.ratio.training.multiclass;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.ratio.Calibrator;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.training.calibration.Pava;

/**
 * Isotonic calibration of one class c of a multiclass classifier against the reference, fitted on
 * the holdout: the calibrated ratio r_c as a non-decreasing function of the uncalibrated
 * one-against-reference log-ratio l = z_c − z_ref + ln(π_ref/π_c).
 *
 * <p>The holdout's events of c (label 1) and of the reference (label 0), their weights normalised
 * to 1 per class, go through weighted PAVA on l. In each pooled block the fitted probability is
 * p = W_c/(W_c + W_ref), so the block's ratio p/(1 − p) = W_c/W_ref is the ratio of the two
 * classes' weight in that range of l: the histogram estimate of p_c/p_ref with data-driven
 * monotone bins. Neighbouring blocks are then pooled (from the low end; which keeps the map
 * monotone) until each holds at least {@value #MIN_EVENTS} events of each class (all of a class's
 * events if it has fewer): every calibrated ratio is finite and positive, and none rests on a
 * handful of events at the ends of the score, where plain PAVA gives ratios of 0 or ∞. The map is written as the sidecar's {@link ModelSidecar.Isotonic} (knots
 * in r = e^l at each block's first and last l, linear in r between blocks, constant beyond the
 * ends), evaluated by {@link Calibrator} exactly as inference does. On the holdout it already
 * gives Σ_ref w r_c = Σ_c w = 1 (each block contributes W_ref · W_c/W_ref); the ratios are then
 * divided by E_ref[r_c] over the given reference events (the reference's training events), so
 * that the per-class normalisation E_ref[r_c] = 1 holds after calibration as it did before.
 */
public final class ClassIsotonicCalibration {
    /** Events of each class (with non-zero weight) that every block of the map holds at least, unless the class has fewer. */
    public static final int MIN_EVENTS = 20;

    private ClassIsotonicCalibration() {
    }

    /**
     * @param logRatios   uncalibrated l on the holdout events of the class and of the reference
     * @param isClass     true for the class's events, false for the reference's
     * @param weights     their event weights (normalised to 1 per class here)
     * @param refLogRatio uncalibrated l on the reference events that fix the normalisation
     * @param refWeights  their weights
     */
    public static ModelSidecar.Isotonic fit(double[] logRatios, boolean[] isClass, double[] weights, double[] refLogRatio,
            double[] refWeights) {
        return fit(logRatios, isClass, weights, refLogRatio, refWeights, MIN_EVENTS);
    }

    /** As {@link #fit(double[], boolean[], double[], double[], double[])} with another least number of events per block. */
    public static ModelSidecar.Isotonic fit(double[] logRatios, boolean[] isClass, double[] weights, double[] refLogRatio,
            double[] refWeights, int minEvents) {
        if (minEvents < 1) {
            throw new IllegalArgumentException("isotonic calibration: at least one event per class and block, got " + minEvents);
        }
        int n = logRatios.length;
        if (isClass.length != n || weights.length != n) {
            throw new IllegalArgumentException("log-ratios, labels and weights differ in length: " + n + ", " + isClass.length + ", "
                    + weights.length);
        }
        double wc = 0;
        double wr = 0;
        for (int i = 0; i < n; i++) {
            if (!(weights[i] >= 0) || !Double.isFinite(weights[i])) {
                throw new IllegalArgumentException("isotonic calibration needs finite non-negative weights; event " + i + " has " + weights[i]);
            }
            if (isClass[i]) {
                wc += weights[i];
            } else {
                wr += weights[i];
            }
        }
        if (!(wc > 0) || !(wr > 0)) {
            throw new IllegalArgumentException("isotonic calibration needs holdout events of both the class (total weight " + wc
                    + ") and the reference (total weight " + wr + ")");
        }
        double[] y = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = isClass[i] ? 1 : 0;
            w[i] = weights[i] / (isClass[i] ? wc : wr);
        }
        Pava.Fit f = Pava.fit(logRatios, y, w);
        // the blocks: runs of equal fitted value, {lFirst, lLast, W_c, W_ref, N_c, N_ref} (PAVA pools ties in l first,
        // so the class weights and counts per distinct l are summed here)
        java.util.Map<Double, double[]> byX = new java.util.HashMap<>();
        int nc = 0;
        int nr = 0;
        for (int i = 0; i < n; i++) {
            double[] s = byX.computeIfAbsent(logRatios[i], k -> new double[4]);
            int side = isClass[i] ? 0 : 1;
            s[side] += w[i];
            if (w[i] > 0) {
                s[2 + side]++;
                if (isClass[i]) {
                    nc++;
                } else {
                    nr++;
                }
            }
        }
        List<double[]> pava = new ArrayList<>();
        for (int k = 0; k < f.x().length; k++) {
            double[] s = byX.get(f.x()[k]);
            if (k > 0 && f.y()[k] == f.y()[k - 1]) {
                add(pava.get(pava.size() - 1), new double[] {f.x()[k], f.x()[k], s[0], s[1], s[2], s[3]});
            } else {
                pava.add(new double[] {f.x()[k], f.x()[k], s[0], s[1], s[2], s[3]});
            }
        }
        // every block holds at least minEvents events of each class (or all of them): consecutive blocks are pooled
        // from the low end, what is left at the top joins the last block (pooling neighbours keeps the map monotone)
        int needC = Math.min(minEvents, nc);
        int needR = Math.min(minEvents, nr);
        List<double[]> blocks = new ArrayList<>();
        double[] cur = null;
        for (double[] b : pava) {
            if (cur == null) {
                cur = b.clone();
            } else {
                add(cur, b);
            }
            if (cur[4] >= needC && cur[5] >= needR) {
                blocks.add(cur);
                cur = null;
            }
        }
        if (cur != null) {
            if (blocks.isEmpty()) {
                blocks.add(cur);
            } else {
                add(blocks.get(blocks.size() - 1), cur);
            }
        }
        // rounding in the pooled means may leave two neighbours' ratios W_c/W_ref out of order: pool them
        List<double[]> mono = new ArrayList<>();
        for (double[] b : blocks) {
            double[] c = b;
            while (!mono.isEmpty() && mono.get(mono.size() - 1)[2] * c[3] > c[2] * mono.get(mono.size() - 1)[3]) {
                double[] prev = mono.remove(mono.size() - 1);
                add(prev, c);
                c = prev;
            }
            mono.add(c);
        }
        blocks = mono;
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (double[] b : blocks) {
            double ratio = b[2] / b[3];
            double r0 = Math.exp(b[0]);
            double r1 = Math.exp(b[1]);
            if (xs.isEmpty() || r0 > xs.get(xs.size() - 1)) {
                xs.add(r0);
                ys.add(ratio);
            }
            if (r1 > xs.get(xs.size() - 1)) {
                xs.add(r1);
                ys.add(ratio);
            }
        }
        if (xs.size() == 1) {
            // every holdout event at one value of l (or all pooled into one block): a constant map needs two knots
            xs.add(Math.nextUp(xs.get(0)));
            ys.add(ys.get(0));
        }
        double[] kx = xs.stream().mapToDouble(Double::doubleValue).toArray();
        double[] ky = ys.stream().mapToDouble(Double::doubleValue).toArray();
        for (int k = 0; k < kx.length; k++) {
            if (!(kx[k] > 0) || !Double.isFinite(kx[k])) {
                throw new IllegalArgumentException("isotonic calibration: the holdout log-ratio " + Math.log(kx[k])
                        + " gives a ratio outside (0, ∞); the classifier's outputs are too extreme for isotonic calibration");
            }
        }
        ModelSidecar.Isotonic raw = new ModelSidecar.Isotonic(kx, ky);
        double norm = referenceMean(raw, refLogRatio, refWeights);
        if (!(norm > 0) || !Double.isFinite(norm)) {
            throw new IllegalArgumentException("isotonic calibration: E_ref[r] over the reference events is " + norm);
        }
        for (int k = 0; k < ky.length; k++) {
            ky[k] /= norm;
        }
        return new ModelSidecar.Isotonic(kx, ky);
    }

    /** Adds block b (to the right of a) into a. */
    private static void add(double[] a, double[] b) {
        a[0] = Math.min(a[0], b[0]);
        a[1] = Math.max(a[1], b[1]);
        for (int j = 2; j < 6; j++) {
            a[j] += b[j];
        }
    }

    /** E_ref[r_cal] = Σ w r_cal(l) / Σ w over the given events. */
    public static double referenceMean(ModelSidecar.Isotonic map, double[] logRatio, double[] weights) {
        Calibrator cal = Calibrator.of(map);
        double sw = 0;
        double swr = 0;
        for (int i = 0; i < logRatio.length; i++) {
            sw += weights[i];
            swr += weights[i] * Math.exp(cal.apply(logRatio[i]));
        }
        return swr / sw;
    }
}
