package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.ratiofit.io.OutputGuard;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.nuts.NutsSampler;
import org.ratiofit.samplers.nuts.NutsSettings;
import org.ratiofit.samplers.nuts.PosteriorDensity;
import org.ratiofit.samplers.nuts.Prior;
import org.ratiofit.samplers.nuts.diagnostics.ParameterSummary;
import org.ratiofit.samplers.nuts.diagnostics.PosteriorSummary;
import org.ratiofit.validation.report.Histogram;
import org.ratiofit.validation.report.Plots;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ratiofit sample}: posterior draws with NUTS. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Sample the posterior of a workspace with NUTS.",
        description = {
            "Sample the posterior of a workspace's parameters with NUTS (Stan's warm-up and defaults):",
            "log p = -(-ln L) + log prior. Writes one CmdStan-layout CSV per chain (--out) and prints the",
            "summary (mean, sd, MCSE, 5/50/95%% quantiles, R-hat, bulk and tail ESS) with the sampler's",
            "diagnostics. Constrained nuisance parameters carry their constraint in the likelihood; the",
            "other parameters have flat priors inside their bounds unless --prior says otherwise."},
        footer = {"", "Examples:",
            "  ratiofit sample my-workspace --out draws --chains 4 --warmup 1000 --draws 1000 --seed 1",
            "  ratiofit sample my-workspace --prior mu=uniform(0,5) --report posterior-report",
            "Priors: flat, uniform(A,B), normal(M,S), truncnormal(M,S,A,B), lognormal(M,S)."})
public final class SampleCommand implements Callable<Integer> {

    @Mixin
    WorkspaceOptions workspace;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write the draws of each chain as CmdStan CSV: DIR/posterior_<chain>.csv.")
    Path out;

