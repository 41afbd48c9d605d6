package org.ratiofit.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.hipparchus.optim.univariate.UnivariatePointValuePair;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.Minos;
import org.ratiofit.samplers.fit.MinosError;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.nuts.NutsSampler;
import org.ratiofit.samplers.nuts.NutsSettings;
import org.ratiofit.samplers.nuts.PosteriorDensity;
import org.ratiofit.samplers.nuts.Prior;
import org.ratiofit.samplers.nuts.diagnostics.ParameterSummary;
import org.ratiofit.samplers.profile.ProfileScan;
import org.ratiofit.samplers.profile.Scan1D;
import org.ratiofit.validation.toys.ExactProfile;
import org.ratiofit.validation.toys.GaussianOnExponential;
import org.ratiofit.workspace.build.BuildOptions;
import org.ratiofit.workspace.build.WorkspaceBuilder;
import org.ratiofit.workspace.train.ConfigTraining;
import org.ratiofit.workspace.train.TrainingReport;
import org.ratiofit.workspace.train.TrainingSettings;

/**
 * The steps of {@code ratiofit demo}, one by one, as library calls: toy events to files, a fit
 * configuration, ensembles trained with DJL, the workspace, MIGRAD/HESSE/MINOS, a profile scan
 * of mu and a NUTS posterior, with the exact profile likelihood of the toy beside the fit.
 *
 * <pre>examples/run demo-steps [OUT_DIR] [TRAINING_EVENTS]</pre>
 */
public final class DemoSteps {

    /** The numbers the example prints, for its test. */
    public record Result(double muHat, double muError, double minosLower, double minosUpper, double exactMuHat,
            double exactError, double[] interval68, double posteriorMean, double posteriorSd, Path workspace) {
    }

