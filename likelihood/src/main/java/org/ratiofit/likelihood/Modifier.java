package org.ratiofit.likelihood;

import java.util.Arrays;
import java.util.List;

/**
 * What changes a sample's yield or shape with the parameters. Yield modifiers (normfactor,
 * coefficient, normsys) apply to unbinned and binned samples alike; shapesys and polynomial are
 * per-event (unbinned: their columns live in an {@link EventSet}); histosys is per-bin (binned).
 */
public sealed interface Modifier {

    /** The parameters this modifier reads. */
    List<String> parameters();

    /** Multiplies the yield by a free parameter. */
    record NormFactor(String parameter) implements Modifier {
        public List<String> parameters() {
            return List.of(parameter);
        }
    }

    /**
     * Multiplies the yield by {@code sum_k c_k * theta^(a_k)}: covers the off-shell Higgs terms
     * (mu - sqrt mu) = {c: [1, -1], a: [1, 0.5]}, sqrt mu = {[1], [0.5]}, (1 - sqrt mu) = {[1, -1], [0, 0.5]}.
     * The factor may be zero or negative; only the total mixture density must stay positive.
     */
    record Coefficient(String parameter, double[] c, double[] a) implements Modifier {
        public Coefficient {
            if (c == null || a == null || c.length != a.length || c.length == 0) {
                throw new IllegalArgumentException("coefficient modifier on '" + parameter + "': c and a must be non-empty and of equal length");
            }
            for (int k = 0; k < c.length; k++) {
                if (!Double.isFinite(c[k]) || !Double.isFinite(a[k])) {
                    throw new IllegalArgumentException("coefficient modifier on '" + parameter + "': term " + k + " is not finite");
                }
            }
        }

        public List<String> parameters() {
            return List.of(parameter);
        }

        public double[] valueAndDerivative(double t) {
            double v = 0;
            double g = 0;
            for (int k = 0; k < c.length; k++) {
                if (a[k] == 0) {
                    v += c[k];
                } else {
                    double p = Math.pow(t, a[k]);
                    v += c[k] * p;
                    g += c[k] * a[k] * (a[k] == 1 ? 1 : Math.pow(t, a[k] - 1));
                }
            }
            return new double[] {v, g};
        }

        /** The second derivative of the factor in the parameter. */
        public double secondDerivative(double t) {
            double h = 0;
            for (int k = 0; k < c.length; k++) {
                if (a[k] != 0 && a[k] != 1) {
                    h += c[k] * a[k] * (a[k] - 1) * (a[k] == 2 ? 1 : Math.pow(t, a[k] - 2));
                }
            }
            return h;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Coefficient x && x.parameter.equals(parameter) && Arrays.equals(x.c, c) && Arrays.equals(x.a, a);
        }

        @Override
        public int hashCode() {
            return parameter.hashCode() * 31 + Arrays.hashCode(c) + 7 * Arrays.hashCode(a);
        }
    }

    /** Yield factor interpolated between {@code down} and {@code up} (ratios to nominal) by code 1 or 4. */
    record NormSys(String parameter, int code, double up, double down) implements Modifier {
        public NormSys {
            checkCode(parameter, code);
            if (!(up > 0) || !(down > 0) || Double.isInfinite(up) || Double.isInfinite(down)) {
                throw new IllegalArgumentException("normsys on '" + parameter + "': up and down must be positive and finite, got up="
                        + up + " down=" + down);
            }
        }

        public List<String> parameters() {
            return List.of(parameter);
        }
    }

    /**
     * Per-event shape systematic: per event ratios r+(x)/r0(x) and r-(x)/r0(x) (columns in the
     * event set), interpolated by code 1 or 4; factors multiply over nuisance parameters.
     */
    record ShapeSys(String parameter, int code) implements Modifier {
        public ShapeSys {
            checkCode(parameter, code);
        }

        public List<String> parameters() {
            return List.of(parameter);
        }
    }

    /**
     * Per-event polynomial parametrisation: ln r(x|a) = ln r(x|0) + sum_A Delta_A(x) m_A(a) and
     * ln(nu(a)/nu) = sum_A delta_A m_A(a), over the monomials of {@link Monomials#of}: the linear
     * terms a_l, then the quadratic terms a_l a_m for l &lt;= m. The Delta_A columns live in the event set.
     */
    record Polynomial(List<String> parameters, double[] yieldCoefficients) implements Modifier {
        public Polynomial {
            parameters = List.copyOf(parameters);
            int m = Monomials.count(parameters.size());
            if (yieldCoefficients == null || yieldCoefficients.length != m) {
                throw new IllegalArgumentException("polynomial modifier over " + parameters + ": needs " + m
                        + " yield coefficients, got " + (yieldCoefficients == null ? "none" : yieldCoefficients.length));
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Polynomial x && x.parameters.equals(parameters) && Arrays.equals(x.yieldCoefficients, yieldCoefficients);
        }

        @Override
        public int hashCode() {
            return parameters.hashCode() + Arrays.hashCode(yieldCoefficients);
        }
    }

