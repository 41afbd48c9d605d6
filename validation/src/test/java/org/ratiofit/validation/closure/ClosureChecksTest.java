package org.ratiofit.validation.closure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleReport;
import org.ratiofit.validation.report.Plots;
import org.ratiofit.validation.toys.ExactOnnxModels;
import org.ratiofit.validation.toys.ExactOnnxModels.Distortion;
import org.ratiofit.validation.toys.GaussianMixture;
import org.ratiofit.validation.toys.GaussianOnExponential;

/** Closure checks pass on exact ratio models and fail, by name, on deliberately wrong ones. */
class ClosureChecksTest {

    @TempDir
    Path dir;

    static final GaussianOnExponential TOY = new GaussianOnExponential(GaussianOnExponential.Config.standard());

    private EnsembleClosure goe(long seed, List<Distortion> members, int events) {
        Path ens = ExactOnnxModels.gaussianOnExponentialEnsemble(TOY, dir.resolve("ens" + seed), "goe", members);
        double[][] num = {TOY.sampleSignal(events, 0, seed)};
        double[][] den = {TOY.sampleBackground(events, seed + 1)};
        try (Ensemble e = Ensemble.load(ens)) {
            return EnsembleClosure.run(e, num, null, den, null, ClosureSettings.DEFAULT);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void exactModelsPassEveryCheck(long seed) {
        EnsembleClosure r = goe(seed, List.of(Distortion.EXACT, Distortion.EXACT), 20_000);
        assertTrue(r.passed(), "seed " + seed + ": failed " + r.failed());
        assertEquals(1, r.normalisation().mean(), 4 * r.normalisation().error(), "seed " + seed);
        assertTrue(r.normalisation().error() < 0.03, "seed " + seed + ": error " + r.normalisation().error());
        Reweighting.Feature f = r.reweighting().features().get(0);
        // the check has power: the denominator before reweighting is far from the numerator
        assertTrue(f.chi2OriginalDenominator() > 1000, "seed " + seed + ": " + f.chi2OriginalDenominator());
        assertEquals(0.5, r.expectation().weights()[0], 1e-12, "seed " + seed + ": identical members get equal weights");
    }

    @Test
    void expectationMatchesTheEnsemblesOwnWeighting() {
        List<Distortion> ds = List.of(Distortion.EXACT, new Distortion(1, 0.3), new Distortion(1, -0.3));
        Path ens = ExactOnnxModels.gaussianOnExponentialEnsemble(TOY, dir.resolve("e"), "goe", ds);
        double[][] num = {TOY.sampleSignal(5000, 0, 4)};
        double[][] den = {TOY.sampleBackground(5000, 5)};
        double[] w = new double[5000];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.5 + (i % 7) / 7.0;
        }
        try (Ensemble e = Ensemble.load(ens)) {
            EnsembleClosure r = EnsembleClosure.run(e, num, null, den, w, new ClosureSettings(0.01, 3, 20, 1e-3, 3));
            EnsembleReport rep = e.fitExpectationWeights(den, w, 3);
            assertArrayEquals(rep.deviations(), r.expectation().deviations(), 1e-9);
            assertArrayEquals(rep.weights(), r.expectation().weights(), 1e-9);
            // the shifted members are off by e^δ: E_i = e^δ (1 + E_0) − 1
            double e0 = r.expectation().deviations()[0];
            assertEquals(Math.exp(0.3) * (1 + e0) - 1, r.expectation().deviations()[1], 1e-4);
            assertEquals(Math.exp(-0.3) * (1 + e0) - 1, r.expectation().deviations()[2], 1e-4);
            assertFalse(r.passed());
            assertTrue(r.failed().contains("normalisation of member 'm1'"), r.failed().toString());
            assertTrue(r.failed().contains("normalisation of member 'm2'"), r.failed().toString());
            assertFalse(r.failed().contains("normalisation of member 'm0'"), r.failed().toString());
        }
    }

    @Test
    void overconfidentModelFailsCalibrationAndReweighting() {
        EnsembleClosure r = goe(7, List.of(new Distortion(1.5, 0)), 20_000);
        assertFalse(r.calibration().passed(), "p = " + r.calibration().pValue());
        assertFalse(r.reweighting().features().get(0).passed());
        assertTrue(r.failed().contains("calibration") && r.failed().contains("reweighting of feature 'x'"), r.failed().toString());
    }

    @Test
    void shiftedNormalisationFailsWhereTheShapeStillCloses() {
        // ln r + ln 1.1: the shape is right, so reweighting (normalised histograms) and only the normalisation fails
        EnsembleClosure r = goe(8, List.of(new Distortion(1, Math.log(1.1))), 20_000);
        assertEquals(1.1, r.normalisation().mean(), 4 * r.normalisation().error());
        assertFalse(r.normalisation().passed());
        assertTrue(r.reweighting().passed(), "p = " + r.reweighting().features().get(0).pValue());
    }

    static final GaussianMixture NUM = new GaussianMixture(new double[] {0.3, 0.7},
            new double[][] {{0, 0, 0}, {1, -1, 0.5}}, new double[][] {{1, 1, 1}, {0.5, 2, 1}});
    static final GaussianMixture DEN = new GaussianMixture(new double[] {0.6, 0.4},
            new double[][] {{0.2, 0, 0}, {-1, 0.5, 0}}, new double[][] {{1.5, 1.5, 1.5}, {1, 0.7, 2}});

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 4})
    void exactMixtureModelPasses(long seed) throws Exception {
        Path ens = ExactOnnxModels.gaussianMixtureEnsemble(NUM, DEN, List.of("x0", "x1", "x2"), dir.resolve("mix"), "mix",
                List.of(Distortion.EXACT));
        try (Ensemble e = Ensemble.load(ens)) {
            EnsembleClosure r = EnsembleClosure.run(e, NUM.sample(20_000, seed), null, DEN.sample(20_000, seed + 10), null,
                    ClosureSettings.DEFAULT);
            assertTrue(r.passed(), "seed " + seed + ": failed " + r.failed());
            assertEquals(3, r.reweighting().features().size());
            // every result is JSON
            JsonNode j = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(r));
            assertEquals(1, j.get("formatVersion").asInt());
            assertTrue(j.get("calibration").get("pValue").isNumber());
            // plots are written
            for (Reweighting.Feature f : r.reweighting().features()) {
                Plots.save(ClosurePlots.reweighting(f), dir.resolve("plots"), "closure_" + f.feature());
            }
            Plots.save(ClosurePlots.calibration(r.calibration()), dir.resolve("plots"), "calibration");
            Plots.save(ClosurePlots.normalisation(r.members(), r.normalisation()), dir.resolve("plots"), "normalisation");
            assertTrue(Files.size(dir.resolve("plots/closure_x2.png")) > 1000);
            assertTrue(Files.size(dir.resolve("plots/calibration.svg")) > 1000);
        }
    }

    @Test
    void normalisationErrorIsTheWeightedStandardError() {
        Normalisation n = Normalisation.of("m", new double[] {Math.log(0.5), Math.log(1.5)}, null, 0, 3);
        assertEquals(1, n.mean(), 1e-15);
        assertEquals(Math.sqrt(0.5) / 2, n.error(), 1e-15);
        Normalisation w = Normalisation.of("m", new double[] {Math.log(2), 0}, new double[] {1, 3}, 0.01, 2);
        assertEquals(1.25, w.mean(), 1e-15);
        assertEquals(Math.sqrt(0.75 * 0.75 + 9 * 0.25 * 0.25) / 4, w.error(), 1e-15);
        assertEquals(0.01 + 2 * w.error(), w.allowed(), 1e-15);
        assertTrue(w.passed(), "0.25 off with an error of 0.27");
        assertFalse(Normalisation.of("m", new double[] {Math.log(2), 0}, new double[] {1, 3}, 0.01, 0.5).passed());
    }

    /** A workspace-like model of the toy: signal log-ratio against the background reference, optionally mis-stored. */
    private static Model toyModel(double logRatioOffset, long seed) {
        double[] ref = TOY.sampleBackground(20_000, seed);
        double[] w = new double[ref.length];
        java.util.Arrays.fill(w, 1.0 / ref.length);
        double[] lrS = new double[ref.length];
        for (int i = 0; i < ref.length; i++) {
            lrS[i] = Math.log(TOY.signalPdf(ref[i], 0) / TOY.backgroundPdf(ref[i])) + logRatioOffset;
        }
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, -2, 10));
        b.unbinned("SR", 2).sample("signal", 50, new double[] {0, 0}).normFactor("mu").end()
                .sample("background", 1000, new double[] {0, 0}).end()
                .reference(new EventSet(ref.length, w, Map.of("signal", SampleColumns.of(lrS), "background", SampleColumns.of(new double[ref.length]))))
                .end();
        return b.build();
    }

    @Test
    void workspaceNormalisationClosesOnExactLogRatios() {
        WorkspaceNormalisation ok = WorkspaceNormalisation.of(toyModel(0, 11), 0.01, 3);
        assertTrue(ok.passed(), ok.toString());
        assertEquals(2, ok.samples().size());
        WorkspaceNormalisation.Sample sig = ok.samples().get(0);
        assertEquals(50, sig.storedYield());
        assertEquals(50, sig.reweightedYield(), 4 * sig.error());
        assertEquals(1000, ok.samples().get(1).reweightedYield(), 1e-9, "log-ratio 0: exactly the stored yield");
        // no allowance at all: the background (log-ratio 0) still closes, up to summation rounding
        assertTrue(WorkspaceNormalisation.of(toyModel(0, 11), 0, 0).samples().get(1).passed());
        WorkspaceNormalisation bad = WorkspaceNormalisation.of(toyModel(0.2, 11), 0.01, 3);
        assertFalse(bad.passed());
        assertFalse(bad.samples().get(0).passed());
        assertTrue(bad.samples().get(1).passed());
        assertEquals(50 * Math.exp(0.2), bad.samples().get(0).reweightedYield(), 4 * bad.samples().get(0).error());
    }

    /** The toy's signal with a peak-shift shapesys whose up/down factors are exact (normalised) or scaled by {@code upScale}. */
    private static Model toyModelWithShape(double upScale, long seed) {
        double[] ref = TOY.sampleBackground(20_000, seed);
        double[] w = new double[ref.length];
        java.util.Arrays.fill(w, 1.0 / ref.length);
        double[] lrS = new double[ref.length];
        double[] up = new double[ref.length];
        double[] down = new double[ref.length];
        for (int i = 0; i < ref.length; i++) {
            double s0 = TOY.signalPdf(ref[i], 0);
            lrS[i] = Math.log(s0 / TOY.backgroundPdf(ref[i]));
            up[i] = upScale * TOY.signalPdf(ref[i], 1) / s0;
            down[i] = TOY.signalPdf(ref[i], -1) / s0;
        }
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, -2, 10)).parameter(Parameter.constrained("alpha_shift"));
        b.unbinned("SR", 2).sample("signal", 50, new double[] {0, 0}).normFactor("mu").shapeSys("alpha_shift", 4, new double[] {1, 1}, new double[] {1, 1}).end()
                .sample("background", 1000, new double[] {0, 0}).end()
                .reference(new EventSet(ref.length, w, Map.of(
                        "signal", new SampleColumns(lrS, List.of(up), List.of(down), List.of()),
                        "background", SampleColumns.of(new double[ref.length]))))
                .end();
        return b.build();
    }

    @Test
    void workspaceNormalisationChecksEveryShapeVariation() {
        WorkspaceNormalisation ok = WorkspaceNormalisation.of(toyModelWithShape(1, 12), 0.01, 3);
        assertTrue(ok.passed(), ok.toString());
        assertEquals(List.of("nominal", "alpha_shift up", "alpha_shift down", "nominal"),
                ok.samples().stream().map(WorkspaceNormalisation.Sample::variation).toList());
        WorkspaceNormalisation.Sample upRow = ok.samples().get(1);
        assertEquals(50, upRow.reweightedYield(), 4 * upRow.error(), "a shifted peak keeps its normalisation");
        // an up variation 10% too large: only that row fails
        WorkspaceNormalisation bad = WorkspaceNormalisation.of(toyModelWithShape(1.1, 12), 0.01, 3);
        assertFalse(bad.passed());
        assertEquals(List.of(true, false, true, true), bad.samples().stream().map(WorkspaceNormalisation.Sample::passed).toList());
        assertEquals(55, bad.samples().get(1).reweightedYield(), 4 * bad.samples().get(1).error());
    }

    /**
     * Between and beyond +-1 the exact Gaussian-shift ratios do not keep the yield: for the toy's
     * shift of delta = 0.25 widths per unit alpha, log-space code 4 gives E[g(alpha)] =
     * exp(delta^2 (alpha^2/2 - h(alpha)/16)) inside +-1 (h = alpha^2 (15 - 10 alpha^2 + 3 alpha^4))
     * and exp(|alpha| (|alpha| - 1) delta^2 / 2) beyond. Normalised channels report K as
     * information; the same workspace with ShapeNormalisation none fails at +-1.5.
     */
    @Test
    void interpolatedPointsReportTheFactorTheLikelihoodDividesBy() {
        Model m = toyModelWithShape(1, 12);
        WorkspaceNormalisation w = WorkspaceNormalisation.of(m, 0.01, 3);
        assertTrue(w.passed(), w.toString());
        assertEquals(4, w.interpolated().size());
        double delta = 0.25;
        for (WorkspaceNormalisation.Interpolated k : w.interpolated()) {
            double a = k.alpha();
            double h = a * a * (15 - 10 * a * a + 3 * a * a * a * a);
            double want = Math.abs(a) <= 1 ? Math.exp(delta * delta * (a * a / 2 - h / 16))
                    : Math.exp(Math.abs(a) * (Math.abs(a) - 1) * delta * delta / 2);
            assertEquals(want, k.factor(), 4 * k.error() + 1e-3, "alpha " + a);
            assertTrue(k.normalised() && k.passed());
            assertEquals("alpha_shift", k.parameter());
        }
        assertEquals(1, w.code4().size(), "one code-4 shapesys column pair");
        assertEquals(0, w.code4().get(0).referenceNotPositive(), "a peak shift of a quarter width keeps |ln u|, |ln d| small");

        List<org.ratiofit.likelihood.Channel> none = new java.util.ArrayList<>();
        for (org.ratiofit.likelihood.Channel c : m.channels()) {
            org.ratiofit.likelihood.UnbinnedChannel u = (org.ratiofit.likelihood.UnbinnedChannel) c;
            none.add(new org.ratiofit.likelihood.UnbinnedChannel(u.name(), u.samples(), u.data(), u.reference(),
                    org.ratiofit.likelihood.ShapeNormalisation.NONE));
        }
        // no statistical allowance (the 20 000 reference events give K an error of ~0.01 here): the
        // deterministic 2.4% at +-1.5 exceeds the 1% tolerance, the 0.5% at +-0.5 does not
        WorkspaceNormalisation legacy = WorkspaceNormalisation.of(new Model(m.modelParameters(), none), 0.01, 0);
        assertFalse(legacy.passed(), "K(+-1.5) = 1.024 is a bias when the likelihood does not divide by it");
        assertEquals(List.of(false, true, true, false), legacy.interpolated().stream()
                .map(WorkspaceNormalisation.Interpolated::passed).toList(), legacy.interpolated().toString());
        assertFalse(legacy.interpolated().get(3).normalised());
    }

    /**
     * A polynomial row ln g = Delta_A(x) m_A(alpha) with Delta_A = delta z (z standard normal over the
     * reference, the sample's ratio 1) and no quadratic term: K(alpha) = E[exp(delta z alpha)] =
     * exp(delta^2 alpha^2 / 2), information when normalised, a failure at +-1.5 with none.
     */
    @Test
    void polynomialRowsReportTheirFactor() {
        java.util.Random r = new java.util.Random(3);
        int n = 50_000;
        double delta = 0.2;
        double[] zero = new double[n];
        double[] lin = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            lin[i] = delta * r.nextGaussian();
            w[i] = 1.0 / n;
        }
        double[] quad = new double[n];
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, -2, 10)).parameter(Parameter.constrained("tes"));
        b.unbinned("SR", 1).sample("signal", 50, new double[] {0}).normFactor("mu")
                .polynomial(List.of("tes"), new double[] {0, 0}, List.of(new double[] {0}, new double[] {0})).end()
                .reference(new EventSet(n, w, Map.of("signal", new SampleColumns(zero, List.of(), List.of(), List.of(lin, quad)))))
                .end();
        Model m = b.build();
        WorkspaceNormalisation ok = WorkspaceNormalisation.of(m, 0.01, 3);
        assertEquals(4, ok.interpolated().size(), ok.toString());
        for (WorkspaceNormalisation.Interpolated k : ok.interpolated()) {
            assertEquals("polynomial", k.modifier());
            assertEquals("tes", k.parameter());
            double a = k.alpha();
            assertEquals(Math.exp(delta * delta * a * a / 2), k.factor(), 4 * k.error() + 1e-4, "alpha " + a);
            assertTrue(k.normalised() && k.passed());
        }
        List<org.ratiofit.likelihood.Channel> none = new java.util.ArrayList<>();
        for (org.ratiofit.likelihood.Channel c : m.channels()) {
            org.ratiofit.likelihood.UnbinnedChannel u = (org.ratiofit.likelihood.UnbinnedChannel) c;
            none.add(new org.ratiofit.likelihood.UnbinnedChannel(u.name(), u.samples(), u.data(), u.reference(),
                    org.ratiofit.likelihood.ShapeNormalisation.NONE));
        }
        // K(+-1.5) = exp(0.045) = 1.046 and K(+-0.5) = 1.005 against a 1% tolerance and 3 errors (~0.002)
        WorkspaceNormalisation legacy = WorkspaceNormalisation.of(new Model(m.modelParameters(), none), 0.01, 3);
        assertEquals(List.of(false, true, true, false), legacy.interpolated().stream()
                .map(WorkspaceNormalisation.Interpolated::passed).toList(), legacy.interpolated().toString());
    }
}
