package org.ratiofit.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hipparchus.optim.univariate.UnivariatePointValuePair;
import org.hipparchus.special.Erf;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.objective.Objective;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.Minos;
import org.ratiofit.samplers.fit.MinosError;
import org.ratiofit.validation.toys.ExactProfile;
import org.ratiofit.validation.toys.GaussianOnExponential;
import org.ratiofit.workspace.build.BuildOptions;
import org.ratiofit.workspace.build.BuildResult;
import org.ratiofit.workspace.build.WorkspaceBuilder;

/**
 * Fitting a workspace built from your own ONNX models. A classifier trained elsewhere (PyTorch,
 * exported with {@code torch.onnx.export}) is a network ending in a sigmoid, plus what ratiofit
 * must know beside it: a JSON sidecar with the feature order, the feature scaling, the output
 * convention and the hypotheses, and an {@code ensemble.json} listing the member(s). Here the
 * "trained" network is the exact classifier of the Gaussian-on-exponential toy (its logit is
 * quadratic in the mass, so one linear layer on the features mass and mass² holds it), so the fit
 * can be checked against the toy's exact likelihood to float32 rounding.
 *
 * <pre>examples/run own-onnx-models [OUT_DIR]</pre>
 */
public final class OwnOnnxModels {

    /** The fit and the exact answer, for the example's test. */
    public record Result(double muHat, double muError, double minosLower, double minosUpper, double alphaBkg,
            double exactMuHat, double exactError, double exactMinosLower, double exactMinosUpper, double maxModelError,
            Path workspace) {
    }

    private OwnOnnxModels() {
    }

    public static void main(String[] args) throws IOException {
        run(Path.of(args.length > 0 ? args[0] : "ratiofit-own-onnx"), 20000, 3L, System.out);
    }

    public static Result run(Path out, int simulatedEvents, long seed, PrintStream log) throws IOException {
        GaussianOnExponential toy = Toys.TOY;
        GaussianOnExponential.Config c = toy.config();

        // 1. Event files with the model's two input columns, mass and mass2 = mass².
        Path data = out.resolve("data");
        Files.createDirectories(data);
        double[] observed = toy.generate(new double[] {1, 0, 0}, seed);
        double[] sig = toy.sampleSignal(simulatedEvents, 0, seed + 1);
        double[] bkg = toy.sampleBackground(simulatedEvents, seed + 2);
        Toys.csv(data.resolve("observed.csv"), "mass", observed, "mass2", squares(observed));
        Toys.csv(data.resolve("signal.csv"), "mass", sig, "mass2", squares(sig), "weight",
                Toys.filled(simulatedEvents, c.signalYield() / simulatedEvents));
        Toys.csv(data.resolve("background.csv"), "mass", bkg, "mass2", squares(bkg), "weight",
                Toys.filled(simulatedEvents, c.backgroundYield() / simulatedEvents));

        // 2. The model as PyTorch would export it: input "input" [N, 2], Linear(2, 1), Sigmoid, output "score".
        //    ln r(x) = a0 + a1 x + a2 x² for the exact densities; on standard-scaled inputs
        //    z = (x - 125)/2 and w = (x² - 15625)/500 the logit is c0 + c1 z + c2 w.
        double s2 = c.width() * c.width();
        double window = 0.5 * Erf.erf((c.lo() - c.mass()) / (c.width() * Math.sqrt(2)), (c.hi() - c.mass()) / (c.width() * Math.sqrt(2)));
        double bkgNorm = -Math.expm1(-c.slope() * (c.hi() - c.lo()));
        double a2 = -1 / (2 * s2);
        double a1 = c.mass() / s2 + c.slope();
        double a0 = -c.mass() * c.mass() / (2 * s2) - Math.log(c.width() * Math.sqrt(2 * Math.PI) * window)
                - Math.log(c.slope() / bkgNorm) - c.slope() * c.lo();
        double[] mean = {125, 15625};
        double[] scale = {2, 500};
        double c0 = a0 + a1 * mean[0] + a2 * mean[1];
        double c1 = a1 * scale[0];
        double c2 = a2 * scale[1];
        Path models = out.resolve("models/signal_vs_background");
        Files.createDirectories(models);
        OnnxMlpWriter.write(models.resolve("classifier.onnx"), "input", "score",
                List.of(new OnnxMlpWriter.Layer(new double[][] {{c1, c2}}, new double[] {c0}, OnnxMlpWriter.Activation.SIGMOID)));
        // The sidecar, written the way a user writes it (json.dump of a dict, here a text block).
        Files.writeString(models.resolve("classifier.json"), String.format(Locale.ROOT, """
                {
                  "format": "ratiofit-ratio-model",
                  "format_version": 1,
                  "name": "signal_vs_background",
                  "onnx": "classifier.onnx",
                  "input_name": "input",
                  "output_name": "score",
                  "features": ["mass", "mass2"],
                  "scaling": [
                    {"type": "standard", "features": ["mass", "mass2"], "mean": [%.17g, %.17g], "scale": [%.17g, %.17g]}
                  ],
                  "output": "score",
                  "numerator": "signal",
                  "denominator": "background"
                }
                """, mean[0], mean[1], scale[0], scale[1]));
        Files.writeString(models.resolve("ensemble.json"), """
                {"format": "ratiofit-ratio-ensemble", "format_version": 1, "name": "signal_vs_background",
                 "members": ["classifier.json"], "aggregation": "mean_ratio"}
                """);

        // 3. Check the export before fitting: the model's ln r against the densities it should represent,
        //    within 4 widths of the peak. Further out the score is below 1e-6, where a float32 sigmoid
        //    keeps only a few digits of ln r (0.1 at 6 widths): export the logit when you can.
        double maxError = 0;
        double[] xs = new double[61];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = c.mass() - 4 * c.width() + 8 * c.width() * i / (xs.length - 1);
        }
        try (RatioModel m = RatioModel.load(models.resolve("classifier.json"))) {
            double[] lnR = m.logRatios(Map.of("mass", xs, "mass2", squares(xs)));
            for (int i = 0; i < xs.length; i++) {
                double exact = Math.log(toy.signalPdf(xs[i], 0) / toy.backgroundPdf(xs[i]));
                maxError = Math.max(maxError, Math.abs(lnR[i] - exact));
            }
        }
        log.printf(Locale.ROOT, "1-3. model written to %s; |ln r - exact| <= %.2e within 4 widths of the peak%n", models, maxError);

