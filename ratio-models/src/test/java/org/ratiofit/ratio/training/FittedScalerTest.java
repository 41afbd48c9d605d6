package org.ratiofit.ratio.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scalers: Yeo-Johnson λ by maximum likelihood against scikit-learn's PowerTransformer (numbers
 * from src/test/python/yeo_johnson_reference.py), fits on training events only, min-max range.
 */
class FittedScalerTest {
    // sklearn 1.2.1 numpy 1.24.2
    static final double[] RIGHT_SKEWED = {1.324295, 16.387196, 1.607613, 0.609926, 2.749955, 1.075236, 0.677154, 4.345693, 2.537441, 1.080298, 0.360283, 1.086585, 1.067738, 3.282862, 1.571417, 4.396304, 1.889081, 2.07036, 2.01525, 0.839055, 0.284646, 1.254896, 0.753891, 0.255173, 0.579859, 0.423884, 0.112146, 1.566086, 1.108647, 0.549995, 2.201098, 0.638034, 1.124298, 0.459938, 3.210937, 2.006105, 2.235826, 2.773848, 0.149453, 1.665089};
    static final double RIGHT_SKEWED_LAMBDA = -0.6771899020515069;
    static final double RIGHT_SKEWED_Z0 = 0.1074107375464144;  // transformed first value
    static final double[] LEFT_SKEWED = {0.769761, 2.826395, 1.153174, 0.225456, -4.188564, 0.736813, 1.448432, 1.712295, 2.37342, -1.395175, -0.00374, 1.02658, -1.110014, -4.092738, 0.498137, 0.305214, 1.46018, 0.166038, -1.486085, 0.582115, 0.988969, 2.227393, 0.92144, 1.279549, -1.99518, -0.384978, 1.23411, 0.606145, 0.548074, -1.987449, -4.696697, -1.841944, -6.645543, 0.678577, 1.170801, -0.868158, -0.45745, -1.366248, 0.84576, 1.184784};
    static final double LEFT_SKEWED_LAMBDA = 1.570088462541932;
    static final double LEFT_SKEWED_Z0 = 0.3076941999710939;  // transformed first value
    static final double[] MIXED = {3.763995, 3.688023, 2.657219, 3.686054, 5.405377, -0.042018, 0.957967, -2.391074, 1.155615, 1.012377, 0.505461, 0.248878, 0.206145, 1.045704, 0.597899, -0.644784, 2.781753, 5.468588, 1.609942, -0.270701, -0.75381, 0.437739, -0.46819, 2.202881, 1.501967, -1.098177, -1.488869, 0.759172, 2.425166, 1.569379, -0.366162, -1.380254, -2.394919, 1.860386, -1.280865, 1.550852, 1.72794, 3.886191, 1.963205, -1.457196};
    static final double MIXED_LAMBDA = 0.824388976355987;
    static final double MIXED_Z0 = 1.3615008617812583;  // transformed first value


    static TrainingData table(double[] x) {
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        double[] other = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            other[i] = 100 + i;
        }
        cols.put("passthrough", other);
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i += 2) {
            y[i] = 1;
        }
        return TrainingData.of(cols, null, y, List.of("x", "passthrough"), List.of("x"));
    }

    static int[] all(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    @Test
    void yeoJohnsonLambdaMatchesScikitLearn() {
        double[][] xs = {RIGHT_SKEWED, LEFT_SKEWED, MIXED};
        double[] lambdas = {RIGHT_SKEWED_LAMBDA, LEFT_SKEWED_LAMBDA, MIXED_LAMBDA};
        double[] z0 = {RIGHT_SKEWED_Z0, LEFT_SKEWED_Z0, MIXED_Z0};
        for (int k = 0; k < xs.length; k++) {
            TrainingData d = table(xs[k]);
            FittedScaler s = FittedScaler.fit(d, all(xs[k].length), ScalerKind.YEO_JOHNSON, 0, 1);
            assertEquals(lambdas[k], s.lambda()[0], 1e-6, "sample " + k + " lambda");
            assertEquals(z0[k], s.apply(0, xs[k][0]), 1e-6, "sample " + k + " transformed first value");
            assertEquals(100.0, s.apply(1, 100.0), 0.0, "unlisted feature passes through");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void lambdaIsTheLikelihoodMaximum(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[200];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.exp(GaussianToy.gaussian(rng) * (0.3 + seed * 0.1)) - 0.5 * seed;
        }
        double l = FittedScaler.yeoJohnsonLambda(x);
        double ll = FittedScaler.yeoJohnsonLogLikelihood(x, l);
        for (double dl : new double[] {-1e-3, 1e-3, -0.1, 0.1}) {
            assertTrue(ll >= FittedScaler.yeoJohnsonLogLikelihood(x, l + dl),
                    "seed " + seed + ": log-likelihood at lambda " + l + " below that at lambda + " + dl);
        }
    }

    @Test
    void scalersAreFittedOnTrainingEventsOnly() {
        double[] x = {1, 2, 3, 4, 1000};
        TrainingData d = table(x);
        int[] train = {0, 1, 2, 3};
        FittedScaler std = FittedScaler.fit(d, train, ScalerKind.STANDARD, 0, 1);
        assertEquals(2.5, std.offset()[0], 1e-12);
        assertEquals(Math.sqrt(1.25), std.scale()[0], 1e-12, "population standard deviation");
        FittedScaler mm = FittedScaler.fit(d, train, ScalerKind.MIN_MAX, -1.5, 1.5);
        assertEquals(-1.5, mm.apply(0, 1), 1e-12);
        assertEquals(1.5, mm.apply(0, 4), 1e-12);
        assertEquals(0.0, mm.apply(0, 2.5), 1e-12);
        assertEquals(123.0, mm.apply(1, 123.0), 0.0, "passthrough column untouched");
    }

    @Test
    void badInputIsNamed() {
        Map<String, double[]> cols = Map.of("a", new double[] {1, Double.NaN});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.of(cols, null, new int[] {0, 1}, List.of("a"), List.of("a")));
        assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("event 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.of(Map.of("a", new double[] {1, 2}), null, new int[] {0, 2}, List.of("a"), List.of()));
        assertTrue(e.getMessage().contains("label 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.of(Map.of("a", new double[] {1, 2}), null, new int[] {0, 1}, List.of("b"), List.of()));
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
    }

    @Test
    void splitIsReproducibleFromItsSeed() {
        DataSplit a = DataSplit.draw(1000, 42, 0.6, 0.2);
        DataSplit b = DataSplit.draw(1000, 42, 0.6, 0.2);
        DataSplit c = DataSplit.draw(1000, 43, 0.6, 0.2);
        assertTrue(java.util.Arrays.equals(a.train(), b.train()) && java.util.Arrays.equals(a.holdout(), b.holdout()));
        assertTrue(!java.util.Arrays.equals(a.train(), c.train()));
        assertEquals(600, a.train().length);
        assertEquals(200, a.validation().length);
        assertEquals(200, a.holdout().length);
        boolean[] seen = new boolean[1000];
        for (int[] part : new int[][] {a.train(), a.validation(), a.holdout()}) {
            for (int i : part) {
                assertTrue(!seen[i], "event " + i + " in two parts");
                seen[i] = true;
            }
        }
    }
}
