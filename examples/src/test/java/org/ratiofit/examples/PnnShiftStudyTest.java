package org.ratiofit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ratiofit.ratio.training.pnn.PnnTrainer;
import org.ratiofit.validation.toys.ThreeClassNuisanceToy;

/**
 * The PNN shift study run small: its mixed models (learned Δ of some classes and monomials, the rest exact) are
 * the exact model when nothing is learned and the full learned-PNN model when everything is, and the study's
 * shifts are finite for both data sets of a fit seed.
 */
class PnnShiftStudyTest {

    @Test
    void mixedModelsInterpolateBetweenTheExactAndTheLearnedOnes() {
        ThreeClassNuisanceToy toy = ThreeClassNuisanceToy.standard();
        MulticlassPnnToy.Settings s = new MulticlassPnnToy.Settings(null, 3000, 800, 1, 3, 4).withNetwork(MulticlassPnnToy.Settings.HIDDEN_32X32, 3);
        long seed = s.seed() * 1_000_003L;
        List<PnnTrainer.Result> pnns = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            pnns.add(PnnTrainer.train(MulticlassPnnToy.pnnData(toy, s, c, MulticlassPnnToy.table(toy.sample(c, new double[2], 3000, seed + c))),
                    MulticlassPnnToy.config(s), 1, null));
        }
        double[][] data = toy.generate(new double[] {1, 1.5, -1.0}, 77);
        double[][] ref = toy.sample(ThreeClassNuisanceToy.ZTT, new double[2], 5000, 78);
        double[][][] ld = new double[3][][];
        double[][][] lr = new double[3][][];
        for (int c = 0; c < 3; c++) {
            ld[c] = pnns.get(c).deltas(data);
            lr[c] = pnns.get(c).deltas(ref);
        }
        int m = ThreeClassNuisanceToy.M;
        double exact = MulticlassShiftStudy.fitMu(toy.exactModel(data, ref))[0];
        double none = MulticlassShiftStudy.fitMu(PnnShiftStudy.mixed(toy, data, ref, ld, lr, new boolean[3][m]))[0];
        double exactViaModel = MulticlassShiftStudy.fitMu(MulticlassPnnToy.model(toy, data, ref, null, null))[0];
        assertEquals(exact, none, 1e-6);
        assertEquals(exact, exactViaModel, 1e-6);
        boolean[][] all = new boolean[3][m];
        for (boolean[] row : all) {
            java.util.Arrays.fill(row, true);
        }
        double learned = MulticlassShiftStudy.fitMu(MulticlassPnnToy.model(toy, data, ref, null, pnns))[0];
        double mixedAll = MulticlassShiftStudy.fitMu(PnnShiftStudy.mixed(toy, data, ref, ld, lr, all))[0];
        // the same Δ; the yield coefficients differ only by the yield fit's residual (10⁻¹²)
        assertEquals(learned, mixedAll, 1e-6);
        // a briefly trained PNN does move mu: the comparison is not vacuous
        assertTrue(Math.abs(learned - exact) > 1e-4, learned + " vs " + exact);

        PnnShiftStudy.Result r = PnnShiftStudy.run(s, List.of(4L));
        assertEquals(2, r.shifts().size());
        for (PnnShiftStudy.Shifts sh : r.shifts()) {
            assertEquals(1, sh.memberShifts().length);
            // one member: its re-normalised shift is the ensemble's
            assertEquals(sh.ensembleShift(), sh.memberShifts()[0], 1e-4, sh.data());
            for (double v : sh.classOnly()) {
                assertTrue(Double.isFinite(v), sh.data());
            }
            assertEquals(m, sh.monomialOnly().length);
        }
    }

    /** The PNN reducers reach the PNNs' configuration and split flag, not the (unused) multiclass one; defaults unchanged. */
    @Test
    void pnnOptionsReachThePnnConfigOnly() {
        PnnShiftStudy.Options d = PnnShiftStudy.parse(new String[] {"out"});
        assertEquals(MulticlassPnnToy.PnnTraining.DEFAULTS, d.settings().pnnTraining());
        assertEquals(0.6, MulticlassPnnToy.config(d.settings()).trainFraction());
        assertEquals(0.05, MulticlassPnnToy.config(d.settings()).scheduleParameter());
        assertEquals(List.of(1L), d.fitSeeds());
        assertEquals(MulticlassPnnToy.POINTS.size(), d.points().size());
        PnnShiftStudy.Options o = PnnShiftStudy.parse(new String[] {"out", "--epochs", "40", "--pnn-train-fraction", "0.8", "--pnn-split-per-member",
            "--pnn-final-lr", "0.01", "--fit-seeds", "1,2,3"});
        org.ratiofit.ratio.training.TrainingConfig p = MulticlassPnnToy.config(o.settings());
        assertEquals(0.8, p.trainFraction());
        assertEquals(0.2, p.validationFraction(), 1e-12);
        assertEquals(0.01, p.scheduleParameter());
        assertEquals(40, p.patience(), "patience defaults to the epochs");
        assertTrue(o.settings().pnnTraining().splitPerMember());
        org.ratiofit.ratio.training.TrainingConfig c = MulticlassPnnToy.multiclassConfig(o.settings());
        assertEquals(0.6, c.trainFraction());
        assertEquals(0.05, c.scheduleParameter());
        assertTrue(!o.settings().splitPerMember());
        assertEquals(List.of(1L, 2L, 3L), o.fitSeeds());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"--pnn-train-fraction,0", "--pnn-train-fraction,1", "--pnn-train-fraction,x", "--pnn-final-lr,0",
        "--pnn-final-lr,2", "--extra-points,1;2", "--extra-points,'1,0'", "--members,0"})
    void badValuesAreRefusedNamingTheOption(String option, String value) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PnnShiftStudy.parse(new String[] {option, value}));
        assertTrue(e.getMessage().contains(option), e.getMessage());
    }
}
