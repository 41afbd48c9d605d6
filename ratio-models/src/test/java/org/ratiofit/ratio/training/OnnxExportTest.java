package org.ratiofit.ratio.training;

import static org.junit.jupiter.api.Assertions.assertEquals;


import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.training.calibration.IsotonicCalibrator;

/**
 * A member exported to ONNX + sidecar and loaded back through {@link RatioModel} (ONNX Runtime)
 * reproduces DJL's forward pass to float32 tolerance, for each output convention, activation and
 * scaler (the sidecar's scaler must match the one fitted in training).
 */
class OnnxExportTest {

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"LOGIT, SWISH, YEO_JOHNSON", "SCORE, RELU, MIN_MAX", "LOGIT, TANH, STANDARD"})
    void exportReproducesDjlForward(TrainingConfig.OutputConvention conv, TrainingConfig.Activation act,
            ScalerKind scaler, @TempDir Path dir) {
        TrainingData data = GaussianToy.data(2_000, 2_000, 31L);
        TrainingConfig cfg = TrainingConfig.defaults().withNetwork(List.of(16, 16), act).withEpochs(3, 256, 3)
                .withScaler(scaler, -1.5, 1.5).withOutput(conv).withQuiet(true);
        TrainedMember m = DjlTrainer.train(data, cfg, 0);
        Path sidecar = OnnxExport.export(m, dir, "member-0", "A", "B", null);

        double[][] rows = GaussianToy.sample(1000, true, new SplittableRandom(8));
        float[] scaled = m.scaler().transformRows(rows);
        float[] djl = DjlTrainer.djlLogits(m.network(), scaled);
        double[][] columns = new double[2][rows.length];
        for (int i = 0; i < rows.length; i++) {
            columns[0][i] = rows[i][0];
            columns[1][i] = rows[i][1];
        }
        double[] java = m.logRatio(rows);
        try (RatioModel model = RatioModel.load(sidecar)) {
            double[] onnx = model.logRatios(columns);
            float[] raw = model.rawOutputs(columns, null);
            for (int i = 0; i < rows.length; i++) {
                double z = djl[i];
                if (conv == TrainingConfig.OutputConvention.SCORE) {
                    double s = 1 / (1 + Math.exp(-z));
                    assertEquals(s, raw[i], 2e-6, "score of event " + i);
                    // ln(s/(1-s)) from a float32 s loses digits; the score itself is what is exported
                    assertEquals(z, onnx[i], 1e-4 * (1 + Math.abs(z)), "log-ratio of event " + i);
                } else {
                    assertEquals(z, raw[i], 1e-5 * (1 + Math.abs(z)), "logit of event " + i);
                    assertEquals(z, onnx[i], 1e-5 * (1 + Math.abs(z)), "log-ratio of event " + i);
                }
                assertEquals(z, java[i], 1e-5 * (1 + Math.abs(z)), "Java forward of event " + i);
            }
        }
    }

    @ParameterizedTest(name = "isotonic calibration travels in the sidecar, seed {0}")
    @CsvSource({"3"})
    void calibrationIsExported(long seed, @TempDir Path dir) {
        TrainingData data = GaussianToy.data(2_000, 2_000, seed);
        TrainingConfig cfg = TrainingConfig.defaults().withNetwork(List.of(8), TrainingConfig.Activation.TANH)
                .withEpochs(2, 256, 2).withOutput(TrainingConfig.OutputConvention.LOGIT).withQuiet(true);
        TrainedMember m = DjlTrainer.train(data, cfg, 0);
        int[] hold = m.split().holdout();
        double[] l = m.logRatio(data, hold);
        double[] r = new double[l.length];
        int[] y = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            r[i] = Math.exp(l[i]);
            y[i] = data.labels()[hold[i]];
        }
        IsotonicCalibrator iso = IsotonicCalibrator.fit(r, y, data.classNormalisedWeights(hold));
        Path sidecar = OnnxExport.export(m, dir, "cal", "A", "B", iso);
        double[][] rows = GaussianToy.sample(200, false, new SplittableRandom(seed + 1));
        double[][] columns = new double[2][rows.length];
        for (int i = 0; i < rows.length; i++) {
            columns[0][i] = rows[i][0];
            columns[1][i] = rows[i][1];
        }
        double[] raw = m.logRatio(rows);
        try (RatioModel model = RatioModel.load(sidecar)) {
            double[] cal = model.logRatios(columns);
            for (int i = 0; i < rows.length; i++) {
                double expected = Math.log(iso.calibrate(Math.exp(raw[i])));
                assertEquals(expected, cal[i], 1e-4, "seed " + seed + ", event " + i);
            }
        }
    }
}
