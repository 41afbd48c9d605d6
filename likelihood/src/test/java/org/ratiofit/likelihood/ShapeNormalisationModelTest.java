package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 13: each sample's density normalised over the reference events; Asimov self-consistency; positivity. */
class ShapeNormalisationModelTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 8);
    }

    /**
     * N_p(theta) recomputed independently (each factor by {@link LogInterpolation#factor}, the
     * polynomial rows by their definition) from the reference columns of {@link RandomModels}.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void normalisationIsTheReferenceAverageOfEachSamplesDensity(long seed) {
        Model m = RandomModels.model(seed, 300, false, false);
        double[] x = RandomModels.point(m, seed);
        UnbinnedChannel u = (UnbinnedChannel) m.channels().get(0);
        EventSet ref = u.reference();
        double[] got = m.sampleNormalisation("SR", x);
        double[] closing = withMode(m, ShapeNormalisation.REFERENCE_AND_CLOSURE).sampleNormalisation("SR", x);
        double ws = 0;
        for (double w : ref.weights()) {
            ws += w;
        }
        for (int p = 0; p < u.samples().size(); p++) {
            UnbinnedSample s = u.samples().get(p);
            SampleColumns c = ref.columns().get(s.name());
            List<Modifier.ShapeSys> shapes = s.shapeSystematics();
            Modifier.Polynomial poly = s.polynomial();
            double sum = 0;
            for (int i = 0; i < ref.events(); i++) {
                double lr = c.logRatio()[i];
                if (poly != null) {
                    double a4 = x[m.indexOf("a4")];
                    double a5 = x[m.indexOf("a5")];
                    double[] mono = {a4, a5, a4 * a4, a4 * a5, a5 * a5};
                    for (int a = 0; a < mono.length; a++) {
                        lr += mono[a] * c.polynomial().get(a)[i];
                    }
                }
                double g = 1;
                for (int k = 0; k < shapes.size(); k++) {
                    g *= LogInterpolation.factor(shapes.get(k).code(), x[m.indexOf(shapes.get(k).parameter())], c.shapeUp().get(k)[i],
                            c.shapeDown().get(k)[i])[0];
                }
                sum += ref.weights()[i] * Math.exp(lr) * g;
            }
            double sum0 = 0;
            for (int i = 0; i < ref.events(); i++) {
                sum0 += ref.weights()[i] * Math.exp(c.logRatio()[i]);
            }
            // default: the shape factors' average K_p = sum w r g / sum w r(0); closure mode: R_p K_p = sum w r g / sum w
            assertEquals(sum / sum0, got[p], 1e-12 * sum / sum0, "seed " + seed + " sample " + s.name());
            assertEquals(sum / ws, closing[p], 1e-12 * sum / ws, "seed " + seed + " sample " + s.name() + " (closure)");
        }
        double[] atZero = m.sampleNormalisation("SR", new double[x.length]);
        for (double k : atZero) {
            assertEquals(1, k, 1e-12, "K_p(0) = 1");
        }
    }

    /** The same model with another normalisation mode of its unbinned channel. */
    static Model withMode(Model m, ShapeNormalisation mode) {
        List<Channel> cs = new java.util.ArrayList<>();
        for (Channel c : m.channels()) {
            cs.add(c instanceof UnbinnedChannel u ? new UnbinnedChannel(u.name(), u.samples(), u.data(), u.reference(), mode) : c);
        }
        return new Model(m.modelParameters(), cs);
    }

    /**
     * The model with every sample's log-ratio shifted by -ln R_p (data and reference events), so that
     * each ratio averages exactly 1 over the reference events, as exact ratios do on an infinite sample.
     */
    static Model closed(Model m) {
        List<Channel> cs = new java.util.ArrayList<>();
        for (Channel c : m.channels()) {
            if (!(c instanceof UnbinnedChannel u)) {
                cs.add(c);
                continue;
            }
            EventSet ref = u.reference();
            Map<String, Double> lnR = new java.util.HashMap<>();
            for (UnbinnedSample s : u.samples()) {
                double[] lr = ref.columns().get(s.name()).logRatio();
                double num = 0;
                double den = 0;
                for (int i = 0; i < ref.events(); i++) {
                    double w = ref.weights() == null ? 1 : ref.weights()[i];
                    num += w * Math.exp(lr[i]);
                    den += w;
                }
                lnR.put(s.name(), Math.log(num / den));
            }
            cs.add(new UnbinnedChannel(u.name(), u.samples(), shifted(u.data(), lnR), shifted(ref, lnR), u.normalisation()));
        }
        return new Model(m.modelParameters(), cs);
    }

    private static EventSet shifted(EventSet e, Map<String, Double> lnR) {
        Map<String, SampleColumns> cols = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, SampleColumns> en : e.columns().entrySet()) {
            SampleColumns c = en.getValue();
            double[] lr = c.logRatio().clone();
            for (int i = 0; i < lr.length; i++) {
                lr[i] -= lnR.getOrDefault(en.getKey(), 0.0);
            }
            cols.put(en.getKey(), new SampleColumns(lr, c.shapeUp(), c.shapeDown(), c.polynomial()));
        }
        return new EventSet(e.events(), e.weights(), cols);
    }

    /**
     * Asimov data give back their point: the gradient of -ln L on them vanishes there, and their
     * total is the expected yield — in the closure mode for any ratios, and in the default mode for
     * ratios that average 1 over the reference events ({@link #closed}) and for any ratios (below).
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void asimovDataAreStationaryAtTheirPoint(long seed) {
        Model random = RandomModels.model(seed, 200, false, true);
        double[] x = RandomModels.point(random, seed);
        asimovStationary(withMode(random, ShapeNormalisation.REFERENCE_AND_CLOSURE), x, seed + " closure");
        asimovStationary(closed(random), x, seed + " default, closing ratios");
    }

    /**
     * Asimov data of the default normalisation are fitted with the closure normalisation (they are
     * the expectation on the reference events they are made of), so they are stationary at their
     * point whatever the ratios' closure; the default likelihood on the same data is not, in the
     * yields, when the ratios do not average 1 over the reference (these random ones do not).
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void defaultAsimovIsFittedWithTheClosureNormalisation(long seed) {
        Model m = RandomModels.model(seed, 200, false, false);
        double[] x = RandomModels.point(m, seed);
        Model asimov = m.asimov(x);
        assertEquals(ShapeNormalisation.REFERENCE_AND_CLOSURE, ((UnbinnedChannel) asimov.channels().get(0)).normalisation());
        asimovStationary(m, x, seed + " default");
        double[] closure = withMode(m, ShapeNormalisation.REFERENCE_AND_CLOSURE).sampleNormalisation("SR", new double[x.length]);
        double worst = 0;
        for (double r : closure) {
            worst = Math.max(worst, Math.abs(r - 1));
        }
        assertTrue(worst > 0.01, "seed " + seed + ": these random ratios do not close: " + Arrays.toString(closure));
        Evaluation e = withMode(asimov, ShapeNormalisation.REFERENCE).evaluate(x, true);
        assertTrue(Math.abs(e.gradient()[m.indexOf("mu")]) > 1e-3, "seed " + seed + ": the default likelihood on these data is not stationary in mu");
    }

    private static void asimovStationary(Model m, double[] x, String label) {
        String seed = label;
        Model a = m.asimov(x);
        Evaluation e = a.evaluate(x, true);
        assertTrue(e.isValid(), e.reason());
        double scale = 0;
        UnbinnedChannel ua = (UnbinnedChannel) a.channels().get(0);
        for (double w : ua.data().weights()) {
            scale += w;
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(0, e.gradient()[i], 1e-9 * scale, "seed " + seed + " parameter " + m.parameters().get(i).name());
        }
        // the Asimov weights sum to sum_p nu_p(x): reference-average of each normalised density is 1
        double expected = 0;
        for (UnbinnedSample s : ((UnbinnedChannel) m.channels().get(0)).samples()) {
            expected += expectedYield(m, s, x);
        }
        assertEquals(expected, scale, 1e-10 * expected, "seed " + seed + ": Asimov total");
    }

    private static double expectedYield(Model m, UnbinnedSample s, double[] x) {
        // a one-sample, one-event model: -ln L at a point where s = 1 is the yield; simpler: the
        // pure-yield model is the sample with log-ratio 0 and no per-event modifiers
        List<Modifier> mods = s.modifiers().stream().filter(md -> !(md instanceof Modifier.ShapeSys)).toList();
        UnbinnedSample y = new UnbinnedSample("Y", s.nominalYield(), mods);
        Modifier.Polynomial poly = y.polynomial();
        int nm = poly == null ? 0 : Monomials.count(poly.parameters().size());
        List<double[]> zeros = new java.util.ArrayList<>();
        for (int a = 0; a < nm; a++) {
            zeros.add(new double[1]);
        }
        EventSet one = new EventSet(1, new double[] {0}, Map.of("Y", new SampleColumns(new double[1], List.of(), List.of(), zeros)));
        Model ym = new Model(m.modelParameters().stream().map(p -> p.kind() == Parameter.Kind.CONSTRAINED ? p.withAux(0) : p).toList(),
                List.of(new UnbinnedChannel("Y", List.of(y), one, null, ShapeNormalisation.NONE)));
        double nll = ym.value(x);
        double constraint = 0;
        for (int i = 0; i < x.length; i++) {
            Parameter p = m.modelParameters().get(i);
            if (p.kind() == Parameter.Kind.CONSTRAINED) {
                double z = x[i] / p.sigma();
                constraint += 0.5 * z * z;
            }
        }
        return nll - constraint;
    }

    /** Unit reference weights (summing to the number of events): the Asimov total is still the expected yield. */
    @Test
    void asimovDividesByTheReferenceWeightsSum() {
        int nRef = 4000;
        Random r = new Random(5);
        double[] lrS = new double[nRef];
        double[] lrB = new double[nRef];
        for (int i = 0; i < nRef; i++) {
            lrS[i] = 0.5 * r.nextGaussian();
            lrB[i] = 0.2 * r.nextGaussian();
        }
        for (ShapeNormalisation norm : ShapeNormalisation.values()) {
            ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, 0, 10));
            b.unbinned("SR", 1).shapeNormalisation(norm).reference(new EventSet(nRef, null, Map.of("S", SampleColumns.of(lrS), "B", SampleColumns.of(lrB))))
                    .sample("S", 50, new double[1]).normFactor("mu").end().sample("B", 450, new double[1]).end().end();
            Model a = b.build().asimov(new double[] {1});
            double total = 0;
            for (double w : ((UnbinnedChannel) a.channels().get(0)).data().weights()) {
                total += w;
            }
            // normalised (Asimov data use the closure normalisation): exactly 500; unnormalised: 500 up to the ratios' closure (a few %)
            assertEquals(500, total, norm != ShapeNormalisation.NONE ? 1e-9 : 0.1 * 500, norm.toString());
        }
    }

    /**
     * The positivity case: 5000 events with z ~ N(0, 3^2), a shift of delta = 0.5 per unit
     * alpha (ln u = delta z - delta^2/2, ln d = -delta z - delta^2/2). HistFactory's code-4
     * polynomial is negative for many events, which put +infinity into -ln L at alpha = +-0.2, +-0.37,
     * +-0.6; the log-space form is finite everywhere and its gradient matches finite differences.
     */
    @Test
    void largeRatiosKeepEveryCode4FactorPositive() {
        int n = 5000;
        double delta = 0.5;
        Random r = new Random(8);
        double[] z = new double[n];
        double[] zr = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = 3 * r.nextGaussian();
            zr[i] = 3 * r.nextGaussian();
        }
        ModelBuilder b = new ModelBuilder().parameter(Parameter.normFactor("k", 1, 0, 10)).parameter(Parameter.constrained("alpha"));
        b.unbinned("SR", n).reference(new EventSet(n, null, Map.of("S", columns(zr, delta))))
                .sample("S", n, new double[n]).normFactor("k").shapeSys("alpha", 4, columns(z, delta).shapeUp().get(0), columns(z, delta).shapeDown().get(0)).end()
                .end();
        Model m = b.build();
        Code4PositivityCount count = m.code4PositivityCounts().get(0);
        assertTrue(count.dataNotPositive() > 100 && count.referenceNotPositive() > 100, "the HistFactory polynomial fails here: " + count);
        for (double alpha : new double[] {0, 1, -1, 0.2, -0.2, 0.37, -0.37, 0.6, -0.6, 1.7}) {
            double[] x = {1, alpha};
            double[] g = new double[2];
            double v = m.valueAndGradient(x, g);
            assertTrue(Double.isFinite(v), "alpha " + alpha + ": " + m.evaluate(x, false).reason());
            double h = 1e-5;
            double fd = (m.value(new double[] {1, alpha + h}) - m.value(new double[] {1, alpha - h})) / (2 * h);
            assertEquals(fd, g[1], 1e-6 * Math.max(1, Math.abs(fd)), "alpha " + alpha);
        }
    }

    private static SampleColumns columns(double[] z, double delta) {
        double[] u = new double[z.length];
        double[] d = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            u[i] = Math.exp(delta * z[i] - delta * delta / 2);
            d[i] = Math.exp(-delta * z[i] - delta * delta / 2);
        }
        return new SampleColumns(new double[z.length], List.of(u), List.of(d), List.of());
    }

    @Test
    void shapesWithoutReferenceEventsNeedTheLegacyFormExplicitly() {
        ModelBuilder b = new ModelBuilder().parameter(Parameter.constrained("a"));
        b.unbinned("SR", 2).sample("S", 1, new double[2]).shapeSys("a", 4, new double[] {1.1, 1}, new double[] {0.9, 1}).end().end();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains("'SR'") && e.getMessage().contains("reference") && e.getMessage().contains("none"), e.getMessage());
        ModelBuilder legacy = new ModelBuilder().parameter(Parameter.constrained("a"));
        legacy.unbinned("SR", 2).shapeNormalisation(ShapeNormalisation.NONE)
                .sample("S", 1, new double[2]).shapeSys("a", 4, new double[] {1.1, 1}, new double[] {0.9, 1}).end().end();
        assertFalse(Double.isNaN(legacy.build().value(new double[] {0.3})));
    }
}
