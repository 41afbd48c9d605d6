package org.ratiofit.examples.nre;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.ratiofit.samplers.nuts.NutsSettings;
import org.ratiofit.validation.report.Plots;
import org.ratiofit.validation.report.RunReport;
import org.ratiofit.validation.posterior.SamplerChecks;
import org.ratiofit.workspace.nre.TrainingRange;

/**
 * The page {@code examples/run ddm} writes beside its plots ({@code index.html} in {@code --out}):
 * the posterior table, the timings, the marginal posteriors, a pair plot of the two samplers'
 * draws and, when the run included it ({@code --sbc N}), the NRE's simulation-based calibration.
 */
final class DdmReport {
    /** At most this many draws per sampler in each panel of the pair plot (every k-th draw, no randomness). */
    static final int PAIR_POINTS = 1000;

    private DdmReport() {}

    static Path write(Path out, Ddm.Report r, Map<String, double[]> exact, Map<String, double[]> nre, NutsSettings nuts, DdmSbc.Result sbc)
            throws IOException {
        RunReport page = new RunReport(out, "Drift-diffusion model: NUTS with a neural ratio estimator against the exact Wiener density");
        page.paragraph(String.format(Locale.ROOT,
                "%d trials simulated at (v, a, z, t) = (0.5, 1.5, 0.5, 0.3) with the tutorial's Euler–Maruyama scheme (dt = 0.001, data seed %d); "
                        + "NUTS %d chains × %d warm-up + %d draws (seed %d). NRE: %s.",
                r.trials(), r.dataSeed(), nuts.getChains(), nuts.getWarmup(), nuts.getSamples(), nuts.getSeed(),
                r.nreModel() == null ? "none (the exact likelihood alone)" : r.nreModel() + ", layers in " + r.nrePrecision()));

        page.heading("Posterior summaries");
        List<List<String>> rows = new ArrayList<>();
        for (int j = 0; j < Ddm.PARAMS.size(); j++) {
            String n = Ddm.PARAMS.get(j);
            double[] e = r.exact().get(n);
            List<String> row = new ArrayList<>(List.of(n, RunReport.format(r.truth()[j]), RunReport.format(e[0]), RunReport.format(e[1])));
            if (r.rows().isEmpty()) {
                row.addAll(List.of("–", "–", "–", "–"));
            } else {
                Ddm.Row q = r.rows().get(j);
                row.addAll(List.of(RunReport.format(q.nreMean()), RunReport.format(q.nreSd()), String.format(Locale.ROOT, "%+.3f", q.shiftInSd()),
                        String.format(Locale.ROOT, "%.3f", q.sdRatio())));
            }
            rows.add(row);
        }
        page.table(List.of("parameter", "truth", "exact mean", "exact sd", "NRE mean", "NRE sd", "shift / exact sd", "sd ratio"), rows);
        page.paragraph("Acceptance target of this comparison: NRE means within 0.3 exact posterior sd of the exact ones, sds within 20%.");

        page.heading("Timings");
        List<List<String>> times = new ArrayList<>();
        times.add(List.of("exact Wiener density", seconds(r.exactSeconds()), "–", seconds(r.exactSeconds()), "1"));
        if (!Double.isNaN(r.nreSeconds())) {
            double total = r.nreSeconds() + r.nreSetupSeconds();
            times.add(List.of("NRE", seconds(r.nreSeconds()), seconds(r.nreSetupSeconds()), seconds(total),
                    String.format(Locale.ROOT, "%.2f", total / r.exactSeconds())));
        }
        page.table(List.of("likelihood", "NUTS (s)", "loading and warm-up (s)", "total (s)", "total / exact"), times);
        if (r.nreExtrapolation() != null) {
            for (String w : TrainingRange.warnings(r.nreExtrapolation())) page.paragraph("Warning: " + w);
        }

        page.heading("Marginal posteriors");
        for (String n : Ddm.PARAMS) page.image("ddm-" + n + ".png", "posterior of " + n + ": exact likelihood and NRE");

        page.heading("Pair plot");
        for (int i = 0; i < Ddm.PARAMS.size(); i++) {
            for (int j = i + 1; j < Ddm.PARAMS.size(); j++) {
                String a = Ddm.PARAMS.get(i), b = Ddm.PARAMS.get(j);
                XYChart c = Plots.chart("joint posterior of " + a + " and " + b, a, b);
                c.getStyler().setMarkerSize(3);
                Plots.scatter(c, "exact", every(exact.get(a)), every(exact.get(b)));
                if (nre.containsKey(a)) Plots.scatter(c, "NRE", every(nre.get(a)), every(nre.get(b)));
                page.figure(c, "ddm-pair-" + a + "-" + b, a + " against " + b + " (at most " + PAIR_POINTS + " draws per sampler)");
            }
        }

        page.heading("Simulation-based calibration of the NRE");
        if (sbc == null) {
            page.paragraph("Not run here: `examples/run ddm --sbc 200` adds it to this page (about a minute on two cores), "
                    + "`examples/run ddm-sbc` runs it alone.");
        } else {
            page.paragraph(String.format(Locale.ROOT,
                    "%d replicates (%d failed): θ from the prior, %d trials each, one NUTS chain (%d warm-up), rank of the truth among L = %d "
                            + "thinned draws; uniform ranks mean a calibrated posterior. %.0f s.",
                    sbc.replicates(), sbc.failed(), sbc.trials(), sbc.warmup(), sbc.rankDraws(), sbc.seconds()));
            List<List<String>> ranks = new ArrayList<>();
            for (SamplerChecks.RankHistogram h : sbc.ranks()) {
                ranks.add(List.of(h.parameter(), String.format(Locale.ROOT, "%.1f", h.chi2()), Integer.toString(h.ndf()),
                        String.format(Locale.ROOT, "%.3f", h.pValue())));
            }
            page.table(List.of("parameter", "χ²", "ndf", "p-value"), ranks);
            for (SamplerChecks.RankHistogram h : sbc.ranks()) page.image("sbc-" + h.parameter() + ".png", "SBC ranks of " + h.parameter());
        }
        return page.write();
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.2f", s);
    }

    /** Every k-th value, k the smallest that leaves at most {@link #PAIR_POINTS}. */
    static double[] every(double[] x) {
        int k = Math.max(1, (x.length + PAIR_POINTS - 1) / PAIR_POINTS);
        double[] y = new double[(x.length + k - 1) / k];
        for (int i = 0; i < y.length; i++) y[i] = x[i * k];
        return y;
    }
}
