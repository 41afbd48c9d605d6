package org.ratiofit.samplers.nuts.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Diagnostics on sequences whose answers are known exactly or computed by rstan. */
class ConvergenceDiagnosticsTest {

    static double[][] ar1(long seed, int chains, int n, double rho, double[] shift) {
        Random r = new Random(seed);
        double[][] x = new double[chains][n];
        double sd = 1 / Math.sqrt(1 - rho * rho);
        for (int c = 0; c < chains; c++) {
            x[c][0] = sd * r.nextGaussian();
            for (int i = 1; i < n; i++) {
                x[c][i] = rho * x[c][i - 1] + r.nextGaussian();
            }
            for (int i = 0; i < n; i++) {
                x[c][i] += shift == null ? 0 : shift[c];
            }
        }
        return x;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void iidDrawsHaveRhatNearOneAndEssNearN(long seed) {
        double[][] x = ar1(seed, 4, 2000, 0, null);
        double rhat = ConvergenceDiagnostics.rhat(x);
        assertTrue(Math.abs(rhat - 1) < 0.005, "seed " + seed + ": R-hat " + rhat);
        double n = 8000;
        assertEquals(1, ConvergenceDiagnostics.essBulk(x) / n, 0.1, "seed " + seed + ": bulk ESS");
        assertEquals(1, ConvergenceDiagnostics.essMean(x) / n, 0.1, "seed " + seed + ": ESS of the mean");
        assertEquals(1, ConvergenceDiagnostics.essTail(x) / n, 0.15, "seed " + seed + ": tail ESS");
        // MCSE of the mean of n iid N(0,1) draws is 1/sqrt(n)
        assertEquals(1 / Math.sqrt(n), ConvergenceDiagnostics.mcseMean(x), 0.1 / Math.sqrt(n), "seed " + seed + ": MCSE");
    }

    @ParameterizedTest(name = "seed {0}, rho {1}")
    @MethodSource("ar1Cases")
    void ar1ChainsHaveTheKnownEss(long seed, double rho) {
        int n = 5000;
        double[][] x = ar1(seed, 4, n, rho, null);
        double expected = 4.0 * n * (1 - rho) / (1 + rho);
        double ess = ConvergenceDiagnostics.essMean(x);
        assertEquals(1, ess / expected, 0.15, "seed " + seed + ", rho " + rho + ": ESS " + ess + " vs " + expected);
        double bulk = ConvergenceDiagnostics.essBulk(x);
        assertEquals(1, bulk / expected, 0.15, "seed " + seed + ", rho " + rho + ": bulk ESS " + bulk + " vs " + expected);
        // E-BFMI of an AR(1) energy sequence: E[(E_i - E_{i-1})^2] / Var(E) = 2 (1 - rho)
        assertEquals(2 * (1 - rho), ConvergenceDiagnostics.ebfmi(x[0]), 0.1, "seed " + seed + ": E-BFMI");
    }

    static Stream<Arguments> ar1Cases() {
        return Stream.of(Arguments.of(11L, 0.5), Arguments.of(12L, 0.9), Arguments.of(13L, -0.3));
    }

    @Test
    void separatedChainsAreFlagged() {
        double[][] x = ar1(5, 4, 1000, 0.3, new double[] {0, 0, 0, 1});
        assertTrue(ConvergenceDiagnostics.rhat(x) > 1.05, "R-hat " + ConvergenceDiagnostics.rhat(x));
        // chains with equal location but different scales: only the folded R-hat sees it
        double[][] y = ar1(6, 4, 1000, 0, null);
        for (int i = 0; i < y[3].length; i++) {
            y[3][i] *= 3;
        }
        double plain = ConvergenceDiagnostics.rhatBasic(ConvergenceDiagnostics.zScale(ConvergenceDiagnostics.splitChains(y)));
        assertTrue(plain < 1.02, "bulk R-hat misses a scale difference: " + plain);
        assertTrue(ConvergenceDiagnostics.rhat(y) > 1.05, "folded R-hat catches it: " + ConvergenceDiagnostics.rhat(y));
        // a trend within each chain: only splitting sees it
        double[][] z = ar1(7, 4, 1000, 0, null);
        for (double[] c : z) {
            for (int i = 0; i < c.length; i++) {
                c[i] += 2.0 * i / c.length;
            }
        }
        assertTrue(ConvergenceDiagnostics.rhat(z) > 1.05, "split R-hat catches a trend: " + ConvergenceDiagnostics.rhat(z));
    }

    @Test
    void autocovarianceMatchesTheDirectSum() {
        double[] x = ar1(9, 1, 301, 0.6, null)[0];
        double m = 0;
        for (double v : x) {
            m += v;
        }
        m /= x.length;
        double[] acov = ConvergenceDiagnostics.autocovariance(x, m);
        for (int lag : new int[] {0, 1, 2, 7, 150, 300}) {
            double s = 0;
            for (int i = 0; i + lag < x.length; i++) {
                s += (x[i] - m) * (x[i + lag] - m);
            }
            assertEquals(s / x.length, acov[lag], 1e-10, "lag " + lag);
        }
    }

    /**
     * Same figures as rstan 2.21's Rhat, ess_bulk and ess_tail (fixture from make_diagnostics_fixture.R).
     * rstan 2.21 maps ranks through (r - 1/2)/S; the published method (and the default here) uses
     * Blom's (r - 3/8)/(S + 1/4), which moves R-hat only in the fourth decimal.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"iid", "ar07", "antithetic", "shifted", "scaled", "cauchy"})
    void agreesWithRstan(String name) throws IOException {
        List<String[]> draws = read("/nuts/diagnostics_draws.csv");
        String[] head = draws.get(0);
        List<Integer> cols = new ArrayList<>();
        for (int j = 0; j < head.length; j++) {
            if (head[j].startsWith(name + ".")) {
                cols.add(j);
            }
        }
        double[][] x = new double[cols.size()][draws.size() - 1];
        for (int i = 1; i < draws.size(); i++) {
            for (int c = 0; c < cols.size(); c++) {
                x[c][i - 1] = Double.parseDouble(draws.get(i)[cols.get(c)].trim());
            }
        }
        String[] ref = read("/nuts/diagnostics_reference.csv").stream().filter(r -> r[0].equals(name)).findFirst().orElseThrow();
        double rhat = Double.parseDouble(ref[1].trim());
        double bulk = Double.parseDouble(ref[2].trim());
        assertEquals(rhat, ConvergenceDiagnostics.rhat(x, 0.5), 1e-9, name + ": R-hat");
        assertEquals(bulk, ConvergenceDiagnostics.essBulk(x, 0.5), 1e-6 * bulk, name + ": bulk ESS");
        assertEquals(rhat, ConvergenceDiagnostics.rhat(x), 1e-3, name + ": R-hat with Blom's offset");
        assertEquals(1, ConvergenceDiagnostics.essBulk(x) / bulk, 0.01, name + ": bulk ESS with Blom's offset");
        assertEquals(Double.parseDouble(ref[3].trim()), ConvergenceDiagnostics.essTail(x), 1e-6 * Double.parseDouble(ref[3].trim()), name + ": tail ESS");
    }

    private static List<String[]> read(String resource) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                ConvergenceDiagnosticsTest.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
            return r.lines().map(l -> l.split(",")).toList();
        }
    }
}
