package org.ratiofit.ratio;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.ratio.ModelSidecar.Multiclass;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.ModelSidecar.Platt;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Softmax models: every class against the reference, with class priors and per-class calibration. */
class MulticlassTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {51, 52, 53})
    void everyClassAgainstTheReference(long seed) {
        boolean probs = seed != 52;
        List<Layer> layers = TestModels.randomLayers(seed, new int[]{3, 10, 4},
                new Activation[]{Activation.TANH, probs ? Activation.SOFTMAX : Activation.IDENTITY}, 1.5);
        OnnxMlpWriter.write(dir.resolve("mc.onnx"), "x", "p", layers);
        List<String> classes = List.of("ggF", "VBF", "ttH", "bkg");
        double[] priors = {0.1, 0.2, 0.3, 0.4};
        var sc = ModelSidecar.binary("mc", "mc.onnx", "x", List.of("a", "b", "c"), probs ? OutputConvention.SOFTMAX : OutputConvention.SOFTMAX_LOGITS, "VBF", null)
                .withMulticlass(new Multiclass(classes, "bkg", priors, Map.of("VBF", new Platt(0.8, 0.1))));
        Sidecars.write(sc, dir.resolve("mc.json"));
        double[][] cols = TestModels.randomColumns(seed, 3, 500, 1.0, 0.0);
        try (RatioModel m = RatioModel.load(dir.resolve("mc.json"))) {
            RatioModel.MulticlassEvaluation ev = m.evaluateMulticlass(cols, null);
            double[] vbf = m.logRatios(cols);
            for (int i = 0; i < 500; i++) {
                double[] y = TestModels.mlpForward(layers, TestModels.roundToFloat(TestModels.row(cols, i)));
                for (int c = 0; c < 4; c++) {
                    double l = probs ? Math.log(y[c] / y[3]) : y[c] - y[3];
                    l += Math.log(priors[3] / priors[c]);
                    if (c == 1) l = 0.8 * l + 0.1;
                    assertEquals(l, ev.logRatio()[c][i], 2e-5 * (1 + Math.abs(l)), "seed " + seed + " class " + classes.get(c) + " row " + i);
                }
                assertEquals(ev.logRatio()[1][i], vbf[i], 0.0);
            }
        }
    }
}
