package org.ratiofit.samplers.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

class MigradTest {

    private static Migrad migrad(boolean grad) {
        return Migrad.builder().useGradient(grad).build();
    }

    @ParameterizedTest(name = "gradient={0}")
    @ValueSource(booleans = {true, false})
    void rosenbrock(boolean grad) {
        FitResult r = migrad(grad).minimise(TestObjectives.rosenbrock());
        assertTrue(r.status().validMinimum(), r::table);
        // EDM < 2e-4 bounds the distance to the minimum to a few percent of an error (~1 here).
        assertEquals(1, r.values()[0], 0.05 * r.errors()[0], r::table);
        assertEquals(1, r.values()[1], 0.05 * r.errors()[1], r::table);
        assertTrue(r.minimumValue() < 1e-4, r::table);
        // HESSE against the exact Hessian at the point found ([[802,-400],[-400,200]] at (1,1));
        // covariance = 2 H^-1 for errorDef 1. H is nearly singular, so the point matters: within
        // the EDM tolerance of (1,1) its covariance still moves by ~15%.
        FitResult h = Hesse.compute(TestObjectives.rosenbrock(), r);
        double x = r.values()[0];
        double y = r.values()[1];
        double hxx = 1200 * x * x - 400 * y + 2;
        double hxy = -400 * x;
        double det = hxx * 200 - hxy * hxy;
        assertEquals(2 * 200 / det, h.covariance()[0][0], 1e-3 * 2 * 200 / det, h::table);
        assertEquals(2 * hxx / det, h.covariance()[1][1], 1e-3 * 2 * hxx / det, h::table);
        assertEquals(-2 * hxy / det, h.covariance()[0][1], 1e-3 * 2 * Math.abs(hxy) / det, h::table);
        assertEquals(2 * 200 / (802 * 200 - 400 * 400), h.covariance()[0][0], 0.2, h::table);
    }

    @ParameterizedTest(name = "gradient={0}")
    @ValueSource(booleans = {true, false})
    void beale(boolean grad) {
        FitResult r = migrad(grad).minimise(TestObjectives.beale());
        assertTrue(r.status().validMinimum(), r::table);
        assertEquals(3, r.values()[0], 0.05 * r.errors()[0], r::table);
        assertEquals(0.5, r.values()[1], 0.05 * r.errors()[1], r::table);
        assertTrue(r.minimumValue() < 1e-4, r::table);
    }

    @ParameterizedTest(name = "gradient={0}")
    @ValueSource(booleans = {true, false})
    void wood(boolean grad) {
        // From (-3,-1,-3,-1) the analytic-gradient path stops at a saddle near (-0.97, 0.95, -0.97, 0.95):
        // HESSE finds a negative eigenvalue there and MIGRAD must step off it rather than report it.
        FitResult r = Migrad.builder().useGradient(grad).build().minimise(TestObjectives.wood());
        assertTrue(r.status().validMinimum(), r::table);
        for (int i = 0; i < 4; i++) {
            assertEquals(1, r.values()[i], 0.05 * r.errors()[i], r::table);
        }
        // f - f_min is about the EDM near a minimum: bounded by the EDM target 0.002 * 0.1 * 1.
        assertTrue(r.minimumValue() < 2e-4, r::table);
        assertTrue(r.status().accurateCovariance(), r::table);
    }

