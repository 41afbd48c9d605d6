package org.ratiofit.validation.ddm;

import java.util.SplittableRandom;

/**
 * Simulates drift-diffusion trials (rt, choice) by Euler–Maruyama: the evidence starts at z·a and
 * moves by v·dt + √dt·N(0, 1) per step until it leaves (0, a); rt = t + steps·dt, choice +1 at
 * the upper boundary, −1 at the lower one. Parameter bounds as ssm-simulators':
 * v ∈ [−3, 3], a ∈ [0.3, 2.5], z ∈ [0.1, 0.9], t ∈ [0, 2] ({@link #check}).
 *
 * <p>Plain Euler–Maruyama with dt = 0.001 (the BayesFlow tutorial's simulator) detects a crossing
 * only at the grid points, so its responses come late by O(√dt) and slightly too often at the
 * nearer boundary. With {@code bridge} each step also asks whether the path crossed a boundary
 * between the grid points (the Brownian-bridge probability exp(−2 d₀ d₁/dt) for distances d₀, d₁
 * to the boundary before and after the step), which removes that bias to first order: the finer
 * method the exact density is checked against, beside smaller steps.
 */
public final class DdmSimulator {

    /** ssm-simulators' bounds: v, a, z, t. */
    public static final double[] LOWER = {-3, 0.3, 0.1, 0};
    public static final double[] UPPER = {3, 2.5, 0.9, 2};
    /** Trials still undecided after this many seconds are cut off there (ssm-simulators' max_t). */
    public static final double MAX_T = 20;

    private final double dt;
    private final boolean bridge;

    /**
     * @param dt     time step in seconds
     * @param bridge whether to test for crossings between grid points
     */
    public DdmSimulator(double dt, boolean bridge) {
        if (!(dt > 0) || dt > 0.1) throw new IllegalArgumentException("dt must be in (0, 0.1] s, got " + dt);
        this.dt = dt;
        this.bridge = bridge;
    }

    /** The tutorial's simulator: Euler–Maruyama with dt = 0.001, no bridge correction. */
    public static DdmSimulator tutorial() {
        return new DdmSimulator(0.001, false);
    }

    /** null if (v, a, z, t) lies within the bounds, else a sentence naming the parameter. */
    public static String check(double v, double a, double z, double t) {
        double[] p = {v, a, z, t};
        String[] names = {"v", "a", "z", "t"};
        for (int j = 0; j < 4; j++) {
            if (!(p[j] >= LOWER[j] && p[j] <= UPPER[j])) {
                return "DDM parameter " + names[j] + " = " + p[j] + " is outside [" + LOWER[j] + ", " + UPPER[j] + "]";
            }
        }
        return null;
    }

    /**
     * One trial into out[0] = rt, out[1] = choice (+1 or −1). A trial still undecided at
     * {@link #MAX_T} gets rt = MAX_T and the choice of the nearer boundary.
     */
    public void simulate(double v, double a, double z, double t, SplittableRandom rng, double[] out) {
        String bad = check(v, a, z, t);
        if (bad != null) throw new IllegalArgumentException(bad);
        double x = z * a;
        double sq = Math.sqrt(dt), drift = v * dt;
        long maxSteps = (long) Math.ceil(MAX_T / dt);
        for (long n = 1; n <= maxSteps; n++) {
            double y = x + drift + sq * gaussian(rng);
            if (y >= a) { out[0] = t + n * dt; out[1] = 1; return; }
            if (y <= 0) { out[0] = t + n * dt; out[1] = -1; return; }
            if (bridge) {
                double pUp = Math.exp(-2 * (a - x) * (a - y) / dt);
                double pDn = Math.exp(-2 * x * y / dt);
                double r = rng.nextDouble();
                if (r < pUp) { out[0] = t + (n - 0.5) * dt; out[1] = 1; return; }
                if (r < pUp + pDn) { out[0] = t + (n - 0.5) * dt; out[1] = -1; return; }
            }
            x = y;
        }
        out[0] = t + MAX_T;
        out[1] = x > a / 2 ? 1 : -1;
    }

    /** n trials: [0] response times, [1] choices. */
    public double[][] simulate(double v, double a, double z, double t, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] r = new double[2][n];
        double[] o = new double[2];
        for (int i = 0; i < n; i++) {
            simulate(v, a, z, t, rng, o);
            r[0][i] = o[0];
            r[1][i] = o[1];
        }
        return r;
    }

    /** Standard normal by the polar method (exact, fast, no allocation). */
    static double gaussian(SplittableRandom rng) {
        double p, q, s;
        do {
            p = 2 * rng.nextDouble() - 1;
            q = 2 * rng.nextDouble() - 1;
            s = p * p + q * q;
        } while (s >= 1 || s == 0);
        return p * Math.sqrt(-2 * Math.log(s) / s);
    }
}
