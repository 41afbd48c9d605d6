package org.ratiofit.validation.closure;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.Code4PositivityCount;
import org.ratiofit.likelihood.LogInterpolation;
import org.ratiofit.likelihood.Monomials;
import org.ratiofit.likelihood.ShapeNormalisation;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Modifier;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.UnbinnedSample;

/**
 * Normalisation closure of a workspace (the interpolated points and code-4 counts below the rows): per unbinned channel with reference events and per basis
 * sample, the reference sample reweighted by the sample's stored log-ratio (at the nominal point)
 * must give back the stored yield, ν_p Σ_i w_i r_p(x_i) = ν_p, since the reference weights estimate
 * expectations over the reference density and E_ref[r_p] = 1. Each per-event shape variation
 * g±(x) = r±(x)/r0(x) is checked the same way, ν_p Σ_i w_i r_p(x_i) g±(x_i) = ν_p: the likelihood
 * takes shapes as normalised (yield changes belong in a normsys), so a shape that does not close
 * moves events between samples at no cost in yield.
 *
 * <p>Between and beyond ±1 the interpolated factor g(x, α) does not keep the yield even for
 * exact ratios (for a Gaussian shift of δ per unit α, E[g] = exp(|α|(|α| − 1)δ²/2)), nor do the
 * polynomial rows exp(Σ_A Δ_A(x) m_A(α)) of learned ratios. {@link Interpolated} gives, per sample
 * and nuisance parameter at α ∈ {−1.5, −0.5, +0.5, +1.5} (the others at 0), the factor
 * K(α) = Σ w r g(α) / Σ w r by which the likelihood divides the sample's density there: with the
 * default shape normalisation it is information (how far the variation moves the yield, which the
 * likelihood takes out); with {@code none} it is a bias of the fit, and a row off by more than the
 * tolerance and its statistical error fails. {@link #code4} counts the events whose HistFactory
 * code-4 polynomial would not be positive (ratiofit's log-space form is positive for all).
 *
 * @param samples      one row per channel and sample
 * @param interpolated K(α) per channel, sample, nuisance parameter (shapesys or polynomial) and α
 * @param code4        per code-4 shapesys column pair, events whose polynomial code 4 is not positive
 * @param passed       every row passed
 */
public record WorkspaceNormalisation(List<Sample> samples, List<Interpolated> interpolated, List<Code4PositivityCount> code4,
                                     List<String> channelsWithoutReference, boolean passed) {

    /** The points between and beyond the ±1 variations at which K(α) is evaluated. */
    public static final double[] ALPHAS = {-1.5, -0.5, 0.5, 1.5};

    /**
     * @param modifier   {@code shapesys} or {@code polynomial}
     * @param factor     K(α) = Σ w r g(α) / Σ w r
     * @param error      its statistical error
     * @param normalised whether the channel's likelihood divides by K (shape normalisation not {@code none})
     * @param passed     normalised, or |K − 1| within tolerance + nSigma · error
     */
    public record Interpolated(String channel, String sample, String modifier, String parameter, double alpha, double factor,
                               double error, boolean normalised, boolean passed) {}

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
        List<Interpolated> interpolated = new ArrayList<>();
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
                boolean normalised = u.normalisation() != ShapeNormalisation.NONE;
                for (int k = 0; k < shapes.size(); k++) {
                    Modifier.ShapeSys sh = shapes.get(k);
                    double[] up = cols.shapeUp().get(k);
                    double[] dn = cols.shapeDown().get(k);
                    for (double a : ALPHAS) {
                        double[] g = new double[ref.events()];
                        for (int i = 0; i < g.length; i++) {
                            g[i] = LogInterpolation.factor(sh.code(), a, up[i], dn[i])[0];
                        }
                        Interpolated r = interpolated(u.name(), s.name(), "shapesys", sh.parameter(), a, ref, cols.logRatio(), g,
                                normalised, tolerance, nSigma);
                        interpolated.add(r);
                        all &= r.passed();
                    }
                }
                Modifier.Polynomial poly = s.polynomial();
                if (poly != null && !cols.polynomial().isEmpty()) {
                    int np = poly.parameters().size();
                    int[][] pairs = Monomials.of(np);
                    double[] m = new double[pairs.length];
                    for (int p = 0; p < np; p++) {
                        for (double a : ALPHAS) {
                            double[] point = new double[np];
                            point[p] = a;
                            Monomials.values(pairs, point, m);
                            double[] g = new double[ref.events()];
                            for (int i = 0; i < g.length; i++) {
                                double e = 0;
                                for (int q = 0; q < m.length; q++) {
                                    e += cols.polynomial().get(q)[i] * m[q];
                                }
                                g[i] = Math.exp(e);
                            }
                            Interpolated r = interpolated(u.name(), s.name(), "polynomial", poly.parameters().get(p), a, ref,
                                    cols.logRatio(), g, normalised, tolerance, nSigma);
                            interpolated.add(r);
                            all &= r.passed();
                        }
                    }
                }
            }
        }
        return new WorkspaceNormalisation(rows, interpolated, model.code4PositivityCounts(), missing, all);
    }

    /** K(α) = Σ w r g / Σ w r with the error of a ratio of weighted sums. */
    private static Interpolated interpolated(String channel, String sample, String modifier, String parameter, double alpha, EventSet ref,
                                             double[] lr, double[] g, boolean normalised, double tolerance, double nSigma) {
        double[] w = ref.weights();
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.events(); i++) {
            double wr = (w == null ? 1 : w[i]) * Math.exp(lr[i]);
            num += wr * g[i];
            den += wr;
        }
        double k = num / den;
        // linearised error of the ratio: sqrt(sum (w r)^2 (g - K)^2) / sum w r
        double var = 0;
        for (int i = 0; i < ref.events(); i++) {
            double wr = (w == null ? 1 : w[i]) * Math.exp(lr[i]);
            var += wr * wr * (g[i] - k) * (g[i] - k);
        }
        double err = Math.sqrt(var) / Math.abs(den);
        boolean finite = Double.isFinite(k) && k > 0;
        boolean ok = finite && (normalised || Math.abs(k - 1) <= tolerance + 1e-9 + nSigma * err);
        return new Interpolated(channel, sample, modifier, parameter, alpha, k, err, normalised, ok);
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
