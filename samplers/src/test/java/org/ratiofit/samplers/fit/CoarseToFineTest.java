package org.ratiofit.samplers.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * MIGRAD's coarse-to-fine start ({@link Migrad.Builder#coarseToFine}): the fit first minimises the
 * objective's {@link Objective#coarse()} copies (every second event, weight 2, halved again while
 * large enough), then finishes on the objective itself, so it must reach the objective's own
 * minimum, with its own EDM, status and covariance: here the closed-form maximum-likelihood
 * estimates of a normal sample, and the direct fit's minimum of a two-Gaussian mixture.
 */
class CoarseToFineTest {

    /** −ln L of N(m, s) over weighted events, with its exact gradient and Hessian; coarse copies while above {@code min} events. */
    static final class Normal implements Objective {
        final double[] x;
        final double[] w;
        final int min;
        final AtomicLong calls;
        final AtomicLong coarseCalls;

        Normal(double[] x, double[] w, int min, AtomicLong calls, AtomicLong coarseCalls) {
            this.x = x;
            this.w = w;
            this.min = min;
            this.calls = calls;
            this.coarseCalls = coarseCalls;
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of(ParameterSpec.free("m", 3, 0.1), ParameterSpec.bounded("s", 0.5, 0.1, 0.01, 100));
        }

        double eval(double[] p, double[] g, double[][] h) {
            calls.incrementAndGet();
            double m = p[0];
            double s = p[1];
            double sw = 0;
            double s1 = 0;
            double s2 = 0;
            for (int i = 0; i < x.length; i++) {
                double d = x[i] - m;
                sw += w[i];
                s1 += w[i] * d;
                s2 += w[i] * d * d;
            }
            if (g != null) {
                g[0] = -s1 / (s * s);
                g[1] = sw / s - s2 / (s * s * s);
            }
            if (h != null) {
                h[0][0] = sw / (s * s);
                h[0][1] = h[1][0] = 2 * s1 / (s * s * s);
                h[1][1] = -sw / (s * s) + 3 * s2 / (s * s * s * s);
            }
            return sw * Math.log(s) + s2 / (2 * s * s);
        }

        @Override
        public double value(double[] p) {
            return eval(p, null, null);
        }

        @Override
        public boolean hasGradient() {
            return true;
        }

        @Override
        public double valueAndGradient(double[] p, double[] g) {
            return eval(p, g, null);
        }

        @Override
        public boolean hasHessian() {
            return true;
        }

        @Override
        public double valueGradientAndHessian(double[] p, double[] g, double[][] h) {
            return eval(p, g, h);
        }

        @Override
        public double errorDef() {
            return 0.5;
        }

        @Override
        public Objective coarse() {
            if (x.length < 2 * min) {
                return null;
            }
            int m = (x.length + 1) / 2;
            double[] cx = new double[m];
            double[] cw = new double[m];
            for (int i = 0; i < m; i++) {
                cx[i] = x[2 * i];
                cw[i] = 2 * w[2 * i];
            }
            return new Normal(cx, cw, min, coarseCalls, coarseCalls);
        }
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 8);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void reachesTheClosedFormMinimumOfTheFullData(long seed) {
        Random r = new Random(seed);
        int n = 4000 + r.nextInt(3000);
        double[] x = new double[n];
        double[] w = new double[n];
        double mu = 2 * r.nextGaussian();
        double sigma = 0.5 + 2 * r.nextDouble();
        for (int i = 0; i < n; i++) {
            x[i] = mu + sigma * r.nextGaussian();
            w[i] = 0.5 + r.nextDouble();
        }
        // the closed form: weighted mean and (biased, maximum-likelihood) weighted variance
        double sw = 0;
        double sx = 0;
        for (int i = 0; i < n; i++) {
            sw += w[i];
            sx += w[i] * x[i];
        }
        double mHat = sx / sw;
        double v = 0;
        for (int i = 0; i < n; i++) {
            v += w[i] * (x[i] - mHat) * (x[i] - mHat);
        }
        double sHat = Math.sqrt(v / sw);
        AtomicLong calls = new AtomicLong();
        AtomicLong coarseCalls = new AtomicLong();
        Normal full = new Normal(x, w, 500, calls, coarseCalls);
        FitResult fit = Migrad.builder().coarseToFine(true).tolerance(0.01).build().minimise(full);
        assertTrue(coarseCalls.get() > 0, "the coarse copies were not used");
        assertTrue(fit.status().validMinimum(), fit::table);
        assertTrue(fit.status().accurateCovariance(), fit::table);
        // errors of the closed form: var(m) = s^2 / sw, var(s) = s^2 / (2 sw) for -ln L with these weights
        double em = sHat / Math.sqrt(sw);
        double es = sHat / Math.sqrt(2 * sw);
        assertEquals(mHat, fit.value("m"), 1e-3 * em, fit::table);
        assertEquals(sHat, fit.value("s"), 1e-3 * es, fit::table);
        assertEquals(em, fit.error("m"), 1e-3 * em, fit::table);
        assertEquals(es, fit.error("s"), 1e-3 * es, fit::table);
        // the result names the caller's settings, and its calls are those of the objective itself
        assertEquals(full.parameters().get(0).lower(), fit.parameters().get(0).lower());
        assertEquals(calls.get(), fit.functionCalls() + fit.gradientCalls());
        // the same minimum as the direct fit
        FitResult direct = Migrad.builder().coarseToFine(false).tolerance(0.01).build().minimise(new Normal(x, w, 500, new AtomicLong(), coarseCalls));
        assertEquals(direct.minimumValue(), fit.minimumValue(), 1e-6, () -> direct.table() + fit.table());
    }

