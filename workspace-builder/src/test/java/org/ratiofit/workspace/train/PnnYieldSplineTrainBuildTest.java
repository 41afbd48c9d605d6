package org.ratiofit.workspace.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Modifier;
import org.ratiofit.likelihood.NaturalCubicSpline;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.training.pnn.PnnExport;
import org.ratiofit.ratio.training.pnn.YieldFit;
import org.ratiofit.workspace.build.BuildOptions;
import org.ratiofit.workspace.build.WorkspaceBuilder;
import org.ratiofit.workspace.config.ConfigException;

/**
 * {@code YieldSpline: [shift]} on a polynomial model whose inclusive yield is not quadratic in the
 * parameter: N(shift) = 100 exp(0.3 tanh(1.2 shift)), B ~ N(0.3 shift, 1) at shift = ±0.5, ±1, ±2
 * (1.5 held out). {@code train} fits the spline (in yield-fit.json and the report, with residuals);
 * {@code build} gives the sample a {@code yieldspline} modifier, and the model's yield at the held-out
 * point follows the exact one where the quadratic polynomial cannot.
 */
class PnnYieldSplineTrainBuildTest {

    @TempDir
    Path dir;

    static double lnYield(double shift) {
        return 0.3 * Math.tanh(1.2 * shift);
    }