    @Option(names = "--chains", paramLabel = "N", defaultValue = "4", description = "Chains. Default: ${DEFAULT-VALUE}.")
    int chains;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1000", description = "Warm-up iterations per chain. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--draws", paramLabel = "N", defaultValue = "1000", description = "Kept draws per chain. Default: ${DEFAULT-VALUE}.")
    int draws;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed; chain c draws from a stream of (seed, c) only, so a seed replays whatever the threads. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--chain-threads", paramLabel = "N",
            description = "Chains run at once (default: as many as there are cores).")
    Integer chainThreads;

    @Option(names = "--prior", paramLabel = "NAME=PRIOR", split = ";",
            description = "Prior of a parameter that has no constraint term: flat, uniform(A,B), normal(M,S), "
                    + "truncnormal(M,S,A,B) or lognormal(M,S). Repeatable.")
    Map<String, String> priors = new LinkedHashMap<>();

    @Option(names = "--metric", paramLabel = "unit|diag|dense", defaultValue = "diag",
            description = "Euclidean metric adapted in warm-up. Default: ${DEFAULT-VALUE}.")
    String metric;

    @Option(names = "--max-depth", paramLabel = "N", defaultValue = "10", description = "Maximum tree depth. Default: ${DEFAULT-VALUE}.")
    int maxDepth;

    @Option(names = "--adapt-delta", paramLabel = "D", defaultValue = "0.8",
            description = "Target acceptance statistic of the step-size adaptation. Default: ${DEFAULT-VALUE}.")
    double adaptDelta;

    @Option(names = "--max-pairs", paramLabel = "N", defaultValue = "6",
            description = "Pairwise scatter plots for the first N sampled parameters (with --report or --plots). Default: ${DEFAULT-VALUE}.")
    int maxPairs;

    @Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        NutsSettings settings = settings(cl);
        org.ratiofit.objective.StatisticalModel model = workspace.loadModel(cl);
        try {
            Map<String, Prior> pr = priors(cl, model);
            Output o = new Output(cl.getOut(), output, "ratiofit sample " + workspace.workspace, workspace.workspace);
            if (out != null) {
                // before the sampling: an unusable --out folder fails now, not after all the work
                OutputGuard.check("--out", out, OutputGuard.Kind.DRAWS, false, List.of(workspace.workspace));
            }
            NutsResult r = sample(model, pr, settings, !output.json);
            List<Path> csv = List.of();
            IOException writeFailure = null;
            if (out != null) {
                try {
                    csv = r.writeCsv(OutputGuard.prepare("--out", out, OutputGuard.Kind.DRAWS, List.of(workspace.workspace)), "posterior");
                } catch (IOException | java.io.UncheckedIOException e) {
                    // the summary is still printed: the sampling is not lost with the files
                    writeFailure = e instanceof java.io.UncheckedIOException u ? u.getCause() : (IOException) e;
                }
            }
            PosteriorSummary s = r.summary();
            report(o, r, s, pr, csv);
            Map<String, Object> json = Output.result("sample", workspace.workspace);
            json.put("settings", settings);
            Map<String, String> priorNames = new LinkedHashMap<>();
            pr.forEach((k, v) -> priorNames.put(k, describe(v)));
            json.put("priors", priorNames);
            json.put("summary", s);
            json.put("seconds", r.seconds());
            if (!csv.isEmpty()) {
                json.put("csv", csv.stream().map(Path::toString).toList());
            }
            o.finish(json);
            if (writeFailure != null) {
                throw writeFailure;
            }
            return s.warnings().isEmpty() ? 0 : 3;
        } finally {
            workspace.close();
        }
    }

    /**
     * The sampling step of {@code ratiofit sample} (and of the demo): NUTS chains started at a
     * MIGRAD fit's minimum (cheap next to the sampling), with a progress bar on standard error
     * when {@code progress}.
     */
    static NutsResult sample(org.ratiofit.objective.StatisticalModel model, Map<String, Prior> priors, NutsSettings settings,
                             boolean progress) {
        FitResult start = org.ratiofit.samplers.fit.Migrad.defaults().minimise(model);
        org.ratiofit.objective.StatisticalModel from = WorkspaceOptions.withInitial(model, start.values());
        long total = (long) settings.getChains() * (settings.getWarmup() + settings.getSamples());
        try (Progress p = Progress.start(progress, "NUTS " + settings.getChains() + " chains", total)) {
            return NutsSampler.sample(new PosteriorDensity(from, priors), settings, (done, all) -> p.stepTo(done));
        }
    }

    private NutsSettings settings(CommandLine cl) {
        if (chains < 1 || warmup < 0 || draws < 1 || maxDepth < 1 || (chainThreads != null && chainThreads < 1)) {
            throw new CommandLine.ParameterException(cl, "--chains, --draws, --max-depth and --chain-threads must be "
                    + "at least 1 and --warmup at least 0");
        }
        if (!(adaptDelta > 0 && adaptDelta < 1)) {
            throw new CommandLine.ParameterException(cl, "--adapt-delta must lie in (0, 1), got " + adaptDelta);
        }
        NutsSettings.Metric m = switch (metric.toLowerCase(Locale.ROOT)) {
            case "unit" -> NutsSettings.Metric.UNIT;
            case "diag", "diagonal" -> NutsSettings.Metric.DIAGONAL;
            case "dense" -> NutsSettings.Metric.DENSE;
            default -> throw new CommandLine.ParameterException(cl, "--metric must be unit, diag or dense, got '" + metric + "'");
        };
        NutsSettings s = NutsSettings.defaults().chains(chains).warmup(warmup).samples(draws).seed(seed).maxDepth(maxDepth)
                .delta(adaptDelta).metric(m).quiet(true);
        if (chainThreads != null) {
            s.threads(chainThreads);
        }
        return s;
    }

    private Map<String, Prior> priors(CommandLine cl, org.ratiofit.objective.StatisticalModel model) {
        Map<String, Prior> out = new LinkedHashMap<>();
        List<org.ratiofit.objective.ParameterSpec> params = model.parameters();
        for (Map.Entry<String, String> e : priors.entrySet()) {
            int index = model.parameterNames().indexOf(e.getKey());
            if (index < 0) {
                throw new CommandLine.ParameterException(cl, "--prior: unknown parameter '" + e.getKey() + "'; the workspace has "
                        + model.parameterNames());
            }
            org.ratiofit.objective.ParameterSpec p = params.get(index);
            if (model instanceof Model ws && ws.modelParameters().get(index).kind() == Parameter.Kind.CONSTRAINED) {
                throw new CommandLine.ParameterException(cl, "--prior " + p.name() + ": a constrained nuisance parameter already "
                        + "carries its constraint in the likelihood; a prior would count it twice");
            }
            if (p.fixed()) {
                throw new CommandLine.ParameterException(cl, "--prior " + p.name() + ": the parameter is fixed");
            }
            out.put(p.name(), parse(cl, e.getValue()));
        }
        return out;
    }

    static Prior parse(CommandLine cl, String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([a-z]+)(?:\\((.*)\\))?").matcher(s);
        if (!m.matches()) {
            throw new CommandLine.ParameterException(cl, "--prior: '" + spec + "' is not a prior (flat, uniform(A,B), normal(M,S), "
                    + "truncnormal(M,S,A,B), lognormal(M,S))");
        }
        double[] a;
        try {
            a = m.group(2) == null || m.group(2).isEmpty() ? new double[0]
                    : java.util.Arrays.stream(m.group(2).split(",")).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException ex) {
            throw new CommandLine.ParameterException(cl, "--prior: '" + spec + "': the arguments must be numbers");
        }
        int need = switch (m.group(1)) {
            case "flat" -> 0;
            case "uniform", "normal", "lognormal" -> 2;
            case "truncnormal" -> 4;
            default -> -1;
        };
        if (need < 0 || a.length != need) {
            throw new CommandLine.ParameterException(cl, "--prior: '" + spec + "' is not a prior (flat, uniform(A,B), normal(M,S), "
                    + "truncnormal(M,S,A,B), lognormal(M,S))");
        }
        try {
            return switch (m.group(1)) {
                case "flat" -> Prior.flat();
                case "uniform" -> Prior.uniform(a[0], a[1]);
                case "normal" -> Prior.normal(a[0], a[1]);
                case "lognormal" -> Prior.logNormal(a[0], a[1]);
                default -> Prior.truncatedNormal(a[0], a[1], a[2], a[3]);
            };
        } catch (IllegalArgumentException ex) {
            throw new CommandLine.ParameterException(cl, "--prior: '" + spec + "': " + ex.getMessage());
        }
    }

    /** A prior as --prior spells it: flat, uniform(A,B), normal(M,S), truncnormal(M,S,A,B), lognormal(M,S). */
    static String describe(Prior p) {
        if (p instanceof Prior.Uniform u) {
            return "uniform(" + Output.plain(u.lower()) + "," + Output.plain(u.upper()) + ")";
        }
        if (p instanceof Prior.Normal n) {
            return "normal(" + Output.plain(n.mean()) + "," + Output.plain(n.sigma()) + ")";
        }
        if (p instanceof Prior.TruncatedNormal t) {
            return "truncnormal(" + Output.plain(t.mean()) + "," + Output.plain(t.sigma()) + "," + Output.plain(t.lower()) + ","
                    + Output.plain(t.upper()) + ")";
        }
        if (p instanceof Prior.LogNormal l) {
            return "lognormal(" + Output.plain(l.mu()) + "," + Output.plain(l.sigma()) + ")";
        }
        return "flat";
    }

    private void report(Output o, NutsResult r, PosteriorSummary s, Map<String, Prior> pr, List<Path> csv) throws IOException {
        o.paragraph("ratiofit sample " + workspace.workspace + ": NUTS, " + s.chains() + " chains x " + s.drawsPerChain()
                + " draws after " + warmup + " warm-up iterations, seed " + seed + (pr.isEmpty() ? "; flat priors"
                : "; priors " + String.join(", ", pr.entrySet().stream().map(e -> e.getKey() + " " + describe(e.getValue())).toList())));
        List<List<String>> rows = new ArrayList<>();
        for (ParameterSummary p : s.parameters()) {
            rows.add(List.of(p.name(), Output.num(p.mean()), Output.num4(p.sd()), Output.num4(p.mcseMean()), Output.num(p.q5()),
                    Output.num(p.q50()), Output.num(p.q95()), String.format(Locale.ROOT, "%.4f", p.rhat()),
                    String.format(Locale.ROOT, "%.0f", p.essBulk()), String.format(Locale.ROOT, "%.0f", p.essTail())));
        }
        o.table(List.of("parameter", "mean", "sd", "mcse", "5%", "50%", "95%", "R-hat", "ESS bulk", "ESS tail"), rows);
        o.paragraph(String.format(Locale.ROOT, "%d divergent transitions; %d at the maximum tree depth %d; E-BFMI %s; step sizes %s; "
                        + "%d gradient evaluations in %.2f s", s.divergences(), s.treeDepthSaturated(), s.maxTreeDepth(),
                list(s.ebfmi()), list(s.stepSizes()), s.gradientEvaluations(), r.seconds()));
        for (String w : s.warnings()) {
            o.paragraph("warning: " + w);
        }
        if (!csv.isEmpty()) {
            o.paragraph("draws written to " + csv.get(0).getParent() + " (" + csv.size() + " CSV files, CmdStan layout)");
        }
        if (!o.plotting()) {
            return;
        }
        for (String name : r.names()) {
            double[] x = r.pooled(name);
            Histogram h = Histogram.of(x, null, 50);
            XYChart c = Output.chart("Posterior of " + name, name, "density");
            Plots.histogram(c, "draws (" + x.length + ")", h, true);
            ParameterSummary p = s.parameter(name);
            double top = 0;
            for (double d : h.density()) {
                top = Math.max(top, d);
            }
            Plots.vertical(c, "mean", p.mean(), 0, top);
            o.figure(c, "posterior_" + ScanCommand.safe(name), "Marginal posterior of " + name + " (all chains)");
        }
        int n = Math.min(maxPairs, r.names().size());
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b < n; b++) {
                String x = r.names().get(a);
                String y = r.names().get(b);
                double[] px = thin(r.pooled(x));
                double[] py = thin(r.pooled(y));
                XYChart c = Output.chart("Posterior of (" + x + ", " + y + ")", x, y);
                XYSeries ser = Plots.scatter(c, "draws (" + px.length + " shown)", px, py);
                ser.setMarkerColor(new java.awt.Color(40, 90, 200, 90));
                c.getStyler().setMarkerSize(3);
                o.figure(c, "pair_" + ScanCommand.safe(x) + "_" + ScanCommand.safe(y), "Draws of (" + x + ", " + y + ")");
            }
        }
    }

    /** At most 3000 points, evenly spaced through the draws, so scatter plots stay readable. */
    private static double[] thin(double[] v) {
        int step = Math.max(1, v.length / 3000);
        double[] o = new double[(v.length + step - 1) / step];
        for (int i = 0; i < o.length; i++) {
            o[i] = v[i * step];
        }
        return o;
    }

    private static String list(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3g", v[i]));
        }
        return sb.append(']').toString();
    }
}
