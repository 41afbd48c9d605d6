package org.ratiofit.samplers.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.ratiofit.objective.ParameterSpec;

/**
 * q_mu asymptotics with a signal strength bounded at zero: the warning, and the size of the
 * error it warns about, recomputed from the normal distribution (Cowan et al. 2011, eqs. 59 and 66).
 */
class BoundedPoiWarningTest {

    static final NormalDistribution N = new NormalDistribution();

    @Test
    void untildedStatisticWithABoundedPoiIsWarnedAbout() {
        ParameterSpec bounded = new ParameterSpec("mu", 1, 0.1, 0, 10, false);
        ParameterSpec free = new ParameterSpec("mu", 1, 0.1, -10, 10, false);
        assertTrue(Asymptotics.boundedPoiWarning(TestStatistic.Q_MU, bounded).orElseThrow().contains("q~_mu"));
        assertTrue(Asymptotics.boundedPoiWarning(TestStatistic.T_MU, bounded).isPresent());
        assertFalse(Asymptotics.boundedPoiWarning(TestStatistic.Q_TILDE_MU, bounded).isPresent());
        assertFalse(Asymptotics.boundedPoiWarning(TestStatistic.Q_MU, free).isPresent());
        assertFalse(Asymptotics.boundedPoiWarning(TestStatistic.Q_0, bounded).isPresent());
    }

    /** At q = 9, q_A = 4: CLs 0.0085 from q_mu's formula, 0.0055 from the bounded (tilde) statistic's. */
    @Test
    void theTwoFormulasDifferAsTheWarningSays() {
        double q = 9, qA = 4;
        double clsQ = (1 - N.cumulativeProbability(Math.sqrt(q))) / (1 - N.cumulativeProbability(Math.sqrt(q) - Math.sqrt(qA)));
        double z = 2 * Math.sqrt(qA);
        double clsTilde = (1 - N.cumulativeProbability((q + qA) / z)) / (1 - N.cumulativeProbability((q - qA) / z));
        assertEquals(clsQ, Asymptotics.cls(TestStatistic.Q_MU, q, qA), 1e-12);
        assertEquals(clsTilde, Asymptotics.cls(TestStatistic.Q_TILDE_MU, q, qA), 1e-12);
        assertEquals(0.0085, clsQ, 5e-5);
        assertEquals(0.0055, clsTilde, 5e-5);
    }
}
