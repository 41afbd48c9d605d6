package org.ratiofit.ratio.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.training.diagnostics.DiagnosticsReport;
import org.ratiofit.ratio.training.diagnostics.TrainingDiagnostics;

/**
 * Diagnostics of a trained ensemble pass (closure, normalisation, calibration), while the same
 * diagnostics of the trivial model r̂ ≡ 1 fail closure: the checks can tell a good model from a
 * bad one. Every figure is a readable PNG and the report round-trips through JSON.
 */
class DiagnosticsTest {

    @Test
    void goodModelPassesAndTrivialModelFailsClosure(@TempDir Path dir) throws Exception {
        TrainingData data = GaussianToy.data(8_000, 8_000, 404L);
        TrainingConfig cfg = TrainingConfig.defaults().withNetwork(List.of(32, 32), TrainingConfig.Activation.SWISH)
                .withOptimizer(TrainingConfig.OptimizerKind.ADAM, 3e-3, TrainingConfig.Schedule.COSINE, 0.05)
                .withEpochs(15, 512, 5).withQuiet(true);
        TrainedEnsemble ens = EnsembleTrainer.train(data, cfg, 2);
        DiagnosticsReport good = TrainingDiagnostics.run(ens, data, dir.resolve("good"), true);

        for (String f : good.figures()) {
            BufferedImage img = ImageIO.read(dir.resolve("good").resolve(f).toFile());
            assertNotNull(img, f + " is not a readable PNG");
            assertTrue(img.getWidth() > 100);
        }
        assertTrue(good.figures().containsAll(List.of("loss_curves.png", "overtraining.png", "calibration.png",
                "closure_x1.png", "closure_x2.png", "null_test.png")), good.figures().toString());
        DiagnosticsReport back = TrainingDiagnostics.JSON.readValue(dir.resolve("good/report.json").toFile(),
                DiagnosticsReport.class);
        assertEquals(good.normalisation(), back.normalisation());
        assertEquals(good.closure(), back.closure());

        assertTrue(Math.abs(good.normalisation().pull()) < 3, "normalisation " + good.normalisation());
        for (DiagnosticsReport.Closure c : good.closure()) {
            assertTrue(c.chi2PerNdf() < 2.5, "closure of the trained model: " + c);
        }
        assertTrue(good.calibration().chi2() / good.calibration().ndf() < 2.5, "calibration " + good.calibration());
        for (DiagnosticsReport.Overtraining o : good.overtraining()) {
            assertTrue(o.pValue() >= 0 && o.pValue() <= 1 && o.ksStatistic() >= 0 && o.ksStatistic() <= 1, o.toString());
        }
        assertTrue(good.nullTest().rmsLogRatio() < 0.15, "null test " + good.nullTest());

        // the trivial model r = 1 (all weights zero): closure must fail on the feature that differs most
        List<TrainedMember> trivial = new ArrayList<>();
        TrainedMember m = ens.members().get(0);
        List<float[]> zeros = new ArrayList<>();
        for (float[] w : m.network().weights()) {
            zeros.add(new float[w.length]);
        }
        List<float[]> zb = new ArrayList<>();
        for (float[] b : m.network().biases()) {
            zb.add(new float[b.length]);
        }
        trivial.add(new TrainedMember(m.formatVersion(), 0, m.seed(), m.config(), m.split(), m.scaler(),
                new MlpWeights(1, m.network().inputs(), m.network().widths(), m.network().activation(), zeros, zb),
                m.history()));
        DiagnosticsReport bad = TrainingDiagnostics.run(new TrainedEnsemble(1, trivial), data, dir.resolve("bad"), false);
        assertTrue(bad.closure().get(0).chi2PerNdf() > 10, "closure of r = 1 should fail: " + bad.closure());
        assertEquals(1.0, bad.normalisation().value(), 1e-12, "r = 1 normalises trivially");
        System.out.println("good: " + good.closure() + " " + good.normalisation() + " " + good.nullTest());
    }
}
