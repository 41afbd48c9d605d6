package org.ratiofit.ratio.training.multiclass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;

/**
 * The trainer with isotonic calibration on {@link MulticlassTrainerTest}'s three Gaussian classes,
 * with a network stopped after one epoch (so deliberately mis-calibrated): the calibrated ratios
 * against the uncalibrated ones of the same network, the normalisation, the sidecar round trip
 * through {@link RatioModel}, and the choice's parsing.
 */
class MulticlassIsotonicTrainingTest {

    /** Density-weighted mean squared error of ln r̂_c against the exact ln r_c where |ln r_c| < 2.5, both classes. */
    static double mse(MulticlassTrainer.Result r) {
        int n = 301;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -3 + 6.0 * i / (n - 1);
        }
        double[][] lr = r.logRatios(new double[][] {x});
        double s = 0;
        double sw = 0;
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < n; i++) {
                double exact = MulticlassTrainerTest.lnN(x[i], c) - MulticlassTrainerTest.lnN(x[i], 2);
                if (Math.abs(exact) > 2.5) {
                    continue;
                }
                double dens = Math.exp(MulticlassTrainerTest.lnN(x[i], c)) + Math.exp(MulticlassTrainerTest.lnN(x[i], 2));
                s += dens * Math.pow(lr[c][i] - exact, 2);
                sw += dens;
            }
        }
        return s / sw;
    }

    @Test
    void isotonicCalibrationRepairsAnUndertrainedNetworkAndTravelsInTheSidecar(@TempDir Path dir) throws Exception {
        MulticlassData d = MulticlassTrainerTest.data(new int[] {6000, 6000, 6000}, 21);
        // one epoch at a small learning rate: far from the optimum, hence mis-calibrated
        var config = MulticlassTrainerTest.config(1).withOptimizer(org.ratiofit.ratio.training.TrainingConfig.OptimizerKind.ADAM, 1e-3,
                org.ratiofit.ratio.training.TrainingConfig.Schedule.COSINE, 0.05);
        MulticlassTrainer.Result none = MulticlassTrainer.train(d, config, 1, MulticlassTrainer.ClassWeights.EQUAL, ClassCalibration.NONE, null);
        MulticlassTrainer.Result iso = MulticlassTrainer.train(d, config, 1, MulticlassTrainer.ClassWeights.EQUAL, ClassCalibration.ISOTONIC, null);
        double mseNone = mse(none);
        double mseIso = mse(iso);
        System.out.printf("under-trained network: density-weighted MSE of ln r against the exact %.4f uncalibrated, %.4f isotonic%n",
                mseNone, mseIso);
        assertTrue(mseNone > 0.1, "the network is mis-calibrated: MSE " + mseNone);
        // the holdout holds ~1200 events per class, and a one-epoch network ranks events imperfectly (which no monotone map repairs)
        assertTrue(mseIso < mseNone / 4 && mseIso < 0.1, "isotonic MSE " + mseIso + " against uncalibrated " + mseNone);

        // E_ref[r_c] = 1 on the reference's training events after calibration
        MulticlassTrainer.Member m = iso.members().get(0);
        int[] ref = d.select(iso.split().train(), Set.of(d.reference()));
        double[][] cols = {pick(d.columns()[0], ref)};
        double[][] lr = iso.logRatios(m, cols);
        for (int c = 0; c < 2; c++) {
            double sw = 0;
            double swr = 0;
            for (int i = 0; i < ref.length; i++) {
                sw += d.weights()[ref[i]];
                swr += d.weights()[ref[i]] * Math.exp(lr[c][i]);
            }
            assertEquals(1, swr / sw, 1e-9, "E_ref[r_" + c + "]");
        }

        // sidecar round trip: isotonic maps per class, evaluated by RatioModel as the trainer evaluates them
        MulticlassExport.write(iso, dir, "abc");
        ModelSidecar sc = Sidecars.read(dir.resolve("member-0.json"));
        assertEquals(Set.of("a", "b"), sc.multiclass().calibration().keySet());
        for (String c : List.of("a", "b")) {
            assertInstanceOf(ModelSidecar.Isotonic.class, sc.multiclass().calibration().get(c));
        }
        assertNull(m.isotonic().get(2));
        double[] x = {-2.6, -1.7, -1.0, -0.4, 0.0, 0.3, 1.1, 1.9, 2.8};
        double[][] java = iso.logRatios(m, new double[][] {x});
        try (RatioModel model = RatioModel.load(dir.resolve("member-0.json"))) {
            double[][] onnx = model.evaluateMulticlass(new double[][] {x}, null).logRatio();
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < x.length; i++) {
                    assertEquals(java[c][i], onnx[c][i], 2e-4, "class " + c + " x " + x[i]);
                }
            }
        }
        // the uncalibrated export names no calibration
        MulticlassExport.write(none, dir.resolve("none"), "abc");
        assertNull(Sidecars.read(dir.resolve("none/member-0.json")).multiclass().calibration());
    }

    @Test
    void theChoiceParsesAndNamesTheAlternatives() {
        assertEquals(ClassCalibration.ISOTONIC, ClassCalibration.parse("Isotonic"));
        assertEquals(ClassCalibration.TEMPERATURE, ClassCalibration.parse("temperature"));
        assertEquals(ClassCalibration.NONE, ClassCalibration.parse(" none "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassCalibration.parse("platt"));
        assertTrue(e.getMessage().contains("'platt'") && e.getMessage().contains("none, temperature or isotonic"), e.getMessage());
    }

    private static double[] pick(double[] v, int[] idx) {
        double[] out = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = v[idx[i]];
        }
        return out;
    }
}
