package org.ratiofit.ratio.training.pnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Two unit Gaussian features whose means move linearly with two nuisance parameters,
 * x ~ N(A ν, I) with A = [[0.3, 0.1], [0, 0.25]]: the exact coefficients are
 * Δ_a = Σ_k A_ka x_k (linear), Δ_aa = −½ Σ_k A_ka², Δ_ab = −Σ_k A_ka A_kb. Varied samples carry
 * weights with an exact inclusive yield dependence ln N(ν)/N(0) = δ·m(ν).
 */
class PnnTrainerTest {

    static final double[][] A = {{0.3, 0.1}, {0.0, 0.25}};
    static final double[] DELTA = {0.05, -0.02, 0.01, 0.004, -0.003};
    static final List<String> PARAMS = List.of("tes", "jes");

    static double[] exactDelta(double x1, double x2) {
        double[] x = {x1, x2};
        double[] d = new double[5];
        for (int k = 0; k < 2; k++) {
            d[0] += A[k][0] * x[k];
            d[1] += A[k][1] * x[k];
            d[2] += -0.5 * A[k][0] * A[k][0];
            d[3] += -A[k][0] * A[k][1];
            d[4] += -0.5 * A[k][1] * A[k][1];
        }
        return d;
    }

    static Map<String, double[]> sample(double[] nu, int n, SplittableRandom r) {
        double[][] x = new double[2][n];
        for (int k = 0; k < 2; k++) {
            double m = A[k][0] * nu[0] + A[k][1] * nu[1];
            for (int i = 0; i < n; i++) {
                x[k][i] = m + Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
            }
        }
        return Map.of("x1", x[0], "x2", x[1]);
    }

    static final List<double[]> POINTS = List.of(new double[] {1, 0}, new double[] {-1, 0}, new double[] {2, 0}, new double[] {-2, 0},
            new double[] {0, 1}, new double[] {0, -1}, new double[] {0, 2}, new double[] {0, -2}, new double[] {1, 1}, new double[] {-1, 1});

    static PnnData data(int nominal, int perPoint, List<double[]> points, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, double[]> nom = sample(new double[2], nominal, r);
        double[] nomW = new double[nominal];
        java.util.Arrays.fill(nomW, 1.0 / nominal);
        List<Map<String, double[]>> samples = new ArrayList<>();
        List<double[]> weights = new ArrayList<>();
        for (double[] nu : points) {
            samples.add(sample(nu, perPoint, r));
            double[] m = PnnMonomials.values(nu);
            double e = 0;
            for (int a = 0; a < 5; a++) {
                e += DELTA[a] * m[a];
            }
            double[] w = new double[perPoint];
            java.util.Arrays.fill(w, Math.exp(e) / perPoint);
            weights.add(w);
        }
        return PnnData.of(List.of("x1", "x2"), Set.of("x1", "x2"), PARAMS, nom, nomW, points, samples, weights);
    }

    static TrainingConfig config(int epochs) {
        return TrainingConfig.defaults().withNetwork(List.of(16, 16), TrainingConfig.Activation.SWISH)
                .withOptimizer(TrainingConfig.OptimizerKind.ADAM, 5e-3, TrainingConfig.Schedule.COSINE, 0.05)
                .withEpochs(epochs, 512, 6).withQuiet(true);
    }

