package org.ratiofit.likelihood.histfactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.likelihood.Evaluation;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Parameter;

/**
 * The exact gradient of −ln L of random pyhf workspaces with every modifier type (normfactor, lumi,
 * normsys, histosys, staterror, shapesys, shapefactor; couplings across channels) against central
 * finite differences, at random points inside and outside |α| ≤ 1 (both polynomial and
 * extrapolation branches), for pyhf's interpolation codes and the validation codes.
 */
class HistFactoryGradientTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (long seed = 1; seed <= 12; seed++) {
            out.add(Arguments.of(seed, seed % 2 == 0 ? InterpCodes.PYHF_DEFAULT : new InterpCodes(1, "0")));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "seed {0} {1}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(long seed, InterpCodes codes) {
        var json = SyntheticWorkspace.generate(seed, 3, 4, 3, 3, 3, 0.6, true);
        Model m = PyhfWorkspace.of(json, "seed " + seed).model(null, codes);
        List<Parameter> ps = m.modelParameters();
        assertTrue(ps.stream().anyMatch(p -> p.kind() == Parameter.Kind.POISSON), "seed " + seed + ": has a shapesys");
        assertTrue(ps.stream().anyMatch(p -> p.name().startsWith("sf_")), "seed " + seed + ": has a shapefactor");
        SplittableRandom rng = new SplittableRandom(seed * 31);
        for (int trial = 0; trial < 4; trial++) {
            double[] x = new double[ps.size()];
            for (int i = 0; i < x.length; i++) {
                Parameter p = ps.get(i);
                x[i] = switch (p.kind()) {
                    case CONSTRAINED -> p.aux() + p.sigma() * (trial < 2 ? rng.nextDouble(-0.9, 0.9) : rng.nextDouble(-2.5, 2.5));
                    case POISSON -> 1 + rng.nextDouble(-0.2, 0.2);
                    default -> rng.nextDouble(0.5, 1.8);
                };
                if (p.name().equals("lumi")) {
                    x[i] = 1 + rng.nextDouble(-0.05, 0.05);
                }
            }
            Evaluation e = m.evaluate(x, true);
            assertTrue(Double.isFinite(e.value()), "seed " + seed + " trial " + trial + ": " + e.reason());
            for (int i = 0; i < x.length; i++) {
                double h = 1e-5 * Math.max(1, Math.abs(x[i]));
                double[] a = x.clone();
                double[] b = x.clone();
                a[i] += h;
                b[i] -= h;
                double fd = (m.value(a) - m.value(b)) / (2 * h);
                assertEquals(fd, e.gradient()[i], 2e-5 * Math.max(1, Math.abs(fd)),
                        "seed " + seed + " trial " + trial + " d/d" + ps.get(i).name());
            }
        }
    }
}
