package org.ratiofit.validation.toys;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;
import org.hipparchus.analysis.integration.SimpsonIntegrator;
import org.hipparchus.optim.univariate.UnivariatePointValuePair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.objective.Objective;

class GaussianOnExponentialTest {

    private final GaussianOnExponential toy = new GaussianOnExponential(GaussianOnExponential.Config.standard());

    @Test
    void densitiesAreNormalisedOnTheWindow() {
        SimpsonIntegrator simpson = new SimpsonIntegrator(1e-12, 1e-12, 3, 30);
        for (double as : new double[] {-2, 0, 1.5}) {
            double area = 0;
            // split at the peak so the integrator sees the narrow Gaussian
            for (double[] r : new double[][] {{100, 115}, {115, 135}, {135, 150}}) {
                area += simpson.integrate(1_000_000, x -> toy.signalPdf(x, as), r[0], r[1]);
            }
            assertEquals(1.0, area, 1e-9, "signal, alpha_shift " + as);
        }
        assertEquals(1.0, simpson.integrate(1_000_000, toy::backgroundPdf, 100, 150), 1e-10);
    }

    @Test
    void peakShiftLogRatioIsExactlyQuadraticPerEvent() {
        double m = 125;
        double s = 2;
        for (double as : new double[] {-1.7, 0.3, 2.0}) {
            double d = 0.5 * as;
            double constant = Math.log(toy.windowMass(m) / toy.windowMass(m + d));
            for (double x = 100; x < 150; x += 3.7) {
                double lr = Math.log(toy.signalPdf(x, as) / toy.signalPdf(x, 0));
                double expected = (x - m) * d / (s * s) - d * d / (2 * s * s) + constant;
                assertEquals(expected, lr, 1e-12, "x " + x + " alpha_shift " + as);
            }
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 10).map(i -> 77 + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gradientMatchesCentralDifferences(long seed) {
        Random r = new Random(seed);
        double[] events = toy.generate(new double[] {1, 0, 0}, seed);
        double[] weights = new double[events.length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 0.5 + r.nextDouble();
        }
        Objective nll = toy.exactNll(events, weights);
        double[] p = {0.2 + 2 * r.nextDouble(), r.nextGaussian(), r.nextGaussian()};
        double[] g = new double[3];
        nll.valueAndGradient(p, g);
        for (int k = 0; k < 3; k++) {
            double h = 1e-5;
            double[] a = p.clone();
            double[] b = p.clone();
            a[k] += h;
            b[k] -= h;
            double fd = (nll.value(a) - nll.value(b)) / (2 * h);
            assertEquals(fd, g[k], 1e-6 * Math.max(1, Math.abs(fd)), "seed " + seed + " parameter " + k);
        }
    }

    /**
     * The exact Hessian against central differences of the exact gradient, for the likelihood and
     * for the model with its auxiliary measurements (weighted events, random points, the peak
     * shifted far enough that the window's edges matter); the gradient equal to valueAndGradient's.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void hessianMatchesDifferencesOfTheGradient(long seed) {
        Random r = new Random(seed);
        double[] events = toy.generate(new double[] {1, 0, 0}, seed);
        double[] weights = new double[events.length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 0.5 + r.nextDouble();
        }
        GaussianOnExponentialModel model = new GaussianOnExponentialModel(toy, events, weights, r.nextGaussian(), r.nextGaussian(),
                toy.parameters());
        for (Objective f : new Objective[] {toy.exactNll(events, weights), model}) {
            assertTrue(f.hasHessian());
            // the peak within two widths of a window edge, where the window's mass depends on it
            GaussianOnExponential.Config c = toy.config();
            double peak = r.nextBoolean() ? c.lo() + 2 * c.width() * r.nextDouble() : c.hi() - 2 * c.width() * r.nextDouble();
            double[] p = {0.2 + 2 * r.nextDouble(), (peak - c.mass()) / c.shift(), r.nextGaussian()};
            double[] g = new double[3];
            double[][] hess = new double[3][3];
            double v = f.valueGradientAndHessian(p, g, hess);
            double[] g0 = new double[3];
            assertEquals(f.valueAndGradient(p, g0), v);
            assertArrayEquals(g0, g);
            for (int k = 0; k < 3; k++) {
                double step = 1e-5;
                double[] a = p.clone();
                double[] b = p.clone();
                a[k] += step;
                b[k] -= step;
                double[] ga = new double[3];
                double[] gb = new double[3];
                f.valueAndGradient(a, ga);
                f.valueAndGradient(b, gb);
                for (int j = 0; j < 3; j++) {
                    double fd = (ga[j] - gb[j]) / (2 * step);
                    assertEquals(fd, hess[j][k], 1e-6 * Math.max(1, Math.abs(fd)), "seed " + seed + " entry " + j + "," + k);
                    assertEquals(hess[k][j], hess[j][k], "symmetric");
                }
            }
        }
    }

    @Test
    void generatedBackgroundFollowsItsDistribution() {
        double[] x = toy.sampleBackground(20000, 5);
        Arrays.sort(x);
        double slope = 0.05;
        double norm = -Math.expm1(-slope * 50);
        double maxDiff = 0;
        for (int i = 0; i < x.length; i++) {
            double cdf = -Math.expm1(-slope * (x[i] - 100)) / norm;
            maxDiff = Math.max(maxDiff, Math.abs(cdf - (i + 0.5) / x.length));
        }
        // Kolmogorov distance: 1.63/sqrt(n) is the 1% critical value
        assertTrue(maxDiff < 1.63 / Math.sqrt(x.length), "KS distance " + maxDiff);
        assertTrue(x[0] >= 100 && x[x.length - 1] < 150);
    }

    @Test
    void yieldsFollowTheParameters() {
        double n = 0;
        int reps = 200;
        for (int i = 0; i < reps; i++) {
            n += toy.generate(new double[] {2, 0, 1}, 1000 + i).length;
        }
        double expected = 2 * 50 + 1000 * 1.1;
        // mean of 200 Poisson counts: standard error sqrt(expected/200)
        assertEquals(expected, n / reps, 4 * Math.sqrt(expected / reps));
    }

    @Test
    void negativeMixtureDensityIsInfiniteNotNaN() {
        double[] events = toy.generate(new double[] {1, 0, 0}, 3);
        Objective nll = toy.exactNll(events, null);
        double v = nll.value(new double[] {-1.9, 0, -30}); // background nearly gone, signal negative
        assertEquals(Double.POSITIVE_INFINITY, v);
    }

    @Test
    void exactProfileFindsAStationaryBestFitAndErrordefCrossings() {
        double[] events = toy.generate(new double[] {1.5, 0.4, -0.3}, 11);
        Objective nll = toy.exactNll(events, null);
        ExactProfile prof = new ExactProfile(nll, GaussianOnExponential.MU);
        double[] cond = prof.conditionalFit(1.2);
        double[] g = new double[3];
        nll.valueAndGradient(cond, g);
        assertEquals(0, g[1], 1e-6);
        assertEquals(0, g[2], 1e-6);

        UnivariatePointValuePair best = prof.bestFit(-1.5, 8);
        double h = 1e-4;
        double slope = (prof.profile(best.getPoint() + h) - prof.profile(best.getPoint() - h)) / (2 * h);
        assertEquals(0, slope, 1e-5, "profile is stationary at the best fit");
        double up = prof.crossing(best.getPoint(), best.getValue(), 0.5, 8);
        double down = prof.crossing(best.getPoint(), best.getValue(), 0.5, -1.5);
        assertTrue(down < best.getPoint() && best.getPoint() < up);
        assertEquals(best.getValue() + 0.5, prof.profile(up), 1e-8);
        assertEquals(best.getValue() + 0.5, prof.profile(down), 1e-8);
        // with ~75 signal events on ~900 background, the 1-sigma error on mu is a few tenths
        assertTrue(up - best.getPoint() > 0.1 && up - best.getPoint() < 1.0, "upper error " + (up - best.getPoint()));
    }
}
