package org.ratiofit.ratio.training.multiclass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.ratio.Calibrator;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.Sidecars;

/**
 * The isotonic per-class calibration on scores that are monotone distortions of an exact
 * log-ratio: class ~ N(1, 1) against ref ~ N(0, 1), exact ln r = x − 1/2.
 */
class ClassIsotonicCalibrationTest {

    static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /** An over-confident, offset and bent classifier: monotone in the exact log-ratio t. */
    static final DoubleUnaryOperator DISTORT = t -> 2 * t + 0.15 * t * t * t + 0.7;

    record Sample(double[] l, boolean[] isClass, double[] w, double[] x) {
    }

    static Sample sample(int n, long seed, DoubleUnaryOperator distort) {
        return sample(n, seed, 1, distort);
    }

    /**
     * n events of each class (class ~ N(shift, 1), ref ~ N(0, 1)), with weights in [0.5, 1.5], scored by
     * the distorted exact log-ratio shift·x − shift²/2.
     */
    static Sample sample(int n, long seed, double shift, DoubleUnaryOperator distort) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] l = new double[2 * n];
        boolean[] c = new boolean[2 * n];
        double[] w = new double[2 * n];
        double[] x = new double[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            c[i] = i < n;
            x[i] = (c[i] ? shift : 0) + gauss(r);
            l[i] = distort.applyAsDouble(shift * x[i] - shift * shift / 2);
            w[i] = 0.5 + r.nextDouble();
        }
        return new Sample(l, c, w, x);
    }

    static double[] refOnly(double[] v, boolean[] isClass) {
        return java.util.stream.IntStream.range(0, v.length).filter(i -> !isClass[i]).mapToDouble(i -> v[i]).toArray();
    }

    @Test
    void bringsADistortedScoreBackToTheExactLogRatio() {
        Sample hold = sample(20000, 1, DISTORT);
        Sample norm = sample(20000, 2, DISTORT);
        ModelSidecar.Isotonic map = ClassIsotonicCalibration.fit(hold.l(), hold.isClass(), hold.w(), refOnly(norm.l(), norm.isClass()),
                refOnly(norm.w(), norm.isClass()));
        Calibrator cal = Calibrator.of(map);
        // fresh events of both classes with |exact ln r| < 2.5 (where the holdout has events to calibrate with)
        Sample test = sample(20000, 3, DISTORT);
        double rawMse = 0;
        double calMse = 0;
        int n = 0;
        for (int i = 0; i < test.l().length; i++) {
            double exact = test.x()[i] - 0.5;
            if (Math.abs(exact) > 2.5) {
                continue;
            }
            rawMse += Math.pow(test.l()[i] - exact, 2);
            calMse += Math.pow(cal.apply(test.l()[i]) - exact, 2);
            n++;
        }
        rawMse /= n;
        calMse /= n;
        assertTrue(rawMse > 0.5, "the distortion is large: raw MSE " + rawMse);
        assertTrue(calMse < 0.02, "calibrated MSE " + calMse + " (raw " + rawMse + ")");
        assertTrue(calMse < rawMse / 20, "calibrated MSE " + calMse + " against raw " + rawMse);

        // reliability: in ten bins of the calibrated ratio, the fresh events' class/ref weight ratio against the mean ratio
        double[] rawRel = reliability(test, l -> l);
        double[] calRel = reliability(test, cal::apply);
        System.out.printf("isotonic toy: MSE of ln r against the exact %.4f raw, %.4f calibrated; reliability %.4f raw, %.4f calibrated%n",
                rawMse, calMse, rawRel[0], calRel[0]);
        assertTrue(rawRel[1] >= 5 && calRel[1] >= 8, "bins with events of both classes: raw " + rawRel[1] + ", calibrated " + calRel[1]);
        assertTrue(calRel[0] < 0.03, "calibrated reliability (mean squared ln deviation) " + calRel[0]);
        assertTrue(calRel[0] < rawRel[0] / 10, "calibrated reliability " + calRel[0] + " against raw " + rawRel[0]);

        // E_ref[r_c] = 1 on the events that fix the normalisation, and within statistics on fresh reference events
        assertEquals(1, ClassIsotonicCalibration.referenceMean(map, refOnly(norm.l(), norm.isClass()), refOnly(norm.w(), norm.isClass())), 1e-12);
        assertEquals(1, ClassIsotonicCalibration.referenceMean(map, refOnly(test.l(), test.isClass()), refOnly(test.w(), test.isClass())), 0.03);
        Sidecars.validate(ModelSidecar.binary("m", "m.onnx", "x", List.of("x"), ModelSidecar.OutputConvention.LOGIT, null, null)
                .withCalibration(map), "test");
    }

    /**
     * The reliability curve in ten bins of width 0.5 of the mapped log-ratio m over [−2.5, 2.5]: the mean over the
     * bins of (ln(W_class/W_ref) − ln E_ref[e^m])², W normalised per class (the observed against the predicted ratio).
     */
    static double[] reliability(Sample s, DoubleUnaryOperator map) {
        int n = s.l().length;
        int bins = 10;
        double[] c = new double[bins];
        double[] r = new double[bins];
        double[] rr = new double[bins];
        double wc = 0;
        double wr = 0;
        for (int i = 0; i < n; i++) {
            if (s.isClass()[i]) {
                wc += s.w()[i];
            } else {
                wr += s.w()[i];
            }
        }
        for (int i = 0; i < n; i++) {
            double m = map.applyAsDouble(s.l()[i]);
            int b = (int) Math.floor((m + 2.5) / 0.5);
            if (b < 0 || b >= bins) {
                continue;
            }
            if (s.isClass()[i]) {
                c[b] += s.w()[i] / wc;
            } else {
                r[b] += s.w()[i] / wr;
                rr[b] += s.w()[i] / wr * Math.exp(m);
            }
        }
        double dev = 0;
        int used = 0;
        for (int b = 0; b < bins; b++) {
            if (c[b] > 0 && r[b] > 0) {
                dev += Math.pow(Math.log(c[b] / r[b]) - Math.log(rr[b] / r[b]), 2);
                used++;
            }
        }
        return new double[] {dev / used, used};
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void theMapIsMonotoneFiniteAndNormalisedForRandomScores(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 20 + r.nextInt(3000);
        double slope = 0.2 + 3 * r.nextDouble();
        double shift = 0.1 + 6 * r.nextDouble();
        // random overlap (up to nearly separable classes), random weights, tied scores
        Sample s = sample(n, seed, shift, t -> Math.rint(slope * t * 20) / 20);
        ModelSidecar.Isotonic map = ClassIsotonicCalibration.fit(s.l(), s.isClass(), s.w(), refOnly(s.l(), s.isClass()),
                refOnly(s.w(), s.isClass()));
        Sidecars.validate(ModelSidecar.binary("m", "m.onnx", "x", List.of("x"), ModelSidecar.OutputConvention.LOGIT, null, null)
                .withCalibration(map), "seed " + seed);
        for (int k = 1; k < map.x().length; k++) {
            assertTrue(map.x()[k] > map.x()[k - 1], "knots increase");
            assertTrue(map.y()[k] >= map.y()[k - 1], "ratios do not decrease");
        }
        for (double y : map.y()) {
            assertTrue(y > 0 && Double.isFinite(y), "ratio " + y);
        }
        Calibrator cal = Calibrator.of(map);
        double prev = Double.NEGATIVE_INFINITY;
        for (double l = -30; l <= 30; l += 0.01) {
            double v = cal.apply(l);
            assertTrue(v >= prev, "monotone at " + l);
            prev = v;
        }
        assertEquals(1, ClassIsotonicCalibration.referenceMean(map, refOnly(s.l(), s.isClass()), refOnly(s.w(), s.isClass())), 1e-12);
    }

    /**
     * With the holdout's reference events fixing the normalisation, the normalisation factor is 1
     * already: every block's ratio is W_c/W_ref and its knots span its events, so the reference
     * events map exactly onto their blocks' ratios.
     */
    @Test
    void blocksAreTheRatioOfClassWeights() {
        double[] l = {-2, -1, -1, 0, 0.5, 1, 2, 3};
        boolean[] c = {false, false, true, false, true, true, false, true};
        double[] w = {1, 1, 1, 1, 1, 2, 1, 1};
        ModelSidecar.Isotonic map = ClassIsotonicCalibration.fit(l, c, w, new double[] {-1.5}, new double[] {1}, 1);
        // class weights normalised to 1/5 (2/5 at l = 1), reference ones to 1/4. PAVA pools {-1, 0} and {0.5, 1, 2};
        // the end blocks {-2} (reference only) and {3} (class only) join their neighbours: {-2, -1, 0} with
        // W_c/W_ref = (1/5)/(3/4) and {0.5, 1, 2, 3} with (4/5)/(1/4)
        Calibrator cal = Calibrator.of(map);
        double low = (1.0 / 5) / (3.0 / 4);
        double high = (4.0 / 5) / (1.0 / 4);
        // normalised at l = -1.5 (inside the first block): the first block's ratio becomes 1
        assertEquals(1, Math.exp(cal.apply(-1.5)), 1e-12);
        assertEquals(high / low, Math.exp(cal.apply(1)), 1e-12);
        assertEquals(high / low, Math.exp(cal.apply(3)), 1e-12);
        assertEquals(high / low, Math.exp(cal.apply(50)), 1e-12);
        assertEquals(1, Math.exp(cal.apply(-50)), 1e-12);
    }

    @Test
    void refusesAHoldoutWithoutOneOfTheClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassIsotonicCalibration.fit(new double[] {1, 2},
                new boolean[] {true, true}, new double[] {1, 1}, new double[] {0}, new double[] {1}));
        assertTrue(e.getMessage().contains("reference (total weight 0.0)"), e.getMessage());
    }

    /** The trainer's wiring: logits that are a distortion of the exact ln p_c per class, the prior shift included. */
    @Test
    void trainerFitsEveryNonReferenceClassFromLogits() {
        MulticlassData d = MulticlassTrainerTest.data(new int[] {8000, 8000, 8000}, 9);
        int n = d.size();
        int[] events = java.util.stream.IntStream.range(0, n).toArray();
        double[] z = new double[3 * n];
        for (int i = 0; i < n; i++) {
            double x = d.columns()[0][i];
            for (int k = 0; k < 3; k++) {
                // over-confident logits: 2.5 × the exact log-densities
                z[i * 3 + k] = 2.5 * MulticlassTrainerTest.lnN(x, k);
            }
        }
        double[] priors = {0.2, 0.3, 0.5};
        List<ModelSidecar.Isotonic> maps = MulticlassTrainer.isotonic(d, events, z, d.select(events, java.util.Set.of(2)),
                pickRef(z, d), priors);
        assertNull(maps.get(2));
        for (int k = 0; k < 2; k++) {
            Calibrator cal = Calibrator.of(maps.get(k));
            double mse = 0;
            double raw = 0;
            double m = 0;
            for (double x = -3; x <= 3; x += 0.02) {
                double exact = MulticlassTrainerTest.lnN(x, k) - MulticlassTrainerTest.lnN(x, 2);
                if (Math.abs(exact) > 2.5) {
                    continue; // where a class has too few events to resolve the ratio (the end blocks' pooling floors it)
                }
                // weighted by the density of the pair's events (the events whose ratios the likelihood uses)
                double dens = Math.exp(MulticlassTrainerTest.lnN(x, k)) + Math.exp(MulticlassTrainerTest.lnN(x, 2));
                double l = 2.5 * exact + Math.log(priors[2] / priors[k]);
                raw += dens * Math.pow(l - exact, 2);
                mse += dens * Math.pow(cal.apply(l) - exact, 2);
                m += dens;
            }
            System.out.printf("trainer wiring, class %d: density-weighted MSE %.4f raw, %.4f calibrated%n", k, raw / m, mse / m);
            assertTrue(mse / m < 0.05 && mse < raw / 20, "class " + k + ": calibrated MSE " + mse / m + " raw " + raw / m);
        }
    }

    private static double[] pickRef(double[] z, MulticlassData d) {
        int[] ref = d.select(java.util.stream.IntStream.range(0, d.size()).toArray(), java.util.Set.of(2));
        double[] out = new double[3 * ref.length];
        for (int i = 0; i < ref.length; i++) {
            System.arraycopy(z, 3 * ref[i], out, 3 * i, 3);
        }
        return out;
    }
}