    @ParameterizedTest(name = "gradient={0}")
    @ValueSource(booleans = {true, false})
    void correlatedQuadraticGivesItsCovariance(boolean grad) {
        double[][] c = {{4, 1.2, -0.3}, {1.2, 1, 0.1}, {-0.3, 0.1, 0.25}};
        double[][] cinv = Linalg.inverseSpd(c);
        double[] m = {1, -2, 0.5};
        List<ParameterSpec> specs = List.of(ParameterSpec.free("a", 0, 1), ParameterSpec.free("b", 0, 1),
                ParameterSpec.free("c", 0, 1));
        for (double up : new double[] {0.5, 1}) {
            Objective o = TestObjectives.quadratic(m, cinv, specs, up);
            FitResult r = Migrad.builder().useGradient(grad).strategy(2).build().minimise(o);
            assertTrue(r.status().validMinimum(), r::table);
            assertTrue(r.status().accurateCovariance(), r::table);
            for (int i = 0; i < 3; i++) {
                assertEquals(m[i], r.values()[i], 1e-3 * Math.sqrt(c[i][i]), r::table);
                for (int j = 0; j < 3; j++) {
                    assertEquals(c[i][j], r.covariance()[i][j], 1e-4, r::table);
                }
            }
            // Global correlation of a: 1 - 1/(C_aa (C^-1)_aa).
            assertEquals(Math.sqrt(1 - 1 / (c[0][0] * cinv[0][0])), r.globalCorrelation()[0], 1e-4, r::table);
            assertEquals(1.2 / 2, r.correlation()[0][1], 1e-4, r::table);
            assertTrue(r.toJson().contains("\"validMinimum\" : true"));
        }
    }

    @ParameterizedTest(name = "gradient={0}")
    @ValueSource(booleans = {true, false})
    void minimumOnABoundIsFlagged(boolean grad) {
        // (x - (-1))^2 + (y-2)^2 with x >= 0: minimum at the bound x = 0.
        List<ParameterSpec> specs = List.of(ParameterSpec.bounded("x", 2, 0.5, 0, Double.POSITIVE_INFINITY),
                ParameterSpec.bounded("y", 1, 0.5, -5, 5));
        Objective o = TestObjectives.of(specs, 1, x -> Math.pow(x[0] + 1, 2) + Math.pow(x[1] - 2, 2),
                grad ? (x, g) -> {
                    g[0] = 2 * (x[0] + 1);
                    g[1] = 2 * (x[1] - 2);
                } : null);
        FitResult r = Migrad.defaults().minimise(o);
        assertEquals(0, r.values()[0], 1e-3, r::table);
        assertEquals(2, r.values()[1], 1e-3, r::table);
        assertEquals(1, r.minimumValue(), 2e-3, r::table);
        assertTrue(r.status().parameterAtLimit(), r::table);
        assertTrue(r.table().contains("at limit"), r::table);
    }

    @Test
    void interiorMinimumIsNotAtLimitAndFixedParametersStay() {
        List<ParameterSpec> specs = List.of(ParameterSpec.bounded("x", 2, 0.5, 0, 10),
                ParameterSpec.free("y", 1, 0.5).withFixed(true));
        Objective o = TestObjectives.of(specs, 1, x -> Math.pow(x[0] - 3, 2) + Math.pow(x[1] - 2, 2) + x[0] * x[1], null);
        FitResult r = Migrad.defaults().minimise(o);
        assertFalse(r.status().parameterAtLimit(), r::table);
        assertEquals(1, r.values()[1]);
        assertEquals(2.5, r.values()[0], 1e-3, r::table);
        assertEquals(0, r.errors()[1]);
        assertEquals(1, r.errors()[0], 1e-3, r::table);
    }

    @ParameterizedTest(name = "strategy={0}")
    @ValueSource(ints = {0, 1, 2})
    void everyStrategyFindsTheRosenbrockMinimum(int strategy) {
        for (boolean grad : new boolean[] {true, false}) {
            FitResult r = Migrad.builder().strategy(strategy).useGradient(grad).build().minimise(TestObjectives.rosenbrock());
            assertTrue(r.status().validMinimum(), r::table);
            assertEquals(1, r.values()[0], 0.05, r::table);
            assertEquals(1, r.values()[1], 0.1, r::table);
            if (strategy == 2) {
                assertEquals("hesse", r.covarianceSource(), r::table);
                assertTrue(r.status().accurateCovariance(), r::table);
            }
        }
    }

    @Test
    void callLimitIsReported() {
        FitResult r = Migrad.builder().maxCalls(20).useGradient(false).build().minimise(TestObjectives.rosenbrock());
        assertTrue(r.status().callLimitReached(), r::table);
        assertFalse(r.status().validMinimum(), r::table);
    }
}
