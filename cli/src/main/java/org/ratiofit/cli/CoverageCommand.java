package org.ratiofit.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ratiofit.likelihood.Model;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.profile.TestStatistic;
import org.ratiofit.samplers.toys.FitSettings;
import org.ratiofit.samplers.toys.NeymanCoverage;
import org.ratiofit.samplers.toys.ToyRunner;
import org.ratiofit.validation.coverage.IntervalMethod;
import org.ratiofit.validation.coverage.MinosIntervals;
import org.ratiofit.validation.coverage.PosteriorIntervals;
import org.ratiofit.validation.coverage.ProfileCoverage;
import org.ratiofit.validation.coverage.ScanIntervals;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ratiofit coverage}: the frequentist coverage of an interval method at a truth point. */
@Command(name = "coverage", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Coverage of an interval method at a truth point, from pseudo-experiments.",
        description = {
            "Draws --toys pseudo-experiments from the workspace at the truth point (--truth",
            "NAME=VALUE; parameters not named stay at their start values) and counts how",
            "often the interval of the parameter of interest holds the truth, with the",
            "binomial error, for --method minos (MIGRAD + HESSE + MINOS at 68.3%% and",
            "95.4%%), scan (the profile-likelihood interval where t_mu = -2 ln lambda(mu),",
            "scanned over --grid, crosses 1 and 4, interpolated between grid points; an",
            "interval that runs off the grid makes its toy invalid), neyman (the",
            "Feldman-Cousins belt at the truth from --belt-toys further pseudo-experiments,",
            "beside the asymptotic chi-square cut on the same statistic) or posterior (the",
            "central 68.3%% and 95.4%% credible intervals from NUTS draws of each toy, flat",
            "prior on the parameter of interest inside its bounds, constraints as in the",
            "model: the frequentist coverage of a Bayesian interval). Toys whose fit, scan",
            "or sampling fails are left out and, in a second column, counted as not",
            "covering. The workspace's unbinned channels need their reference events."},
        footer = {"", "Examples:",
            "  ratiofit coverage my-workspace --truth mu=1 --toys 1000 --method minos",
            "  ratiofit coverage my-workspace --truth mu=1 --toys 1000 --method scan --grid -1:3:41",
            "  ratiofit coverage my-workspace --truth mu=1 --toys 200 --method posterior --warmup 300 --draws 300",
            "  ratiofit coverage my-workspace --truth mu=0.1 --toys 1000 --method neyman --belt-toys 2000 --json"})
public final class CoverageCommand implements Callable<Integer> {

    @Mixin
    WorkspaceOptions workspace;

    @Option(names = "--truth", paramLabel = "NAME=VALUE", split = ",", required = true,
            description = "The true point (repeatable or comma-separated); it must name the parameter of interest.")
    Map<String, Double> truth = new LinkedHashMap<>();

    @Option(names = "--method", paramLabel = "minos|scan|neyman|posterior", defaultValue = "minos",
            description = "Interval method: minos, scan, neyman or posterior. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--grid", paramLabel = "FROM:TO:N",
            description = "With --method scan: the scanned values of the parameter of interest; it must contain the truth "
                    + "(default: the truth +- 6 HESSE errors of the Asimov fit at the truth, inside the bounds, 49 points).")
    String grid;

    @Option(names = "--chains", paramLabel = "N", description = "With --method posterior: NUTS chains per toy. Default: 1.")
    Integer chains;

    @Option(names = "--warmup", paramLabel = "N", description = "With --method posterior: warm-up iterations per chain. Default: 300.")
    Integer warmup;

    @Option(names = "--draws", paramLabel = "N", description = "With --method posterior: kept draws per chain. Default: 300.")
    Integer draws;

    @Option(names = "--belt-toys", paramLabel = "N",
            description = "With --method neyman: pseudo-experiments of the belt (default: twice --toys).")
    Integer beltToys;