    private DemoSteps() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "ratiofit-demo-steps");
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        run(out, events, 2, 20, 1L, System.out);
    }

    public static Result run(Path out, int trainingEvents, int members, int epochs, long seed, PrintStream log)
            throws IOException {
        GaussianOnExponential toy = Toys.TOY;
        GaussianOnExponential.Config c = toy.config();

        // 1. Events: data at mu = 1, and simulated samples whose weights sum to the expected yields.
        Path data = out.resolve("data");
        Files.createDirectories(data);
        double[] observed = toy.generate(new double[] {1, 0, 0}, seed);
        int n = trainingEvents;
        Toys.csv(data.resolve("observed.csv"), "mass", observed);
        Toys.csv(data.resolve("signal.csv"), "mass", toy.sampleSignal(n, 0, seed + 1), "weight", Toys.filled(n, c.signalYield() / n));
        Toys.csv(data.resolve("background.csv"), "mass", toy.sampleBackground(n, seed + 2), "weight",
                Toys.filled(n, c.backgroundYield() / n));
        Toys.csv(data.resolve("signal_up.csv"), "mass", toy.sampleSignal(n, +1, seed + 3), "weight", Toys.filled(n, c.signalYield() / n));
        Toys.csv(data.resolve("signal_dn.csv"), "mass", toy.sampleSignal(n, -1, seed + 4), "weight", Toys.filled(n, c.signalYield() / n));
        log.printf("1. %d observed events; %d simulated events per sample%n", observed.length, n);

        // 2. The fit configuration: which sample is which, the parameters, the ensembles' folders.
        Path config = out.resolve("fit.yml");
        Files.writeString(config, String.format(java.util.Locale.ROOT, """
                Version: 1
                General:
                  Measurement: {Name: demo_steps, POI: mu}
                TrainingFeatures: [mass]
                TrainingFeaturesToStandardize: [mass]
                Samples:
                  - {Name: data, Data: true, SamplePath: data/observed.csv}
                  - {Name: signal, UseAsBasis: true, SamplePath: data/signal.csv, Weight: weight, Ensemble: models/signal}
                  - {Name: background, UseAsBasis: true, UseAsReference: true, SamplePath: data/background.csv, Weight: weight}
                NormFactors:
                  - {Name: mu, Samples: signal, Nominal: 1.0, Bounds: [-2, 10]}
                Systematics:
                  - Name: alpha_shift
                    Type: NormPlusShape
                    Bounds: [-2, 2]
                    Up: [{SampleName: signal, Path: data/signal_up.csv, Weight: weight, Ensemble: models/signal_up}]
                    Dn: [{SampleName: signal, Path: data/signal_dn.csv, Weight: weight, Ensemble: models/signal_dn}]
                  - Name: alpha_bkg
                    Type: Norm
                    Interpolation: code1
                    Up: [{SampleName: background, Yield: %.17g}]
                    Dn: [{SampleName: background, Yield: %.17g}]
                Regions:
                  - {Name: SR, Type: unbinned}
                Training: {Members: %d, Epochs: %d, HiddenLayers: [32, 32], BatchSize: 128, LearningRate: 0.005, Patience: 5}
                """, c.kappa(), 1 / c.kappa(), members, epochs));
        log.println("2. configuration " + config);

        // 3. Train every ensemble the configuration names (signal vs background, shifted vs nominal signal).
        TrainingSettings settings = TrainingSettings.fromConfigFile(config, TrainingSettings.defaults()).withSeed(seed);
        TrainingReport training = ConfigTraining.train(config, settings, true, null);
        for (TrainingReport.EnsembleResult e : training.ensembles()) {
            log.printf("3. trained %s (%s against %s): holdout sum_B w r = %.3f +- %.3f%n", e.name(), e.numerator(),
                    e.denominator(), e.normalisation().value(), e.normalisation().error());
        }

        // 4. Build the workspace: every ensemble evaluated on the data and reference events.
        Path ws = out.resolve("workspace");
        WorkspaceBuilder.build(config, ws, BuildOptions.defaults().withOverwrite(true));
        Model model = WorkspaceReader.readModel(ws);
        log.println("4. workspace " + ws + " with parameters " + model.parameterNames());

        // 5. MIGRAD, HESSE, MINOS.
        Migrad migrad = Migrad.defaults();
        FitResult fit = Hesse.compute(model, migrad.minimise(model), 1, true);
        MinosError minos = Minos.defaults().error(model, fit, "mu", ConfidenceLevel.sigma(1));
        int mu = fit.indexOf("mu");
        log.printf("5. mu = %.4f +- %.4f (HESSE), MINOS %+.4f %+.4f, valid minimum %s%n", fit.values()[mu], fit.errors()[mu],
                minos.lower(), minos.upper(), fit.status().validMinimum());

        // 6. Profile likelihood scan of mu: 68.3% interval where q = 1.
        double[] grid = ProfileScan.grid(fit.values()[mu] - 2.5 * fit.errors()[mu], fit.values()[mu] + 2.5 * fit.errors()[mu], 21);
        Scan1D scan = ProfileScan.defaults().scan(model, fit, "mu", grid, false);
        double[] i68 = scan.crossings(ConfidenceLevel.sigma(1));
        log.printf("6. 68.3%% interval from the scan: [%.4f, %.4f]%n", i68[0], i68[1]);

        // 7. NUTS posterior with a flat prior on mu in [0, 10]; the nuisance parameters' constraints are their priors.
        NutsSettings ns = NutsSettings.defaults().chains(2).warmup(300).samples(500).seed(seed).quiet(true);
        NutsResult post = NutsSampler.sample(new PosteriorDensity(model.withInitial(fit.values()), Map.of("mu", Prior.uniform(0, 10))),
                ns, null);
        ParameterSummary pm = post.summary().parameters().stream().filter(p -> p.name().equals("mu")).findFirst().orElseThrow();
        log.printf("7. posterior of mu: mean %.4f, sd %.4f, R-hat %.3f%n", pm.mean(), pm.sd(), pm.rhat());

        // 8. The exact answer: the toy's own likelihood, profiled independently of ratiofit's minimiser.
        ExactProfile exact = new ExactProfile(toy.exactNll(observed, null), GaussianOnExponential.MU);
        UnivariatePointValuePair best = exact.bestFit(-1.5, 5);
        double h = 0.02;
        double curvature = (exact.profile(best.getPoint() + h) - 2 * best.getValue() + exact.profile(best.getPoint() - h)) / (h * h);
        double exactError = 1 / Math.sqrt(curvature);
        log.printf("8. exact: mu = %.4f +- %.4f; ratiofit differs by %+.3f errors%n", best.getPoint(), exactError,
                (fit.values()[mu] - best.getPoint()) / exactError);
        return new Result(fit.values()[mu], fit.errors()[mu], minos.lower(), minos.upper(), best.getPoint(), exactError, i68,
                pm.mean(), pm.sd(), ws);
    }
}
