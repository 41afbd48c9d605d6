package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A sample whose log-ratio depends on fit parameters (a parametrised ratio r(x|θ)), with a closed
 * form: signal p_S(x|m, s) = N(x; m, s²) against the reference (= background) N(x; 0, 1), so
 * ln r = ln φ((x−m)/s) − ln s − ln φ(x); the background's log-ratio is 0.
 */
class ParametrisedRatioModelTest {

    /** ln r(x|m, s) and its exact gradient; counts its evaluations. */
    static final class Gaussian implements ParametrisedLogRatio {
        final double[] x;
        int calls;

        Gaussian(double[] x) {
            this.x = x;
        }

        @Override
        public List<String> parameters() {
            return List.of("m", "s");
        }

        @Override
        public int events() {
            return x.length;
        }

        @Override
        public void evaluate(double[] theta, double[] lr, double[][] g) {
            calls++;
            double m = theta[0], s = theta[1];
            for (int i = 0; i < x.length; i++) {
                double z = (x[i] - m) / s;
                lr[i] = -0.5 * z * z - Math.log(s) + 0.5 * x[i] * x[i];
                g[0][i] = z / s;
                g[1][i] = z * z / s - 1 / s;
            }
        }

        static double lr(double x, double m, double s) {
            double z = (x - m) / s;
            return -0.5 * z * z - Math.log(s) + 0.5 * x * x;
        }
    }

