package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ratiofit.cli.DemoExact.Exact;
import org.ratiofit.cli.DemoExact.ExactPosterior;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.training.TrainingHistory;
import org.ratiofit.ratio.training.TrainingRecords;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.MinosError;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.profile.ProfileScan;
import org.ratiofit.samplers.profile.Scan1D;
import org.ratiofit.validation.report.Histogram;
import org.ratiofit.validation.report.Plots;
import org.ratiofit.validation.report.RunReport;
import org.ratiofit.workspace.train.TrainingReport;

import static org.ratiofit.cli.DemoToy.FEATURE;
import static org.ratiofit.cli.DemoToy.TOY;

/** The demo's comparison of every ratiofit number with the exact one, and its HTML report. */
final class DemoReport {
    private DemoReport() {}

    /** One row of the comparison: ratiofit's number, the exact one, and their difference in units of {@code error}. */
    record Row(String quantity, double ratiofit, double exact, double error, double differenceInErrors) {
        static Row of(String quantity, double ratiofit, double exact, double error) {
            return new Row(quantity, ratiofit, exact, error, (ratiofit - exact) / error);
        }
    }

    static List<Row> compare(FitResult fit, int mu, MinosError minos, Scan1D prof, Scan1D stat, double[] draws, Exact exact,
            ExactPosterior post) {
        double e = exact.error();
        double[] i68 = exact.interval(1);
        double[] i95 = exact.interval(4);
        double[] s68 = exact.statOnlyInterval(1);
        double[] r68 = prof.crossings(ConfidenceLevel.sigma(1));
        double[] r95 = prof.crossings(ConfidenceLevel.sigma(2));
        double[] t68 = stat.crossings(ConfidenceLevel.sigma(1));
        List<Row> rows = new ArrayList<>();
        rows.add(Row.of("mu best fit (MIGRAD)", fit.values()[mu], exact.best(), e));
        rows.add(Row.of("mu error (HESSE)", fit.errors()[mu], e, e));
        rows.add(Row.of("mu MINOS lower error", minos.lower(), i68[0] - exact.best(), e));
        rows.add(Row.of("mu MINOS upper error", minos.upper(), i68[1] - exact.best(), e));
        rows.add(Row.of("68.3% interval low (scan)", r68[0], i68[0], e));
        rows.add(Row.of("68.3% interval high (scan)", r68[1], i68[1], e));
        rows.add(Row.of("95.4% interval low (scan)", r95[0], i95[0], e));
        rows.add(Row.of("95.4% interval high (scan)", r95[1], i95[1], e));
        rows.add(Row.of("68.3% stat-only low (scan)", t68[0], s68[0], e));
        rows.add(Row.of("68.3% stat-only high (scan)", t68[1], s68[1], e));
        double[] sorted = draws.clone();
        java.util.Arrays.sort(sorted);
        double mean = java.util.Arrays.stream(draws).average().orElse(Double.NaN);
        double var = java.util.Arrays.stream(draws).map(x -> (x - mean) * (x - mean)).sum() / (draws.length - 1);
        rows.add(Row.of("posterior mean (NUTS)", mean, post.mean(), post.sd()));
        rows.add(Row.of("posterior sd (NUTS)", Math.sqrt(var), post.sd(), post.sd()));
        rows.add(Row.of("posterior 5% quantile", quantile(sorted, 0.05), post.q05(), post.sd()));
        rows.add(Row.of("posterior median", quantile(sorted, 0.5), post.q50(), post.sd()));
        rows.add(Row.of("posterior 95% quantile", quantile(sorted, 0.95), post.q95(), post.sd()));
        return rows;
    }

    private static double quantile(double[] sorted, double p) {
        double pos = p * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(i + 1, sorted.length - 1);
        return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }

    /**
     * The demo's HTML report in {@code dir}: the comparison table, the fit, the scan and the
     * posterior against the exact ones, and the training (loss curves, learned against exact
     * log-ratios, normalisation and closure per ensemble).
     */
    static Path report(Path dir, int dataSize, long seed, double tolerance, DemoCommand.Sizes z, TrainingReport training, FitResult fit,
            MinosError minos, Scan1D prof, Scan1D stat, double[] draws, Exact exact, ExactPosterior post, List<Row> rows,
            NutsResult nuts) throws IOException {
        RunReport r = new RunReport(dir, "ratiofit demo: Gaussian peak on an exponential background");
        r.paragraph(String.format(Locale.ROOT, "Data: %d events generated at mu = 1, alpha_shift = 0, alpha_bkg = 0 (seed %d). "
                + "Ratio ensembles: %d members trained with DJL on %d events per simulated sample. Every ratiofit number "
                + "is compared with the exact answer of the toy's analytic likelihood.", dataSize, seed, z.members(), z.trainingEvents()));
        r.heading("ratiofit against the exact answer");
        r.table(List.of("quantity", "ratiofit", "exact", "difference / error"), rows.stream()
                .map(x -> List.of(x.quantity(), RunReport.format(x.ratiofit()), RunReport.format(x.exact()),
                        String.format(Locale.ROOT, "%+.3f", x.differenceInErrors())))
                .toList());
        r.paragraph(String.format(Locale.ROOT, "Error unit: the exact HESSE error of mu (%.4f) for the fit and scan rows, the "
                + "exact posterior standard deviation (%.4f) for the posterior rows. Tolerance %.2f.", exact.error(), post.sd(),
                tolerance));
        r.heading("fit (MIGRAD + HESSE, MINOS on mu)");
        r.preformatted(fit.table() + String.format(Locale.ROOT, "%nMINOS mu: %+.5f %+.5f%n", minos.lower(), minos.upper()));

        r.heading("profile likelihood scan");
        XYChart sc = Output.chart("q(mu): ratiofit and exact", "mu", "q = -2 ln lambda");
        XYSeries sp = sc.addSeries("ratiofit profiled", prof.points(), prof.q());
        sp.setMarker(SeriesMarkers.CIRCLE);
        Plots.line(sc, "ratiofit stat-only", stat.points(), stat.q());
        double[] fine = ProfileScan.grid(prof.points()[0], prof.points()[prof.points().length - 1], 61);
        double[] qe = new double[fine.length];
        for (int i = 0; i < fine.length; i++) {
            qe[i] = exact.q(fine[i]);
        }
        Plots.line(sc, "exact profiled", fine, qe);
        Plots.horizontal(sc, "68.3%", 1, fine[0], fine[fine.length - 1]);
        Plots.horizontal(sc, "95.4%", 4, fine[0], fine[fine.length - 1]);
        r.figure(sc, "scan_mu", "q(mu) profiled and stat-only, the exact profile, and the 68.3% and 95.4% levels");

        r.heading("posterior of mu");
        XYChart pc = Output.chart("Marginal posterior of mu: NUTS and exact", "mu", "density");
        Histogram h = Histogram.of(draws, null, 40, post.mu()[0], post.mu()[post.mu().length - 1]);
        Plots.histogram(pc, "NUTS (" + draws.length + " draws)", h, true);
        Plots.line(pc, "exact (grid)", post.mu(), post.density());
        r.figure(pc, "posterior_mu", "Marginal posterior of mu (flat prior on [0, 10], unit normal priors on the nuisance "
                + "parameters): NUTS draws against the exact grid posterior");
        r.table(PosteriorTable.header(), PosteriorTable.rows(nuts.summary()));
        r.paragraph(PosteriorTable.diagnostics(nuts.summary()));
        for (String w : nuts.summary().warnings()) {
            r.paragraph("warning: " + w);
        }

        r.heading("training");
        XYChart lc = Output.chart("Validation loss per epoch", "epoch", "weighted BCE");
        XYChart lr = Output.chart("Learned and exact log-ratio: signal / background", FEATURE, "ln r");
        XYChart ls = Output.chart("Learned and exact log-ratio: shifted / nominal signal", FEATURE, "ln r");
        double[] x = ProfileScan.grid(TOY.config().lo(), TOY.config().hi(), 201);
        double[] xs = ProfileScan.grid(TOY.config().mass() - 4 * TOY.config().width(),
                TOY.config().mass() + 4 * TOY.config().width(), 101);
        for (TrainingReport.EnsembleResult e : training.ensembles()) {
            for (TrainingReport.Member m : e.members()) {
                TrainingHistory hist = TrainingRecords.read(e.folder().resolve("member-" + m.index() + ".training.json")).history();
                double[] ep = new double[hist.epochs()];
                for (int i = 0; i < ep.length; i++) {
                    ep[i] = i + 1;
                }
                Plots.line(lc, e.name() + " " + m.index(), ep, hist.validationLoss());
            }
            boolean shift = !e.name().equals("signal_vs_background");
            double[] grid = shift ? xs : x;
            double[] learned;
            try (Ensemble ens = Ensemble.load(e.folder())) {
                learned = ens.logRatios(new double[][] {grid});
            }
            double[] ex = new double[grid.length];
            double alpha = e.name().endsWith("up") ? 1 : -1;
            for (int i = 0; i < grid.length; i++) {
                ex[i] = shift ? Math.log(TOY.signalPdf(grid[i], alpha) / TOY.signalPdf(grid[i], 0))
                        : Math.log(TOY.signalPdf(grid[i], 0) / TOY.backgroundPdf(grid[i]));
                if (!shift) {
                    ex[i] = Math.max(ex[i], -12);
                    learned[i] = Math.max(learned[i], -12);
                }
            }
            XYChart target = shift ? ls : lr;
            Plots.line(target, e.name() + " learned", grid, learned);
            Plots.line(target, e.name() + " exact", grid, ex);
        }
        r.figure(lc, "training_loss", "Validation loss per epoch of every ensemble member (ln 2 = 0.693: r = 1 everywhere)");
        r.figure(lr, "closure_signal", "Learned ensemble log-ratio of signal to background against the exact one (cut at -12)");
        r.figure(ls, "closure_shift", "Learned log-ratios of the shifted signals (alpha_shift = +-1) to the nominal one against "
                + "the exact ones, within 4 widths of the peak");
        List<List<String>> tr = new ArrayList<>();
        for (TrainingReport.EnsembleResult e : training.ensembles()) {
            tr.add(List.of(e.name(), RunReport.format(e.normalisation().value()), RunReport.format(e.normalisation().error()),
                    RunReport.format(e.worstClosureChi2PerNdf()), dir.getParent().relativize(e.diagnostics()).toString()));
        }
        r.table(List.of("ensemble", "sum_B w r (holdout)", "error", "closure chi2/ndf", "diagnostics"), tr);
        return r.write();
    }
}