    /**
     * The sample's log-ratio depends on these fit parameters θ through a {@link ParametrisedLogRatio}
     * (a parametrised ratio estimator r(x|θ) against the channel's reference density): the event
     * sets carry {@link ParametrisedColumns} for the sample instead of a fixed log-ratio column.
     * Unbinned samples only; not combined with shapesys or polynomial modifiers.
     */
    record ParametrisedRatio(List<String> parameters) implements Modifier {
        public ParametrisedRatio {
            parameters = List.copyOf(parameters);
            if (parameters.isEmpty() || parameters.stream().distinct().count() != parameters.size()) {
                throw new IllegalArgumentException("parametrised ratio: needs distinct parameter names, got " + parameters);
            }
        }
    }

    /**
     * Yield factor exp(s(a)): s is the natural cubic spline through (knots, values), s(0) = 0 when 0 is a
     * knot with value 0, continued linearly beyond the end knots ({@link NaturalCubicSpline}). The
     * per-parameter alternative to a polynomial's yield terms δ_l a_l + δ_ll a_l² (whose coefficients
     * are then 0): ln(ν(a)/ν) = Σ_A δ_A m_A(a) + Σ_l s_l(a_l). Unbinned samples only.
     */
    record YieldSpline(String parameter, double[] knots, double[] values) implements Modifier {
        public YieldSpline {
            new NaturalCubicSpline(knots, values, "yield spline on '" + parameter + "'");
            knots = knots.clone();
            values = values.clone();
        }

        public List<String> parameters() {
            return List.of(parameter);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof YieldSpline x && x.parameter.equals(parameter) && Arrays.equals(x.knots, knots)
                    && Arrays.equals(x.values, values);
        }

        @Override
        public int hashCode() {
            return parameter.hashCode() * 31 + Arrays.hashCode(knots) + 7 * Arrays.hashCode(values);
        }
    }

    /**
     * Binned shape systematic: absolute per-bin yields at alpha = +1 and -1, interpolated
     * additively by code 0 or code 4p ({@code code} is "0" or "4p").
     */
    record HistoSys(String parameter, String code, double[] up, double[] down) implements Modifier {
        public HistoSys {
            if (!"0".equals(code) && !"4p".equals(code)) {
                throw new IllegalArgumentException("histosys on '" + parameter + "': unsupported interpolation code '" + code + "' (use 0 or 4p)");
            }
            if (up == null || down == null || up.length != down.length) {
                throw new IllegalArgumentException("histosys on '" + parameter + "': up and down must have the same number of bins");
            }
        }

        public List<String> parameters() {
            return List.of(parameter);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HistoSys x && x.parameter.equals(parameter) && x.code.equals(code)
                    && Arrays.equals(x.up, up) && Arrays.equals(x.down, down);
        }

        @Override
        public int hashCode() {
            return parameter.hashCode() + Arrays.hashCode(up);
        }
    }

    /**
     * Binned only: one multiplicative factor per bin, the parameter named for that bin (null: no
     * factor in that bin). HistFactory's shapesys (Poisson-constrained gammas), staterror
     * (Gaussian-constrained gammas shared by the channel's samples) and shapefactor (free) all act
     * on the yield this way; they differ only in their parameters' constraints.
     *
     * @param bins per bin the parameter's name, or null
     * @param type the HistFactory type it came from ("shapesys", "staterror", "shapefactor"), kept
     *             for writing pyhf JSON back; any text otherwise
     * @param name the HistFactory modifier's name (the parameters are {@code name[b]})
     */
    record PerBin(String name, String type, String[] bins) implements Modifier {
        public PerBin {
            if (name == null || name.isBlank() || bins == null) {
                throw new IllegalArgumentException("per-bin modifier: name and bins must be given");
            }
            bins = bins.clone();
        }

        public List<String> parameters() {
            return Arrays.stream(bins).filter(java.util.Objects::nonNull).toList();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PerBin x && x.name.equals(name) && java.util.Objects.equals(x.type, type) && Arrays.equals(x.bins, bins);
        }

        @Override
        public int hashCode() {
            return name.hashCode() + Arrays.hashCode(bins);
        }
    }

    private static void checkCode(String parameter, int code) {
        if (code != 1 && code != 4) {
            throw new IllegalArgumentException("modifier on '" + parameter + "': unsupported interpolation code " + code + " (use 1 or 4)");
        }
    }
}
