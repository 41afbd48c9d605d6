package org.ratiofit.ratio;

import org.ratiofit.ratio.ModelSidecar.OutputConvention;

import java.nio.FloatBuffer;

/**
 * The output convention of a binary model: how one raw network output (a sigmoid {@code score},
 * a {@code logit} or a {@code log_ratio}) becomes ln r, with the score clip, the class-prior
 * shift and the calibration map. The hot case, an uncalibrated score, takes its logs many at a
 * time ({@link VectorLog}).
 */
final class BinaryOutput {
    private final String model;
    private final String where;
    private final OutputConvention convention;
    private final double clipLo, clipHi;
    private final double logitLo, logitHi;
    private final double priorShift;
    private final Calibrator calibrator;

    /** @param where the sidecar's path for messages */
    BinaryOutput(ModelSidecar sc, String model, String where) {
        this.model = model;
        this.where = where;
        this.convention = sc.output();
        double[] clip = sc.clipBounds();
        clipLo = clip[0];
        clipHi = clip[1];
        logitLo = Math.log(clipLo / (1 - clipLo));
        logitHi = Math.log(clipHi / (1 - clipHi));
        priorShift = sc.classPriors() == null ? 0 : Math.log(sc.classPriors().denominator() / sc.classPriors().numerator());
        calibrator = Calibrator.of(sc.calibration());
    }

    /** The score clip [lo, hi], which also bounds multiclass softmax probabilities. */
    double clipLo() {
        return clipLo;
    }

    double clipHi() {
        return clipHi;
    }

    /** ln r from one raw binary output, with d ln r/d output; clip counted in {@code clipped}. */
    double convertOne(double v, int row, long[] clipped, double[] dOut) {
        double l, d;
        if (!Double.isFinite(v)) {
            throw new NonFiniteOutputException("ratio model '" + model + "': " + convention.name().toLowerCase()
                    + " output is " + v + " at row " + row + " (counted from 0)", row, v);
        }
        switch (convention) {
            case SCORE -> {
                if (!(v >= 0 && v <= 1)) {
                    throw new RatioModelException("ratio model '" + model + "': score output " + v + " at row " + row + " (counted from 0)"
                            + " is outside (0, 1); is the output really a sigmoid score (field 'output' of " + where + ")?");
                }
                if (v < clipLo) { v = clipLo; clipped[0]++; d = 0; }
                else if (v > clipHi) { v = clipHi; clipped[1]++; d = 0; }
                else d = 1 / (v * (1 - v));
                l = Math.log(v / (1 - v)) + priorShift;
            }
            case LOGIT -> {
                if (Double.isNaN(v)) throw new RatioModelException("ratio model '" + model + "': logit output is NaN at row " + row + " (counted from 0)");
                if (v < logitLo) { v = logitLo; clipped[0]++; d = 0; }
                else if (v > logitHi) { v = logitHi; clipped[1]++; d = 0; }
                else d = 1;
                l = v + priorShift;
            }
            case LOG_RATIO -> {
                if (!Double.isFinite(v)) throw new RatioModelException("ratio model '" + model + "': log-ratio output is " + v + " at row " + row + " (counted from 0)");
                l = v;
                d = 1;
            }
            default -> throw new IllegalStateException();
        }
        double c = calibrator.apply(l);
        if (dOut != null) dOut[0] = d * calibrator.derivative(l);
        return c;
    }

    /** Score output without calibration: the hot case, ln r = ln(s/(1 − s)) + prior shift. */
    boolean isHotScore() {
        return convention == OutputConvention.SCORE && calibrator == Calibrator.IDENTITY;
    }

    /**
     * The hot case over {@code rows} scores raw[from...]: ln r into out[outOff...] and r = exp(ln r)
     * into ratio[0...]. One log per event, taken many at a time ({@link VectorLog}); 1 − s is exact
     * in double for a float32 s. Clipped scores go through {@link #convertOne} (counted).
     */
    void scoreToLogRatio(float[] raw, int from, int rows, double[] out, int outOff, double[] ratio, long[] clipped) {
        boolean anyClipped = false;
        for (int k = 0; k < rows; k++) {
            double v = raw[from + k];
            boolean inside = v > clipLo && v < clipHi;
            anyClipped |= !inside;
            ratio[k] = inside ? v / (1 - v) : 1;
        }
        VectorLog.log(ratio, 0, out, outOff, rows);
        if (priorShift != 0) {
            double f = Math.exp(priorShift);
            for (int k = 0; k < rows; k++) {
                out[outOff + k] += priorShift;
                ratio[k] *= f;
            }
        }
        if (anyClipped) {
            for (int k = 0; k < rows; k++) {
                double v = raw[from + k];
                if (!(v > clipLo && v < clipHi)) {
                    out[outOff + k] = convertOne(v, outOff + k, clipped, null);
                    ratio[k] = Math.exp(out[outOff + k]);
                }
            }
        }
    }

    /** ln r of raw[from, to) into out[from, to), clips counted in {@code clipped}. */
    private void convert(float[] raw, double[] out, long[] clipped, int from, int to) {
        if (isHotScore()) {
            double[] ratio = new double[to - from];
            scoreToLogRatio(raw, from, to - from, out, from, ratio, clipped);
            return;
        }
        for (int i = from; i < to; i++) out[i] = convertOne(raw[i], i, clipped, null);
    }

    /**
     * Binary log-ratios of {@code rows} raw outputs (in {@code raw} from index 0) into
     * out[start, start + rows), and the ratios r = exp(ln r) into ratio[0, rows) when the output is a
     * score without calibration (returns true); {@code staging} holds the floats.
     */
    boolean convert(FloatBuffer raw, double[] out, int start, int rows, long[] clipped, float[] staging, double[] ratio) {
        raw.get(0, staging, 0, rows);
        if (isHotScore()) {
            scoreToLogRatio(staging, 0, rows, out, start, ratio, clipped);
            return true;
        }
        for (int i = 0; i < rows; i++) out[start + i] = convertOne(staging[i], start + i, clipped, null);
        return false;
    }

    /** Binary log-ratios of the {@code n} raw outputs, in parallel blocks. */
    Evaluation convert(float[] raw, int n) {
        double[] out = new double[n];
        long[][] clipped = new long[Blocks.count(n)][2];
        Blocks.forEach(n, (b, from, to) -> convert(raw, out, clipped[b], from, to));
        long low = 0, high = 0;
        for (long[] c : clipped) {
            low += c[0];
            high += c[1];
        }
        return new Evaluation(model, out, low, high);
    }
}
