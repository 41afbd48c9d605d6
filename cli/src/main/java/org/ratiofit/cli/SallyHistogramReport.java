package org.ratiofit.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ratiofit.likelihood.score.ScoreHistogramLikelihood;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.workspace.nre.SallyHistogramFile;

/**
 * What {@code fit} adds for a SALLY/SALLINO histogram likelihood: the file, cells, reference and
 * observed event counts, and, for an estimator of several members, every member fitted alone (its
 * own scores binned with its own edges) from the ensemble's minimum, with the members' spread of
 * the best fits beside HESSE's errors (as for ratio estimators, {@link EstimatorFitReport}).
 */
final class SallyHistogramReport {

    private SallyHistogramReport() {}

    static Map<String, Object> report(Output out, SallyHistogramFile file) {
        ScoreHistogramLikelihood l = file.likelihood();
        double observed = 0;
        for (double n : l.observedCounts()) observed += n;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", file.file().toString());
        json.put("cells", l.cells());
        json.put("referenceEvents", l.referenceEvents());
        json.put("observedEvents", observed);
        json.put("extended", l.extended());
        json.put("members", file.memberNames());
        out.paragraph("SALLY histogram likelihood " + file.file() + ": " + l.cells() + " cells in the estimated score, " + l.referenceEvents()
                + " reference events reweighted to θ, " + observed + " observed (" + (l.extended() ? "extended" : "shape only")
                + "); gradient exact (the joint scores)");
        return json;
    }

    /** As {@link #report(Output, SallyHistogramFile)}, with the members fitted alone when there are several. */
    static Map<String, Object> report(Output out, SallyHistogramFile file, FitResult hesse, int strategy, Migrad migrad, boolean progress) {
        Map<String, Object> json = report(out, file);
        int m = file.memberLikelihoods();
        if (m < 2) {
            return json;
        }
        List<String> names = hesse.names();
        MemberFits fits = MemberFits.of(m, i -> file.member(i).withInitial(hesse.values()), strategy, migrad, progress);
        double[][] values = fits.values();
        double[][] errors = fits.errors();
        boolean[] valid = fits.valid();
        List<Integer> free = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("member"));
        for (int k = 0; k < names.size(); k++) {
            if (!hesse.fixed()[k]) {
                free.add(k);
                header.add(names.get(k));
            }
        }
        header.add("valid");
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            List<String> r = new ArrayList<>(List.of(file.memberNames().get(i)));
            for (int k : free) r.add(Output.num(values[i][k]) + " +- " + Output.num4(errors[i][k]));
            r.add(valid[i] ? "yes" : "no");
            rows.add(r);
        }
        double[] spread = fits.spread();
        double[] ratio = new double[names.size()];
        for (int k = 0; k < names.size(); k++) {
            ratio[k] = hesse.fixed()[k] ? Double.NaN : spread[k] / hesse.errors()[k];
        }
        List<String> sr = new ArrayList<>(List.of("spread (sd)"));
        List<String> rr = new ArrayList<>(List.of("spread / HESSE error"));
        for (int k : free) {
            sr.add(Output.num4(spread[k]));
            rr.add(String.format(Locale.ROOT, "%.3f", ratio[k]));
        }
        sr.add("");
        rr.add("");
        rows.add(sr);
        rows.add(rr);
        out.heading("members fitted alone (each member's score histogram; the estimator's own uncertainty, not in the errors above)");
        out.table(header, rows);
        out.paragraph("The errors above are statistical, with the members' averaged score taken as exact. The spread of the members'"
                + " best fits (sample sd; each member's scores binned on their own) measures how much the estimator's training moves the"
                + " result; a spread comparable to the errors means the estimator, not the data, limits the measurement.");
        json.put("memberFits", fits.json(file.memberNames()));
        json.put("memberSpread", spread);
        json.put("spreadOverHesse", ratio);
        return json;
    }
}
