package org.ratiofit.validation.toys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.ThetaGradient;

/** The ONNX normal-model ratio against {@link NormalMeanSigma#logRatio} and its analytic θ-derivatives. */
class NormalMeanSigmaOnnxTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void valuesAndThetaGradientsMatchTheExactLogRatio(long seed) {
        Random r = new Random(seed);
        double tau = 1 + 4 * r.nextDouble();
        double mu = -2 + 4 * r.nextDouble();
        double sigma = 0.3 + 2.5 * r.nextDouble();
        int n = 300;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = mu + 2 * sigma * r.nextGaussian();
        }
        Path sidecar = NormalMeanSigmaOnnx.write(dir, "normal" + seed, tau);
        try (RatioModel m = RatioModel.load(sidecar)) {
            assertEquals(List.of("x"), m.features());
            assertEquals(List.of("mu", "sigma"), m.parameters());
            double[] theta = {mu, sigma};
            // ONNX Runtime in float32
            double[] ort = m.logRatios(new double[][] {x}, theta);
            // ratio-models' double-precision evaluator with exact reverse-mode gradients
            ThetaGradient g = m.logRatioGradient(new double[][] {x}, theta);
            assertEquals("exact", g.method(), "seed " + seed + ": " + m.graphEvaluatorProblem());
            for (int i = 0; i < n; i++) {
                double exact = NormalMeanSigma.logRatio(x[i], mu, sigma, tau);
                // float32: inputs rounded to ~6e-8 relative, the terms of ln r are O(z^2 + (x/tau)^2)
                double zMax = Math.max(Math.abs((x[i] - mu) / sigma), Math.abs(x[i] / tau));
                double tol = 1e-6 * (1 + Math.abs(exact) + zMax * zMax + Math.abs(Math.log(sigma)));
                assertEquals(exact, ort[i], tol, "seed " + seed + " ONNX Runtime, row " + i + " x=" + x[i]);
                // the evaluator runs in double, but the graph stores 1/(2 tau^2) and ln tau as float32 constants
                double constTol = 1.2e-7 * (x[i] * x[i] * 0.5 / (tau * tau) + Math.abs(Math.log(tau))) + 1e-12 * (1 + Math.abs(exact));
                assertEquals(exact, g.logRatio()[i], constTol, "seed " + seed + " evaluator, row " + i);
                double d = x[i] - mu;
                double dMu = d / (sigma * sigma);
                double dSigma = -1 / sigma + d * d / (sigma * sigma * sigma);
                assertEquals(dMu, g.gradient()[0][i], 1e-10 * (1 + Math.abs(dMu)), "seed " + seed + " d/dmu, row " + i);
                assertEquals(dSigma, g.gradient()[1][i], 1e-10 * (1 + Math.abs(dSigma)), "seed " + seed + " d/dsigma, row " + i);
                // and against central differences of NormalMeanSigma.logRatio itself
                double h = 1e-6;
                double fdMu = (NormalMeanSigma.logRatio(x[i], mu + h, sigma, tau) - NormalMeanSigma.logRatio(x[i], mu - h, sigma, tau)) / (2 * h);
                double fdSigma = (NormalMeanSigma.logRatio(x[i], mu, sigma + h, tau) - NormalMeanSigma.logRatio(x[i], mu, sigma - h, tau)) / (2 * h);
                assertEquals(fdMu, g.gradient()[0][i], 1e-6 * (1 + Math.abs(fdMu)), "seed " + seed + " fd d/dmu, row " + i);
                assertEquals(fdSigma, g.gradient()[1][i], 1e-6 * (1 + Math.abs(fdSigma)), "seed " + seed + " fd d/dsigma, row " + i);
            }
        }
    }

    @Test
    void perEventThetaGivesEachEventsOwnRatio() {
        double tau = 2.5;
        Path sidecar = NormalMeanSigmaOnnx.write(dir, "normal", tau);
        Random r = new Random(11);
        int n = 100;
        double[] x = new double[n];
        double[][] theta = new double[2][n];
        for (int i = 0; i < n; i++) {
            x[i] = 3 * r.nextGaussian();
            theta[0][i] = 2 * r.nextGaussian();
            theta[1][i] = 0.5 + r.nextDouble();
        }
        try (RatioModel m = RatioModel.load(sidecar)) {
            ThetaGradient g = m.logRatioGradientPerEvent(new double[][] {x}, theta);
            for (int i = 0; i < n; i++) {
                double exact = NormalMeanSigma.logRatio(x[i], theta[0][i], theta[1][i], tau);
                assertEquals(exact, g.logRatio()[i], 1.2e-7 * (x[i] * x[i] * 0.5 / (tau * tau) + Math.log(tau)) + 1e-12, "row " + i);
                double s = theta[1][i];
                assertEquals((x[i] - theta[0][i]) / (s * s), g.gradient()[0][i], 1e-10 * (1 + Math.abs(g.gradient()[0][i])), "row " + i);
            }
        }
    }

    @Test
    void badTauIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> NormalMeanSigmaOnnx.write(dir, "bad", 0));
        assertTrue(e.getMessage().contains("tau"), e.getMessage());
    }
}
