package org.ratiofit.ratio.training.multiclass;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.training.TrainingConfig;

/**
 * Three 1-D Gaussian classes a ~ N(−1, 0.8²), b ~ N(1, 1), ref ~ N(0, 1.3²): the learned
 * multiclass log-ratios against the exact ones, with balanced and with physical (unequal) class
 * totals (the prior correction), the exported ONNX + sidecar against the Java forward pass, the
 * temperature calibration, reruns, and bad input.
 */
class MulticlassTrainerTest {

    static final double[] MEAN = {-1, 1, 0};
    static final double[] SD = {0.8, 1, 1.3};
    static final List<String> CLASSES = List.of("a", "b", "ref");

    static double lnN(double x, int c) {
        double z = (x - MEAN[c]) / SD[c];
        return -0.5 * z * z - Math.log(SD[c]);
    }

    static MulticlassData data(int[] sizes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Map<String, double[]>> samples = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            double[] x = new double[sizes[c]];
            for (int i = 0; i < x.length; i++) {
                double u1 = r.nextDouble();
                double u2 = r.nextDouble();
                x[i] = MEAN[c] + SD[c] * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
            }
            samples.add(Map.of("x", x));
        }
        return MulticlassData.of(CLASSES, "ref", samples, null, List.of("x"), Set.of("x"));
    }

    static TrainingConfig config(int epochs) {
        return TrainingConfig.defaults().withNetwork(List.of(16, 16), TrainingConfig.Activation.SWISH)
                .withOptimizer(TrainingConfig.OptimizerKind.ADAM, 5e-3, TrainingConfig.Schedule.COSINE, 0.05)
                .withEpochs(epochs, 256, 6).withQuiet(true);
    }

    /** Mean squared error of ln r̂_c − ln r_c over x in [−2, 2] for both non-reference classes. */
    static double mse(MulticlassTrainer.Result r) {
        int n = 81;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -2 + 4.0 * i / (n - 1);
        }
        double[][] lr = r.logRatios(new double[][] {x});
        double s = 0;
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < n; i++) {
                double d = lr[c][i] - (lnN(x[i], c) - lnN(x[i], 2));
                s += d * d;
            }
        }
        return s / (2 * n);
    }

    @Test
    void learnsExactLogRatiosBalancedAndWithPhysicalYieldsAndExportsThem(@TempDir Path dir) throws Exception {
        MulticlassTrainer.Result eq = MulticlassTrainer.train(data(new int[] {3000, 3000, 3000}, 1), config(25), 1,
                MulticlassTrainer.ClassWeights.EQUAL, false, null);
        double mseEq = mse(eq);
        // unequal totals: the network learns P(c|x) with priors 1/6, 2/6, 3/6; the correction ln(π_ref/π_c) undoes them
        MulticlassTrainer.Result phys = MulticlassTrainer.train(data(new int[] {1500, 3000, 4500}, 2), config(25), 1,
                MulticlassTrainer.ClassWeights.YIELDS, true, null);
        double msePhys = mse(phys);
        assertTrue(mseEq < 0.02, "MSE balanced " + mseEq);
        // fewer events of class a (900 in training) give a larger statistical error; a missing or wrong
        // prior correction would shift ln r̂ by ln 3 or ln 1.5 (MSE > 0.16), which the offset check catches too
        assertTrue(msePhys < 0.06, "MSE physical yields " + msePhys);
        double[] xs = {-1, -0.5, 0, 0.5, 1};
        double[][] lp = phys.logRatios(new double[][] {xs});
        for (int c = 0; c < 2; c++) {
            double off = 0;
            for (int i = 0; i < xs.length; i++) {
                off += (lp[c][i] - (lnN(xs[i], c) - lnN(xs[i], 2))) / xs.length;
            }
            assertEquals(0, off, 0.15, "mean offset of class " + c + " (prior correction)");
        }
        double[] pri = phys.members().get(0).priors();
        assertEquals(1 / 6.0, pri[0], 0.02);
        assertEquals(0.5, pri[2], 0.02);
        // a well-trained classifier needs little temperature (the holdout's 1800 events fix it to ~±0.1)
        for (int c = 0; c < 2; c++) {
            assertEquals(1.0, phys.members().get(0).temperatures()[c], 0.3, "temperature of class " + c);
        }

        MulticlassExport.write(phys, dir, "abc");
        ModelSidecar sc = Sidecars.read(dir.resolve("member-0.json"));
        assertEquals(ModelSidecar.OutputConvention.SOFTMAX_LOGITS, sc.output());
        assertEquals(CLASSES, sc.multiclass().classes());
        assertEquals("ref", sc.multiclass().reference());
        assertNull(sc.numerator());
        assertEquals(2, sc.multiclass().calibration().size());
        double[] x = {-1.7, -0.4, 0.0, 0.3, 1.9};
        double[][] java = phys.logRatios(phys.members().get(0), new double[][] {x});
        try (RatioModel m = RatioModel.load(dir.resolve("member-0.json"))) {
            double[][] onnx = m.evaluateMulticlass(new double[][] {x}, null).logRatio();
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < x.length; i++) {
                    assertEquals(java[c][i], onnx[c][i], 2e-4, "class " + c + " x " + x[i]);
                }
            }
        }
        assertTrue(Files.isRegularFile(dir.resolve("ensemble.json")));
        assertTrue(Files.isRegularFile(dir.resolve("member-0.training.json")));
    }

    /** Logits that are the exact log-ratio divided by 2 (an under-confident classifier) get a temperature of 2. */
    @Test
    void temperatureUndoesAScaledLogit() {
        MulticlassData d = data(new int[] {20000, 20000, 20000}, 5);
        int n = d.size();
        int[] events = new int[n];
        double[] z = new double[n * 3];
        for (int i = 0; i < n; i++) {
            events[i] = i;
            double x = d.columns()[0][i];
            for (int c = 0; c < 3; c++) {
                z[i * 3 + c] = 0.5 * lnN(x, c);
            }
        }
        double[] w = MulticlassTrainer.normalisedWeights(d, events, MulticlassTrainer.ClassWeights.EQUAL);
        for (int k = 0; k < 2; k++) {
            assertEquals(2.0, MulticlassTrainer.temperature(z, 3, k, 2, events, d.labels(), w), 0.1, "class " + k);
        }
    }

    /** Members trained apart (as Spark tasks do: on two threads at once, in reverse order) and joined give the ensemble train gives. */
    @Test
    void membersTrainedApartOnTwoThreadsGiveTheSameEnsemble(@TempDir Path dir) throws Exception {
        MulticlassData d = data(new int[] {600, 600, 600}, 3);
        TrainingConfig c = config(3);
        ClassCalibration cal = ClassCalibration.ISOTONIC;
        MulticlassExport.write(MulticlassTrainer.train(d, c, 2, MulticlassTrainer.ClassWeights.EQUAL, cal, null), dir.resolve("a"), "x");
        org.ratiofit.ratio.training.DataSplit split = MulticlassTrainer.split(d, c, cal);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var m1 = pool.submit(() -> MulticlassTrainer.member(d, c, 1, split, MulticlassTrainer.ClassWeights.EQUAL, cal, null));
            var m0 = pool.submit(() -> MulticlassTrainer.member(d, c, 0, split, MulticlassTrainer.ClassWeights.EQUAL, cal, null));
            MulticlassExport.write(MulticlassTrainer.result(d, MulticlassTrainer.ClassWeights.EQUAL, cal, split, List.of(m0.get(), m1.get())),
                    dir.resolve("b"), "x");
        } finally {
            pool.shutdown();
        }
        for (String f : List.of("member-0.onnx", "member-1.onnx", "member-0.json", "member-1.json", "ensemble.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
    }

    /**
     * Split per member: every member trains on its own split (member i's from memberSeed(splitSeed, i)), the same member
     * trained apart on that split is the same network, the splits differ, and together the members' training parts
     * cover more events than one split's (with train 0.8 and validation 0.2 nothing is left unused).
     */
    @Test
    void splitPerMemberTrainsEachMemberOnItsOwnSplit(@TempDir Path dir) throws Exception {
        MulticlassData d = data(new int[] {600, 600, 600}, 3);
        TrainingConfig c = config(3).withSplit(0.8, 0.2);
        ClassCalibration cal = ClassCalibration.NONE;
        MulticlassTrainer.Result r = MulticlassTrainer.train(d, c, 2, MulticlassTrainer.ClassWeights.EQUAL, cal, true, null);
        org.ratiofit.ratio.training.DataSplit s0 = MulticlassTrainer.memberSplit(d, c, cal, 0);
        org.ratiofit.ratio.training.DataSplit s1 = MulticlassTrainer.memberSplit(d, c, cal, 1);
        assertArrayEquals(s0.train(), r.split().train(), "the result carries member 0's split");
        assertEquals(0, s0.holdout().length, "train 0.8 + validation 0.2 leave no holdout");
        assertTrue(!java.util.Arrays.equals(s0.train(), s1.train()), "the members' splits differ");
        assertTrue(!java.util.Arrays.equals(s0.train(), MulticlassTrainer.split(d, c, cal).train()), "and differ from the shared split");
        java.util.BitSet seen = new java.util.BitSet();
        for (int[] t : List.of(s0.train(), s1.train())) {
            for (int e : t) {
                seen.set(e);
            }
        }
        assertTrue(seen.cardinality() > s0.train().length, "together the members train on more events: " + seen.cardinality());
        MulticlassExport.write(r, dir.resolve("a"), "x");
        MulticlassExport.write(MulticlassTrainer.result(d, MulticlassTrainer.ClassWeights.EQUAL, cal, s0,
                List.of(MulticlassTrainer.member(d, c, 0, s0, MulticlassTrainer.ClassWeights.EQUAL, cal, null),
                        MulticlassTrainer.member(d, c, 1, s1, MulticlassTrainer.ClassWeights.EQUAL, cal, null))), dir.resolve("b"), "x");
        for (String f : List.of("member-0.onnx", "member-1.onnx", "member-0.json", "member-1.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
        // a shared split trains member 1 on other events: another network
        MulticlassExport.write(MulticlassTrainer.train(d, c, 2, MulticlassTrainer.ClassWeights.EQUAL, cal, false, null), dir.resolve("c"), "x");
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(dir.resolve("a/member-1.onnx")), Files.readAllBytes(dir.resolve("c/member-1.onnx"))),
                "per-member and shared splits give different members");
    }

    @Test
    void rerunWithTheSameSeedGivesIdenticalOnnx(@TempDir Path dir) throws Exception {
        MulticlassData d = data(new int[] {600, 600, 600}, 3);
        MulticlassExport.write(MulticlassTrainer.train(d, config(3), 2, MulticlassTrainer.ClassWeights.EQUAL, false, null), dir.resolve("a"), "x");
        MulticlassExport.write(MulticlassTrainer.train(d, config(3), 2, MulticlassTrainer.ClassWeights.EQUAL, false, null), dir.resolve("b"), "x");
        for (String f : List.of("member-0.onnx", "member-1.onnx", "member-0.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(dir.resolve("a/member-0.onnx")), Files.readAllBytes(dir.resolve("a/member-1.onnx"))),
                "members differ by seed");
    }

    @Test
    void badInputNamesTheClass() {
        List<Map<String, double[]>> s = List.of(Map.of("x", new double[] {1, 2}), Map.of("x", new double[0]), Map.of("x", new double[] {0}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MulticlassData.of(CLASSES, "ref", s, null, List.of("x"), Set.of()));
        assertTrue(e.getMessage().contains("class 'b' has no events"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MulticlassData.of(CLASSES, "bkg",
                List.of(Map.of("x", new double[] {1}), Map.of("x", new double[] {1}), Map.of("x", new double[] {1})), null, List.of("x"), Set.of()));
        assertTrue(e.getMessage().contains("reference class 'bkg'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MulticlassData.of(CLASSES, "ref",
                List.of(Map.of("x", new double[] {1}), Map.of("x", new double[] {Double.NaN}), Map.of("x", new double[] {1})), null, List.of("x"), Set.of()));
        assertTrue(e.getMessage().contains("class 'b': feature 'x' is NaN at event 0"), e.getMessage());
        // a class whose events all fall outside the training split
        MulticlassData tiny = MulticlassData.of(CLASSES, "ref",
                List.of(Map.of("x", new double[] {1}), Map.of("x", new double[200]), Map.of("x", new double[200])), null, List.of("x"), Set.of());
        e = assertThrows(IllegalArgumentException.class, () -> MulticlassTrainer.train(tiny,
                config(1).withSeeds(7, 1).withSplit(0.5, 0.25), 1, MulticlassTrainer.ClassWeights.EQUAL, true, null));
        assertTrue(e.getMessage().contains("no events of class 'a'"), e.getMessage());
    }
}