    private void write(String name, Random rng, int n, double shift) throws IOException {
        double[] x = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.3 * shift + rng.nextGaussian();
            w[i] = 100.0 * Math.exp(lnYield(shift)) / n;
        }
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        cols.put("w", w);
        EventFiles.write(dir.resolve(name), new EventTable(name, cols), null);
    }

    private Path config(String spline) throws IOException {
        Random rng = new Random(5);
        write("data.csv", rng, 100, 0.5);
        write("b.csv", rng, 2000, 0);
        StringBuilder vars = new StringBuilder();
        for (double s : new double[] {0.5, -0.5, 1, -1, 2, -2, 1.5}) {
            write("b_" + s + ".csv", rng, 800, s);
            vars.append("              - {Point: {shift: ").append(s).append("}, Path: b_").append(s).append(".csv, Weight: w")
                    .append(s == 1.5 ? ", HeldOut: true" : "").append("}\n");
        }
        Path config = dir.resolve("fit.yml");
        Files.writeString(config, """
                Version: 1
                General:
                  Measurement: {POI: mu}
                TrainingFeatures: [x]
                Samples:
                  - {Name: data, Data: true, SamplePath: data.csv}
                  - {Name: B, UseAsBasis: true, UseAsReference: true, SamplePath: b.csv, Weight: w}
                NormFactors:
                  - {Name: mu, Samples: B, Bounds: [0, 5]}
                Systematics:
                  - Name: shift_poly
                    Type: Polynomial
                    Parameters: [shift]
                    Monomials: [[shift], [shift, shift]]
                    Models:
                      - SampleName: B
                        Ensemble: models/B_poly
                %s
                        Variations:
                """.formatted(spline) + vars + """
                Regions:
                  - {Name: SR}
                Training: {Members: 1, Epochs: 2, HiddenLayers: [8], BatchSize: 512, Seed: 4, Diagnostics: false}
                """);
        return config;
    }

    @Test
    void theSplineTravelsFromTrainingIntoTheLikelihoodsYield() throws IOException {
        Path config = config("        YieldSpline: shift");
        TrainingReport r = ConfigTraining.train(config, TrainingSettings.fromConfigFile(config, TrainingSettings.defaults()), false, null);
        YieldFit.Result fit = r.ensembles().get(0).yieldFit();
        assertEquals(1, fit.splines().size());
        assertArrayEquals(new double[] {-2, -1, -0.5, 0, 0.5, 1, 2}, fit.splines().get(0).knots(), 0);
        assertEquals(6, fit.residuals().length, "a residual per trained point");
        for (double res : fit.residuals()) {
            assertEquals(0, res, 1e-12, "the spline passes through its points");
        }
        assertEquals(fit.splines().get(0).values()[6], PnnExport.readYieldFit(dir.resolve("models/B_poly")).splines().get(0).values()[6], 0);

        WorkspaceBuilder.build(config, dir.resolve("ws"), BuildOptions.defaults().withThreads(2));
        Model model = WorkspaceReader.readModel(dir.resolve("ws"));
        UnbinnedChannel sr = (UnbinnedChannel) model.channels().get(0);
        List<Modifier> mods = sr.samples().get(0).modifiers();
        Modifier.YieldSpline ys = mods.stream().filter(m -> m instanceof Modifier.YieldSpline).map(m -> (Modifier.YieldSpline) m)
                .findFirst().orElseThrow(() -> new AssertionError("no yieldspline modifier in " + mods));
        assertEquals("shift", ys.parameter());
        assertArrayEquals(fit.splines().get(0).values(), ys.values(), 0);
        double[] yc = sr.samples().get(0).polynomial().yieldCoefficients();
        assertArrayEquals(new double[] {0, 0}, yc, 0, "the spline replaces the shift and shift^2 yield terms");

        // the model's yield against the exact one, at the held-out point and between knots
        List<Parameter> ps = model.modelParameters();
        int iShift = indexOf(ps, "shift");
        double[] theta = new double[ps.size()];
        for (int k = 0; k < theta.length; k++) {
            theta[k] = ps.get(k).initial();
        }
        double y0 = model.unbinnedSampleYields(theta)[0][0];
        NaturalCubicSpline likelihoodSpline = new NaturalCubicSpline(ys.knots(), ys.values(), "test");
        double worst = 0;
        for (double s : new double[] {1.5, -1.5, 0.75, -0.25, 2.5}) {
            theta[iShift] = s;
            double ln = Math.log(model.unbinnedSampleYields(theta)[0][0] / y0);
            assertEquals(fit.logYieldRatio(new double[] {s}), ln, 1e-12, "the likelihood's spline is the fit's at " + s);
            assertEquals(likelihoodSpline.value(s), ln, 1e-12);
            if (Math.abs(s) <= 2) {
                worst = Math.max(worst, Math.abs(ln - lnYield(s)));
            }
        }
        // the best quadratic through the same points misses tanh by several percent
        double quadWorst = quadraticWorst();
        System.out.printf("yield spline through 6 points: worst |ln N - exact| at 4 points inside the knots %.4f; quadratic fit %.4f%n",
                worst, quadWorst);
        assertTrue(worst < 0.01 && worst < quadWorst / 3, "spline " + worst + " quadratic " + quadWorst);
    }

    /** The worst error at the same 4 points of the least-squares quadratic a·s + b·s² through the 6 training points. */
    static double quadraticWorst() {
        double[] s = {0.5, -0.5, 1, -1, 2, -2};
        double s11 = 0, s12 = 0, s22 = 0, b1 = 0, b2 = 0;
        for (double v : s) {
            double y = lnYield(v);
            s11 += v * v;
            s12 += v * v * v;
            s22 += v * v * v * v;
            b1 += v * y;
            b2 += v * v * y;
        }
        double det = s11 * s22 - s12 * s12;
        double a = (b1 * s22 - b2 * s12) / det;
        double b = (s11 * b2 - s12 * b1) / det;
        double worst = 0;
        for (double v : new double[] {1.5, -1.5, 0.75, -0.25}) {
            worst = Math.max(worst, Math.abs(a * v + b * v * v - lnYield(v)));
        }
        return worst;
    }

    private static int indexOf(List<Parameter> ps, String name) {
        for (int k = 0; k < ps.size(); k++) {
            if (ps.get(k).name().equals(name)) {
                return k;
            }
        }
        throw new AssertionError("no parameter " + name);
    }

    @Test
    void badSplineRequestsAreRefusedWithTheirPath() throws IOException {
        Path config = config("        YieldSpline: [jes]");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigTraining.train(config,
                TrainingSettings.fromConfigFile(config, TrainingSettings.defaults()), false, null));
        assertTrue(e.getMessage().contains("Models[0].YieldSpline") && e.getMessage().contains("jes"), e.getMessage());
        Files.writeString(config, Files.readString(config).replace("YieldSpline: [jes]", "YieldSpline: [shift]\n        YieldCoefficients: [0.1, 0]"));
        e = assertThrows(ConfigException.class, () -> ConfigTraining.train(config,
                TrainingSettings.fromConfigFile(config, TrainingSettings.defaults()), false, null));
        assertTrue(e.getMessage().contains("give one or the other"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("models/B_poly")));
    }
}
