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
import org.ratiofit.validation.coverage.ProfileCoverage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ratiofit coverage}: the frequentist coverage of an interval method at a truth point. */
@Command(name = "coverage", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Coverage of an interval method at a truth point, from pseudo-experiments.",
        description = {
            "Draws --toys pseudo-experiments from the workspace at the truth point (--truth NAME=VALUE; parameters not named",
            "stay at their start values) and counts how often the interval of the parameter of interest holds the truth,",
            "with the binomial error, for --method minos (MIGRAD + HESSE + MINOS at 68.3%% and 95.4%%) or neyman (the",
            "Feldman-Cousins belt at the truth from --belt-toys further pseudo-experiments, beside the asymptotic",
            "chi-square cut on the same statistic). The workspace's unbinned channels need their reference events."},
        footer = {"", "Examples:",
            "  ratiofit coverage my-workspace --truth mu=1 --toys 1000 --method minos",
            "  ratiofit coverage my-workspace --truth mu=0.1 --toys 1000 --method neyman --belt-toys 2000 --json"})
public final class CoverageCommand implements Callable<Integer> {

    @Mixin
    WorkspaceOptions workspace;

    @Option(names = "--truth", paramLabel = "NAME=VALUE", split = ",", required = true,
            description = "The true point (repeatable or comma-separated); it must name the parameter of interest.")
    Map<String, Double> truth = new LinkedHashMap<>();

    @Option(names = "--method", paramLabel = "minos|neyman", defaultValue = "minos",
            description = "Interval method: minos or neyman (scan and posterior: not yet). Default: ${DEFAULT-VALUE}.")
    String method;

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
        if (!m.equals("minos") && !m.equals("neyman")) {
            throw new CommandLine.ParameterException(cl, "--method must be minos or neyman, got '" + method + "'"
                    + (m.equals("scan") || m.equals("posterior") ? " (" + m + " is not implemented yet)" : ""));
        }
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
            if (m.equals("minos")) {
                ProfileCoverage.Result r;
                try (Progress p = Progress.start(!output.json, "coverage toys", toys.toys)) {
                    r = ProfileCoverage.run("workspace " + workspace.workspace, toyModel, point, toys.toys, seed, threads, maxDeviation, p::stepTo);
                }
                out.paragraph("ratiofit coverage " + workspace.workspace + ": MINOS intervals of " + poiName + " at the truth "
                        + truth + ", " + toys.toys + " toys (" + r.validToys() + " valid), seed " + seed);
                List<List<String>> rows = new ArrayList<>();
                for (int l = 0; l < r.nominal().length; l++) {
                    rows.add(List.of(Output.num4(r.nominal()[l]), Output.num4(r.coverage()[l]) + " +- " + Output.num4(r.binomialError()[l]),
                            String.format(java.util.Locale.ROOT, "%+.2f", r.deviation()[l]), Output.num4(r.coverageAllToys()[l]),
                            String.format(java.util.Locale.ROOT, "%+.2f", r.deviationAllToys()[l])));
                }
                out.table(List.of("nominal", "coverage (valid toys)", "deviation / error", "coverage (all toys)", "deviation / error"), rows);
                out.paragraph("valid toys: " + r.validToys() + " of " + r.toys() + "; 'all toys' counts the " + r.invalidToys()
                        + " toys whose fit or MINOS failed as not covering, the other columns leave them out");
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
}
