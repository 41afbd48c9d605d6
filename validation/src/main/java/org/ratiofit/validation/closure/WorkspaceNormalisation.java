package org.ratiofit.validation.closure;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Modifier;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.UnbinnedSample;

/**
 * Normalisation closure of a workspace: per unbinned channel with reference events and per basis
 * sample, the reference sample reweighted by the sample's stored log-ratio (at the nominal point)
 * must give back the stored yield, ν_p Σ_i w_i r_p(x_i) = ν_p, since the reference weights estimate
 * expectations over the reference density and E_ref[r_p] = 1. Each per-event shape variation
 * g±(x) = r±(x)/r0(x) is checked the same way, ν_p Σ_i w_i r_p(x_i) g±(x_i) = ν_p: the likelihood
 * takes shapes as normalised (yield changes belong in a normsys), so a shape that does not close
 * moves events between samples at no cost in yield.
 *
 * @param samples one row per channel and sample
 * @param passed  every row passed
 */
public record WorkspaceNormalisation(List<Sample> samples, List<String> channelsWithoutReference, boolean passed) {

    /**
     * @param variation        {@code nominal}, or the shapesys parameter and direction, e.g. {@code alpha_shift up}
     * @param storedYield      ν_p in the workspace
     * @param reweightedYield  ν_p Σ_i w_i r_p(x_i)
     * @param error            ν_p · statistical error of Σ_i w_i r_p(x_i)
     * @param referenceWeight  Σ_i w_i (1 when the reference weights are normalised)
     * @param allowed          largest |reweighted − stored| that passes: ν_p · (tolerance + 1e-9) + nSigma · error
     */
    public record Sample(String channel, String sample, String variation, long referenceEvents, double storedYield, double reweightedYield,
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
                SampleColumns cols = ref.columns().get(s.name());
                List<Modifier.ShapeSys> shapes = s.shapeSystematics();
                Sample nominal = row(u.name(), s, "nominal", ref, sw, cols.logRatio(), null, tolerance, nSigma);
                rows.add(nominal);
                all &= nominal.passed();
                for (int k = 0; k < shapes.size(); k++) {
                    for (boolean up : new boolean[] {true, false}) {
                        double[] g = (up ? cols.shapeUp() : cols.shapeDown()).get(k);
                        Sample r = row(u.name(), s, shapes.get(k).parameter() + (up ? " up" : " down"), ref, sw, cols.logRatio(), g,
                                tolerance, nSigma);
                        rows.add(r);
                        all &= r.passed();
                    }
                }
            }
        }
        return new WorkspaceNormalisation(rows, missing, all);
    }

    /** ν_p Σ w r_p g against ν_p; g null for the nominal log-ratio alone. */
    private static Sample row(String channel, UnbinnedSample s, String variation, EventSet ref, double sw, double[] lr, double[] g,
                              double tolerance, double nSigma) {
        double[] w = ref.weights();
        double sum = 0;
        for (int i = 0; i < ref.events(); i++) {
            sum += (w == null ? 1 : w[i]) * Math.exp(lr[i]) * (g == null ? 1 : g[i]);
        }
        // the error of Σ w r as an estimate of E_ref[r]: √(Σ w² (r − m)²), m = Σ w r / Σ w
        double m = sum / sw;
        double var = 0;
        for (int i = 0; i < ref.events(); i++) {
            double wi = w == null ? 1 : w[i];
            double d = Math.exp(lr[i]) * (g == null ? 1 : g[i]) - m;
            var += wi * wi * d * d;
        }
        double nu = s.nominalYield();
        double rew = nu * sum;
        double err = nu * Math.sqrt(var);
        // plus 1e-9 relative: a log-ratio of exactly 0 must pass despite summation rounding
        double allowed = Math.abs(nu) * (tolerance + 1e-9) + nSigma * Math.abs(err);
        boolean ok = Math.abs(rew - nu) <= allowed;
        return new Sample(channel, s.name(), variation, ref.events(), nu, rew, err, sw, allowed, ok);
    }
}
