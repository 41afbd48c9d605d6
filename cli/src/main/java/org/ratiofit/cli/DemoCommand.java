package org.ratiofit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.likelihood.Model;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.MinosError;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.nuts.NutsSettings;
import org.ratiofit.samplers.nuts.Prior;
import org.ratiofit.samplers.profile.Scan1D;
import org.ratiofit.workspace.train.TrainingReport;
import org.ratiofit.workspace.train.TrainingSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The built-in end-to-end example: the Gaussian-on-exponential toy from events to a fit, a
 * profile scan and a posterior, through the same steps a user takes (event files, a YAML fit
 * configuration, {@code train}, {@code build}, fit), each result compared with the toy's exact
 * answer. Train, build, fit and MINOS, scan and NUTS run through the step methods of
 * {@link TrainCommand}, {@link BuildCommand}, {@link FitCommand}, {@link ScanCommand} and
 * {@link SampleCommand} with their default settings ({@link MinimiserOptions#defaults()}), so the
 * demo computes what those commands print for its workspace. The toy and its input files are
 * {@link DemoToy}, the exact answers {@link DemoExact}, the comparison and the report
 * {@link DemoReport}; this class tells the story step by step.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Run the built-in end-to-end example and compare it with the exact answers.",
        description = {
            "Run the built-in end-to-end example on the Gaussian-on-exponential toy:",
            "generate events, write the fit configuration, train the ratio ensembles",
            "(DJL), build the workspace, fit mu (MIGRAD, HESSE, MINOS), scan q(mu) with",
            "the stat-only curve, sample the posterior with NUTS, compare every result",
            "with the exact answer of the toy's analytic likelihood, and write an HTML",
            "report with the plots."},
        footer = {"", "Examples:",
            "  ratiofit demo",
            "  ratiofit demo --out /tmp/demo --seed 7",
            "  ratiofit demo --fast --json > demo.json",
            "Exit code 3 when a result differs from the exact answer by more than the",
            "stated tolerance (0.5 errors; 1.5 with --fast)."})
public final class DemoCommand implements Callable<Integer> {

    /** The file that marks a folder as the demo's own, so that a rerun may replace its contents. */
    static final String MARKER = "ratiofit-demo.json";

    /**
     * Largest |ratiofit − exact| / error accepted for every row of the comparison table: the
     * trained ratios' own errors, not the fit's, set it (measured: within 0.07 errors at the
     * default size, within 0.7 with --fast, whose ensembles see 5000 events per sample, except
     * the 95% lower end of the scan at 1.2).
     */
    static final double TOLERANCE = 0.5;
    static final double TOLERANCE_FAST = 1.5;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "ratiofit-demo",
            description = "Work folder for events, configuration, models, workspace and report (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1",
            description = "Seed of the toy data, the training and the sampler (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--events", paramLabel = "N",
            description = "Training events per simulated sample (default 20000; 5000 with --fast).")
    Integer events;

    @Option(names = "--fast", description = "A smaller run: fewer training events, members and epochs, shorter scan and chains.")
    boolean fast;

    @CommandLine.Mixin
    JsonOption.Results jsonOption;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The sizes of one run. */
    record Sizes(int trainingEvents, int members, int epochs, List<Integer> hidden, int batchSize, int scanPoints, int chains, int warmup,
            int draws) {
    }

    private PrintWriter lines;
    private int step;
    private static final int STEPS = 9;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        boolean json = jsonOption.json;
        long t0 = System.nanoTime();
        TrainCommand.quietDjlLog();
        Sizes z = fast
                ? new Sizes(events != null ? events : 5000, 2, 25, List.of(32, 32), 128, 13, 2, 300, 500)
                : new Sizes(events != null ? events : 20000, 3, 30, List.of(32, 32), 256, 25, 4, 500, 1000);
        if (z.trainingEvents() < 500 || z.trainingEvents() > 5_000_000) {
            throw new CommandLine.ParameterException(cl, "--events must lie in [500, 5000000], got " + z.trainingEvents());
        }
        lines = json ? null : cl.getOut();
        Path dir = prepare(out);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("formatVersion", Output.FORMAT_VERSION);
        result.put("command", "demo");
        result.put("out", dir.toString());
        result.put("seed", seed);
        result.put("sizes", z);

        step("generate the Gaussian-on-exponential toy (data at mu = 1, simulated samples)");
        double[] data = DemoToy.TOY.generate(DemoToy.TRUTH, seed);
        DemoToy.writeToy(dir, data, z.trainingEvents(), seed);
        say("  %d data events in [%.0f, %.0f]; %d events in each of signal, background, signal shifted up and down", data.length,
                DemoToy.TOY.config().lo(), DemoToy.TOY.config().hi(), z.trainingEvents());

        step("write the fit configuration " + dir.resolve("fit.yml"));
        Path config = dir.resolve("fit.yml");
        AtomicFiles.writeString(config, DemoToy.configYaml(z));

        step("train the ratio ensembles (" + z.members() + " members, up to " + z.epochs() + " epochs each)");
        TrainingSettings ts = TrainingSettings.fromConfigFile(config, TrainingSettings.defaults()).withSeed(seed);
        TrainingReport training = TrainCommand.train(config, ts, true, !json, lines);
        for (TrainingReport.EnsembleResult e : training.ensembles()) {
            say("  %-24s %s against %s: normalisation sum_B w r = %.4f +- %.4f", e.name(), e.numerator(), e.denominator(),
                    e.normalisation().value(), e.normalisation().error());
        }
        result.put("training", training);

        step("build the workspace " + dir.resolve("workspace"));
        Path wsDir = dir.resolve("workspace");
        org.ratiofit.workspace.build.BuildResult built = BuildCommand.build(config, wsDir, 0, 0, true, !json);
        result.put("build", built);

        Model model = org.ratiofit.likelihood.workspace.WorkspaceReader.readModel(wsDir);
        int mu = model.parameterNames().indexOf("mu");
        step("fit mu: MIGRAD, HESSE, MINOS");
        // the steps and settings of ratiofit fit --minos mu, scan and sample without options
        Migrad migrad = MinimiserOptions.defaults();
        FitResult fit = FitCommand.fit(model, new FitLog(migrad), migrad.strategy()).hesse();
        MinosError minos = FitCommand.minos(model, migrad, fit, List.of("mu"), ConfidenceLevel.sigma(1), !json).get(0);
        say("  mu = %.4f +- %.4f (HESSE), MINOS %+.4f %+.4f", fit.values()[mu], fit.errors()[mu], minos.lower(), minos.upper());

        DemoExact.Exact exact = DemoExact.Exact.of(DemoToy.TOY, data);
        step("scan q(mu), profiled and stat-only");
        double[] grid = ScanCommand.defaultGrid(model, fit, mu, z.scanPoints());
        ScanCommand.Scans scans = ScanCommand.scan1D(model, migrad, fit, "mu", grid, true, !json);
        Scan1D prof = scans.profiled();
        Scan1D stat = scans.statOnly();

        step("sample the posterior with NUTS (" + z.chains() + " chains, " + z.warmup() + " warm-up + " + z.draws() + " draws)");
        Map<String, Prior> priors = Map.of("mu", Prior.uniform(0, 10));
        NutsSettings ns = NutsSettings.defaults().chains(z.chains()).warmup(z.warmup()).samples(z.draws()).seed(seed).quiet(true);
        NutsResult nuts = SampleCommand.sample(model, priors, ns, !json);
        double[] draws = nuts.pooled("mu");

        step("exact answers: profile likelihood and grid posterior of the analytic toy");
        DemoExact.ExactPosterior post = DemoExact.ExactPosterior.of(DemoToy.TOY, data, 0, 10, exact.best() - 7 * exact.error(),
                exact.best() + 7 * exact.error());
        List<DemoReport.Row> rows = DemoReport.compare(fit, mu, minos, prof, stat, draws, exact, post);

        step("write the report");
        Path reportDir = dir.resolve("report");
        double tolerance = fast ? TOLERANCE_FAST : TOLERANCE;
        Path index = DemoReport.report(reportDir, data.length, seed, tolerance, z, training, fit, minos, prof, stat, draws, exact, post,
                rows, nuts);
        endStep();
        boolean allWithin = rows.stream().allMatch(r -> Math.abs(r.differenceInErrors()) <= tolerance);
        double seconds = (System.nanoTime() - t0) * 1e-9;
        result.put("fit", fit);
        result.put("minos", minos);
        result.put("scan", prof);
        result.put("statOnlyScan", stat);
        result.put("posteriorSummary", nuts.summary());
        result.put("comparison", rows);
        result.put("tolerance", tolerance);
        result.put("allWithinTolerance", allWithin);
        result.put("report", index.toString());
        result.put("seconds", seconds);
        AtomicFiles.write(dir.resolve(MARKER), o -> Output.JSON.writeValue(o, result));
        PrintWriter o = cl.getOut();
        if (json) {
            o.println(Output.JSON.writeValueAsString(result));
        } else {
            o.println();
            o.println("ratiofit against the exact answer (difference in units of the exact error: the HESSE error of mu for");
            o.println("the fit and scan rows, the posterior standard deviation for the posterior rows):");
            o.print(Tables.format(List.of("quantity", "ratiofit", "exact", "difference / error"), rows.stream()
                    .map(r -> List.of(r.quantity(), Output.num(r.ratiofit()), Output.num(r.exact()),
                            String.format(Locale.ROOT, "%+.3f", r.differenceInErrors())))
                    .toList()));
            o.println(allWithin ? String.format(Locale.ROOT, "every row agrees within %.2f errors.", tolerance)
                    : String.format(Locale.ROOT, "warning: some rows differ by more than %.2f errors (see the report).", tolerance));
            o.printf(Locale.ROOT, "%ndemo finished in %.0f s; report written to %s%n", seconds, index);
        }
        o.flush();
        return allWithin ? 0 : 3;
    }

    // ---------------------------------------------------------------- steps

    private void step(String what) {
        endStep();
        step++;
        stepStart = System.nanoTime();
        say("[%d/%d] %s", step, STEPS, what);
    }

    private void endStep() {
        if (step > 0) {
            say("      (%.1f s)", (System.nanoTime() - stepStart) * 1e-9);
        }
    }

    private long stepStart;

    private void say(String format, Object... args) {
        if (lines != null) {
            lines.printf(Locale.ROOT, format + "%n", args);
            lines.flush();
        }
    }

    /** Creates the work folder, or clears the demo's own files from an earlier run; refuses any other folder. */
    static Path prepare(Path out) throws IOException {
        // the same rule as every command's output: absent, empty or the demo's own folder (its marker)
        Path dir = org.ratiofit.io.OutputGuard.check("--out", out, org.ratiofit.io.OutputGuard.Kind.DEMO, false, List.of());
        if (Files.exists(dir)) {
            for (String sub : List.of("data", "models", "workspace", "report")) {
                org.ratiofit.workspace.io.AtomicDirectory.deleteTree(dir.resolve(sub));
            }
            Files.deleteIfExists(dir.resolve("fit.yml"));
        }
        Files.createDirectories(dir);
        // Marks the folder as the demo's at once, so an interrupted run can be rerun in place.
        if (!Files.exists(dir.resolve(MARKER))) {
            AtomicFiles.writeString(dir.resolve(MARKER), "{\"command\":\"demo\",\"status\":\"running\"}\n");
        }
        return dir;
    }

}
