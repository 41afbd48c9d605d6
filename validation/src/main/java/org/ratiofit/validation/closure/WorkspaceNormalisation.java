package org.ratiofit.validation.closure;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.UnbinnedSample;

/**
 * Normalisation closure of a workspace: per unbinned channel with reference events and per basis
 * sample, the reference sample reweighted by the sample's stored log-ratio (at the nominal point)
 * must give back the stored yield, ν_p Σ_i w_i r_p(x_i) = ν_p, since the reference weights estimate
 * expectations over the reference density and E_ref[r_p] = 1.
 *
 * @param samples one row per channel and sample
 * @param passed  every row passed
 */
public record WorkspaceNormalisation(List<Sample> samples, List<String> channelsWithoutReference, boolean passed) {

    /**
     * @param storedYield      ν_p in the workspace
     * @param reweightedYield  ν_p Σ_i w_i r_p(x_i)
     * @param error            ν_p · statistical error of Σ_i w_i r_p(x_i)
     * @param referenceWeight  Σ_i w_i (1 when the reference weights are normalised)
     * @param allowed          largest |reweighted − stored| that passes: ν_p · (tolerance + 1e-9) + nSigma · error
     */
    public record Sample(String channel, String sample, long referenceEvents, double storedYield, double reweightedYield,
                         double error, double referenceWeight, double allowed, boolean passed) {}

    public static WorkspaceNormalisation of(Model model, double tolerance, double nSigma) {
        List<Sample> rows = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        boolean all = true;
        for (Channel c : model.channels()) {
            if (!(c instanceof UnbinnedChannel u)) {
                continue;
            }
            EventSet ref = u.reference();
            if (ref == null) {
                missing.add(u.name());
                continue;
            }
            double sw = 0;
            for (int i = 0; i < ref.events(); i++) {
                sw += ref.weights() == null ? 1 : ref.weights()[i];
            }
            for (UnbinnedSample s : u.samples()) {
                double[] lr = ref.columns().get(s.name()).logRatio();
                double sum = 0;
                for (int i = 0; i < ref.events(); i++) {
                    sum += (ref.weights() == null ? 1 : ref.weights()[i]) * Math.exp(lr[i]);
                }
                // the error of Σ w r as an estimate of E_ref[r]: √(Σ w² (r − m)²), m = Σ w r / Σ w
                double m = sum / sw;
                double var = 0;
                for (int i = 0; i < ref.events(); i++) {
                    double w = ref.weights() == null ? 1 : ref.weights()[i];
                    double d = Math.exp(lr[i]) - m;
                    var += w * w * d * d;
                }
                double nu = s.nominalYield();
                double rew = nu * sum;
                double err = nu * Math.sqrt(var);
                // plus 1e-9 relative: a log-ratio of exactly 0 must pass despite summation rounding
                double allowed = Math.abs(nu) * (tolerance + 1e-9) + nSigma * err;
                boolean ok = Math.abs(rew - nu) <= allowed;
                all &= ok;
                rows.add(new Sample(u.name(), s.name(), ref.events(), nu, rew, err, sw, allowed, ok));
            }
        }
        return new WorkspaceNormalisation(rows, missing, all);
    }
}