    @Option(names = "--cl", paramLabel = "LEVEL", split = ",", defaultValue = "1sigma,2sigma", converter = Levels.Converter.class,
            description = "With --method neyman: confidence levels. Default: ${DEFAULT-VALUE}.")
    List<ConfidenceLevel> levels;

    @Option(names = "--physical-boundary", description = "With --method neyman: order by t~_mu instead of t_mu.")
    boolean physicalBoundary;

    @Option(names = "--max-deviation", paramLabel = "SIGMAS", defaultValue = "3",
            description = "Exit code 3 when a coverage lies further than this many binomial errors from nominal. Default: ${DEFAULT-VALUE}.")
    double maxDeviation;

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
        if (toys.toys == null) {
            throw new CommandLine.ParameterException(cl, "coverage needs --toys N");
        }
        if (toys.toyRange != null || toys.saveToys != null) {
            throw new CommandLine.ParameterException(cl, "coverage runs whole studies: --toy-range and --save-toys do not apply");
        }
        toys.range(cl);
        long seed = toys.seed(cl);
        FitSettings fit = ToyRun.fitSettings(cl, minimiser);
        String m = method.trim().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("minos", "scan", "neyman", "posterior").contains(m)) {
            throw new CommandLine.ParameterException(cl, "--method must be minos, scan, neyman or posterior, got '" + method + "'");
        }
        if (grid != null && !m.equals("scan")) {
            throw new CommandLine.ParameterException(cl, "--grid applies to --method scan, not " + m);
        }
        if ((chains != null || warmup != null || draws != null) && !m.equals("posterior")) {
            throw new CommandLine.ParameterException(cl, "--chains, --warmup and --draws apply to --method posterior, not " + m);
        }
        if (chains != null && chains < 1) {
            throw new CommandLine.ParameterException(cl, "--chains must be at least 1, got " + chains);
        }
        if (warmup != null && warmup < 0) {
            throw new CommandLine.ParameterException(cl, "--warmup must be at least 0, got " + warmup);
        }
        if (draws != null && draws < 2) {
            throw new CommandLine.ParameterException(cl, "--draws must be at least 2, got " + draws);
        }
        if (toys.master != null && !m.equals("neyman")) {
            throw new CommandLine.ParameterException(cl, "--master runs the toys of --method neyman on Spark; --method " + m
                    + " runs on this machine's --threads");
        }
        double[] scanGrid = grid == null ? null : ToyOptions.grid(cl, "--grid", grid);
        if (beltToys != null && beltToys < 1) {
            throw new CommandLine.ParameterException(cl, "--belt-toys must be at least 1, got " + beltToys);
        }
        Model model = workspace.load(cl);
        try {
            int poi = WorkspaceOptions.freeParameterOfInterest(cl, model, "there is no interval to cover");
            double[] point = model.initialValues();
            for (Map.Entry<String, Double> e : truth.entrySet()) {
                int i = model.parameterNames().indexOf(e.getKey());
                if (i < 0) {
                    throw new CommandLine.ParameterException(cl, "--truth: unknown parameter '" + e.getKey() + "'; the workspace has "
                            + model.parameterNames());
                }
                var p = model.parameters().get(i);
                if (!(e.getValue() >= p.lower() && e.getValue() <= p.upper())) {
                    throw new CommandLine.ParameterException(cl, "--truth " + e.getKey() + "=" + e.getValue() + " lies outside its bounds ["
                            + p.lower() + ", " + p.upper() + "]");
                }
                point[i] = e.getValue();
            }
            String poiName = model.parameterNames().get(poi);
            if (!truth.containsKey(poiName)) {
                throw new CommandLine.ParameterException(cl, "--truth must give the parameter of interest, e.g. " + poiName + "=1");
            }
            Model toyModel = ToyRun.toyModel(cl, model);
            Output out = new Output(cl.getOut(), output, "ratiofit coverage " + workspace.workspace);
            int threads = workspace.threads != null ? workspace.threads : Runtime.getRuntime().availableProcessors();
            Map<String, Object> json = Output.result("coverage", workspace.workspace);
            json.put("method", m);
            boolean passed;
            if (!m.equals("neyman")) {
                IntervalMethod im = switch (m) {
                    case "scan" -> new ScanIntervals(scanGrid != null ? checkedGrid(cl, model, poi, scanGrid, point[poi])
                            : defaultGrid(model, poi, point));
                    case "posterior" -> new PosteriorIntervals(chains != null ? chains : 1, warmup != null ? warmup : 300,
                            draws != null ? draws : 300);
                    default -> new MinosIntervals();
                };
                ProfileCoverage.Result r;
                try (Progress p = Progress.start(!output.json, "coverage toys", toys.toys)) {
                    r = ProfileCoverage.run("workspace " + workspace.workspace, toyModel, point, toys.toys, seed, threads, maxDeviation,
                            p::stepTo, im);
                }
                out.paragraph("ratiofit coverage " + workspace.workspace + ": " + im.describe() + " of " + poiName + " at the truth "
                        + truth + ", " + toys.toys + " toys (" + r.validToys() + " valid), seed " + seed);
                List<List<String>> rows = new ArrayList<>();
                for (int l = 0; l < r.nominal().length; l++) {
                    rows.add(List.of(Output.num4(r.nominal()[l]), Output.num4(r.coverage()[l]) + " +- " + Output.num4(r.binomialError()[l]),
                            String.format(java.util.Locale.ROOT, "%+.2f", r.deviation()[l]), Output.num4(r.coverageAllToys()[l]),
                            String.format(java.util.Locale.ROOT, "%+.2f", r.deviationAllToys()[l])));
                }
                out.table(List.of("nominal", "coverage (valid toys)", "deviation / error", "coverage (all toys)", "deviation / error"), rows);
                StringBuilder why = new StringBuilder();
                r.invalidReasons().forEach((k, v) -> why.append(why.length() == 0 ? " (" : ", ").append(v).append(": ").append(k));
                if (why.length() > 0) {
                    why.append(')');
                }
                out.paragraph("valid toys: " + r.validToys() + " of " + r.toys() + "; 'all toys' counts the " + r.invalidToys()
                        + " toys whose " + failureNoun(m) + " failed" + why + " as not covering, the other columns leave them out");
                if (r.invalidReasons().containsKey(ScanIntervals.OFF_GRID)) {
                    out.paragraph("warning: " + r.invalidReasons().get(ScanIntervals.OFF_GRID) + " toys have an interval that runs "
                            + "off the grid; widen --grid (toys left out this way are mostly the ones far from the truth)");
                }
                if (m.equals("posterior")) {
                    out.paragraph("posterior coverage is a frequentist property of a Bayesian interval: nothing requires it to be "
                            + "nominal (a flat prior on a Gaussian likelihood makes it the profile interval; elsewhere it may differ); "
                            + r.divergentTransitions() + " divergent NUTS transitions over all toys");
                }
                json.put("coverage", r);
                passed = r.passed();
            } else {
                int nb = beltToys != null ? beltToys : 2 * toys.toys;
                double[] lv = levels.stream().mapToDouble(ConfidenceLevel::probability).toArray();
                TestStatistic ts = physicalBoundary ? TestStatistic.T_TILDE_MU : TestStatistic.T_MU;
                NeymanCoverage.Result r;
                try (ToyRunner runner = ToyRun.runner(cl, workspace, toys, toyModel);
                     Progress p = Progress.start(!output.json, "coverage toys (" + runner.describe() + ")", 2L * Math.max(nb, toys.toys))) {
                    r = NeymanCoverage.run(toyModel, runner, fit, ts, point, lv, nb, toys.toys, seed, p::stepTo);
                }
                out.paragraph("ratiofit coverage " + workspace.workspace + ": Neyman (" + Statistics.name(ts) + " ordering) and asymptotic "
                        + "intervals of " + poiName + " at the truth " + truth + ", " + toys.toys + " toys (" + r.validToys()
                        + " valid), belt from " + nb + " toys, seed " + seed);
                List<List<String>> rows = new ArrayList<>();
                passed = true;
                for (int l = 0; l < lv.length; l++) {
                    rows.add(List.of(Output.num4(lv[l]), Output.num4(r.coverage()[l]) + " +- " + Output.num4(r.binomialError()[l]),
                            String.format(java.util.Locale.ROOT, "%+.2f", r.deviation()[l]),
                            Output.num4(r.asymptoticCoverage()[l]), String.format(java.util.Locale.ROOT, "%+.2f", r.asymptoticDeviation()[l]),
                            Output.num4(r.criticalValues()[l])));
                    passed &= Math.abs(r.deviation()[l]) <= maxDeviation;
                }
                out.table(List.of("nominal", "Neyman coverage", "dev. / error", "asymptotic coverage", "dev. / error", "q_c (toys)"), rows);
                if (r.validToys() < r.coverageToys()) {
                    StringBuilder all = new StringBuilder();
                    for (int l = 0; l < lv.length; l++) {
                        all.append(l == 0 ? "" : ", ").append(Output.num4(r.coverageAllToys()[l]))
                                .append(String.format(java.util.Locale.ROOT, " (%+.2f)", r.deviationAllToys()[l]));
                    }
                    out.paragraph((r.coverageToys() - r.validToys()) + " of " + r.coverageToys() + " coverage toys failed and are left out "
                            + "above; counted as not covering, the Neyman coverage is " + all);
                }
                json.put("coverage", r);
            }
            out.finish(json);
            return passed ? 0 : 3;
        } finally {
            workspace.close();
        }
    }

    private static String failureNoun(String method) {
        return switch (method) {
            case "scan" -> "fit or scan";
            case "posterior" -> "sampling";
            default -> "fit or MINOS";
        };
    }

    /** A --grid checked against the bounds of the parameter of interest and the truth. */
    private double[] checkedGrid(CommandLine cl, Model model, int poi, double[] g, double mu) {
        var p = model.parameters().get(poi);
        if (g[0] < p.lower() || g[g.length - 1] > p.upper()) {
            throw new CommandLine.ParameterException(cl, "--grid " + grid + " leaves the bounds of '" + p.name() + "' [" + p.lower()
                    + ", " + p.upper() + "]");
        }
        if (!(g[0] <= mu && mu <= g[g.length - 1])) {
            throw new CommandLine.ParameterException(cl, "--grid " + grid + " does not contain the truth " + p.name() + "=" + mu
                    + ": every toy's interval would be judged on a grid without the value it must cover");
        }
        return g;
    }

    /** The truth +- 6 HESSE errors of the Asimov fit at the truth, inside the bounds, 49 points. */
    private static double[] defaultGrid(Model model, int poi, double[] point) {
        var p = model.parameters().get(poi);
        double err;
        try {
            var asimov = model.asimov(point);
            var fit = org.ratiofit.samplers.fit.Migrad.builder().tolerance(0.01).build().minimise(asimov);
            err = org.ratiofit.samplers.fit.Hesse.compute(asimov, fit, 1, true).errors()[poi];
        } catch (RuntimeException e) {
            err = Double.NaN;
        }
        if (!(err > 0) || !Double.isFinite(err)) {
            err = Math.max(p.step(), 1e-3 * Math.max(1, Math.abs(point[poi])));
        }
        double lo = Math.max(p.lower(), point[poi] - 6 * err);
        double hi = Math.min(p.upper(), point[poi] + 6 * err);
        double[] g = new double[49];
        for (int i = 0; i < g.length; i++) {
            g[i] = lo + (hi - lo) * i / (g.length - 1);
        }
        return g;
    }
}
