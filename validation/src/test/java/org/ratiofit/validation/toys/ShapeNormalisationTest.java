package org.ratiofit.validation.toys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.likelihood.ShapeNormalisation;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;

/**
 * Issue 13: per-event shape columns built from exact ratios, normalised over the reference
 * events, give the same alpha-hat and sigma_alpha as the exact model written as a polynomial
 * (normalised by construction). Signal-only channel, x ~ N(delta alpha, 1): the exact per-event
 * log-ratio is ln p_alpha/p_0 = alpha delta x - alpha^2 delta^2 / 2, and the shape columns are
 * r+-(x)/r0(x) = exp(+-delta x - delta^2/2). The reference "sample" is a midpoint quadrature of
 * N(0, 1) on [-12, 12] (weights phi(x_i) dx), so its averages are exact to double precision and
 * the comparison tests the likelihood, not the reference's Monte Carlo error.
 */
class ShapeNormalisationTest {

    static final int N_REF = 20000;

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int code : new int[] {1, 4}) {
            for (double delta : new double[] {0.1, 0.5}) {
                for (double alpha : new double[] {0, 0.5, 1, 1.5}) {
                    b.add(Arguments.of(code, delta, alpha));
                }
            }
        }
        return b.build();
    }

    static double[] data(double delta, double alphaTrue, int n, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = delta * alphaTrue + r.nextGaussian();
        }
        return x;
    }

    /** Midpoint quadrature of N(0, 1) on [-12, 12]: points and weights phi(x) dx (summing to 1). */
    static double[][] quadrature(int n) {
        double lo = -12;
        double h = 24.0 / n;
        double[] x = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (i + 0.5) * h;
            w[i] = Math.exp(-0.5 * x[i] * x[i]) / Math.sqrt(2 * Math.PI) * h;
        }
        return new double[][] {x, w};
    }

    static double[] up(double[] x, double delta) {
        double[] u = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            u[i] = Math.exp(delta * x[i] - delta * delta / 2);
        }
        return u;
    }

    static SampleColumns shapeColumns(double[] x, double delta) {
        return new SampleColumns(new double[x.length], List.of(up(x, delta)), List.of(up(x, -delta)), List.of());
    }

    /** The signal-only channel with a free yield factor k and a free shape parameter alpha. */
    static Model shapeModel(double[] x, double delta, int code, ShapeNormalisation norm) {
        double[][] q = quadrature(N_REF);
        ModelBuilder b = new ModelBuilder().parameter(Parameter.normFactor("k", 1, 0, 10)).parameter(Parameter.normFactor("alpha", 0, -5, 5));
        b.unbinned("SR", x.length).shapeNormalisation(norm)
                .reference(new EventSet(N_REF, q[1], Map.of("S", shapeColumns(q[0], delta))))
                .sample("S", x.length, new double[x.length]).normFactor("k").shapeSys("alpha", code, up(x, delta), up(x, -delta)).end()
                .end();
        return b.build();
    }

    /** The same likelihood written exactly: ln r(x|alpha) = alpha (delta x) + alpha^2 (-delta^2/2), yield unchanged. */
    static Model exactModel(double[] x, double delta) {
        double[] lin = new double[x.length];
        double[] quad = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            lin[i] = delta * x[i];
            quad[i] = -delta * delta / 2;
        }
        ModelBuilder b = new ModelBuilder().parameter(Parameter.normFactor("k", 1, 0, 10)).parameter(Parameter.normFactor("alpha", 0, -5, 5));
        b.unbinned("SR", x.length)
                .sample("S", x.length, new double[x.length]).normFactor("k")
                .polynomial(List.of("alpha"), new double[] {0, 0}, List.of(lin, quad)).end()
                .end();
        return b.build();
    }

    static FitResult fit(Model m) {
        FitResult f = Hesse.compute(m, Migrad.builder().tolerance(0.001).build().minimise(m));
        assertTrue(f.status().validMinimum(), "fit not valid: " + f.status());
        return f;
    }

    @ParameterizedTest(name = "code {0}, delta {1}, alpha_true {2}")
    @MethodSource("cases")
    void shapeColumnsMatchTheExactModel(int code, double delta, double alphaTrue) {
        int n = delta == 0.5 ? 1000 : 10000;
        double[] x = data(delta, alphaTrue, n, 1000L * code + (long) (100 * delta) + (long) (10 * alphaTrue));
        FitResult exact = fit(exactModel(x, delta));
        FitResult shape = fit(shapeModel(x, delta, code, ShapeNormalisation.REFERENCE));
        double a = exact.value("alpha");
        double s = exact.error("alpha");
        assertEquals(1 / (delta * Math.sqrt(n)), s, 0.05 * s, "exact sigma_alpha = 1/(delta sqrt N)");
        assertEquals(a, shape.value("alpha"), 0.05 * s, "alpha-hat: exact " + a + " +- " + s + ", shape columns " + shape.value("alpha"));
        assertEquals(s, shape.error("alpha"), 0.05 * s, "sigma_alpha: exact " + s + ", shape columns " + shape.error("alpha"));
        assertEquals(exact.value("k"), shape.value("k"), 1e-3 * exact.error("k"), "the yield is carried by k alone");
    }

    /** The legacy, unnormalised form is what the issue measured: alpha-hat far off (here code 4 at alpha_true = 1). */
    @Test
    void unnormalisedLegacyFormIsBiased() {
        double delta = 0.5;
        double[] x = data(delta, 1, 1000, 4150);
        FitResult exact = fit(exactModel(x, delta));
        Model legacy = shapeModel(x, delta, 4, ShapeNormalisation.NONE);
        FitResult f = Hesse.compute(legacy, Migrad.builder().tolerance(0.001).build().minimise(legacy));
        double pull = Math.abs(f.value("alpha") - exact.value("alpha")) / exact.error("alpha");
        assertTrue(pull > 3, "the legacy form should be biased by several sigma here, got " + pull + " sigma (alpha-hat " + f.value("alpha") + ")");
    }
}