    /** The two-Gaussian mixture of {@link ModifiedNewtonTest}, each event weighted {@code scale}, with coarse copies (every second event, twice the weight). */
    static class CoarseMixture implements Objective {
        final ModifiedNewtonTest.Mixture m;
        final double scale;
        final AtomicLong coarseCalls;

        CoarseMixture(double[] data, double scale, AtomicLong coarseCalls) {
            this.m = new ModifiedNewtonTest.Mixture(data, true);
            this.scale = scale;
            this.coarseCalls = coarseCalls;
        }

        @Override
        public List<ParameterSpec> parameters() {
            return m.parameters();
        }

        @Override
        public double value(double[] x) {
            coarseCalls.incrementAndGet();
            return scale * m.value(x);
        }

        @Override
        public boolean hasGradient() {
            return true;
        }

        @Override
        public double valueAndGradient(double[] x, double[] g) {
            coarseCalls.incrementAndGet();
            double v = m.valueAndGradient(x, g);
            for (int i = 0; i < g.length; i++) {
                g[i] *= scale;
            }
            return scale * v;
        }

        @Override
        public boolean hasHessian() {
            return true;
        }

        @Override
        public double valueGradientAndHessian(double[] x, double[] g, double[][] h) {
            coarseCalls.incrementAndGet();
            double v = m.valueGradientAndHessian(x, g, h);
            for (int i = 0; i < g.length; i++) {
                g[i] *= scale;
                for (int j = 0; j < g.length; j++) {
                    h[i][j] *= scale;
                }
            }
            return scale * v;
        }

        @Override
        public double errorDef() {
            return 0.5;
        }

        @Override
        public Objective coarse() {
            if (m.data.length < 1000) {
                return null;
            }
            double[] half = new double[(m.data.length + 1) / 2];
            for (int i = 0; i < half.length; i++) {
                half[i] = m.data[2 * i];
            }
            return new CoarseMixture(half, 2 * scale, coarseCalls);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void reachesTheDirectFitsMinimumOfAMixtureWhoseStartIsIndefinite(long seed) {
        double[] d = ModifiedNewtonTest.data(seed, 4000);
        AtomicLong used = new AtomicLong();
        CoarseMixture full = new CoarseMixture(d, 1, new AtomicLong()) {
            @Override
            public Objective coarse() {
                Objective c = super.coarse();
                return c == null ? null : new CoarseMixture(((CoarseMixture) c).m.data, 2, used);
            }
        };
        FitResult a = Migrad.builder().tolerance(0.01).coarseToFine(true).build().minimise(full);
        assertTrue(used.get() > 0, "the coarse copies were not used");
        FitResult b = Migrad.builder().tolerance(0.01).coarseToFine(false).build().minimise(new ModifiedNewtonTest.Mixture(d, true));
        assertTrue(a.status().validMinimum(), a::table);
        assertTrue(a.status().accurateCovariance(), a::table);
        assertTrue(b.status().validMinimum(), b::table);
        boolean swapped = Math.abs(a.values()[1] - b.values()[2]) < Math.abs(a.values()[1] - b.values()[1]);
        assertEquals(b.minimumValue(), a.minimumValue(), 1e-4, () -> a.table() + b.table());
        for (int i = 0; i < 3; i++) {
            int j = swapped && i > 0 ? 3 - i : i;
            double bv = swapped && i == 0 ? 1 - b.values()[0] : b.values()[j];
            assertEquals(bv, a.values()[i], 0.02 * b.errors()[j], () -> a.table() + b.table());
            assertEquals(b.errors()[j], a.errors()[i], 0.02 * b.errors()[j], () -> a.table() + b.table());
        }
    }

    @Test
    void offByDefaultAndWhenAsked() {
        assertEquals(Boolean.getBoolean(Migrad.COARSE_TO_FINE_PROPERTY), Migrad.defaults().coarseToFine());
        AtomicLong coarseCalls = new AtomicLong();
        double[] x = new Random(3).doubles(3000).toArray();
        double[] w = new double[x.length];
        java.util.Arrays.fill(w, 1);
        FitResult f = Migrad.builder().coarseToFine(false).build().minimise(new Normal(x, w, 500, new AtomicLong(), coarseCalls));
        assertTrue(f.status().validMinimum(), f::table);
        assertEquals(0, coarseCalls.get());
    }
}
