package org.ratiofit.samplers.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.objective.Objective;

/**
 * The covariance a fit returns says where it comes from: MIGRAD's variable metric at strategy 0
 * (no HESSE inside), second derivatives after Hesse.compute and at strategy 2, in the JSON field
 * and in the table's words.
 */
class CovarianceSourceTest {

    @ParameterizedTest(name = "gradient {0}")
    @ValueSource(booleans = {false, true})
    void labelsSayWhichCovarianceItIs(boolean gradient) {
        Objective f = TestObjectives.rosenbrock();
        FitResult m0 = Migrad.builder().strategy(0).useGradient(gradient).build().minimise(f);
        assertEquals("migrad", m0.covarianceSource(), m0::table);
        assertTrue(m0.table().contains("variable-metric"), m0::table);
        FitResult h = Hesse.compute(f, m0, 1, gradient);
        assertEquals("hesse", h.covarianceSource(), h::table);
        assertTrue(h.table().contains("from HESSE (second derivatives)"), h::table);
        FitResult m2 = Migrad.builder().strategy(2).useGradient(gradient).build().minimise(f);
        assertEquals("hesse", m2.covarianceSource(), m2::table);
    }
}
