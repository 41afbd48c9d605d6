package org.ratiofit.samplers.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * MIGRAD, HESSE and MINOS with the objective's exact Hessian (seed, Newton steps, closing HESSE in
 * one call) against the same fits without it: the same minimum, the same errors, fewer calls.
 */
class ExactHessianFitTest {

    /** The Gaussian-on-exponential likelihood with its exact Hessian offered. */
    static Objective withHessian(GaussExpModel m) {
        return new Objective() {
            @Override
            public List<ParameterSpec> parameters() {
                return m.parameters();
            }

            @Override
            public double value(double[] x) {
                return m.value(x);
            }

            @Override
            public boolean hasGradient() {
                return true;
            }

            @Override
            public double valueAndGradient(double[] x, double[] g) {
                return m.valueAndGradient(x, g);
            }

            @Override
            public boolean hasHessian() {
                return true;
            }

            @Override
            public double valueGradientAndHessian(double[] x, double[] g, double[][] h) {
                double v = m.valueAndGradient(x, g);
                double[][] e = m.hessian(x);
                for (int i = 0; i < e.length; i++) {
                    System.arraycopy(e[i], 0, h[i], 0, e.length);
                }
                return v;
            }

            @Override
            public double errorDef() {
                return m.errorDef();
            }
        };
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 6);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void fitHesseAndMinosMatchTheFitsWithoutTheHessian(long seed) {
        GaussExpModel plain = new GaussExpModel(GaussExpModel.generate(seed, 40 + 10 * (int) seed, 1000, 0.03), true);
        Objective exact = withHessian(plain);
        Migrad migrad = Migrad.builder().tolerance(0.001).build();
        FitResult a = migrad.minimise(exact);
        FitResult b = migrad.minimise(plain);
        assertTrue(a.status().validMinimum(), a::table);
        assertTrue(b.status().validMinimum(), b::table);
        assertEquals("hesse", a.covarianceSource(), a::table);
        // errors against the accurate HESSE (central differences) at the other fit's minimum
        FitResult bh = Hesse.compute(plain, b);
        for (int i = 0; i < 3; i++) {
            assertEquals(b.values()[i], a.values()[i], 2e-3 * b.errors()[i], () -> a.table() + b.table());
            assertEquals(bh.errors()[i], a.errors()[i], 2e-3 * bh.errors()[i], () -> a.table() + bh.table());
        }
        long callsA = a.functionCalls() + a.gradientCalls();
        long callsB = b.functionCalls() + b.gradientCalls();
        assertTrue(callsA < callsB, "with Hessian " + callsA + " calls, without " + callsB);

        // HESSE with the exact matrix is the inverse of the model's Hessian at the point (up to the
        // internal term g T'' of the bound transforms, with g ~ 0 at the minimum)
        FitResult h = Hesse.compute(exact, a);
        double[][] cov = Linalg.inverseSpd(plain.hessian(h.values()));
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(cov[i][j], h.covariance()[i][j], 1e-5 * Math.sqrt(cov[i][i] * cov[j][j]), h::table);
            }
        }

        MinosError ma = Minos.defaults().error(exact, h, "mu", ConfidenceLevel.sigma(1));
        MinosError mb = Minos.defaults().error(plain, bh, "mu", ConfidenceLevel.sigma(1));
        assertTrue(ma.valid() && mb.valid(), ma + " " + mb);
        assertEquals(mb.upper(), ma.upper(), 2e-3 * b.errors()[0], ma + " vs " + mb);
        assertEquals(mb.lower(), ma.lower(), 2e-3 * b.errors()[0], ma + " vs " + mb);
    }

    /** A fixed parameter and bounds: the internal matrix J^T H J + diag(g T'') against differences of the internal gradient. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void internalHessianMatchesDifferencesOfTheInternalGradient(long seed) {
        GaussExpModel plain = new GaussExpModel(GaussExpModel.generate(seed, 60, 800, 0.03), true);
        Objective exact = withHessian(plain).withFixed(Map.of(2, 0.028));
        List<ParameterSpec> specs = List.of(ParameterSpec.bounded("mu", 1.3, 0.3, 0, 4), ParameterSpec.bounded("nb", 750, 30, 0, Double.POSITIVE_INFINITY),
                ParameterSpec.bounded("lambda", 0.028, 0.005, 1e-4, 1).withFixed(true));
        InternalFunction f = new InternalFunction(exact, specs, true);
        assertTrue(f.hessian);
        double[] x = f.internal(new double[] {1.3 + 0.1 * seed, 700 + 20 * seed, 0.028});
        int n = f.n();
        double[] g = new double[n];
        double[][] h = new double[n][n];
        f.valueGradientAndHessian(x, g, h);
        for (int i = 0; i < n; i++) {
            double d = 1e-5 * Math.max(1, Math.abs(x[i]));
            double[] xp = x.clone();
            double[] xm = x.clone();
            xp[i] += d;
            xm[i] -= d;
            double[] gp = new double[n];
            double[] gm = new double[n];
            f.valueAndGradient(xp, gp);
            f.valueAndGradient(xm, gm);
            for (int j = 0; j < n; j++) {
                double fd = (gp[j] - gm[j]) / (2 * d);
                assertEquals(fd, h[i][j], 1e-5 * Math.max(1, Math.sqrt(Math.abs(h[i][i] * h[j][j]))), "H_int[" + i + "][" + j + "]");
            }
        }
    }

    /** Rosenbrock's Hessian is indefinite away from the valley: the Newton steps fall back to the metric updates. */
    @Test
    void rosenbrockWithItsExactHessian() {
        Objective r = TestObjectives.rosenbrock();
        Objective exact = new Objective() {
            @Override
            public List<ParameterSpec> parameters() {
                return r.parameters();
            }

            @Override
            public double value(double[] x) {
                return r.value(x);
            }

            @Override
            public boolean hasGradient() {
                return true;
            }

            @Override
            public double valueAndGradient(double[] x, double[] g) {
                return r.valueAndGradient(x, g);
            }

            @Override
            public boolean hasHessian() {
                return true;
            }

            @Override
            public double valueGradientAndHessian(double[] x, double[] g, double[][] h) {
                h[0][0] = 1200 * x[0] * x[0] - 400 * x[1] + 2;
                h[0][1] = -400 * x[0];
                h[1][0] = -400 * x[0];
                h[1][1] = 200;
                return r.valueAndGradient(x, g);
            }

            @Override
            public double errorDef() {
                return r.errorDef();
            }
        };
        FitResult f = Migrad.defaults().minimise(exact);
        assertTrue(f.status().validMinimum(), f::table);
        assertEquals(1, f.values()[0], 0.05 * f.errors()[0], f::table);
        assertEquals(1, f.values()[1], 0.05 * f.errors()[1], f::table);
    }
}