    /**
     * Members trained apart (as Spark tasks do: on two threads at once, in reverse order) and joined
     * (normalised together) give the ensemble train gives, file for file.
     */
    @Test
    void membersTrainedApartOnTwoThreadsGiveTheSameEnsemble(@TempDir Path dir) throws Exception {
        PnnData d = data(1500, 600, POINTS, 2);
        TrainingConfig c = config(3);
        PnnExport.write(PnnTrainer.train(d, c, 2, null), dir.resolve("a"), "x");
        org.ratiofit.ratio.training.DataSplit split = PnnTrainer.split(d, c);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var m1 = pool.submit(() -> PnnTrainer.member(d, c, 1, split, null));
            var m0 = pool.submit(() -> PnnTrainer.member(d, c, 0, split, null));
            PnnExport.write(PnnTrainer.result(d, split, List.of(m0.get(), m1.get())), dir.resolve("b"), "x");
        } finally {
            pool.shutdown();
        }
        for (String f : List.of("member-0.onnx", "member-1.onnx", "member-0.json", "member-1.json", "ensemble.json", PnnExport.YIELD_FIT_FILE)) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
    }

    @Test
    void learnsTheExactCoefficientsAndExportsThem(@TempDir Path dir) throws Exception {
        PnnData d = data(6000, 2500, POINTS, 1);
        PnnTrainer.Result r = PnnTrainer.train(d, config(20), 1, null);
        assertEquals(List.of("tes", "jes", "tes*tes", "tes*jes", "jes*jes"), r.monomials());
        // the coefficients on held-out nominal events
        Map<String, double[]> fresh = sample(new double[2], 2000, new SplittableRandom(77));
        double[][] cols = {fresh.get("x1"), fresh.get("x2")};
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < cols[0].length; i++) {
            pts.add(new double[] {cols[0][i], cols[1][i]});
        }
        double[][] learned = r.deltas(cols);
        double[] mse = new double[5];
        for (int i = 0; i < pts.size(); i++) {
            double[] ex = exactDelta(cols[0][i], cols[1][i]);
            for (int a = 0; a < 5; a++) {
                mse[a] += (learned[a][i] - ex[a]) * (learned[a][i] - ex[a]) / pts.size();
            }
        }
        // linear coefficients have an RMS of ~0.3, quadratic ones are constants of size ≤ 0.05
        assertTrue(mse[0] < 0.004 && mse[1] < 0.004, "MSE of the linear coefficients " + java.util.Arrays.toString(mse));
        // (the mixed tes*jes coefficient rests on the two mixed points only: the loosest)
        assertTrue(mse[2] < 0.002 && mse[3] < 0.006 && mse[4] < 0.002, "MSE of the quadratic coefficients " + java.util.Arrays.toString(mse));
        // what the likelihood uses: ln p(x|ν)/p(x|0) = Σ Δ_A m_A(ν) at points inside the training range (one
        // member, 20 epochs: RMS error ~0.1-0.15 at ν = (2, 0), where ln r spans about ±1.5)
        for (double[] nu : List.of(new double[] {1, 1}, new double[] {2, 0}, new double[] {-1.5, 0.5})) {
            double[] lr = PnnTrainer.Result.logRatio(learned, nu);
            double[] m = PnnMonomials.values(nu);
            double e2 = 0;
            for (int i = 0; i < pts.size(); i++) {
                double[] ex = exactDelta(cols[0][i], cols[1][i]);
                double want = 0;
                for (int a = 0; a < 5; a++) {
                    want += ex[a] * m[a];
                }
                e2 += (lr[i] - want) * (lr[i] - want) / pts.size();
            }
            assertTrue(e2 < 0.03, "MSE of ln r(x|ν) at ν = " + java.util.Arrays.toString(nu) + ": " + e2);
        }

        // the yield fit recovers the exact inclusive parametrisation (weights are exact here)
        YieldFit.Result y = r.yieldFit();
        for (int a = 0; a < 5; a++) {
            assertEquals(DELTA[a], y.coefficients()[a], 1e-10, "yield coefficient " + a);
        }
        assertEquals(5, y.ndf());
        assertTrue(y.chi2() < 1e-12, "chi2 " + y.chi2());

        // the export: sidecar names the monomials in order; ONNX outputs = the Java forward pass
        PnnExport.write(r, dir, "S_poly");
        ModelSidecar sc = Sidecars.read(dir.resolve("member-0.json"));
        assertEquals(ModelSidecar.OutputConvention.LOCAL_SCORE, sc.output());
        assertEquals(r.monomials(), sc.parameters());
        try (RatioModel m = RatioModel.load(dir.resolve("member-0.json"))) {
            double[][] onnx = m.localScores(cols);
            for (int a = 0; a < 5; a++) {
                for (int i = 0; i < pts.size(); i++) {
                    assertEquals(learned[a][i], onnx[a][i], 1e-4, "monomial " + a + " event " + i);
                }
            }
        }
        assertArrayEquals(y.coefficients(), PnnExport.readYieldFit(dir).coefficients(), 0);

        // diagnostics: closure at the training points and at held-out ones
        SplittableRandom rr = new SplittableRandom(99);
        List<PnnData.Point> held = new ArrayList<>();
        for (double[] nu : List.of(new double[] {1.5, -0.5}, new double[] {-0.5, 1.5})) {
            Map<String, double[]> s = sample(nu, 4000, rr);
            held.add(new PnnData.Point(nu, new double[][] {s.get("x1"), s.get("x2")}, null));
        }
        PnnDiagnostics.Report rep = PnnDiagnostics.run(r, d, held, dir.resolve("diagnostics"));
        assertEquals(12, rep.points().size());
        for (PnnDiagnostics.PointCheck p : rep.points()) {
            assertEquals(1.0, p.normalisation(), 5 * p.normalisationError() + 0.01, "normalisation at " + java.util.Arrays.toString(p.nu()));
            assertTrue(p.minPValue() > 1e-4, "closure at " + java.util.Arrays.toString(p.nu()) + ": worst chi2/ndf " + p.worstChi2PerNdf());
        }
        assertTrue(Files.isRegularFile(dir.resolve("diagnostics/report.json")));
        assertTrue(Files.isRegularFile(dir.resolve("diagnostics/heldout-0-x1.png")));
    }

    /**
     * Split per member: every member trains on its own split (member i's from memberSeed(splitSeed, i)), the same member
     * trained apart on that split is the same network, the splits differ, and together the members' training parts
     * cover more events than one split's (with train 0.8 and validation 0.2 nothing is left unused).
     */
    @Test
    void splitPerMemberTrainsEachMemberOnItsOwnSplit(@TempDir Path dir) throws Exception {
        PnnData d = data(1500, 600, POINTS, 2);
        TrainingConfig c = config(3).withSplit(0.8, 0.2);
        PnnTrainer.Result r = PnnTrainer.train(d, c, 2, true, null);
        org.ratiofit.ratio.training.DataSplit s0 = PnnTrainer.memberSplit(d, c, 0);
        org.ratiofit.ratio.training.DataSplit s1 = PnnTrainer.memberSplit(d, c, 1);
        assertArrayEquals(s0.train(), r.split().train(), "the result carries member 0's split");
        assertEquals(0, s0.holdout().length, "train 0.8 + validation 0.2 leave no holdout");
        assertTrue(!java.util.Arrays.equals(s0.train(), s1.train()), "the members' splits differ");
        assertTrue(!java.util.Arrays.equals(s0.train(), PnnTrainer.split(d, c).train()), "and differ from the shared split");
        java.util.BitSet seen = new java.util.BitSet();
        for (int[] t : List.of(s0.train(), s1.train())) {
            for (int e : t) {
                seen.set(e);
            }
        }
        assertTrue(seen.cardinality() > s0.train().length, "together the members train on more events: " + seen.cardinality());
        PnnExport.write(r, dir.resolve("a"), "x");
        PnnExport.write(PnnTrainer.result(d, s0, List.of(PnnTrainer.member(d, c, 0, s0, null), PnnTrainer.member(d, c, 1, s1, null))),
                dir.resolve("b"), "x");
        for (String f : List.of("member-0.onnx", "member-1.onnx", "member-0.json", "member-1.json", "ensemble.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
        // a shared split trains member 1 on other events: another network
        PnnExport.write(PnnTrainer.train(d, c, 2, false, null), dir.resolve("c"), "x");
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(dir.resolve("a/member-1.onnx")), Files.readAllBytes(dir.resolve("c/member-1.onnx"))),
                "per-member and shared splits give different members");
    }

    @Test
    void rerunWithTheSameSeedGivesIdenticalOnnx(@TempDir Path dir) throws Exception {
        PnnData d = data(800, 300, POINTS, 2);
        PnnExport.write(PnnTrainer.train(d, config(2), 1, null), dir.resolve("a"), "p");
        PnnExport.write(PnnTrainer.train(d, config(2), 1, null), dir.resolve("b"), "p");
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/member-0.onnx")), Files.readAllBytes(dir.resolve("b/member-0.onnx")));
    }

    @Test
    void badPointsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data(50, 20, POINTS.subList(0, 4), 3));
        assertTrue(e.getMessage().contains("the 5 monomials [tes, jes, tes*tes, tes*jes, jes*jes] of 2 parameters need at least 5 varied samples")
                && e.getMessage().contains("got 4"), e.getMessage());
        List<double[]> repeated = new ArrayList<>(POINTS);
        repeated.add(new double[] {0, -1});
        e = assertThrows(IllegalArgumentException.class, () -> data(50, 20, repeated, 3));
        assertTrue(e.getMessage().contains("ν point [0.0, -1.0] is given twice (points 5 and 10)"), e.getMessage());
        List<double[]> axes = POINTS.subList(0, 8);   // no mixed point: tes*jes is not determined
        e = assertThrows(IllegalArgumentException.class, () -> data(50, 20, axes, 3));
        assertTrue(e.getMessage().contains("monomial 'tes*jes'"), e.getMessage());
        List<double[]> nominal = new ArrayList<>(POINTS);
        nominal.add(new double[] {0, 0});
        e = assertThrows(IllegalArgumentException.class, () -> data(50, 20, nominal, 3));
        assertTrue(e.getMessage().contains("is the nominal point"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PnnData.of(List.of("x1"), Set.of(), List.of("tes"), Map.of("x1", new double[] {1}),
                null, List.of(new double[] {1}, new double[] {-1}), List.of(Map.of("x1", new double[] {1}), Map.of("x1", new double[0])), null));
        assertTrue(e.getMessage().contains("ν point 1 [-1.0] has no events"), e.getMessage());
    }
}
