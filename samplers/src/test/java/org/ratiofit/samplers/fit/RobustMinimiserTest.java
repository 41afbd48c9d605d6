package org.ratiofit.samplers.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/** The escalating minimiser: a call limit that stops MIGRAD early is escalated; two minima are found by restarts; a hopeless objective is reported as unconverged. */
class RobustMinimiserTest {

    /** A double well in x (minima at x = -1, f = 0.3, and x = +1, f = 0) plus a quadratic in y. */
    static Objective doubleWell(double startX) {
        return new Objective() {
            @Override
            public List<ParameterSpec> parameters() {
                return List.of(new ParameterSpec("x", startX, 0.5, -3, 3, false), new ParameterSpec("y", 0.5, 0.5, -5, 5, false));
            }

            @Override
            public double errorDef() {
                return 0.5;
            }

            @Override
            public boolean hasGradient() {
                return true;
            }

            @Override
            public double value(double[] p) {
                double x = p[0];
                double y = p[1];
                return (x * x - 1) * (x * x - 1) + 0.15 * (1 - x) + 0.5 * y * y;
            }

            @Override
            public double valueAndGradient(double[] p, double[] g) {
                double x = p[0];
                g[0] = 4 * x * (x * x - 1) - 0.15;
                g[1] = p[1];
                return value(p);
            }
        };
    }

    @Test
    void restartsFindTheLowerMinimumAndWarn() {
        Objective o = doubleWell(-1.2);
        FitResult plain = Migrad.defaults().minimise(o);
        assertTrue(plain.values()[0] < 0, "plain MIGRAD stays in the upper well: " + plain.values()[0]);
        RobustMinimiser rm = new RobustMinimiser(Migrad.defaults()).withRestarts(6, 3);
        FitResult r = rm.minimise(o);
        assertTrue(r.values()[0] > 0, "restarts find the lower well: " + r.values()[0]);
        assertEquals(1, rm.log().size());
        assertNotNull(rm.log().get(0).warning());
        assertTrue(rm.warnings().get(0).contains("different minima"), rm.warnings().toString());
        assertEquals(0, rm.unconverged());
    }

    @Test
    void aCallLimitIsEscalatedUntilValid() {
        Objective o = doubleWell(0.9);
        RobustMinimiser rm = new RobustMinimiser(Migrad.builder().maxCalls(6).build());
        FitResult r = rm.minimise(o);
        RobustMinimiser.Call call = rm.log().get(0);
        assertFalse(call.attempts().get(0).valid(), "the first MIGRAD hits the call limit: " + call);
        assertTrue(call.escalated());
        // with so few calls every attempt may fail; then the call says so
        assertEquals(r.status().validMinimum(), call.converged());
        assertEquals(call.converged() ? 0 : 1, rm.unconverged());
        if (!call.converged()) {
            assertTrue(call.warning().startsWith("no valid minimum after"), call.warning());
        }
    }

    @Test
    void aValidFitIsNotEscalated() {
        RobustMinimiser rm = new RobustMinimiser(Migrad.defaults());
        FitResult r = rm.minimise(doubleWell(0.8));
        assertTrue(r.status().validMinimum());
        assertEquals(1, rm.log().get(0).attempts().size());
        assertEquals(0, rm.escalated());
    }
}
