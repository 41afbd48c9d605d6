package org.ratiofit.ratio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two-dimensional Gaussian mean shift: ln r(x|θ) = k·(θ·x − |θ|²/2), so t(x) = k·(x − θ) and, for
 * x ~ N(θ, 1), I = n·k²·𝟙.
 */
class FisherInformationTest {
    @TempDir
    Path dir;

    private Path shiftModel(String name, double k) {
        OnnxGraphBuilder b = new OnnxGraphBuilder("shift2");
        b.input("x", OnnxGraphBuilder.BATCH, 2);
        b.input("theta", OnnxGraphBuilder.BATCH, 2);
        String kk = b.initializer("k", new double[]{k}, 1);
        String ones = b.initializer("ones", new double[]{1, 1}, 2, 1);
        String half = b.initializer("half", new double[]{0.5}, 1);
        String tx = b.node("Mul", "tx", "theta", "x");
        String tt = b.node("Mul", "tt", "theta", "theta");
        String d = b.node("Sub", "d", tx, b.node("Mul", "htt", tt, half));
        String s = b.node("MatMul", "s", d, ones);
        b.nodeNamed("Mul", List.of(s, kk), "lr", Map.of());
        b.output("lr", OnnxGraphBuilder.BATCH, 1);
        OnnxGraphBuilder.write(b.build(), dir.resolve(name + ".onnx"));
        var sc = ModelSidecar.binary(name, name + ".onnx", "x", List.of("x1", "x2"), OutputConvention.LOG_RATIO, "N(θ,1)", "N(0,1)")
                .withParameters(List.of("t1", "t2"), "theta");
        Sidecars.write(sc, dir.resolve(name + ".json"));
        return dir.resolve(name + ".json");
    }

    private static double[][] sample(long seed, int n, double[] theta) {
        Random r = new Random(seed);
        double[][] c = new double[2][n];
        for (int i = 0; i < n; i++) {
            c[0][i] = theta[0] + r.nextGaussian();
            c[1][i] = theta[1] + r.nextGaussian();
        }
        return c;
    }

    @Test
    void singleModelMatchesExactScoresAndTheAnalyticInformation() {
        double[] theta = {0.4, -0.3};
        double[][] x = sample(61, 20000, theta);
        double[] w = new double[20000];
        Random r = new Random(62);
        for (int i = 0; i < w.length; i++) w[i] = 0.5 + r.nextDouble();
        try (RatioModel m = RatioModel.load(shiftModel("shift", 1.0))) {
            FisherInformation fi = FisherInformation.of(m, x, w, theta, 150.0);
            assertEquals("exact", fi.method());
            double[][] exact = new double[2][2];
            double sw = 0;
            for (int k = 0; k < w.length; k++) {
                sw += w[k];
                for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) exact[i][j] += w[k] * (x[i][k] - theta[i]) * (x[j][k] - theta[j]);
            }
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    assertEquals(150 * exact[i][j] / sw, fi.matrix()[i][j], 1e-9, "I[" + i + "][" + j + "]");
                    // and statistically the analytic n·𝟙 (20000 events: ~1% on the diagonal, ~0.7% off it)
                    assertEquals(i == j ? 150 : 0, fi.matrix()[i][j], 150 * 0.04, "analytic I[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void ensembleInformationAndItsSpread() {
        double[] theta = {0.0, 0.5};
        double[] ks = {0.9, 1.0, 1.2};
        List<RatioModel> members = new ArrayList<>();
        for (int i = 0; i < ks.length; i++) members.add(RatioModel.load(shiftModel("m" + i, ks[i])));
        double[][] x = sample(63, 5000, theta);
        try (Ensemble e = new Ensemble("shifts", members, null)) {
            FisherInformation fi = FisherInformation.of(e, x, null, theta, 1.0);
            double[][] base = FisherInformation.fromScores(new double[][]{minus(x[0], theta[0]), minus(x[1], theta[1])}, null, 1.0);
            float[] kf = {(float) ks[0], (float) ks[1], (float) ks[2]};
            double meanK2 = 0, meanK4 = 0;
            for (float k : kf) {
                meanK2 += k * k / 3.0;
                meanK4 += (double) k * k * k * k / 3.0;
            }
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    for (int m = 0; m < 3; m++) assertEquals(kf[m] * kf[m] * base[i][j], fi.members()[m][i][j], 1e-6 * (1 + Math.abs(base[i][j])));
                    assertEquals(meanK2 * base[i][j], fi.matrix()[i][j], 1e-6);
                    assertEquals(Math.sqrt(meanK4 - meanK2 * meanK2) * Math.abs(base[i][j]), fi.sd()[i][j], 1e-6);
                }
            }
        }
    }

    private static double[] minus(double[] a, double t) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i] - t;
        return r;
    }

    @Test
    void sallyModelOutputsTheScoreItself() {
        // t(x) = x − θ0 as a linear network with identity weights
        double[] theta0 = {0.25, -0.5};
        OnnxMlpWriter.write(dir.resolve("sally.onnx"), "x", "t",
                List.of(new Layer(new double[][]{{1, 0}, {0, 1}}, new double[]{-theta0[0], -theta0[1]}, Activation.IDENTITY)));
        var sc = ModelSidecar.binary("sally", "sally.onnx", "x", List.of("x1", "x2"), OutputConvention.LOCAL_SCORE, null, null)
                .withParameters(List.of("t1", "t2"), null);
        Sidecars.write(sc, dir.resolve("sally.json"));
        double[][] x = sample(64, 3000, theta0);
        try (RatioModel m = RatioModel.load(dir.resolve("sally.json"))) {
            FisherInformation fi = FisherInformation.of(m, x, null, null, 10.0);
            assertEquals("local_score", fi.method());
            double[][] t = new double[2][3000];
            for (int i = 0; i < 3000; i++) {
                t[0][i] = (float) ((float) x[0][i] - (float) theta0[0]);
                t[1][i] = (float) ((float) x[1][i] - (float) theta0[1]);
            }
            double[][] exact = FisherInformation.fromScores(t, null, 10.0);
            for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) assertEquals(exact[i][j], fi.matrix()[i][j], 1e-6);
        }
    }
}
