package org.ratiofit.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ratiofit.likelihood.Model;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.profile.HypoTestResult;
import org.ratiofit.samplers.profile.HypoTests;
import org.ratiofit.samplers.profile.LimitResult;
import org.ratiofit.samplers.profile.TestStatistic;
import org.ratiofit.validation.report.Plots;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ratiofit limit}: asymptotic CLs upper limit on the parameter of interest. */
@Command(name = "limit", mixinStandardHelpOptions = true, sortOptions = false,
        header = "CLs upper limit on the signal strength, with expected bands.",
        description = {
            "CLs upper limit on the parameter of interest (signal strength) from the asymptotic formulae",
            "(Cowan, Cranmer, Gross, Vitells), observed and expected with the +-1 and +-2 sigma bands from the",
            "background-only Asimov data set. The workspace's unbinned channels need their reference events."},
        footer = {"", "Examples:",
            "  ratiofit limit my-workspace",
            "  ratiofit limit my-workspace --cl 0.9 --statistic q --report limit-report",
            "  ratiofit limit my-workspace --toys 1000 --grid 0.2:3:15 --seed 7 --report toy-limit",
            "  ratiofit limit my-workspace --toys 1000 --grid 0.2:3:15 --toy-range 0:250 --save-toys part0.json"})
public final class LimitCommand implements Callable<Integer> {

    @Mixin
    WorkspaceOptions workspace;

    @Option(names = "--cl", paramLabel = "LEVEL", defaultValue = "0.95", converter = Levels.Converter.class,
            description = "Confidence level of the limit (CLs = 1 - LEVEL at the limit). Default: ${DEFAULT-VALUE}.")
    ConfidenceLevel level;

    @Option(names = "--statistic", paramLabel = "qtilde|q", defaultValue = "qtilde", converter = Statistics.Converter.class,
            description = "Test statistic: qtilde (q~_mu, signal strength >= 0) or q (q_mu). Default: ${DEFAULT-VALUE}.")
    TestStatistic statistic;

    @Option(names = "--mu-max", paramLabel = "MU",
            description = "Upper end of the first search interval, doubled until it brackets the limit "
                    + "(default: best fit + 5 HESSE errors, inside the bounds).")
    Double muMax;

    @Option(names = "--at", paramLabel = "MU",
            description = "Test one value of the parameter of interest instead of searching for the limit: CLs observed and "
                    + "the expected band at MU (as pyhf's hypotest).")
    Double at;

    @Option(names = "--plot-points", paramLabel = "N", defaultValue = "21",
            description = "Points of the CLs-versus-mu curve drawn with --report or --plots (0: no curve). Default: ${DEFAULT-VALUE}.")
    int plotPoints;

    @Option(names = "--grid", paramLabel = "FROM:TO:N",
            description = "With --toys: the tested values of the parameter of interest; the limit is interpolated between them.")
    String grid;

    @Option(names = "--refine", paramLabel = "N", defaultValue = "0",
            description = "With --toys: halve the grid interval holding the observed limit N times, each midpoint with its own toys.")
    int refine;

    @Mixin
    ToyOptions toys;

    @Mixin
    MinimiserOptions minimiser;

