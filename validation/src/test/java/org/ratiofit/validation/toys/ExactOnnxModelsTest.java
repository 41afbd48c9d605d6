package org.ratiofit.validation.toys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.validation.toys.ExactOnnxModels.Distortion;

/** The ONNX models run by ONNX Runtime reproduce the toys' exact log-ratios to float32 rounding. */
class ExactOnnxModelsTest {

    @TempDir
    Path dir;

    static final GaussianOnExponential TOY = new GaussianOnExponential(GaussianOnExponential.Config.standard());

    @ParameterizedTest(name = "alpha_shift {0}")
    @ValueSource(doubles = {0, 1, -2.5})
    void gaussianOnExponentialIsExact(double alpha) {
        Path sc = ExactOnnxModels.gaussianOnExponentialSignal(TOY, alpha, dir, "sig", Distortion.EXACT);
        // events from both hypotheses and the whole window, edges included
        double[] xs = concat(TOY.sampleSignal(3000, alpha, 1), TOY.sampleBackground(3000, 2), grid(100, 150, 201));
        double[] lr;
        try (RatioModel m = RatioModel.load(sc)) {
            assertEquals(List.of("x"), m.features());
            lr = m.logRatios(new double[][] {xs});
        }
        double worst = 0;
        for (int i = 0; i < xs.length; i++) {
            double exact = Math.log(TOY.signalPdf(xs[i], alpha) / TOY.backgroundPdf(xs[i]));
            // float32 of the quadratic's three terms: |z|² ≤ 160, so ~1e-5 absolute at the window edges
            double tol = 2e-7 * (1 + Math.abs(exact) + 0.5 * sq((xs[i] - 125) / 2)) + 1e-6;
            assertEquals(exact, lr[i], tol, "alpha " + alpha + " x " + xs[i]);
            worst = Math.max(worst, Math.abs(exact - lr[i]) / tol);
        }
        assertTrue(worst > 0, "the float32 graph is not bit-identical to the double formula (sanity)");
    }

    @Test
    void distortionScalesAndShifts() {
        Path exact = ExactOnnxModels.gaussianOnExponentialSignal(TOY, 0, dir.resolve("e"), "m", Distortion.EXACT);
        Path wrong = ExactOnnxModels.gaussianOnExponentialSignal(TOY, 0, dir.resolve("w"), "m", new Distortion(1.5, -0.2));
        double[] xs = grid(110, 140, 61);
        try (RatioModel a = RatioModel.load(exact); RatioModel b = RatioModel.load(wrong)) {
            double[] la = a.logRatios(new double[][] {xs});
            double[] lb = b.logRatios(new double[][] {xs});
            for (int i = 0; i < xs.length; i++) {
                assertEquals(1.5 * la[i] - 0.2, lb[i], 1e-4 * (1 + Math.abs(lb[i])), "x " + xs[i]);
            }
        }
    }

    static final GaussianMixture NUM = new GaussianMixture(new double[] {0.3, 0.7},
            new double[][] {{0, 0, 0}, {1, -1, 0.5}}, new double[][] {{1, 1, 1}, {0.5, 2, 1}});
    static final GaussianMixture DEN = new GaussianMixture(new double[] {0.6, 0.4},
            new double[][] {{0.2, 0, 0}, {-1, 0.5, 0}}, new double[][] {{1.5, 1.5, 1.5}, {1, 0.7, 2}});

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void gaussianMixtureIsExact(long seed) {
        List<String> f = List.of("x0", "x1", "x2");
        Path sc = ExactOnnxModels.gaussianMixture(NUM, DEN, f, dir, "mix", Distortion.EXACT);
        double[][] a = NUM.sample(2000, seed);
        double[][] b = DEN.sample(2000, seed + 100);
        double[][] cols = new double[3][];
        for (int d = 0; d < 3; d++) {
            cols[d] = concat(a[d], b[d]);
        }
        double[] exact = GaussianMixture.logRatio(NUM, DEN, cols);
        double[] lr;
        try (RatioModel m = RatioModel.load(sc)) {
            lr = m.logRatios(cols);
        }
        for (int i = 0; i < exact.length; i++) {
            double norm2 = sq(cols[0][i]) + sq(cols[1][i]) + sq(cols[2][i]);
            // float32 rounding of quadratic forms whose terms grow as |x|²/σ²
            double tol = 1e-6 * (1 + Math.abs(exact[i]) + 4 * norm2);
            assertEquals(exact[i], lr[i], tol, "seed " + seed + " event " + i);
        }
    }

    @Test
    void ensembleFolderLoads() {
        Path ens = ExactOnnxModels.gaussianMixtureEnsemble(NUM, DEN, List.of("x0", "x1", "x2"), dir.resolve("ens"), "mix",
                List.of(Distortion.EXACT, Distortion.EXACT, new Distortion(1, Math.log(2))));
        double[][] cols = DEN.sample(100, 9);
        double[] exact = GaussianMixture.logRatio(NUM, DEN, cols);
        try (Ensemble e = Ensemble.load(ens)) {
            assertEquals(3, e.members().size());
            double[] lr = e.logRatios(cols);
            // mean of ratios: (r + r + 2r)/3 = 4r/3
            for (int i = 0; i < lr.length; i++) {
                assertEquals(exact[i] + Math.log(4.0 / 3), lr[i], 1e-4 * (1 + Math.abs(exact[i])), "event " + i);
            }
        }
    }

    static double sq(double v) {
        return v * v;
    }

    static double[] grid(double lo, double hi, int n) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = lo + (hi - lo) * i / (n - 1);
        }
        g[n - 1] = Math.nextDown(hi);
        return g;
    }

    static double[] concat(double[]... parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] out = new double[n];
        int o = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
