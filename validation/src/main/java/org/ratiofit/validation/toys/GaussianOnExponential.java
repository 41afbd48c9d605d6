package org.ratiofit.validation.toys;

import java.util.List;
import org.hipparchus.random.RandomDataGenerator;
import org.hipparchus.random.Well19937c;
import org.hipparchus.special.Erf;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * The analytic toy every part of ratiofit is checked against: a Gaussian signal (a mass peak) on a
 * falling exponential background, observed in a window [lo, hi].
 *
 * <p>Parameters, in this order: the signal strength {@code mu} (signal yield mu*S), the nuisance
 * parameter {@code alpha_shift} moving the peak by {@code shift * alpha_shift}, and the nuisance
 * parameter {@code alpha_bkg} scaling the background yield by {@code kappa^alpha_bkg} (a code-1
 * normsys). Both nuisance parameters carry unit Gaussian constraints.
 *
 * <p>The per-event log-ratio of a shifted peak to the nominal one is exactly quadratic in the
 * shift: ln N(x; m+d, s)/N(x; m, s) = (x-m) d/s^2 - d^2/(2 s^2). The window's truncation of the
 * Gaussian changes its normalisation by a factor that is 1 to double precision for the default
 * peak far inside the window; it is kept exactly here anyway.
 */
public final class GaussianOnExponential {

    /** Indices of the parameters in every {@code double[]} this toy uses. */
    public static final int MU = 0;
    public static final int ALPHA_SHIFT = 1;
    public static final int ALPHA_BKG = 2;

    /**
     * @param lo          lower edge of the observable window
     * @param hi          upper edge
     * @param mass        nominal peak position m
     * @param width       peak width s
     * @param slope       background exponential slope (per unit of x)
     * @param signalYield expected signal events at mu = 1
     * @param backgroundYield expected background events at alpha_bkg = 0
     * @param shift       peak shift for alpha_shift = 1
     * @param kappa       background yield factor for alpha_bkg = 1
     */
    public record Config(double lo, double hi, double mass, double width, double slope,
                         double signalYield, double backgroundYield, double shift, double kappa) {

        public Config {
            if (!(hi > lo) || !(width > 0) || !(slope > 0) || !(signalYield > 0) || !(backgroundYield > 0) || !(kappa > 0)) {
                throw new IllegalArgumentException("invalid Gaussian-on-exponential configuration: " + this);
            }
        }

        /** Mean 125, width 2 on [100, 150], slope 0.05, 50 signal and 1000 background events, shift 0.5, kappa 1.1. */
        public static Config standard() {
            return new Config(100, 150, 125, 2, 0.05, 50, 1000, 0.5, 1.1);
        }
    }

    private final Config c;
    private final double bkgNorm;

    public GaussianOnExponential(Config config) {
        this.c = config;
        this.bkgNorm = -Math.expm1(-c.slope() * (c.hi() - c.lo()));
    }