    static double[] normal(Random r, int n, double m, double s) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = m + s * r.nextGaussian();
        return x;
    }

    private static final List<Parameter> PARAMS = List.of(Parameter.poi("mu", 1, 0, 10), Parameter.normFactor("m", 0.5, -2, 2),
            Parameter.normFactor("s", 1.1, 0.5, 2), Parameter.constrained("alpha"));

    /** Signal (yield 50, × mu) with the parametrised ratio, background (200, normsys 1.1/0.9 on alpha). */
    static Model model(double[] data, double[] weights, double[] reference, ShapeNormalisation mode) {
        UnbinnedSample sig = new UnbinnedSample("S", 50, List.of(new Modifier.NormFactor("mu"), new Modifier.ParametrisedRatio(List.of("m", "s"))));
        UnbinnedSample bkg = new UnbinnedSample("B", 200, List.of(new Modifier.NormSys("alpha", 4, 1.1, 0.9)));
        EventSet d = new EventSet(data.length, weights, Map.of("S", SampleColumns.of(new ParametrisedColumns(new Gaussian(data), new double[] {0.5, 1.1})),
                "B", SampleColumns.of(new double[data.length])));
        EventSet ref = reference == null ? null : new EventSet(reference.length, null,
                Map.of("S", SampleColumns.of(new ParametrisedColumns(new Gaussian(reference), new double[] {0.5, 1.1})),
                        "B", SampleColumns.of(new double[reference.length])));
        return new Model(PARAMS, List.of(new UnbinnedChannel("SR", List.of(sig, bkg), d, ref, mode)), null);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void valueIsTheDefinitionAndTheGradientIsFiniteDifferences(long seed) {
        Random r = new Random(seed);
        double[] x = normal(r, 700 + r.nextInt(2000), 0.3, 1.2);
        double[] w = seed % 2 == 0 ? null : new double[x.length];
        if (w != null) for (int i = 0; i < w.length; i++) w[i] = 0.5 + r.nextDouble();
        Model model = model(x, w, null, ShapeNormalisation.REFERENCE);
        assertFalse(model.hasHessian());
        assertTrue(model.hasParametrisedRatios());
        double[] th = {0.5 + r.nextDouble(), -1 + 2 * r.nextDouble(), 0.7 + r.nextDouble(), -1 + 2 * r.nextDouble()};
        // the definition, event by event
        double fb = Interpolation.code4(th[3], 1.1, 0.9)[0];
        double nll = 50 * th[0] + 200 * fb + 0.5 * th[3] * th[3];
        for (int i = 0; i < x.length; i++) {
            nll -= (w == null ? 1 : w[i]) * Math.log(50 * th[0] * Math.exp(Gaussian.lr(x[i], th[1], th[2])) + 200 * fb);
        }
        double[] g = new double[4];
        double v = model.valueAndGradient(th, g);
        assertEquals(nll, v, 1e-9 * Math.abs(nll));
        for (int k = 0; k < 4; k++) {
            double h = 1e-6;
            double[] up = th.clone();
            double[] dn = th.clone();
            up[k] += h;
            dn[k] -= h;
            double fd = (model.value(up) - model.value(dn)) / (2 * h);
            assertEquals(fd, g[k], 1e-6 * Math.max(1, Math.abs(fd)), "parameter " + k);
        }
    }

    @Test
    void theRatioIsEvaluatedOnlyWhenThetaChanges() {
        double[] x = normal(new Random(7), 500, 0, 1);
        Gaussian f = new Gaussian(x);
        ParametrisedColumns pc = new ParametrisedColumns(f, new double[] {0.5, 1.1});
        UnbinnedSample sig = new UnbinnedSample("S", 50, List.of(new Modifier.NormFactor("mu"), new Modifier.ParametrisedRatio(List.of("m", "s"))));
        UnbinnedSample bkg = new UnbinnedSample("B", 200, List.of(new Modifier.NormSys("alpha", 4, 1.1, 0.9)));
        Model model = new Model(PARAMS, List.of(new UnbinnedChannel("SR", List.of(sig, bkg),
                new EventSet(x.length, null, Map.of("S", SampleColumns.of(pc), "B", SampleColumns.of(new double[x.length]))), null)), null);
        assertEquals(1, f.calls); // at construction, at the initial values
        double[] th = {1, 0.5, 1.1, 0};
        model.value(th);
        model.valueAndGradient(th, new double[4]);
        assertEquals(1, f.calls);
        th[0] = 2;
        th[3] = 0.3; // mu and alpha do not enter the ratio
        model.value(th);
        assertEquals(1, f.calls);
        th[1] = 0.6;
        model.value(th);
        model.valueAndGradient(th, new double[4]);
        assertEquals(2, f.calls);
        assertEquals(2, pc.evaluations());
    }

    @Test
    void closureNormalisationOverTheReferenceHasItsExactGradient() {
        Random r = new Random(11);
        double[] x = normal(r, 1500, 0.2, 1.1);
        double[] ref = normal(r, 3000, 0, 1);
        Model model = model(x, null, ref, ShapeNormalisation.REFERENCE_AND_CLOSURE);
        double[] th = {1.3, 0.4, 1.2, 0.2};
        double[] g = new double[4];
        double v = model.valueAndGradient(th, g);
        double closure = 0;
        for (double e : ref) closure += Math.exp(Gaussian.lr(e, th[1], th[2]));
        closure /= ref.length;
        double fb = Interpolation.code4(th[3], 1.1, 0.9)[0];
        double nll = 50 * th[0] + 200 * fb + 0.5 * th[3] * th[3];
        for (double e : x) nll -= Math.log(50 * th[0] * Math.exp(Gaussian.lr(e, th[1], th[2])) / closure + 200 * fb);
        assertEquals(nll, v, 1e-9 * Math.abs(nll));
        for (int k = 0; k < 4; k++) {
            double h = 1e-6;
            double[] up = th.clone();
            double[] dn = th.clone();
            up[k] += h;
            dn[k] -= h;
            double fd = (model.value(up) - model.value(dn)) / (2 * h);
            assertEquals(fd, g[k], 1e-6 * Math.max(1, Math.abs(fd)), "parameter " + k);
        }
    }

    @Test
    void asimovDataAreStationaryAtTheirPointAndToysAreRefused() {
        Random r = new Random(3);
        double[] x = normal(r, 800, 0.2, 1.1);
        double[] ref = normal(r, 4000, 0, 1);
        Model model = model(x, null, ref, ShapeNormalisation.REFERENCE);
        double[] at = {1.4, 0.3, 0.9, 0.4};
        Model asimov = model.asimov(at);
        double[] g = new double[4];
        asimov.valueAndGradient(at, g);
        for (int k = 0; k < 4; k++) assertEquals(0, g[k], 1e-8 * 250, "parameter " + k);
        assertFalse(model.supportsPseudoExperiments());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> model.pseudoExperiment(at, 1));
        assertTrue(e.getMessage().contains("parametrised ratio"), e.getMessage());
        // without reference events there are no Asimov data
        Model noRef = model(x, null, null, ShapeNormalisation.REFERENCE);
        IllegalStateException a = assertThrows(IllegalStateException.class, () -> noRef.asimov(at));
        assertTrue(a.getMessage().contains("reference"), a.getMessage());
        assertEquals(null, model.coarse());
    }

    @Test
    void badCombinationsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new UnbinnedSample("S", 1,
                List.of(new Modifier.ParametrisedRatio(List.of("m")), new Modifier.ShapeSys("alpha", 4))));
        assertTrue(e.getMessage().contains("shapesys"), e.getMessage());
        double[] x = {0.1, 0.2};
        UnbinnedSample sig = new UnbinnedSample("S", 50, List.of(new Modifier.ParametrisedRatio(List.of("m", "s"))));
        // a fixed column for a parametrised sample
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> new UnbinnedChannel("SR", List.of(sig),
                new EventSet(2, null, Map.of("S", SampleColumns.of(x))), null));
        assertTrue(f.getMessage().contains("fixed column"), f.getMessage());
    }
}
