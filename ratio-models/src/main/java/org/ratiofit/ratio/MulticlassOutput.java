package org.ratiofit.ratio;

import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.RatioModel.MulticlassEvaluation;

import java.util.List;

/**
 * The output of a softmax model ({@code softmax} probabilities or {@code softmax_logits}): per
 * event, ln r of every class against the reference class, with the probability clip, each
 * class's prior shift ln(π_ref/π_c) and its calibration map.
 */
final class MulticlassOutput {
    private final String model;
    private final List<String> classes;
    private final String reference;
    private final boolean probabilities;
    private final double clipLo, clipHi;
    private final int refClass;
    /** The class that {@link RatioModel#evaluate} returns ('numerator' of the sidecar), or −1. */
    final int numClass;
    private final double[] classShift;
    private final Calibrator[] classCalibrators;

    /** The multiclass output of {@code sc}, or null when the model is not a softmax model. */
    static MulticlassOutput of(ModelSidecar sc, String model, double clipLo, double clipHi) {
        return sc.multiclass() == null ? null : new MulticlassOutput(sc, model, clipLo, clipHi);
    }

    private MulticlassOutput(ModelSidecar sc, String model, double clipLo, double clipHi) {
        this.model = model;
        var m = sc.multiclass();
        this.classes = m.classes();
        this.reference = m.reference();
        this.probabilities = sc.output() == OutputConvention.SOFTMAX;
        this.clipLo = clipLo;
        this.clipHi = clipHi;
        int k = m.classes().size();
        refClass = m.classes().indexOf(m.reference());
        numClass = sc.numerator() != null ? m.classes().indexOf(sc.numerator()) : -1;
        classShift = new double[k];
        classCalibrators = new Calibrator[k];
        for (int c = 0; c < k; c++) {
            classShift[c] = m.priors() == null ? 0 : Math.log(m.priors()[refClass] / m.priors()[c]);
            classCalibrators[c] = Calibrator.of(m.calibration() == null ? null : m.calibration().get(m.classes().get(c)));
        }
    }

    List<String> classes() {
        return classes;
    }

    /** Log-ratios [class][event] of {@code n} events of {@code k} raw outputs each (row-major). */
    MulticlassEvaluation convert(float[] raw, int n, int k) {
        double[][] lr = new double[k][n];
        long low = 0, high = 0;
        double[] ls = new double[k];
        for (int i = 0; i < n; i++) {
            boolean lowHit = false, highHit = false;
            for (int c = 0; c < k; c++) {
                double v = raw[i * k + c];
                if (probabilities) {
                    if (!(v >= 0 && v <= 1)) {
                        throw new RatioModelException("ratio model '" + model + "': softmax output " + v + " of class '"
                                + classes.get(c) + "' at row " + i + " (counted from 0) is outside [0, 1]");
                    }
                    if (v < clipLo) { v = clipLo; lowHit = true; }
                    if (v > clipHi) { v = clipHi; highHit = true; }
                    ls[c] = Math.log(v);
                } else {
                    if (!Double.isFinite(v)) throw new RatioModelException("ratio model '" + model + "': logit of class '"
                            + classes.get(c) + "' at row " + i + " (counted from 0) is " + v);
                    ls[c] = v;
                }
            }
            if (lowHit) low++;
            if (highHit) high++;
            for (int c = 0; c < k; c++) {
                lr[c][i] = c == refClass ? 0 : classCalibrators[c].apply(ls[c] - ls[refClass] + classShift[c]);
            }
        }
        return new MulticlassEvaluation(model, classes, reference, lr, low, high);
    }
}
