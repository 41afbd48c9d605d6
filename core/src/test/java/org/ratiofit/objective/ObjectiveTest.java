package org.ratiofit.objective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectiveTest {

    /** (a - 1)^2 + 3 (b + 2)^2 with its gradient. */
    private static final Objective QUADRATIC = new Objective() {
        @Override
        public List<ParameterSpec> parameters() {
            return List.of(ParameterSpec.free("a", 0, 0.1), ParameterSpec.free("b", 0, 0.1));
        }

        @Override
        public double value(double[] x) {
            return (x[0] - 1) * (x[0] - 1) + 3 * (x[1] + 2) * (x[1] + 2);
        }

        @Override
        public boolean hasGradient() {
            return true;
        }

        @Override
        public double valueAndGradient(double[] x, double[] g) {
            g[0] = 2 * (x[0] - 1);
            g[1] = 6 * (x[1] + 2);
            return value(x);
        }

        @Override
        public double errorDef() {
            return 0.5;
        }
    };

    @Test
    void withFixedHoldsTheNamedParameterAndKeepsTheCost() {
        Objective f = QUADRATIC.withFixed(Map.of(1, 0.5));
        assertEquals(List.of("a", "b"), f.parameterNames());
        assertFalse(f.parameters().get(0).fixed());
        assertTrue(f.parameters().get(1).fixed());
        assertEquals(0.5, f.parameters().get(1).initial());
        double[] x = {0.3, -1.1};
        double[] g = new double[2];
        double[] g0 = new double[2];
        assertEquals(QUADRATIC.valueAndGradient(x, g0), f.valueAndGradient(x, g));
        assertArrayEquals(g0, g);
        assertTrue(f.hasGradient());
        assertEquals(0.5, f.errorDef());
    }

    @Test
    void withParametersRefusesOtherNamesOrOrder() {
        List<ParameterSpec> swapped = List.of(QUADRATIC.parameters().get(1), QUADRATIC.parameters().get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QUADRATIC.withParameters(swapped));
        assertTrue(e.getMessage().contains("[b, a]"), e.getMessage());
    }
}
