package org.ratiofit.validation.salad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.io.Npy;

/** The training settings a weights sidecar records, as {@code validate} and the closure's retraining read them back. */
class SaladWeightsTest {

    private static SaladWeights write(Path dir, String settings) throws Exception {
        Path cfg = SaladToy.of(3000, 3000, 0).write(dir, 3);
        SaladConfig c = SaladConfigLoader.load(cfg);
        int n = SaladEvents.load(c).simulation().size();
        double[] w = new double[n];
        Arrays.fill(w, 1.0);
        Path out = dir.resolve("rw");
        Files.createDirectories(out);
        Files.write(out.resolve("weights.npy"), Npy.toBytes(w, new int[] {n}));
        Files.writeString(out.resolve("weights.json"), "{\"formatVersion\": 1, \"weights\": \"weights.npy\", \"events\": " + n
                + ", \"provenance\": {\"settings\": " + settings + "}}");
        return SaladWeights.read(out, c, n);
    }

    @Test
    void aFormatOneSidecarWasTrainedWithPatienceFiveAndTheScheduleEndingAtFivePercent(@TempDir Path dir) throws Exception {
        KFoldClassifier.Settings s = write(dir, "{\"members\": 2, \"folds\": 3, \"epochs\": 30, \"hidden\": [32, 32], "
                + "\"batchSize\": 256, \"learningRate\": 0.003, \"seed\": 7, \"quiet\": true}").trained();
        assertEquals(5, s.patience());
        assertEquals(0.05, s.finalLearningRate());
        assertEquals(3, s.folds());
        assertEquals(7, s.seed());
    }

    @Test
    void aFormatTwoSidecarNamesThem(@TempDir Path dir) throws Exception {
        KFoldClassifier.Settings s = write(dir, "{\"members\": 2, \"folds\": 3, \"epochs\": 30, \"hidden\": [64, 64], "
                + "\"batchSize\": 256, \"learningRate\": 0.003, \"seed\": 7, \"quiet\": true, \"patience\": 0, "
                + "\"finalLearningRate\": 0.01}").trained();
        assertEquals(0, s.patience());
        assertEquals(0.01, s.finalLearningRate());
        assertEquals(java.util.List.of(64, 64), s.hidden());
    }
}