    @Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        Migrad migrad = minimiser.migrad(cl, MinimiserOptions.DEFAULT_TOLERANCE);
        if (plotPoints != 0 && (plotPoints < 2 || plotPoints > 10_000)) {
            throw new CommandLine.ParameterException(cl, "--plot-points must be 0 or lie in [2, 10000], got " + plotPoints);
        }
        Model model = workspace.load(cl);
        try {
            int poi = WorkspaceOptions.freeParameterOfInterest(cl, model, "there is nothing to limit");
            ParameterSpec p = model.parameters().get(poi);
            if (muMax != null && !(muMax > 0 && muMax <= p.upper())) {
                throw new CommandLine.ParameterException(cl, "--mu-max must lie in (0, " + p.upper() + "] (the upper bound of '"
                        + p.name() + "'), got " + muMax);
            }
            if (toys.requested()) {
                return ToyCommands.limit(cl, workspace, toys, minimiser, output, model, statistic, level.probability(), grid, refine);
            }
            if (at != null && !(at >= p.lower() && at <= p.upper())) {
                throw new CommandLine.ParameterException(cl, "--at " + at + ": outside the bounds of '" + p.name() + "' ["
                        + p.lower() + ", " + p.upper() + "]");
            }
            FitLog fits = new FitLog(migrad);
            org.ratiofit.samplers.profile.Asymptotics.boundedPoiWarning(statistic, p).ifPresent(fits::warn);
            HypoTests tests = new HypoTests(fits.minimiser);
            if (at != null) {
                return testAt(cl, model, tests, fits, poi);
            }
            Output out = new Output(cl.getOut(), output, "ratiofit limit " + workspace.workspace, workspace.workspace);
            LimitResult limit;
            FitResult best;
            List<HypoTestResult> curve = new ArrayList<>();
            org.ratiofit.samplers.profile.AsimovClosure closure;
            try (Progress progress = Progress.start(!output.json, "limit (likelihood evaluations)", -1)) {
                StatisticalModel counted = new CountingModel(model, progress);
                best = Hesse.compute(counted, tests.fit(counted), minimiser.strategy, true);
                double hi = muMax != null ? muMax : defaultMuMax(best, poi, p);
                // the limit and the plotted curve on the best fit and one set of conditional fits
                HypoTests.Context ctx = tests.context(counted, best);
                limit = tests.upperLimit(ctx, statistic, level.probability(), hi);
                closure = tests.asimovClosure(counted, 0);
                if (out.plotting() && plotPoints > 0) {
                    double top = 1.3 * Math.max(limit.observed(), limit.expected()[4]);
                    top = Math.min(top, p.upper());
                    for (int i = 1; i <= plotPoints; i++) {
                        curve.add(tests.test(ctx, statistic, top * i / plotPoints));
                    }
                }
            }
            String poiName = p.name();
            out.paragraph("ratiofit limit " + workspace.workspace + ": CLs upper limit on " + poiName + " at "
                    + Levels.label(level) + " CL, test statistic " + Statistics.name(statistic) + ", asymptotic; best fit "
                    + poiName + " = " + Output.plain(best.values()[poi]) + " +- " + Output.num4(best.errors()[poi]));
            String[] bands = {"expected -2 sigma", "expected -1 sigma", "expected (median)", "expected +1 sigma", "expected +2 sigma"};
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("observed", Output.num(limit.observed())));
            for (int k = 0; k < 5; k++) {
                rows.add(List.of(bands[k], Output.num(limit.expected()[k])));
            }
            out.table(List.of("", poiName + " upper limit" + fits.mark()), rows);
            fits.report(out);
            AsimovCheck.report(out, closure);
            if (!curve.isEmpty()) {
                plot(out, poiName, limit, curve);
            }
            Map<String, Object> json = Output.result("limit", workspace.workspace);
            json.put("fit", best);
            json.put("limit", limit);
            json.put("fits", fits.json());
            json.put("asimovClosure", closure);
            if (!curve.isEmpty()) {
                json.put("clsCurve", curve);
            }
            out.finish(json);
            return fits.exitCode(best.status().validMinimum() ? 0 : 3);
        } finally {
            workspace.close();
        }
    }

    /** {@code --at MU}: CLs+b, CLb, CLs and the expected band at one value, no limit search. */
    private int testAt(CommandLine cl, Model model, HypoTests tests, FitLog fits, int poi) throws IOException {
        Output out = new Output(cl.getOut(), output, "ratiofit limit " + workspace.workspace);
        HypoTestResult r;
        try (Progress progress = Progress.start(!output.json, "hypothesis test (likelihood evaluations)", -1)) {
            r = tests.test(new CountingModel(model, progress), statistic, at);
        }
        String poiName = model.parameters().get(poi).name();
        out.paragraph("ratiofit limit " + workspace.workspace + ": hypothesis test of " + poiName + " = " + Output.plain(at)
                + ", test statistic " + Statistics.name(statistic) + ", asymptotic; best fit " + poiName + " = " + Output.plain(r.muHat()));
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("CLs observed", Output.num(r.cls())));
        rows.add(List.of("CLs+b", Output.num(r.clsb())));
        rows.add(List.of("CLb", Output.num(r.clb())));
        String[] bands = {"CLs expected -2 sigma", "CLs expected -1 sigma", "CLs expected (median)", "CLs expected +1 sigma",
            "CLs expected +2 sigma"};
        for (int k = 0; k < 5; k++) {
            rows.add(List.of(bands[k], Output.num(r.expectedCls()[k])));
        }
        rows.add(List.of("q (observed)", Output.num(r.q())));
        rows.add(List.of("q (Asimov)", Output.num(r.qAsimov())));
        out.table(List.of("", "at " + poiName + " = " + Output.plain(at) + fits.mark()), rows);
        fits.report(out);
        Map<String, Object> json = Output.result("limit", workspace.workspace);
        json.put("hypoTest", r);
        json.put("fits", fits.json());
        out.finish(json);
        return fits.exitCode(0);
    }

    static double defaultMuMax(FitResult best, int poi, ParameterSpec p) {
        double e = best.errors()[poi] > 0 && Double.isFinite(best.errors()[poi]) ? best.errors()[poi] : p.step();
        double hi = Math.max(best.values()[poi], 0) + 5 * e;
        return Math.min(hi, p.upper());
    }

    private void plot(Output out, String poiName, LimitResult limit, List<HypoTestResult> curve) throws IOException {
        int n = curve.size();
        double[] mu = new double[n];
        double[] obs = new double[n];
        double[][] exp = new double[5][n];
        for (int i = 0; i < n; i++) {
            HypoTestResult t = curve.get(i);
            mu[i] = t.mu();
            obs[i] = t.cls();
            for (int k = 0; k < 5; k++) {
                exp[k][i] = t.expectedCls()[k];
            }
        }
        XYChart c = Output.chart("CLs versus " + poiName, poiName, "CLs");
        String[] names = {"expected -2 sigma", "expected -1 sigma", "expected median", "expected +1 sigma", "expected +2 sigma"};
        java.awt.Color[] colours = {new java.awt.Color(230, 190, 40), new java.awt.Color(60, 170, 60), java.awt.Color.DARK_GRAY,
            new java.awt.Color(60, 170, 60), new java.awt.Color(230, 190, 40)};
        for (int k = 0; k < 5; k++) {
            XYSeries s = Plots.line(c, names[k], mu, exp[k]);
            if (k == 2) {
                s.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                        10f, new float[] {6f, 4f}, 0f));
            }
            s.setLineColor(colours[k]);
        }
        XYSeries o = c.addSeries("observed", mu, obs);
        o.setMarker(SeriesMarkers.CIRCLE);
        o.setLineColor(java.awt.Color.BLACK);
        o.setMarkerColor(java.awt.Color.BLACK);
        Plots.horizontal(c, "CLs = " + Output.num4(1 - limit.confidenceLevel()), 1 - limit.confidenceLevel(), 0, mu[n - 1]);
        out.figure(c, "cls_" + ScanCommand.safe(poiName), "CLs versus " + poiName + ": observed, expected median and the "
                + "+-1, +-2 sigma bands; the limit is where CLs falls to " + Output.num4(1 - limit.confidenceLevel()));
    }
}
