package org.ratiofit.samplers.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * MINOS starts each conditional fit where a quadratic has its conditional minimum (the other
 * parameters moved along the covariance, as Minuit's MnMinos does) with the conditional
 * covariance as metric: on correlated quadratics each side then costs one conditional fit that
 * is already at its minimum, a handful of calls, and the crossings are exact.
 */
class MinosCallsTest {

    static java.util.stream.LongStream seeds() {
        return PropertyTest.seeds();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void correlatedQuadraticCostsOneConditionalFitPerSide(long seed) {
        Random r = new Random(seed + 100);
        int n = 3 + r.nextInt(3);
        double[][] c = PropertyTest.randomCovariance(r, n);
        double[][] cinv = Linalg.inverseSpd(c);
        double[] m = new double[n];
        List<ParameterSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            m[i] = r.nextGaussian();
            specs.add(ParameterSpec.free("p" + i, m[i] + 0.5 * Math.sqrt(c[i][i]), Math.sqrt(c[i][i])));
        }
        Objective withGradient = TestObjectives.quadratic(m, cinv, specs, 0.5);
        for (Objective o : List.of(withGradient, TestObjectives.withoutGradient(withGradient))) {
            FitResult fit = Hesse.compute(o, Migrad.builder().tolerance(1e-4).build().minimise(o), 1, o.hasGradient());
            MinosError me = Minos.defaults().error(o, fit, "p0", ConfidenceLevel.sigma(1));
            String msg = "seed " + seed + (o.hasGradient() ? " gradient " : " values ") + me;
            assertTrue(me.valid(), msg);
            double sd = Math.sqrt(c[0][0]);
            assertEquals(m[0] + sd, me.value() + me.upper(), 1e-4 * sd, msg);
            assertEquals(m[0] - sd, me.value() + me.lower(), 1e-4 * sd, msg);
            // one or two conditional fits per side, each starting at (or next to) its minimum: a few
            // gradient calls, or the numerical gradient of the n - 1 free parameters (before this
            // start and metric, and with strategy 1's HESSE in every conditional fit: 20 to 142 calls
            // with the gradient on these seeds)
            long perSide = o.hasGradient() ? 5 : 8L * (n - 1) + 10;
            assertTrue(me.calls() <= 2 * perSide, msg + ": " + me.calls() + " calls, at most " + 2 * perSide + " expected");
        }
    }
}
