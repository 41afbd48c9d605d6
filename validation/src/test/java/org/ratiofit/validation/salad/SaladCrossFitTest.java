package org.ratiofit.validation.salad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cross-fitting halves: each classifier trains on its own half of the sideband events only (the
 * events it trained on keep their held-out weight in every fold replica; the other half's are scored
 * by every fold, so their replicas differ), the replicas average to the weights (joint reweighting:
 * no per-replica level division), and the two halves' weights are different estimates of the same
 * background.
 */
class SaladCrossFitTest {

    static final KFoldClassifier.Settings TINY = new KFoldClassifier.Settings(2, 3, 8, List.of(16, 16), 256, 3e-3, 5L, true);

    @Test
    void halvesTrainOnDisjointSidebandEventsAndTheirReplicasAverageToTheWeights(@TempDir Path dir) throws Exception {
        SaladEvents ev = SaladEvents.load(SaladConfigLoader.load(SaladToy.of(6000, 6000, 0).write(dir, 21)));
        SaladCrossFit cf = SaladCrossFit.of(ev, TINY, SaladConfig.Reweighting.JOINT);
        int[] sb = ev.simulation().indices("SB");
        int[] sr = ev.simulation().indices("SR");
        for (int half = 0; half < 2; half++) {
            SimulationReweighting h = half == 0 ? cf.selecting() : cf.predicting();
            double[][] rep = h.replicas();
            assertEquals(TINY.folds(), rep.length);
            assertTrue(h.provenance().method().contains("cross-fitting half " + half), h.provenance().method());
            assertTrue(h.normalisation().passed(), h.normalisation().message());
            int trainedSame = 0;
            int otherDiffer = 0;
            int other = 0;
            for (int i : sb) {
                boolean spread = rep[0][i] != rep[1][i] || rep[1][i] != rep[2][i];
                if (i % 2 == half) {
                    trainedSame += spread ? 0 : 1;
                } else {
                    other++;
                    otherDiffer += spread ? 1 : 0;
                }
            }
            // every sideband event of its own half keeps its held-out weight; the other half's are scored by each fold
            assertEquals(sb.length - other, trainedSame);
            assertEquals(other, otherDiffer);
            for (int i = 0; i < h.weights().length; i++) {
                double mean = (rep[0][i] + rep[1][i] + rep[2][i]) / 3;
                assertEquals(h.weights()[i], mean, 1e-9 * h.weights()[i], "event " + i);
            }
        }
        // two estimates of one background: different weights, the same SR yield within their errors
        double a = 0;
        double b = 0;
        int differ = 0;
        for (int i : sr) {
            a += cf.selecting().weights()[i];
            b += cf.predicting().weights()[i];
            differ += cf.selecting().weights()[i] != cf.predicting().weights()[i] ? 1 : 0;
        }
        assertEquals(sr.length, differ);
        assertEquals(1, a / b, 0.1);
    }

    @Test
    void aHalfMustBeZeroOneOrAll(@TempDir Path dir) throws Exception {
        SaladEvents ev = SaladEvents.load(SaladConfigLoader.load(SaladToy.of(2000, 2000, 0).write(dir, 3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimulationReweighting.of(ev, TINY, SaladConfig.Reweighting.JOINT, 2));
        assertTrue(e.getMessage().contains("half must be 0, 1 or -1"), e.getMessage());
    }
}
