package org.ratiofit.samplers.nuts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/** Transforms, priors and gradients of the sampled log-density. */
class PosteriorDensityTest {

    /** A smooth NLL over four parameters, written once on Gradient and once on DerivativeStructure. */
    static final List<ParameterSpec> SPECS = List.of(ParameterSpec.free("a", 0.2, 1),
            ParameterSpec.bounded("b", 1.0, 0.5, 0, Double.POSITIVE_INFINITY),
            ParameterSpec.bounded("c", 0.5, 0.2, 0, 1),
            ParameterSpec.bounded("d", -1.0, 0.5, Double.NEGATIVE_INFINITY, 2));

    static Objective gradientModel() {
        return HipparchusObjectives.ofGradient(SPECS, 0.5, p -> p[0].multiply(p[1]).sin().add(p[1].log().multiply(p[2]))
                .add(p[3].multiply(p[3]).multiply(0.5)).add(p[2].exp().multiply(p[0])));
    }

    static Objective dsModel() {
        return HipparchusObjectives.ofDerivativeStructure(SPECS, 0.5, p -> p[0].multiply(p[1]).sin()
                .add(p[1].log().multiply(p[2])).add(p[3].multiply(p[3]).multiply(0.5)).add(p[2].exp().multiply(p[0])));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void gradientMatchesFiniteDifferencesInUnconstrainedSpace(long seed) {
        Map<String, Prior> priors = Map.of("a", Prior.normal(0.1, 2), "b", Prior.logNormal(0, 1),
                "c", Prior.truncatedNormal(0.4, 0.3, 0, 1), "d", Prior.uniform(-5, 1.5));
        Random r = new Random(seed);
        for (Objective o : List.of(gradientModel(), dsModel())) {
            PosteriorDensity pd = new PosteriorDensity(o, priors);
            PosteriorDensity.Workspace ws = pd.workspace();
            double[] y = new double[4];
            for (int k = 0; k < 4; k++) {
                y[k] = r.nextGaussian();
            }
            double[] g = new double[4];
            double lp = pd.logDensityAndGradient(y, g, ws);
            assertTrue(Double.isFinite(lp), "seed " + seed);
            for (int k = 0; k < 4; k++) {
                double h = 1e-6;
                double[] yp = y.clone();
                double[] ym = y.clone();
                yp[k] += h;
                ym[k] -= h;
                double fd = (pd.logDensityAndGradient(yp, new double[4], ws) - pd.logDensityAndGradient(ym, new double[4], ws)) / (2 * h);
                assertEquals(fd, g[k], 1e-6 * Math.max(1, Math.abs(fd)), "seed " + seed + ", component " + k);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9})
    void logDensityIsTheNegatedNllPlusPriorsPlusJacobian(long seed) {
        Random r = new Random(seed);
        Objective o = gradientModel();
        PosteriorDensity pd = new PosteriorDensity(o, Map.of("a", Prior.normal(0, 1)));
        double[] y = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
        double[] x = pd.fullPoint(y);
        // b = e^y1, c = sigmoid(y2), d = 2 - e^y3
        double s = x[2];
        double logJac = y[1] + Math.log(s * (1 - s)) + y[3];
        double expected = -o.value(x) + Prior.normal(0, 1).logDensity(x[0]) + logJac;
        double lp = pd.logDensityAndGradient(y, new double[4], pd.workspace());
        assertEquals(expected, lp, 1e-10, "seed " + seed);
        for (int k = 0; k < 4; k++) {
            assertEquals(y[k], pd.toUnconstrained(k, pd.toConstrained(k, y[k])), 1e-9, "seed " + seed + " round trip " + k);
        }
        assertEquals(Math.exp(y[1]), x[1], 1e-12);
        assertEquals(2 - Math.exp(y[3]), x[3], 1e-12);
    }

    @Test
    void hipparchusAdaptersGiveTheSameValueAndGradient() {
        double[] x = {0.3, 1.7, 0.4, -0.2};
        double[] g1 = new double[4];
        double[] g2 = new double[4];
        double v1 = gradientModel().valueAndGradient(x, g1);
        double v2 = dsModel().valueAndGradient(x, g2);
        assertEquals(v1, v2, 1e-14);
        assertEquals(v1, gradientModel().value(x), 1e-14);
        assertEquals(v1, dsModel().value(x), 1e-14);
        // d/da [sin(a b) + c ln b + d^2/2 + a e^c] = b cos(a b) + e^c
        assertEquals(1.7 * Math.cos(0.3 * 1.7) + Math.exp(0.4), g1[0], 1e-14);
        for (int k = 0; k < 4; k++) {
            assertEquals(g1[k], g2[k], 1e-13, "component " + k);
        }
        assertTrue(gradientModel().hasGradient());
    }

    @Test
    void fixedParametersAreHeldAndNotSampled() {
        List<ParameterSpec> specs = List.of(ParameterSpec.free("mu", 0.5, 1), ParameterSpec.free("k", 3, 1).withFixed(true));
        Objective o = HipparchusObjectives.ofGradient(specs, 0.5, p -> p[0].subtract(p[1]).multiply(p[0].subtract(p[1])).multiply(0.5));
        NutsResult r = NutsSampler.sample(o, NutsSettings.defaults().chains(2).seed(3).quiet(true));
        assertEquals(List.of("mu"), r.names());
        double m = 0;
        for (double v : r.pooled("mu")) {
            m += v;
        }
        m /= r.pooled("mu").length;
        assertEquals(3, m, 0.15, "posterior of mu centred on the fixed k");
    }

    @Test
    void finiteDifferenceFallbackWhenTheObjectiveHasNoGradient() {
        Objective exact = gradientModel();
        Objective valueOnly = new Objective() {
            public List<ParameterSpec> parameters() {
                return SPECS;
            }

            public double value(double[] x) {
                return exact.value(x);
            }

            public double errorDef() {
                return 0.5;
            }
        };
        double[] y = {0.1, -0.3, 0.7, 0.2};
        double[] g1 = new double[4];
        double[] g2 = new double[4];
        PosteriorDensity a = new PosteriorDensity(exact);
        PosteriorDensity b = new PosteriorDensity(valueOnly);
        assertEquals(a.logDensityAndGradient(y, g1, a.workspace()), b.logDensityAndGradient(y, g2, b.workspace()), 1e-12);
        for (int k = 0; k < 4; k++) {
            assertEquals(g1[k], g2[k], 1e-6, "component " + k);
        }
        // an errordef of 1 (a chi-square) halves the log-density
        Objective chi2 = HipparchusObjectives.ofGradient(SPECS, 1.0, p -> p[0].multiply(p[0]));
        Objective nll = HipparchusObjectives.ofGradient(SPECS, 0.5, p -> p[0].multiply(p[0]));
        PosteriorDensity pc = new PosteriorDensity(chi2);
        PosteriorDensity pn = new PosteriorDensity(nll);
        double[] z = {1.5, 0, 0, 0};
        double jac = pn.logDensityAndGradient(new double[] {0, 0, 0, 0}, new double[4], pn.workspace());
        double lpc = pc.logDensityAndGradient(z, new double[4], pc.workspace()) - jac;
        double lpn = pn.logDensityAndGradient(z, new double[4], pn.workspace()) - jac;
        assertEquals(-1.125, lpc, 1e-12);
        assertEquals(-2.25, lpn, 1e-12);
    }

}
