package org.ratiofit.objective;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterSpecTest {

    @Test
    void rejectsInitialValueOutsideBoundsNamingTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParameterSpec.bounded("mu", 5.0, 0.1, 0.0, 2.0));
        assertTrue(e.getMessage().contains("'mu'"), e.getMessage());
        assertTrue(e.getMessage().contains("5.0"), e.getMessage());
    }

    @Test
    void rejectsNonPositiveStepAndEmptyInterval() {
        assertThrows(IllegalArgumentException.class, () -> ParameterSpec.free("a", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> ParameterSpec.bounded("a", 1, 0.1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> ParameterSpec.free(" ", 0, 1));
    }

    @Test
    void objectiveDefaultsFollowTheParameterList() {
        Objective quadratic = new Objective() {
            @Override public List<ParameterSpec> parameters() {
                return List.of(ParameterSpec.free("x", 1.5, 0.1), ParameterSpec.bounded("y", 0.5, 0.1, 0, 1));
            }
            @Override public double value(double[] x) { return x[0] * x[0] + x[1] * x[1]; }
            @Override public double errorDef() { return 1.0; }
        };
        assertEquals(2, quadratic.dimension());
        assertEquals(1, quadratic.indexOf("y"));
        assertArrayEquals(new double[] {1.5, 0.5}, quadratic.initialValues());
        assertFalse(quadratic.hasGradient());
        assertThrows(IllegalStateException.class, () -> quadratic.valueAndGradient(new double[2], new double[2]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> quadratic.indexOf("z"));
        assertTrue(e.getMessage().contains("[x, y]"), e.getMessage());
    }
}
