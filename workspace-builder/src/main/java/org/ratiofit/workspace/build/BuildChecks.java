package org.ratiofit.workspace.build;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.UnbinnedSample;

/**
 * Checks of a built workspace that make silent problems loud, as warnings of the build:
 *
 * <ul>
 *   <li><b>Normalisation</b>: the reference events reweighted by a sample's ratio must give back the
 *       sample's yield, ν Σ_ref w r = ν (E_ref[r] = 1; the statistic of {@code validate}'s
 *       normalisation check). A model with the wrong output convention (logit read as a score) or
 *       its features in another order fails this by many standard errors.</li>
 *   <li><b>Clipping</b>: log-ratios piled up at one extreme value (several events at exactly the
 *       column's minimum or maximum) are the model's limit, not a density ratio: a score exported
 *       through a float32 sigmoid cannot resolve ln r below about −12 and is clipped at its
 *       epsilon. Counted per channel and sample.</li>
 * </ul>
 */
public final class BuildChecks {

    /** A normalisation more than this many standard errors (plus {@link #TOLERANCE} relative) off is reported. */
    public static final double N_SIGMA = 5;
    public static final double TOLERANCE = 0.02;
    /** Ties at the extreme from this many events on count as clipping. */
    public static final int MIN_TIES = 3;

    private BuildChecks() {}

    /** The warnings for every unbinned channel of {@code channels}. */
    public static List<String> warnings(List<Channel> channels) {
        List<String> out = new ArrayList<>();
        for (Channel c : channels) {
            if (!(c instanceof UnbinnedChannel u)) {
                continue;
            }
            for (UnbinnedSample s : u.samples()) {
                String clip = clipping(u.data().columns().get(s.name()).logRatio());
                if (clip != null) {
                    out.add("channel '" + u.name() + "': sample '" + s.name() + "': " + clip + " of " + u.data().events()
                            + " data events; export logits instead of scores (README, 'Clipped log-ratios')");
                }
                if (u.reference() != null) {
                    String norm = normalisation(u.reference(), s);
                    if (norm != null) {
                        out.add("channel '" + u.name() + "': sample '" + s.name() + "': " + norm);
                    }
                }
            }
        }
        return out;
    }

    /**
     * "N events at ln r = V (the model's lower limit: clipped)" when at least {@link #MIN_TIES}
     * events share the column's minimum or maximum; null otherwise.
     */
    public static String clipping(double[] lr) {
        if (lr.length < MIN_TIES) {
            return null;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : lr) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (min == max) {
            return null; // a constant column (a reference sample, ln r = 0) is not clipped
        }
        long atMin = 0;
        long atMax = 0;
        for (double v : lr) {
            atMin += v == min ? 1 : 0;
            atMax += v == max ? 1 : 0;
        }
        List<String> parts = new ArrayList<>();
        if (atMin >= MIN_TIES) {
            parts.add(atMin + " events clipped at ln r = " + String.format(Locale.ROOT, "%.4g", min) + " (the model's lower limit)");
        }
        if (atMax >= MIN_TIES) {
            parts.add(atMax + " events clipped at ln r = " + String.format(Locale.ROOT, "%.4g", max) + " (the model's upper limit)");
        }
        return parts.isEmpty() ? null : String.join(" and ", parts);
    }

    /** The reweighted yield against the stored one; null when they agree. */
    static String normalisation(EventSet ref, UnbinnedSample s) {
        SampleColumns cols = ref.columns().get(s.name());
        if (cols == null || ref.events() == 0) {
            return null;
        }
        double[] w = ref.weights();
        double[] lr = cols.logRatio();
        double sw = 0;
        double sum = 0;
        for (int i = 0; i < ref.events(); i++) {
            double wi = w == null ? 1 : w[i];
            sw += wi;
            sum += wi * Math.exp(lr[i]);
        }
        double m = sum / sw;
        double var = 0;
        for (int i = 0; i < ref.events(); i++) {
            double wi = w == null ? 1 : w[i];
            double d = Math.exp(lr[i]) - m;
            var += wi * wi * d * d;
        }
        double nu = s.nominalYield();
        double rew = nu * sum / sw;
        double err = Math.abs(nu) * Math.sqrt(var) / Math.abs(sw);
        double off = Math.abs(rew - nu);
        if (!(off > Math.abs(nu) * TOLERANCE + N_SIGMA * err)) {
            return null;
        }
        return String.format(Locale.ROOT, "the reference events reweighted by its ratio give a yield of %.6g +- %.3g, but the "
                + "sample's yield is %.6g (%.1f standard errors off): the ratio model does not close, e.g. a wrong output convention "
                + "(logit vs. score) or its features in another order than the graph's; check it with ratiofit validate",
                rew, err, nu, err > 0 ? off / err : Double.POSITIVE_INFINITY);
    }
}
