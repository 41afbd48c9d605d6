package org.ratiofit.samplers.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/** Seeded random cases: invariances of the minimum and MINOS = HESSE on quadratics. */
class PropertyTest {

    static LongStream seeds() {
        return LongStream.range(1, 9);
    }

    /** A random positive-definite covariance with correlations up to ~0.8 and widths over decades. */
    static double[][] randomCovariance(Random r, int n) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = r.nextGaussian();
            }
        }
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    c[i][j] += a[i][k] * a[j][k];
                }
                c[i][j] += i == j ? 0.5 : 0;
            }
        }
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = Math.pow(10, r.nextDouble() * 3 - 1.5) / Math.sqrt(c[i][i]);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                c[i][j] *= w[i] * w[j];
            }
        }
        return c;
    }

    /** A smooth non-quadratic cost: quadratic plus a quartic term, minimum at m. */
    static Objective quartic(double[] m, double[][] cinv, double[] scale, List<ParameterSpec> specs, boolean grad) {
        int n = m.length;
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = cinv[i][i] * cinv[i][i];
        }
        return TestObjectives.of(specs, 0.5, x -> {
            double s = 0;
            double q4 = 0;
            for (int i = 0; i < n; i++) {
                double di = x[i] * scale[i] - m[i];
                q4 += w[i] * di * di * di * di;
                for (int j = 0; j < n; j++) {
                    s += di * cinv[i][j] * (x[j] * scale[j] - m[j]);
                }
            }
            return 0.5 * s + 0.1 * q4;
        }, grad ? (x, g) -> {
            for (int i = 0; i < n; i++) {
                double di = x[i] * scale[i] - m[i];
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += cinv[i][j] * (x[j] * scale[j] - m[j]);
                }
                g[i] = (s + 0.4 * w[i] * di * di * di) * scale[i];
            }
        } : null);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void minimumInvariantUnderRescalingAndBounds(long seed) {
        Random r = new Random(seed);
        int n = 2 + r.nextInt(3);
        double[][] c = randomCovariance(r, n);
        double[][] cinv = Linalg.inverseSpd(c);
        double[] m = new double[n];
        double[] ones = new double[n];
        double[] scale = new double[n];
        List<ParameterSpec> plain = new ArrayList<>();
        List<ParameterSpec> scaled = new ArrayList<>();
        List<ParameterSpec> bounded = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double sd = Math.sqrt(c[i][i]);
            m[i] = r.nextGaussian() * 3 * sd;
            ones[i] = 1;
            scale[i] = Math.pow(10, r.nextDouble() * 6 - 3);
            double start = m[i] + r.nextGaussian() * 2 * sd;
            plain.add(ParameterSpec.free("p" + i, start, sd));
            scaled.add(ParameterSpec.free("p" + i, start / scale[i], sd / scale[i]));
            // Bounds well away from the minimum, of all three kinds.
            double lo = m[i] - (4 + 2 * r.nextDouble()) * sd - Math.abs(start - m[i]);
            double hi = m[i] + (4 + 2 * r.nextDouble()) * sd + Math.abs(start - m[i]);
            int kind = r.nextInt(3);
            bounded.add(ParameterSpec.bounded("p" + i, start, sd, kind == 1 ? Double.NEGATIVE_INFINITY : lo,
                    kind == 2 ? Double.POSITIVE_INFINITY : hi));
        }
        for (boolean grad : new boolean[] {true, false}) {
            String msg = "seed " + seed + " gradient " + grad;
            FitResult a = Migrad.defaults().minimise(quartic(m, cinv, ones, plain, grad));
            FitResult b = Migrad.defaults().minimise(quartic(m, cinv, scale, scaled, grad));
            FitResult d = Migrad.defaults().minimise(quartic(m, cinv, ones, bounded, grad));
            assertTrue(a.status().validMinimum(), msg + "\n" + a.table());
            assertTrue(b.status().validMinimum(), msg + "\n" + b.table());
            assertTrue(d.status().validMinimum(), msg + "\n" + d.table());
            if (System.getenv("DEBUG_MINOS") != null) {
                System.err.println(msg + "\n" + a.table() + b.table() + java.util.Arrays.toString(scale));
            }
            FitResult ha = Hesse.compute(quartic(m, cinv, ones, plain, grad), a);
            FitResult hb = Hesse.compute(quartic(m, cinv, scale, scaled, grad), b);
            FitResult hd = Hesse.compute(quartic(m, cinv, ones, bounded, grad), d);
            for (int i = 0; i < n; i++) {
                double sd = ha.errors()[i];
                // EDM < 2e-4 errorDef: each minimum lies within a few per cent of an error of the truth.
                assertEquals(m[i], a.values()[i], 0.05 * sd, msg + " plain p" + i);
                assertEquals(m[i], b.values()[i] * scale[i], 0.05 * sd, msg + " rescaled p" + i);
                assertEquals(m[i], d.values()[i], 0.05 * sd, msg + " bounded p" + i);
                assertEquals(sd, hb.errors()[i] * scale[i], 0.02 * sd, msg + " rescaled error p" + i);
                assertEquals(sd, hd.errors()[i], 0.02 * sd, msg + " bounded error p" + i);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void minosOfAQuadraticEqualsHesse(long seed) {
        Random r = new Random(seed);
        int n = 2 + r.nextInt(3);
        double[][] c = randomCovariance(r, n);
        double[][] cinv = Linalg.inverseSpd(c);
        double[] m = new double[n];
        List<ParameterSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            m[i] = r.nextGaussian();
            specs.add(ParameterSpec.free("p" + i, m[i] + Math.sqrt(c[i][i]), Math.sqrt(c[i][i])));
        }
        double up = r.nextBoolean() ? 0.5 : 1;
        Objective o = TestObjectives.quadratic(m, cinv, specs, up);
        FitResult fit = Hesse.compute(o, Migrad.defaults().minimise(o));
        double nsig = 1 + r.nextInt(2);
        for (int i = 0; i < n; i++) {
            MinosError me = Minos.defaults().error(o, fit, "p" + i, ConfidenceLevel.sigma(nsig));
            if (System.getenv("DEBUG_MINOS") != null) {
                System.err.println(fit.table() + me);
            }
            String msg = "seed " + seed + " " + me;
            assertTrue(me.valid(), msg);
            double sd = Math.sqrt(c[i][i]);
            // The crossings of a quadratic sit at m +- n sigma exactly, whatever the EDM left of the minimum,
            // and the MINOS interval's half-width is n times the HESSE error.
            assertEquals(m[i] + nsig * sd, me.value() + me.upper(), 1e-4 * sd, msg);
            assertEquals(m[i] - nsig * sd, me.value() + me.lower(), 1e-4 * sd, msg);
            assertEquals(nsig * fit.errors()[i], 0.5 * (me.upper() - me.lower()), 1e-4 * sd, msg);
            assertEquals(sd, fit.errors()[i], 1e-4 * sd, msg);
        }
    }
}