        // 4. The fit configuration and the build.
        Path config = out.resolve("fit.yml");
        Files.writeString(config, String.format(Locale.ROOT, """
                Version: 1
                General:
                  Measurement: {Name: own_onnx_models, POI: mu}
                TrainingFeatures: [mass, mass2]
                Samples:
                  - {Name: data, Data: true, SamplePath: data/observed.csv}
                  - {Name: signal, UseAsBasis: true, SamplePath: data/signal.csv, Weight: weight, Ensemble: models/signal_vs_background}
                  - {Name: background, UseAsBasis: true, UseAsReference: true, SamplePath: data/background.csv, Weight: weight}
                NormFactors:
                  - {Name: mu, Samples: signal, Nominal: 1.0, Bounds: [-2, 10]}
                Systematics:
                  - Name: alpha_bkg
                    Type: Norm
                    Interpolation: code1
                    Up: [{SampleName: background, Yield: %.17g}]
                    Dn: [{SampleName: background, Yield: %.17g}]
                Regions:
                  - {Name: SR, Type: unbinned}
                """, c.kappa(), 1 / c.kappa()));
        Path ws = out.resolve("workspace");
        BuildResult built = WorkspaceBuilder.build(config, ws, BuildOptions.defaults().withOverwrite(true));
        log.printf("4. workspace %s built (%s)%n", ws, built.warnings().isEmpty() ? "no warnings" : built.warnings());

        // 5. Fit.
        Model model = WorkspaceReader.readModel(ws);
        FitResult fit = Hesse.compute(model, Migrad.defaults().minimise(model), 1, true);
        MinosError minos = Minos.defaults().error(model, fit, "mu", ConfidenceLevel.sigma(1));
        int mu = fit.indexOf("mu");
        log.printf(Locale.ROOT, "5. mu = %.5f +- %.5f (HESSE), MINOS %+.5f %+.5f; alpha_bkg = %.4f%n", fit.values()[mu],
                fit.errors()[mu], minos.lower(), minos.upper(), fit.value("alpha_bkg"));

        // 6. The exact answer: the toy's likelihood with the peak shift held at 0 (this model has no shift).
        Objective exactNll = Toys.fix(toy.exactNll(observed, null), new int[] {GaussianOnExponential.ALPHA_SHIFT}, new double[] {0});
        ExactProfile exact = new ExactProfile(exactNll, GaussianOnExponential.MU);
        UnivariatePointValuePair best = exact.bestFit(-1.5, 5);
        double h = 0.02;
        double curvature = (exact.profile(best.getPoint() + h) - 2 * best.getValue() + exact.profile(best.getPoint() - h)) / (h * h);
        double err = 1 / Math.sqrt(curvature);
        double lo = exact.crossing(best.getPoint(), best.getValue(), 0.5, best.getPoint() - 6 * err) - best.getPoint();
        double hi = exact.crossing(best.getPoint(), best.getValue(), 0.5, best.getPoint() + 6 * err) - best.getPoint();
        log.printf(Locale.ROOT, "6. exact: mu = %.5f +- %.5f, MINOS %+.5f %+.5f; ratiofit differs by %+.1e errors%n",
                best.getPoint(), err, lo, hi, (fit.values()[mu] - best.getPoint()) / err);
        return new Result(fit.values()[mu], fit.errors()[mu], minos.lower(), minos.upper(), fit.value("alpha_bkg"),
                best.getPoint(), err, lo, hi, maxError, ws);
    }

    private static double[] squares(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * x[i];
        }
        return y;
    }
}
