package org.ratiofit.ratio.training.pnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inclusive-yield fit with a cubic spline in one parameter, on yields whose dependence on tes
 * is not quadratic: ln N(ν)/N(0) = 0.3 tanh(1.5 tes) + 0.05 jes − 0.02 jes² + 0.04 tes·jes.
 */
class YieldSplineFitTest {

    static double exact(double[] nu) {
        return 0.3 * Math.tanh(1.5 * nu[0]) + 0.05 * nu[1] - 0.02 * nu[1] * nu[1] + 0.04 * nu[0] * nu[1];
    }

    static final List<double[]> POINTS = List.of(new double[] {-2, 0}, new double[] {-1, 0}, new double[] {-0.5, 0},
            new double[] {0.5, 0}, new double[] {1, 0}, new double[] {2, 0}, new double[] {0, -1}, new double[] {0, 1},
            new double[] {0, 2}, new double[] {1, 1}, new double[] {-1, 1});

    /** Each sample: 100 events of one feature, weights summing to exp(exact(ν)) (the nominal's to 1). */
    static PnnData data() {
        int n = 100;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i * 0.01;
        }
        double[] w0 = new double[n];
        java.util.Arrays.fill(w0, 1.0 / n);
        List<Map<String, double[]>> samples = new ArrayList<>();
        List<double[]> weights = new ArrayList<>();
        for (double[] nu : POINTS) {
            double[] w = new double[n];
            java.util.Arrays.fill(w, Math.exp(exact(nu)) / n);
            samples.add(Map.of("x", x));
            weights.add(w);
        }
        return PnnData.of(List.of("x"), Set.of(), List.of("tes", "jes"), Map.of("x", x), w0, POINTS, samples, weights);
    }

    @Test
    void theSplineFollowsANonQuadraticYieldWhereThePolynomialCannot() {
        PnnData d = data();
        YieldFit.Result poly = YieldFit.fit(d);
        YieldFit.Result spline = YieldFit.fit(d, List.of("tes"));
        assertEquals(1, spline.splines().size());
        YieldFit.Spline s = spline.splines().get(0);
        assertEquals("tes", s.parameter());
        assertArrayEquals(new double[] {-2, -1, -0.5, 0, 0.5, 1, 2}, s.knots(), 0);
        // the tes and tes*tes coefficients are the spline's (0); jes, jes*jes and tes*jes are fitted exactly
        List<String> names = spline.monomials();
        assertEquals(0, spline.coefficients()[names.indexOf("tes")], 0);
        assertEquals(0, spline.coefficients()[names.indexOf("tes*tes")], 0);
        assertEquals(0.05, spline.coefficients()[names.indexOf("jes")], 1e-12);
        assertEquals(-0.02, spline.coefficients()[names.indexOf("jes*jes")], 1e-12);
        assertEquals(0.04, spline.coefficients()[names.indexOf("tes*jes")], 1e-12);
        // ndf: 11 points − 3 fitted monomials − 6 knots besides 0
        assertEquals(2, spline.ndf());
        double worstPoly = 0;
        double worstSpline = 0;
        for (int p = 0; p < POINTS.size(); p++) {
            worstPoly = Math.max(worstPoly, Math.abs(poly.residuals()[p]));
            worstSpline = Math.max(worstSpline, Math.abs(spline.residuals()[p]));
            assertEquals(spline.logRatios()[p] - spline.logYieldRatio(POINTS.get(p)), spline.residuals()[p], 1e-12, "residual " + p);
        }
        assertTrue(worstSpline < 1e-12, "the spline passes through its points and the rest is exact: " + worstSpline);
        assertTrue(worstPoly > 0.02, "the quadratic misses tanh: worst residual " + worstPoly);
        // held-out ν: interpolation closure
        double heldPoly = 0;
        double heldSpline = 0;
        for (double[] nu : List.of(new double[] {0.75, 0}, new double[] {-1.5, 0}, new double[] {1.5, 0.5}, new double[] {-0.25, -0.5})) {
            heldPoly = Math.max(heldPoly, Math.abs(poly.logYieldRatio(nu) - exact(nu)));
            heldSpline = Math.max(heldSpline, Math.abs(spline.logYieldRatio(nu) - exact(nu)));
        }
        System.out.printf("yield fit, tanh in tes: worst residual at the 11 points %.4f polynomial, %.1e spline; "
                + "worst error at 4 held-out points %.4f polynomial, %.4f spline%n", worstPoly, worstSpline, heldPoly, heldSpline);
        assertTrue(heldSpline < 0.01 && heldSpline < heldPoly / 3, "held-out error spline " + heldSpline + " polynomial " + heldPoly);
    }

    @Test
    void splineContinuesLinearlyAndIsNatural() {
        YieldFit.Spline s = new YieldFit.Spline("tes", 0, new double[] {-1, 0, 1, 3}, new double[] {-0.2, 0, 0.1, 0.5});
        assertEquals(0.1, s.value(1), 1e-14);
        double h = 1e-4;
        double slopeHi = (s.value(3) - s.value(3 - h)) / h;
        assertEquals(0.5 + 2 * slopeHi, s.value(5), 1e-3);
        // second derivative 0 at the end knots
        assertEquals(0, (s.value(3) - 2 * s.value(3 - h) + s.value(3 - 2 * h)) / (h * h), 1e-3);
        assertEquals(0, (s.value(-1 + 2 * h) - 2 * s.value(-1 + h) + s.value(-1)) / (h * h), 1e-3);
    }

    @Test
    void aSplineWithTooFewAxisPointsOrAnUnknownParameterIsRefused() {
        PnnData d = data();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> YieldFit.fit(d, List.of("jets")));
        assertTrue(e.getMessage().contains("'jets', which is not one of the parameters [tes, jes]"), e.getMessage());
        // jes has its three axis points: fine; drop to one by asking on a data set whose jes axis has one point
        List<double[]> pts = List.of(new double[] {-2, 0}, new double[] {-1, 0}, new double[] {1, 0}, new double[] {0, 1},
                new double[] {1, 1}, new double[] {-1, 1}, new double[] {2, 0}, new double[] {1, -1});
        double[] x = {0, 1};
        List<Map<String, double[]>> s = new ArrayList<>();
        for (int k = 0; k < pts.size(); k++) {
            s.add(Map.of("x", x));
        }
        PnnData few = PnnData.of(List.of("x"), Set.of(), List.of("tes", "jes"), Map.of("x", x), null, pts, s, null);
        e = assertThrows(IllegalArgumentException.class, () -> YieldFit.fit(few, List.of("jes")));
        assertTrue(e.getMessage().contains("a yield spline in 'jes' needs at least two ν points on its axis") && e.getMessage().contains("got 1"),
                e.getMessage());
    }

    @Test
    void theFitFileRoundTripsAndAVersion1FileStillReads(@TempDir Path dir) throws Exception {
        YieldFit.Result r = YieldFit.fit(data(), List.of("tes"));
        PnnExport.JSON.writeValue(dir.resolve(PnnExport.YIELD_FIT_FILE).toFile(), r);
        YieldFit.Result back = PnnExport.readYieldFit(dir);
        assertEquals(2, back.formatVersion());
        assertArrayEquals(r.splines().get(0).knots(), back.splines().get(0).knots(), 0);
        assertArrayEquals(r.splines().get(0).values(), back.splines().get(0).values(), 0);
        assertEquals(r.logYieldRatio(new double[] {0.3, -0.4}), back.logYieldRatio(new double[] {0.3, -0.4}), 0);
        Path v1 = dir.resolve("v1");
        Files.createDirectories(v1);
        Files.writeString(v1.resolve(PnnExport.YIELD_FIT_FILE), """
                {"formatVersion": 1, "monomials": ["tes", "tes*tes"], "coefficients": [0.1, -0.01], "errors": [0.01, 0.001],
                 "points": [[1.0], [-1.0]], "logRatios": [0.09, -0.11], "residuals": [0, 0], "pulls": [0, 0], "chi2": 0, "ndf": 0}
                """);
        YieldFit.Result old = PnnExport.readYieldFit(v1);
        assertTrue(old.splines().isEmpty());
        assertEquals(0.1 * 2 - 0.01 * 4, old.logYieldRatio(new double[] {2}), 1e-15);
    }
}
