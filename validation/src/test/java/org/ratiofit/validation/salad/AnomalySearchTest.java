package org.ratiofit.validation.salad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weakly supervised search on the toy: with a signal injected SALAD's score separates signal
 * from background on the unseen test set (max SIC well above 1), the supervised classifier does
 * best; without signal SALAD's score does not separate them (AUC near 0.5).
 */
class AnomalySearchTest {

    @Test
    void findsAnInjectedSignalAndRanksTheMethods(@TempDir Path dir) throws Exception {
        SaladEvents ev = SaladEvents.load(SaladConfigLoader.load(SaladToy.of(16000, 16000, 0.1).write(dir, 21)));
        SimulationReweighting rw = SimulationReweighting.of(ev, SaladReweightingTest.SMALL);
        AnomalySearch a = AnomalySearch.of(ev, rw.weights(), SaladReweightingTest.SMALL);
        for (AnomalySearch.Method m : a.methods()) {
            System.out.printf("signal 0.1: %s max SIC %.2f at eps_S %.2f, AUC %.3f ± %.3f%n", m.name(), m.maxSic(),
                    m.epsSAtMax(), m.auc().value(), m.auc().error());
        }
        assertEquals(3, a.methods().size());
        var sic = a.maxSic();
        assertTrue(sic.get("SALAD") > 1.5, "SALAD " + sic);
        assertTrue(a.dataVsBackground().pull() > 3, "data vs background pull " + a.dataVsBackground().pull());
        assertTrue(sic.get("supervised") >= sic.get("idealised") * 0.9, sic.toString());
        // scores exist exactly for the SR data events
        for (int i = 0; i < a.score().length; i++) {
            assertEquals("SR".equals(ev.data().region()[i]), !Double.isNaN(a.score()[i]));
        }
    }

    @Test
    void findsNothingWithoutSignal(@TempDir Path dir) throws Exception {
        SaladEvents ev = SaladEvents.load(SaladConfigLoader.load(SaladToy.of(16000, 16000, 0).write(dir, 22)));
        SimulationReweighting rw = SimulationReweighting.of(ev, SaladReweightingTest.SMALL);
        AnomalySearch a = AnomalySearch.of(ev, rw.weights(), SaladReweightingTest.SMALL);
        AnomalySearch.Method salad = a.methods().get(0);
        System.out.printf("signal 0: SALAD max SIC %.2f, test AUC %.3f ± %.3f; data vs background AUC %.3f ± %.3f%n",
                salad.maxSic(), salad.auc().value(), salad.auc().error(), a.dataVsBackground().value(),
                a.dataVsBackground().error());
        // the held-out data-vs-background AUC is 0.5 within its errors: nothing found
        assertTrue(Math.abs(a.dataVsBackground().pull()) < 3, "pull " + a.dataVsBackground().pull());
    }
}
