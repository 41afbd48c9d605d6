package org.ratiofit.ratio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;

/**
 * Ensemble Fisher information in MadMiner's two modes and expectation weights of score ensembles,
 * on SALLY models whose score is an exact affine map t_i(x) = A_i x + b_i, so every number is known.
 */
class EnsembleFisherTest {
    private static final double[][] A0 = {{1, 0}, {0, 1}}, A1 = {{1.2, 0}, {0.1, 0.9}}, A2 = {{0.8, 0}, {0, 1.1}};
    private static final double[][] B = {{0, 0}, {0.3, -0.4}, {0.05, 0}};

    private static Ensemble ensemble(Path dir) {
        List<RatioModel> ms = new ArrayList<>();
        double[][][] as = {A0, A1, A2};
        for (int i = 0; i < 3; i++) {
            OnnxMlpWriter.write(dir.resolve("s" + i + ".onnx"), "x", "t", List.of(new Layer(as[i], B[i], Activation.IDENTITY)));
            var sc = ModelSidecar.binary("s" + i, "s" + i + ".onnx", "x", List.of("x1", "x2"), OutputConvention.LOCAL_SCORE,
                    null, null).withParameters(List.of("a", "b"), null);
            Sidecars.write(sc, dir.resolve("s" + i + ".json"));
            ms.add(RatioModel.load(dir.resolve("s" + i + ".json")));
        }
        return new Ensemble("sally", ms, EnsembleManifest.Aggregation.MEAN_RATIO);
    }

    /** A sample symmetric under x → −x, so that E[x] = 0 exactly and E[t_i] = b_i. */
    private static double[][] symmetricSample(int half) {
        SplittableRandom rng = new SplittableRandom(4);
        double[][] x = new double[2][2 * half];
        for (int k = 0; k < half; k++) {
            for (int j = 0; j < 2; j++) {
                double v = (float) rng.nextGaussian();
                x[j][k] = v;
                x[j][half + k] = -v;
            }
        }
        return x;
    }

    private static double[][] affine(double[][] a, double[] b, double[][] x) {
        int n = x[0].length;
        double[][] t = new double[2][n];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < 2; i++) {
                t[i][k] = a[i][0] * x[0][k] + a[i][1] * x[1][k] + b[i];
            }
        }
        return t;
    }

    @Test
    void scoreExpectationWeightsAndBothModes(@TempDir Path dir) {
        double[][] x = symmetricSample(1500);
        try (Ensemble e = ensemble(dir)) {
            double beta = 3;
            EnsembleFisher.ScoreExpectation se = EnsembleFisher.fitScoreExpectationWeights(e, x, null, null, beta);
            double[] dev = {0, 0.5, 0.05};
            double s = 0;
            for (int i = 0; i < 3; i++) {
                assertEquals(dev[i], se.deviation()[i], 1e-6);
                s += Math.exp(-beta * dev[i]);
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(Math.exp(-beta * dev[i]) / s, e.weights()[i], 1e-6);
            }
            double[] w = e.weights();
            double[][][] t = {affine(A0, B[0], x), affine(A1, B[1], x), affine(A2, B[2], x)};
            // SCORE mode: I of the weighted mean score
            double[][] mean = new double[2][x[0].length];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 2; j++) {
                    for (int k = 0; k < mean[j].length; k++) {
                        mean[j][k] += w[i] * t[i][j][k];
                    }
                }
            }
            double[][] wantScore = FisherInformation.fromScores(mean, null, 50);
            EnsembleFisher.Result rs = EnsembleFisher.of(e, x, null, null, 50, EnsembleFisher.Mode.SCORE);
            // INFORMATION mode: weighted mean of the members' I
            double[][] wantInfo = new double[2][2];
            double[][][] per = new double[3][][];
            for (int i = 0; i < 3; i++) {
                per[i] = FisherInformation.fromScores(t[i], null, 50);
                for (int a = 0; a < 2; a++) {
                    for (int b = 0; b < 2; b++) {
                        wantInfo[a][b] += w[i] * per[i][a][b];
                    }
                }
            }
            EnsembleFisher.Result ri = EnsembleFisher.of(e, x, null, null, 50, EnsembleFisher.Mode.INFORMATION);
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                    assertEquals(wantScore[a][b], rs.information().matrix()[a][b], 1e-4 * wantScore[0][0]);
                    assertEquals(wantInfo[a][b], ri.information().matrix()[a][b], 1e-4 * wantInfo[0][0]);
                    double var = 0;
                    for (int i = 0; i < 3; i++) {
                        var += w[i] * Math.pow(per[i][a][b] - wantInfo[a][b], 2);
                    }
                    assertEquals(Math.sqrt(var), ri.information().sd()[a][b], 1e-4 * wantInfo[0][0]);
                    assertEquals(var, ri.covariance()[2 * a + b][2 * a + b], 1e-4 * Math.pow(wantInfo[0][0], 2));
                }
            }
            // averaging scores before squaring loses the members' disagreement: I_score ≤ I_info on the diagonal
            assertTrue(rs.information().matrix()[0][0] <= ri.information().matrix()[0][0] + 1e-9);
        }
    }

    @Test
    void ellipseOfADiagonalInformation() {
        FisherEllipse el = FisherEllipse.of(new double[][] {{4, 0}, {0, 1}});
        assertEquals(0.5, el.errors()[0], 1e-12);
        assertEquals(1.0, el.errors()[1], 1e-12);
        assertEquals(Math.sqrt(FisherEllipse.DELTA_CHI2_68_2D), el.semiAxes()[0], 1e-12);
        assertEquals(0.5 * Math.sqrt(FisherEllipse.DELTA_CHI2_68_2D), el.semiAxes()[1], 1e-12);
        assertEquals(Math.PI / 2, Math.abs(el.angle()), 1e-12);
        // a correlated information: the ellipse outline satisfies Δθᵀ I Δθ = Δχ²
        double[][] info = {{3, 1.2}, {1.2, 2}};
        FisherEllipse c = FisherEllipse.of(info);
        double[][] xy = c.outline(new double[] {1, -1}, 16);
        for (int k = 0; k < 16; k++) {
            double u = xy[0][k] - 1, v = xy[1][k] + 1;
            assertEquals(FisherEllipse.DELTA_CHI2_68_2D, info[0][0] * u * u + 2 * info[0][1] * u * v + info[1][1] * v * v, 1e-9);
        }
        // 68.27% in 2-D: P(χ²₂ ≤ Δχ²) = 1 − e^{−Δχ²/2}
        assertEquals(0.6826894921370859, 1 - Math.exp(-FisherEllipse.DELTA_CHI2_68_2D / 2), 1e-12);
    }
}
