package org.ratiofit.validation.ddm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The tutorial's simulator (Euler–Maruyama, dt = 0.001, crossings seen only on the grid) is not
 * the continuous-time DDM of the exact Wiener density: a discretely monitored boundary acts as one
 * moved outward by β√dt, β = −ζ(1/2)/√(2π) ≈ 0.5826 (the Broadie–Glasserman–Kou continuity
 * correction), plus half a step of grid delay. So its trials look like the continuous DDM with
 * a + 2β√dt (a + 0.037 at dt = 0.001) and the same start point in absolute terms — which is why an
 * NRE trained on it puts a about 0.7 posterior sd below the exact-density posterior in the DDM
 * example (examples/README.md, "ddm"). Checked on the closed-form choice probability and mean
 * decision time (boundaries 0 and a, start za, unit diffusion: P(upper) = (1 − e^{−2v za}) /
 * (1 − e^{−2va}), E[T] = (a P(upper) − za)/v); the bridge-corrected simulator matches the
 * uncorrected continuous model.
 */
class DdmSimulatorBiasTest {
    static final double BETA = 0.5825971579390106;

    static double[] moments(double v, double a, double z) {
        double x0 = z * a;
        double pUp = (1 - Math.exp(-2 * v * x0)) / (1 - Math.exp(-2 * v * a));
        return new double[] {pUp, (a * pUp - x0) / v};
    }

    /** P(upper) and the mean decision time of n simulated trials, with their standard errors. */
    static double[] simulated(DdmSimulator sim, double v, double a, double z, double t, int n, long seed) {
        double[][] d = sim.simulate(v, a, z, t, n, seed);
        double up = 0, m = 0, m2 = 0;
        for (int i = 0; i < n; i++) {
            if (d[1][i] > 0) up++;
            double x = d[0][i] - t;
            m += x;
            m2 += x * x;
        }
        up /= n;
        m /= n;
        return new double[] {up, m, Math.sqrt(up * (1 - up) / n), Math.sqrt((m2 / n - m * m) / n)};
    }

    @Test
    void eulerMaruyamaActsAsAWiderBoundaryAndTheBridgeRemovesIt() {
        double v = 0.5, a = 1.5, z = 0.5, t = 0.3, dt = 0.001, c = BETA * Math.sqrt(dt);
        int n = 100_000;
        double[] continuous = moments(v, a, z);
        double[] widened = moments(v, a + 2 * c, (z * a + c) / (a + 2 * c));
        double[] em = simulated(DdmSimulator.tutorial(), v, a, z, t, n, 5);
        double[] bridge = simulated(new DdmSimulator(dt, true), v, a, z, t, n, 6);
        // the tutorial simulator: the widened boundary's moments (+ dt/2 grid delay) within 4 standard errors ...
        assertEquals(widened[0], em[0], 4 * em[2], "P(upper), Euler–Maruyama against a + 2β√dt");
        assertEquals(widened[1] + dt / 2, em[1], 4 * em[3], "mean decision time, Euler–Maruyama against a + 2β√dt");
        // ... and far from the continuous model's (the difference, 0.026 s, is ~20 standard errors)
        assertTrue(em[1] - continuous[1] > 10 * em[3], "Euler–Maruyama decides later than the continuous DDM: " + em[1] + " vs " + continuous[1]);
        // the bridge-corrected simulator: the continuous model's
        assertEquals(continuous[0], bridge[0], 4 * bridge[2], "P(upper), bridge-corrected");
        assertEquals(continuous[1], bridge[1], 4 * bridge[3] + dt / 2, "mean decision time, bridge-corrected");
    }
}