    public Config config() {
        return c;
    }

    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.bounded("mu", 1.0, 0.2, -2.0, 10.0),
                ParameterSpec.free("alpha_shift", 0.0, 1.0),
                ParameterSpec.free("alpha_bkg", 0.0, 1.0));
    }

    // ------------------------------------------------------------------ densities

    /** Peak position for a given nuisance value. */
    public double peak(double alphaShift) {
        return c.mass() + c.shift() * alphaShift;
    }

    /** The Gaussian's probability mass inside the window for a given peak position. */
    double windowMass(double peak) {
        double s = c.width() * Math.sqrt(2);
        return 0.5 * Erf.erf((c.lo() - peak) / s, (c.hi() - peak) / s);
    }

    /** Normalised signal density on the window. */
    public double signalPdf(double x, double alphaShift) {
        double m = peak(alphaShift);
        double z = (x - m) / c.width();
        return Math.exp(-0.5 * z * z) / (c.width() * Math.sqrt(2 * Math.PI) * windowMass(m));
    }

    /** Normalised background density on the window. */
    public double backgroundPdf(double x) {
        return c.slope() * Math.exp(-c.slope() * (x - c.lo())) / bkgNorm;
    }

    public double signalYield(double mu) {
        return mu * c.signalYield();
    }

    public double backgroundYield(double alphaBkg) {
        return c.backgroundYield() * Math.pow(c.kappa(), alphaBkg);
    }

    // ------------------------------------------------------------------ generation

    /** Events of one pseudo-experiment at the given parameter point (Poisson yields). */
    public double[] generate(double[] truth, long seed) {
        RandomDataGenerator rng = RandomDataGenerator.of(new Well19937c(seed));
        double nuS = signalYield(truth[MU]);
        if (nuS < 0) {
            throw new IllegalArgumentException("cannot generate with a negative signal yield (mu = " + truth[MU] + ")");
        }
        int nS = nuS > 0 ? rng.nextPoisson(nuS) : 0;
        int nB = rng.nextPoisson(backgroundYield(truth[ALPHA_BKG]));
        double[] x = new double[nS + nB];
        double m = peak(truth[ALPHA_SHIFT]);
        for (int i = 0; i < nS; i++) {
            double v;
            do {
                v = rng.nextNormal(m, c.width());
            } while (v < c.lo() || v >= c.hi());
            x[i] = v;
        }
        for (int i = 0; i < nB; i++) {
            x[nS + i] = sampleBackground(rng.nextDouble());
        }
        return x;
    }

    /** {@code n} events drawn from the signal density alone. */
    public double[] sampleSignal(int n, double alphaShift, long seed) {
        RandomDataGenerator rng = RandomDataGenerator.of(new Well19937c(seed));
        double[] x = new double[n];
        double m = peak(alphaShift);
        for (int i = 0; i < n; i++) {
            double v;
            do {
                v = rng.nextNormal(m, c.width());
            } while (v < c.lo() || v >= c.hi());
            x[i] = v;
        }
        return x;
    }

    /** {@code n} events drawn from the background density alone. */
    public double[] sampleBackground(int n, long seed) {
        RandomDataGenerator rng = RandomDataGenerator.of(new Well19937c(seed));
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = sampleBackground(rng.nextDouble());
        }
        return x;
    }

    private double sampleBackground(double u) {
        // inverse of the truncated exponential's distribution function
        return c.lo() - Math.log1p(-u * bkgNorm) / c.slope();
    }

    // ------------------------------------------------------------------ exact likelihood

    /**
     * The textbook extended unbinned negative log-likelihood of {@code events} (optional weights),
     * computed from the densities, with its exact gradient; errordef 0.5. Where the mixture
     * density is not positive at an event it is +infinity.
     */
    public Objective exactNll(double[] events, double[] weights) {
        if (weights != null && weights.length != events.length) {
            throw new IllegalArgumentException(events.length + " events but " + weights.length + " weights");
        }
        double[] fB = new double[events.length];
        for (int i = 0; i < events.length; i++) {
            fB[i] = backgroundPdf(events[i]);
        }
        List<ParameterSpec> params = parameters();
        return new Objective() {
            @Override
            public List<ParameterSpec> parameters() {
                return params;
            }

            @Override
            public double value(double[] p) {
                return evaluate(p, null, null);
            }

            @Override
            public boolean hasGradient() {
                return true;
            }

            @Override
            public double valueAndGradient(double[] p, double[] g) {
                return evaluate(p, g, null);
            }

            @Override
            public boolean hasHessian() {
                return true;
            }

            @Override
            public double valueGradientAndHessian(double[] p, double[] g, double[][] h) {
                return evaluate(p, g, h);
            }

            @Override
            public double errorDef() {
                return 0.5;
            }

            /**
             * The cost, with its gradient into g and its Hessian into h when they are not null. With
             * d_i = nuS fS + nuB fB and t = d ln fS / d alpha_shift: -ln L = nuS + nuB + constraints
             * - sum w ln d_i, whose Hessian is the yields' and constraints' second derivatives plus
             * sum w (grad d grad d^T / d^2 - hess d / d).
             */
            private double evaluate(double[] p, double[] g, double[][] h) {
                double mu = p[MU];
                double as = p[ALPHA_SHIFT];
                double ab = p[ALPHA_BKG];
                double nuS = signalYield(mu);
                double nuB = backgroundYield(ab);
                double lnKappa = Math.log(c.kappa());
                double m = peak(as);
                double s = c.width();
                double zMass = windowMass(m);
                double norm = 1.0 / (s * Math.sqrt(2 * Math.PI) * zMass);
                // d ln Z / d alpha_shift from the Gaussian's density at the window edges
                double a = (c.lo() - m) / s;
                double b = (c.hi() - m) / s;
                double phiA = Math.exp(-0.5 * a * a) / Math.sqrt(2 * Math.PI);
                double phiB = Math.exp(-0.5 * b * b) / Math.sqrt(2 * Math.PI);
                double dlnZ = (c.shift() / s) * (phiA - phiB) / zMass;
                double nll = nuS + nuB + 0.5 * as * as + 0.5 * ab * ab;
                double gMu = c.signalYield();
                double gS = as;
                double gB = nuB * lnKappa + ab;
                // d t / d alpha_shift, t = shift z / s - dlnZ (the same for every event)
                double k = c.shift() / s;
                double dt = -k * k - (k * k * (a * phiA - b * phiB) / zMass - dlnZ * dlnZ);
                double hMuMu = 0;
                double hMuS = 0;
                double hMuB = 0;
                double hSS = 1;
                double hSB = 0;
                double hBB = nuB * lnKappa * lnKappa + 1;
                for (int i = 0; i < events.length; i++) {
                    double w = weights == null ? 1.0 : weights[i];
                    double z = (events[i] - m) / s;
                    double fS = Math.exp(-0.5 * z * z) * norm;
                    double d = nuS * fS + nuB * fB[i];
                    if (!(d > 0)) {
                        if (g != null) {
                            java.util.Arrays.fill(g, h != null ? 0 : Double.NaN);
                        }
                        if (h != null) {
                            for (double[] row : h) {
                                java.util.Arrays.fill(row, 0);
                            }
                        }
                        return Double.POSITIVE_INFINITY;
                    }
                    nll -= w * Math.log(d);
                    if (g != null) {
                        double inv = w / d;
                        double t = c.shift() * z / s - dlnZ;
                        gMu -= inv * c.signalYield() * fS;
                        gS -= inv * nuS * fS * t;
                        gB -= inv * nuB * lnKappa * fB[i];
                        if (h != null) {
                            // first derivatives of d, over d
                            double eMu = c.signalYield() * fS / d;
                            double eS = nuS * fS * t / d;
                            double eB = nuB * lnKappa * fB[i] / d;
                            hMuMu += w * eMu * eMu;
                            hMuS += w * (eMu * eS - c.signalYield() * fS * t / d);
                            hMuB += w * eMu * eB;
                            hSS += w * (eS * eS - nuS * fS * (t * t + dt) / d);
                            hSB += w * eS * eB;
                            hBB += w * (eB * eB - nuB * lnKappa * lnKappa * fB[i] / d);
                        }
                    }
                }
                if (g != null) {
                    g[MU] = gMu;
                    g[ALPHA_SHIFT] = gS;
                    g[ALPHA_BKG] = gB;
                }
                if (h != null) {
                    h[MU][MU] = hMuMu;
                    h[MU][ALPHA_SHIFT] = h[ALPHA_SHIFT][MU] = hMuS;
                    h[MU][ALPHA_BKG] = h[ALPHA_BKG][MU] = hMuB;
                    h[ALPHA_SHIFT][ALPHA_SHIFT] = hSS;
                    h[ALPHA_SHIFT][ALPHA_BKG] = h[ALPHA_BKG][ALPHA_SHIFT] = hSB;
                    h[ALPHA_BKG][ALPHA_BKG] = hBB;
                }
                return nll;
            }
        };
    }
}
