package org.ratiofit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.likelihood.Model;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.training.TrainingHistory;
import org.ratiofit.ratio.training.TrainingRecords;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.MinosError;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.nuts.NutsSettings;
import org.ratiofit.samplers.nuts.Prior;
import org.ratiofit.samplers.profile.ProfileScan;
import org.ratiofit.samplers.profile.Scan1D;
import org.ratiofit.validation.report.Histogram;
import org.ratiofit.validation.report.Plots;
import org.ratiofit.validation.report.RunReport;
import org.ratiofit.validation.toys.GaussianOnExponential;
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
 * demo computes what those commands print for its workspace.
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

    /**
     * The standard toy (peak at 125, width 2, shift 0.5 per unit of alpha_shift, 50 signal and 1000
     * background events) in the window [110, 140]. The shape factors are interpolated in log space
     * (positive for any ratio), so the standard window [100, 150] fits too, but there the trained
     * signal/background ratio must also be right where the background is 3.5 times denser and the
     * signal absent, and its training noise moves mu-hat: -0.19, -0.34 and +0.05 exact errors with
     * 20 000, 40 000 and 60 000 training events (seed 1), against +0.04 here with 20 000.
     */
    static final GaussianOnExponential TOY = new GaussianOnExponential(
            new GaussianOnExponential.Config(110, 140, 125, 2, 0.05, 50, 1000, 0.5, 1.1));
    static final double[] TRUTH = {1.0, 0.0, 0.0};
    static final String FEATURE = "mass";

    /** Bounds of alpha_shift, in the configuration and in the exact posterior alike. */
    static final double SHIFT_BOUND = 2.0;

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
        double[] data = TOY.generate(TRUTH, seed);
        dataSize = data.length;
        writeToy(dir, data, z.trainingEvents(), seed);
        say("  %d data events in [%.0f, %.0f]; %d events in each of signal, background, signal shifted up and down", data.length,
                TOY.config().lo(), TOY.config().hi(), z.trainingEvents());

        step("write the fit configuration " + dir.resolve("fit.yml"));
        Path config = dir.resolve("fit.yml");
        AtomicFiles.writeString(config, configYaml(z));

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

        Exact exact = Exact.of(TOY, data);
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
        ExactPosterior post = ExactPosterior.of(TOY, data, 0, 10, exact.best - 7 * exact.error, exact.best + 7 * exact.error);
        List<Row> rows = compare(fit, mu, minos, prof, stat, draws, exact, post);

        step("write the report");
        Path reportDir = dir.resolve("report");
        Path index = report(reportDir, z, training, fit, mu, minos, prof, stat, draws, exact, post, rows, nuts);

        double tolerance = fast ? TOLERANCE_FAST : TOLERANCE;
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

    /**
     * The event files of the demo: the observed data; the simulated signal, background and signal
     * with the peak shifted by alpha_shift = +1 and -1, each with a weight column that makes its
     * weighted count the toy's expected yield (50 signal, 1000 background events).
     */
    static void writeToy(Path dir, double[] data, int n, long seed) throws IOException {
        Path d = dir.resolve("data");
        Files.createDirectories(d);
        GaussianOnExponential.Config c = TOY.config();
        write(d.resolve("observed.csv"), data, null);
        write(d.resolve("signal.csv"), TOY.sampleSignal(n, 0, seed + 101), c.signalYield() / n);
        write(d.resolve("background.csv"), TOY.sampleBackground(n, seed + 102), c.backgroundYield() / n);
        write(d.resolve("signal_shift_up.csv"), TOY.sampleSignal(n, +1, seed + 103), c.signalYield() / n);
        write(d.resolve("signal_shift_dn.csv"), TOY.sampleSignal(n, -1, seed + 104), c.signalYield() / n);
    }

    private static void write(Path file, double[] x, Double weight) throws IOException {
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put(FEATURE, x);
        if (weight != null) {
            double[] w = new double[x.length];
            java.util.Arrays.fill(w, weight);
            cols.put("weight", w);
        }
        org.ratiofit.ratio.data.EventFiles.write(file, new org.ratiofit.ratio.data.EventTable(file.toString(), cols), null);
    }

    /**
     * The fit configuration of the toy: signal (scaled by mu) and background (the reference) in one
     * unbinned region; the peak shift alpha_shift as a norm-plus-shape systematic with Up/Dn
     * ensembles of the shifted signal against the nominal one (its yield factors are exactly 1: the
     * shifted samples have the nominal sample's size and weights); the background yield alpha_bkg as a code-1 norm
     * systematic with factors 1.1 and 1/1.1, which is the toy's 1.1^alpha_bkg exactly.
     */
    static String configYaml(Sizes z) {
        GaussianOnExponential.Config c = TOY.config();
        return String.format(Locale.ROOT, """
                # The ratiofit demo: a Gaussian peak on a falling exponential background.
                Version: 1

                General:
                  Measurement:
                    Name: gaussian_on_exponential
                    POI: mu

                TrainingFeatures: [%1$s]
                TrainingFeaturesToStandardize: [%1$s]

                Samples:
                  - Name: data
                    Data: true
                    SamplePath: data/observed.csv

                  - Name: signal
                    UseAsBasis: true
                    SamplePath: data/signal.csv
                    Weight: weight
                    Ensemble: models/signal_vs_background

                  - Name: background
                    UseAsBasis: true
                    UseAsReference: true
                    SamplePath: data/background.csv
                    Weight: weight

                NormFactors:
                  - Name: mu
                    Samples: signal
                    Nominal: 1.0
                    Bounds: [-2.0, 10.0]

                Systematics:
                  # Bounds: the trained ratios hold at the +-1 variations; far beyond them the extrapolated
                  # per-event shape factor (which the likelihood takes as normalised) is not trustworthy.
                  - Name: alpha_shift
                    Type: NormPlusShape
                    Interpolation: code4
                    Bounds: [%8$.1f, %9$.1f]
                    Up:
                      - SampleName: signal
                        Path: data/signal_shift_up.csv
                        Weight: weight
                        Ensemble: models/signal_shift_up
                    Dn:
                      - SampleName: signal
                        Path: data/signal_shift_dn.csv
                        Weight: weight
                        Ensemble: models/signal_shift_dn

                  - Name: alpha_bkg
                    Type: Norm
                    Interpolation: code1
                    Up:
                      - {SampleName: background, Yield: %2$.17g}
                    Dn:
                      - {SampleName: background, Yield: %3$.17g}

                Regions:
                  - Name: SR
                    Type: unbinned

                Training:
                  Members: %4$d
                  Epochs: %5$d
                  HiddenLayers: %6$s
                  BatchSize: %7$d
                  LearningRate: 0.005
                  Patience: 5
                """, FEATURE, c.kappa(), 1 / c.kappa(), z.members(), z.epochs(), z.hidden(), z.batchSize(), -SHIFT_BOUND, SHIFT_BOUND);
    }

    // ---------------------------------------------------------------- exact answers

    /** The exact profile likelihood of mu for the data: best fit, HESSE-like error, interval ends. */
    record Exact(ExactProfileOfMu profile, double best, double minimum, double error) {
        static Exact of(GaussianOnExponential toy, double[] data) {
            ExactProfileOfMu p = new ExactProfileOfMu(toy.exactNll(data, null));
            var bf = p.profile.bestFit(-1.5, 5);
            double best = bf.getPoint();
            double h = 0.02;
            double curv = (p.profile.profile(best + h) - 2 * bf.getValue() + p.profile.profile(best - h)) / (h * h);
            return new Exact(p, best, bf.getValue(), 1 / Math.sqrt(curv));
        }

        /** Where the profile rises by q/2 (errordef 0.5) below and above the best fit. */
        double[] interval(double q) {
            return new double[] {profile.profile.crossing(best, minimum, q / 2, best - 8 * error),
                profile.profile.crossing(best, minimum, q / 2, best + 8 * error)};
        }

        double q(double x) {
            return 2 * (profile.profile.profile(x) - minimum);
        }

        /** The stat-only interval: the nuisance parameters held at their exact best-fit values. */
        double[] statOnlyInterval(double q) {
            double[] at = profile.profile.conditionalFit(best);
            var fixed = new org.ratiofit.validation.toys.ExactProfile(
                    fixNuisances(profile.objective, at), GaussianOnExponential.MU);
            double m = fixed.profile(best);
            return new double[] {fixed.crossing(best, m, q / 2, best - 8 * error), fixed.crossing(best, m, q / 2, best + 8 * error)};
        }
    }

    /** The toy's exact −ln L and its profile in mu. */
    static final class ExactProfileOfMu {
        final org.ratiofit.objective.Objective objective;
        final org.ratiofit.validation.toys.ExactProfile profile;

        ExactProfileOfMu(org.ratiofit.objective.Objective f) {
            this.objective = f;
            this.profile = new org.ratiofit.validation.toys.ExactProfile(f, GaussianOnExponential.MU);
        }
    }

    /** The objective with every parameter but mu fixed at the values of {@code at}. */
    static org.ratiofit.objective.Objective fixNuisances(org.ratiofit.objective.Objective f, double[] at) {
        List<org.ratiofit.objective.ParameterSpec> specs = new ArrayList<>(f.parameters());
        for (int i = 0; i < specs.size(); i++) {
            if (i != GaussianOnExponential.MU) {
                specs.set(i, specs.get(i).withInitial(at[i]).withFixed(true));
            }
        }
        List<org.ratiofit.objective.ParameterSpec> fixedSpecs = List.copyOf(specs);
        return new org.ratiofit.objective.Objective() {
            @Override
            public List<org.ratiofit.objective.ParameterSpec> parameters() {
                return fixedSpecs;
            }

            @Override
            public double value(double[] x) {
                return f.value(x);
            }

            @Override
            public boolean hasGradient() {
                return true;
            }

            @Override
            public double valueAndGradient(double[] x, double[] g) {
                return f.valueAndGradient(x, g);
            }

            @Override
            public double errorDef() {
                return f.errorDef();
            }
        };
    }

    /**
     * The exact marginal posterior of mu on a grid: exp(−(−ln L)) of the toy, whose constraint terms
     * are the unit normal priors of alpha_shift and alpha_bkg, integrated over both by the
     * trapezoid rule (alpha_shift within its bounds, alpha_bkg on [-5, 5]; the integrand is smooth
     * and decays like a Gaussian, so the rule converges fast), times a flat prior for mu on
     * [priorLow, priorHigh].
     */
    record ExactPosterior(double[] mu, double[] density, double mean, double sd, double q05, double q50, double q95) {
        static ExactPosterior of(GaussianOnExponential toy, double[] data, double priorLow, double priorHigh, double lo, double hi) {
            double a = Math.max(priorLow, lo);
            double b = Math.min(priorHigh, hi);
            int n = 121;
            int k = 31;
            double[] mus = new double[n];
            for (int i = 0; i < n; i++) {
                mus[i] = a + (b - a) * i / (n - 1);
            }
            // alpha_shift within its bounds (as in the configuration), alpha_bkg over [-5, 5]
            double[] as = new double[k];
            double[] ab = new double[k];
            for (int j = 0; j < k; j++) {
                as[j] = -SHIFT_BOUND + 2 * SHIFT_BOUND * j / (k - 1);
                ab[j] = -5 + 10.0 * j / (k - 1);
            }
            int ne = data.length;
            double[] fB = new double[ne];
            for (int e = 0; e < ne; e++) {
                fB[e] = toy.backgroundPdf(data[e]);
            }
            double[][] fS = new double[k][ne];
            for (int j = 0; j < k; j++) {
                for (int e = 0; e < ne; e++) {
                    fS[j][e] = toy.signalPdf(data[e], as[j]);
                }
            }
            // -ln L at every grid point, shifted by its minimum before exponentiating
            double[][][] nll = new double[n][k][k];
            java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
                double nuS = toy.signalYield(mus[i]);
                for (int j = 0; j < k; j++) {
                    for (int m = 0; m < k; m++) {
                        double nuB = toy.backgroundYield(ab[m]);
                        double v = nuS + nuB + 0.5 * as[j] * as[j] + 0.5 * ab[m] * ab[m];
                        double[] s = fS[j];
                        for (int e = 0; e < ne; e++) {
                            v -= Math.log(nuS * s[e] + nuB * fB[e]);
                        }
                        nll[i][j][m] = v;
                    }
                }
            });
            double min = Double.POSITIVE_INFINITY;
            for (double[][] p : nll) {
                for (double[] q : p) {
                    for (double v : q) {
                        if (!Double.isNaN(v)) {
                            min = Math.min(min, v);
                        }
                    }
                }
            }
            double[] dens = new double[n];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < k; j++) {
                    for (int m = 0; m < k; m++) {
                        double w = (j == 0 || j == k - 1 ? 0.5 : 1) * (m == 0 || m == k - 1 ? 0.5 : 1);
                        double v = nll[i][j][m];
                        s += Double.isNaN(v) ? 0 : w * Math.exp(min - v);
                    }
                }
                dens[i] = s;
            }
            // normalise with the trapezoid rule in mu; moments and quantiles of the piecewise-linear density
            double h = (b - a) / (n - 1);
            double z = 0;
            double m1 = 0;
            double m2 = 0;
            for (int i = 0; i < n; i++) {
                double w = (i == 0 || i == n - 1 ? 0.5 : 1) * h;
                z += w * dens[i];
                m1 += w * dens[i] * mus[i];
                m2 += w * dens[i] * mus[i] * mus[i];
            }
            for (int i = 0; i < n; i++) {
                dens[i] /= z;
            }
            double mean = m1 / z;
            double sd = Math.sqrt(m2 / z - mean * mean);
            double[] cdf = new double[n];
            for (int i = 1; i < n; i++) {
                cdf[i] = cdf[i - 1] + 0.5 * h * (dens[i - 1] + dens[i]);
            }
            return new ExactPosterior(mus, dens, mean, sd, quantile(mus, cdf, 0.05), quantile(mus, cdf, 0.5),
                    quantile(mus, cdf, 0.95));
        }

        private static double quantile(double[] x, double[] cdf, double p) {
            double total = cdf[cdf.length - 1];
            for (int i = 1; i < x.length; i++) {
                if (cdf[i] >= p * total) {
                    double f = (p * total - cdf[i - 1]) / (cdf[i] - cdf[i - 1]);
                    return x[i - 1] + f * (x[i] - x[i - 1]);
                }
            }
            return x[x.length - 1];
        }
    }

    /** One row of the comparison: ratiofit's number, the exact one, and their difference in units of {@code error}. */
    record Row(String quantity, double ratiofit, double exact, double error, double differenceInErrors) {
        static Row of(String quantity, double ratiofit, double exact, double error) {
            return new Row(quantity, ratiofit, exact, error, (ratiofit - exact) / error);
        }
    }

    static List<Row> compare(FitResult fit, int mu, MinosError minos, Scan1D prof, Scan1D stat, double[] draws, Exact exact,
            ExactPosterior post) {
        double e = exact.error;
        double[] i68 = exact.interval(1);
        double[] i95 = exact.interval(4);
        double[] s68 = exact.statOnlyInterval(1);
        double[] r68 = prof.crossings(ConfidenceLevel.sigma(1));
        double[] r95 = prof.crossings(ConfidenceLevel.sigma(2));
        double[] t68 = stat.crossings(ConfidenceLevel.sigma(1));
        List<Row> rows = new ArrayList<>();
        rows.add(Row.of("mu best fit (MIGRAD)", fit.values()[mu], exact.best, e));
        rows.add(Row.of("mu error (HESSE)", fit.errors()[mu], e, e));
        rows.add(Row.of("mu MINOS lower error", minos.lower(), i68[0] - exact.best, e));
        rows.add(Row.of("mu MINOS upper error", minos.upper(), i68[1] - exact.best, e));
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
        rows.add(Row.of("posterior mean (NUTS)", mean, post.mean, post.sd));
        rows.add(Row.of("posterior sd (NUTS)", Math.sqrt(var), post.sd, post.sd));
        rows.add(Row.of("posterior 5% quantile", quantile(sorted, 0.05), post.q05, post.sd));
        rows.add(Row.of("posterior median", quantile(sorted, 0.5), post.q50, post.sd));
        rows.add(Row.of("posterior 95% quantile", quantile(sorted, 0.95), post.q95, post.sd));
        return rows;
    }

    private static double quantile(double[] sorted, double p) {
        double pos = p * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(i + 1, sorted.length - 1);
        return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }

    // ---------------------------------------------------------------- report

    private Path report(Path dir, Sizes z, TrainingReport training, FitResult fit, int mu, MinosError minos, Scan1D prof,
            Scan1D stat, double[] draws, Exact exact, ExactPosterior post, List<Row> rows, NutsResult nuts) throws IOException {
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
                + "exact posterior standard deviation (%.4f) for the posterior rows. Tolerance %.2f.", exact.error, post.sd,
                fast ? TOLERANCE_FAST : TOLERANCE));
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
        Histogram h = Histogram.of(draws, null, 40, post.mu[0], post.mu[post.mu.length - 1]);
        Plots.histogram(pc, "NUTS (" + draws.length + " draws)", h, true);
        Plots.line(pc, "exact (grid)", post.mu, post.density);
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

    private int dataSize;
}
