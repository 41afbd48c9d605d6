package org.ratiofit.samplers.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

class MinosAndFixingTest {

    /** chi2 of two correlated parameters (sd 1 and 2, correlation 0.6), minimum at (1, 2). */
    static Objective correlated(List<ParameterSpec> specs) {
        double[][] c = {{1, 1.2}, {1.2, 4}};
        double det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
        double[][] ci = {{c[1][1] / det, -c[0][1] / det}, {-c[0][1] / det, c[0][0] / det}};
        return TestObjectives.quadratic(new double[] {1, 2}, ci, specs, 1);
    }

    @Test
    void minosCrossingBeyondABoundIsFlaggedAtLimit() {
        // x >= 0.5: the 1-sigma lower crossing at 0 lies beyond the bound.
        List<ParameterSpec> specs = List.of(ParameterSpec.bounded("x", 1.5, 0.5, 0.5, Double.POSITIVE_INFINITY),
                ParameterSpec.free("y", 0, 1));
        Objective o = correlated(specs);
        FitResult fit = Hesse.compute(o, Migrad.defaults().minimise(o));
        MinosError me = Minos.defaults().error(o, fit, "x", ConfidenceLevel.sigma(1));
        assertTrue(me.lowerAtLimit(), me::toString);
        assertFalse(me.upperAtLimit(), me::toString);
        assertEquals(-(fit.value("x") - 0.5), me.lower(), 1e-6, me::toString);
        assertEquals(2 - fit.value("x"), me.upper(), 1e-4, me::toString);
        assertTrue(me.toJson().contains("\"lowerAtLimit\" : true"));
    }

    @Test
    void minosAtAProbabilityAndCallLimit() {
        List<ParameterSpec> specs = List.of(ParameterSpec.free("x", 0, 0.5), ParameterSpec.free("y", 0, 1));
        Objective o = correlated(specs);
        FitResult fit = Hesse.compute(o, Migrad.defaults().minimise(o));
        MinosError me = Minos.defaults().error(o, fit, "y", ConfidenceLevel.probability(0.95));
        assertEquals(2 + 1.959964 * 2, me.value() + me.upper(), 1e-4, me::toString);
        assertEquals(2 - 1.959964 * 2, me.value() + me.lower(), 1e-4, me::toString);
        // (e^y - 1)^2 never rises by 4 below y = 0: the lower 2-sigma search finds no crossing.
        Objective flat = TestObjectives.of(specs, 1, p -> p[0] * p[0] + Math.pow(Math.exp(p[1]) - 1, 2), null);
        FitResult fitFlat = Hesse.compute(flat, Migrad.defaults().minimise(flat));
        MinosError open = Minos.defaults().error(flat, fitFlat, "y", ConfidenceLevel.sigma(2));
        assertFalse(open.lowerValid(), open::toString);
        assertFalse(open.valid(), open::toString);
        assertTrue(open.upperValid(), open::toString);
        assertEquals(Math.log(3), open.value() + open.upper(), 1e-4, open::toString);
        MinosError starved = new Minos(Migrad.defaults(), 1e-4, 5).error(flat, fitFlat, "y", ConfidenceLevel.sigma(1));
        assertTrue(starved.callLimitReached(), starved::toString);
        assertFalse(starved.valid(), starved::toString);
    }

    @Test
    void fixAndReleaseBetweenFits() {
        List<ParameterSpec> specs = List.of(ParameterSpec.free("x", 0, 0.5), ParameterSpec.free("y", 0, 1));
        Objective o = correlated(specs);
        FitResult fit = Migrad.defaults().minimise(o);
        // With y fixed at 4, x moves to its conditional mean 1 + 0.3 (4 - 2), with conditional sd 0.8.
        FitResult cond = Migrad.defaults().minimise(o, Parameters.fix(fit.parameters(), "y", 4));
        assertEquals(4, cond.value("y"));
        assertEquals(1.6, cond.value("x"), 1e-3, cond::table);
        assertEquals(0, cond.error("y"));
        FitResult again = Hesse.compute(o, Migrad.defaults().minimise(o, Parameters.release(cond.parameters(), "y")));
        assertEquals(2, again.value("y"), 1e-2, again::table);
        assertEquals(2, again.error("y"), 1e-3, again::table);
        assertThrows(IllegalArgumentException.class, () -> Parameters.fix(specs, "z", 1));
        assertThrows(IllegalArgumentException.class, () -> Minos.defaults().error(o, cond, "y", ConfidenceLevel.sigma(1)));
    }
}
