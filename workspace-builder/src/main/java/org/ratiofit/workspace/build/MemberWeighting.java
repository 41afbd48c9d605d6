package org.ratiofit.workspace.build;

import java.nio.file.Path;
import java.util.List;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest.Aggregation;

/**
 * Expectation-based member weights of a basis sample's ratio ensemble (its manifest's
 * {@code beta}), fitted during the build on a region's reference events, where the members are
 * evaluated anyway: E_i is the mean over those events of member i's ratio, renormalised to the
 * region, minus 1 (0 for a member that closes), and w_i = exp(−β|E_i|)/Σ_j exp(−β|E_j|). β = 0 is
 * the plain committee; a large β keeps the best-closing member. The members' log-ratios, gathered
 * one row per member, are then replaced by their per-event aggregate under those weights.
 */
final class MemberWeighting {
    private MemberWeighting() {}

    /**
     * One sample's weighted ensemble.
     *
     * @param sample      basis sample name
     * @param folder      ensemble folder
     * @param job         its member-rows job in the {@link EnsemblePool}
     * @param beta        β (≥ 0)
     * @param aggregation how members combine per event
     * @param members     member sidecars as the manifest lists them
     */
    record Spec(String sample, Path folder, int job, double beta, Aggregation aggregation, List<String> members) {}

    /** Deviations and weights on some reference events. */
    record Fit(double[] deviations, double[] weights, long events) {}

    /**
     * Fits the weights on the reference events {@code refs} (each with its sample's weight scale),
     * their ratios shifted by {@code shift} (the region's renormalisation ln(F_ref/F_sample)).
     * Null when those events have no positive total weight (the build reports that region itself).
     */
    static Fit fit(Spec spec, List<EventPass.Gathered> refs, double[] scales, double shift) {
        int m = spec.members().size();
        int n = 0;
        for (EventPass.Gathered g : refs) n += g.events();
        double[][] lr = new double[m][n];
        double[] w = new double[n];
        int at = 0;
        double total = 0;
        for (int k = 0; k < refs.size(); k++) {
            EventPass.Gathered g = refs.get(k);
            double[][] rows = g.outputs()[spec.job()];
            for (int i = 0; i < m; i++) System.arraycopy(rows[i], 0, lr[i], at, g.events());
            for (int e = 0; e < g.events(); e++) total += w[at + e] = scales[k] * (g.weights() == null ? 1 : g.weights()[e]);
            at += g.events();
        }
        if (!(total > 0)) return null;
        double[] dev = Ensemble.deviations(lr, w, n, shift);
        return new Fit(dev, Ensemble.expectationWeights(dev, spec.beta()), n);
    }

    /** Replaces the member rows of {@code spec}'s job in {@code g} by their aggregate under {@code weights} (nothing where not evaluated). */
    static void aggregate(Spec spec, EventPass.Gathered g, double[] weights) {
        if (g == null || g.outputs() == null || g.outputs()[spec.job()] == null) return;
        double[][] rows = g.outputs()[spec.job()];
        if (rows.length != spec.members().size()) return; // already aggregated
        g.outputs()[spec.job()] = new double[][] {Ensemble.aggregate(rows, weights, spec.aggregation(), g.events())};
    }

    /** Equal weights (the committee), for events whose region has no reference total to fit on. */
    static double[] committee(int members) {
        double[] w = new double[members];
        java.util.Arrays.fill(w, 1.0 / members);
        return w;
    }
}
