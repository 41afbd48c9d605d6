package org.ratiofit.workspace.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.workspace.config.FitConfig.Term;
import org.ratiofit.workspace.config.FitConfig.YieldFunction;

/** Coefficient functions sum_k c_k x^(a_k): values against direct sums, derivatives against finite differences. */
class YieldFunctionTest {

    static Stream<Long> seeds() {
        return Stream.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void derivativeMatchesCentralDifferences(long seed) {
        Random rnd = new Random(seed);
        List<Term> terms = new ArrayList<>();
        double[] powers = {0, 0.5, 1, 1.5, 2, -1, 3};
        int k = 1 + rnd.nextInt(4);
        for (int i = 0; i < k; i++) {
            terms.add(new Term(rnd.nextGaussian() * 3, powers[rnd.nextInt(powers.length)]));
        }
        YieldFunction f = new YieldFunction("mu", terms);
        for (int j = 0; j < 5; j++) {
            double x = 0.2 + 5 * rnd.nextDouble();
            double direct = 0;
            for (Term t : terms) {
                direct += t.factor() * Math.pow(x, t.power());
            }
            assertEquals(direct, f.value(x), 1e-12 * (1 + Math.abs(direct)), "seed " + seed + " value at " + x + " of " + terms);
            double h = 1e-5 * x;
            double fd = (f.value(x + h) - f.value(x - h)) / (2 * h);
            assertEquals(fd, f.derivative(x), 1e-6 * (1 + Math.abs(fd)), "seed " + seed + " derivative at " + x + " of " + terms);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void offShellBasisSumsToTheSignalStrengthModel(long seed) {
        // The off-shell coefficients (mu - sqrt mu), sqrt mu, (1 - sqrt mu) sum to mu - sqrt(mu) + 1.
        double mu = new Random(seed).nextDouble() * 10;
        YieldFunction s = new YieldFunction("mu", List.of(new Term(1, 1), new Term(-1, 0.5)));
        YieldFunction sbi = new YieldFunction("mu", List.of(new Term(1, 0.5)));
        YieldFunction b = new YieldFunction("mu", List.of(new Term(1, 0), new Term(-1, 0.5)));
        assertEquals(mu - Math.sqrt(mu) + 1, s.value(mu) + sbi.value(mu) + b.value(mu), 1e-12, "seed " + seed + " mu " + mu);
        assertEquals(1.0, s.value(1) + sbi.value(1) + b.value(1), 0.0, "at mu = 1 only SBI remains");
        assertEquals(0.0, s.value(1), 0.0);
        assertEquals(0.0, b.value(1), 0.0);
    }
}
