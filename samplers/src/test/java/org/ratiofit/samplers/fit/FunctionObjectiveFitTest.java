package org.ratiofit.samplers.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.objective.FunctionObjective;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * An iminuit-style fit through {@link FunctionObjective}: the negative log-likelihood of normal
 * observations as a lambda, with and without its gradient, against the closed form (mu-hat the
 * mean, sigma-hat the root mean square deviation, HESSE errors sigma/sqrt(n) and sigma/sqrt(2n)).
 */
class FunctionObjectiveFitTest {

    static double nll(double[] x, double mu, double sigma) {
        double s = 0;
        for (double xi : x) {
            double z = (xi - mu) / sigma;
            s += 0.5 * z * z + Math.log(sigma);
        }
        return s;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void normalFitFromALambdaMatchesTheClosedForm(long seed) {
        Random r = new Random(seed);
        int n = 200;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.8 + 1.2 * r.nextGaussian();
        }
        double mean = 0;
        for (double v : x) mean += v / n;
        double ss = 0;
        for (double v : x) ss += (v - mean) * (v - mean);
        double sigmaHat = Math.sqrt(ss / n);

        for (boolean withGradient : new boolean[] {false, true}) {
            FunctionObjective.Builder b = FunctionObjective.of(p -> nll(x, p[0], p[1]), FunctionObjective.LIKELIHOOD)
                    .parameter("mu", 0.0)
                    .parameter("sigma", 2.0).limits("sigma", 1e-3, Double.POSITIVE_INFINITY);
            if (withGradient) {
                b.gradient((p, g) -> {
                    double gm = 0, gs = 0;
                    for (double xi : x) {
                        double z = (xi - p[0]) / p[1];
                        gm -= z / p[1];
                        gs += (1 - z * z) / p[1];
                    }
                    g[0] = gm;
                    g[1] = gs;
                });
            }
            Objective f = b.build();
            assertEquals(withGradient, f.hasGradient());
            FitResult fit = Hesse.compute(f, Migrad.defaults().minimise(f), 1, withGradient);
            String ctx = "seed " + seed + (withGradient ? " with gradient" : " without gradient");
            assertTrue(fit.status().validMinimum(), ctx);
            // within what MIGRAD's EDM < 1e-4 allows: sqrt(2 EDM) = 0.014 errors
            assertEquals(mean, fit.value("mu"), 0.02 * sigmaHat / Math.sqrt(n), ctx);
            assertEquals(sigmaHat, fit.value("sigma"), 0.02 * sigmaHat / Math.sqrt(2 * n), ctx);
            assertEquals(sigmaHat / Math.sqrt(n), fit.errors()[0], 2e-3 * sigmaHat / Math.sqrt(n), ctx);
            assertEquals(sigmaHat / Math.sqrt(2 * n), fit.errors()[1], 2e-3 * sigmaHat / Math.sqrt(2 * n), ctx);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5})
    void theGradientIsPassedThroughAndFixedParametersStay(long seed) {
        Random r = new Random(seed);
        double a = r.nextGaussian();
        double b = r.nextGaussian();
        FunctionObjective f = FunctionObjective.of(p -> (p[0] - a) * (p[0] - a) + 3 * (p[1] - b) * (p[1] - b), FunctionObjective.LEAST_SQUARES)
                .parameters(List.of("a", "b"), 0, 2).fixed("b").step("a", 0.5)
                .gradient((p, g) -> {
                    g[0] = 2 * (p[0] - a);
                    g[1] = 6 * (p[1] - b);
                })
                .build();
        assertEquals(List.of(new ParameterSpec("a", 0, 0.5, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false),
                new ParameterSpec("b", 2, 0.2, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, true)), f.parameters());
        double[] g = new double[2];
        double v = f.valueAndGradient(new double[] {1, 1}, g);
        assertEquals((1 - a) * (1 - a) + 3 * (1 - b) * (1 - b), v, 1e-15);
        assertEquals(2 * (1 - a), g[0], 1e-15);
        FitResult fit = Migrad.defaults().minimise(f);
        assertEquals(a, fit.value("a"), 1e-6, "seed " + seed);
        assertEquals(2, fit.value("b"), 0, "seed " + seed);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"twice", "unknown", "errordef", "empty"})
    void misuseIsRefusedNamingTheParameter(String what) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            switch (what) {
                case "twice" -> FunctionObjective.of(p -> 0, 0.5).parameter("mu", 1).parameter("mu", 2);
                case "unknown" -> FunctionObjective.of(p -> 0, 0.5).parameter("mu", 1).limits("sigma", 0, 1);
                case "errordef" -> FunctionObjective.of(p -> 0, 0);
                default -> FunctionObjective.of(p -> 0, 0.5).build();
            }
        });
        assertFalse(e.getMessage().isBlank(), what);
        if (what.equals("unknown")) {
            assertTrue(e.getMessage().contains("'sigma'") && e.getMessage().contains("[mu]"), e.getMessage());
        }
    }
}
