package org.ratiofit.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.workspace.nre.EstimatorLikelihood;

/**
 * What {@code ratiofit fit} adds for an estimator likelihood: the ensemble (members, weights, how
 * they were set, the events) and, for more than one member, every member fitted alone from the
 * ensemble's minimum, with the members' spread of the best-fit values beside HESSE's errors. HESSE's
 * errors are the data's statistical uncertainty given the ensemble's ln r̂; the spread of the
 * members' minima estimates how much the estimator itself (its training) moves the result, which
 * those errors do not contain.
 */
final class EstimatorFitReport {

    private EstimatorFitReport() {}

    static Map<String, Object> report(Output out, EstimatorLikelihood est, FitResult hesse, FitResult migradResult, int strategy,
                                      Migrad migrad, boolean progress) throws IOException {
        EstimatorLikelihood.MemberWeighting w = est.weighting();
        int m = w.members().size();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("estimator", est.estimator().toString());
        json.put("events", est.eventsFile().toString());
        json.put("eventCount", est.likelihood().events());
        json.put("aggregation", est.likelihood().aggregation().name().toLowerCase(Locale.ROOT));
        json.put("members", w.members());
        json.put("memberWeights", est.likelihood().memberWeights());
        json.put("weighting", w.source());
        if (w.beta() != null) {
            json.put("beta", w.beta());
            json.put("heldOutDeviations", w.deviations());
        }
        json.put("selfNormalised", est.likelihood().selfNormalised());
        if (est.likelihood().selfNormalised()) json.put("referenceEvents", est.likelihood().referenceEvents());
        json.put("exactGradient", est.likelihood().exactGradient());
        json.put("precision", est.likelihood().precision().name().toLowerCase(Locale.ROOT));
        out.paragraph("estimator " + est.estimator() + " (" + m + " member" + (m == 1 ? "" : "s") + ", "
                + est.likelihood().aggregation().name().toLowerCase(Locale.ROOT) + ", weights " + w.source() + ") on "
                + est.likelihood().events() + " events of " + est.eventsFile()
                + (est.likelihood().selfNormalised() ? ", self-normalised on " + est.likelihood().referenceEvents() + " reference events" : "")
                + "; gradient "
                + (est.likelihood().exactGradient() ? "exact (the networks' theta-gradients)" : "by finite differences"));
        if (!est.likelihood().selfNormalised()) {
            out.paragraph("warning: not self-normalised: the likelihood assumes the mean of r(x|theta) over events at the estimator's"
                    + " theta1 is 1 at every theta, which a trained estimator meets only roughly; its error curves the likelihood in"
                    + " theta (intervals 15-20% too narrow in the README's example). Name events drawn at theta1 (10^6 or more) under"
                    + " 'reference' in " + est.file().getFileName() + " to divide it out.");
        }
        if (m < 2) {
            return json;
        }
        List<String> names = hesse.names();
        MemberFits fits = MemberFits.of(m, i -> est.member(i).withInitial(hesse.values()), strategy, migrad, progress);
        double[][] values = fits.values();
        double[][] errors = fits.errors();
        boolean[] valid = fits.valid();
        double[] weights = est.likelihood().memberWeights();
        List<String> header = new ArrayList<>(List.of("member", "weight"));
        if (w.deviations() != null) {
            header.add("held-out E[r]-1");
        }
        List<Integer> free = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            if (!hesse.fixed()[k]) {
                free.add(k);
                header.add(names.get(k));
            }
        }
        header.add("valid");
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            List<String> r = new ArrayList<>(List.of(w.members().get(i), String.format(Locale.ROOT, "%.3f", weights[i])));
            if (w.deviations() != null) {
                r.add(String.format(Locale.ROOT, "%+.4f", w.deviations()[i]));
            }
            for (int k : free) {
                r.add(Output.num(values[i][k]) + " +- " + Output.num4(errors[i][k]));
            }
            r.add(valid[i] ? "yes" : "no");
            rows.add(r);
        }
        double[] spread = fits.spread();
        List<String> sr = new ArrayList<>(List.of("spread (sd)", ""));
        List<String> ratio = new ArrayList<>(List.of("spread / HESSE error", ""));
        if (w.deviations() != null) {
            sr.add("");
            ratio.add("");
        }
        for (int k : free) {
            sr.add(Output.num4(spread[k]));
            ratio.add(String.format(Locale.ROOT, "%.3f", spread[k] / hesse.errors()[k]));
        }
        sr.add("");
        ratio.add("");
        rows.add(sr);
        rows.add(ratio);
        out.heading("members fitted alone (the estimator's own uncertainty; not in the errors above)");
        out.table(header, rows);
        out.paragraph("The errors above are statistical: the data's, with the ensemble's ln r taken as exact. The spread of the members'"
                + " best fits (sample sd) measures how much the estimator's training moves the result; a spread comparable to the"
                + " errors means the estimator, not the data, limits the measurement (train more members, more events or epochs).");
        json.put("memberFits", fits.json(w.members()));
        json.put("memberSpread", spread);
        return json;
    }
}
