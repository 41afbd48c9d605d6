package org.ratiofit.ratio.training.pnn;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.hipparchus.analysis.interpolation.SplineInterpolator;
import org.hipparchus.analysis.polynomials.PolynomialFunction;
import org.hipparchus.analysis.polynomials.PolynomialSplineFunction;

/**
 * GOLLUM's inclusive-yield parametrisation: ln(N(ν_j)/N(0)) = Σ_A δ_A m_A(ν_j) fitted by least
 * squares from the varied samples' total weights N(ν_j) and the nominal's N(0), weighted by the
 * statistical variance of each ln N(ν_j)/N(0) (Σw²/(Σw)² of the varied sample plus the
 * nominal's); the residuals and pulls tell whether the quadratic polynomial fits
 * (χ² with J − M degrees of freedom; 0 when the points just determine the coefficients).
 *
 * <p>The cubic-spline option, per parameter l ({@link #fit(PnnData, Collection)}): the terms
 * δ_l ν_l + δ_ll ν_l² are replaced by s_l(ν_l), the natural cubic spline through (0, 0) and the
 * points on l's axis (every other parameter 0), ln N(ν_j)/N(0) at each, continued linearly beyond
 * the end knots (the likelihood's {@code yieldspline} modifier evaluates the same spline); the
 * remaining monomials (other parameters, mixed terms) are fitted by the same weighted least
 * squares to ln N/N(0) − Σ_l s_l(ν_l). The spline passes through its own points (residual 0
 * there), so its quality shows at the other points and at held-out ones
 * ({@code PnnDiagnostics}' yield residual); ndf = J − (fitted monomials) − (spline knots besides 0).
 */
public final class YieldFit {
    private YieldFit() {
    }

    /**
     * @param coefficients δ_A per monomial (likelihood order)
     * @param errors       their standard errors from the weighted least squares
     * @param logRatios    ln N(ν_j)/N(0) per point
     * @param residuals    ln N(ν_j)/N(0) − Σ_A δ_A m_A(ν_j)
     * @param pulls        residual / statistical error of the point
     * @param splines      the per-parameter splines replacing their parameter's linear and quadratic terms (whose
     *                     coefficients are then 0), in parameter order; empty without (format version 1 had none)
     */
    public record Result(int formatVersion, List<String> monomials, double[] coefficients, double[] errors, List<double[]> points,
            double[] logRatios, double[] residuals, double[] pulls, double chi2, int ndf, List<Spline> splines) {
        public static final int FORMAT_VERSION = 2;

        public Result {
            splines = splines == null ? List.of() : List.copyOf(splines);
        }

        /** ln N(ν)/N(0) of the fit: the polynomial's monomials plus each spline at its parameter's value. */
        public double logYieldRatio(double[] nu) {
            double[] m = PnnMonomials.values(nu);
            double s = 0;
            for (int a = 0; a < m.length; a++) {
                s += coefficients[a] * m[a];
            }
            for (Spline sp : splines) {
                s += sp.value(nu[sp.index()]);
            }
            return s;
        }
    }

    /**
     * A natural cubic spline in one parameter through (knots, values), linear beyond the end knots with
     * the end slopes (as the likelihood's {@code NaturalCubicSpline}); two knots give a line.
     *
     * @param parameter the parameter's name
     * @param index     its position among the fit's parameters
     */
    public record Spline(String parameter, int index, double[] knots, double[] values) {
        public double value(double t) {
            int n = knots.length;
            double[] slopes = endSlopes();
            if (t <= knots[0]) {
                return values[0] + slopes[0] * (t - knots[0]);
            }
            if (t >= knots[n - 1]) {
                return values[n - 1] + slopes[1] * (t - knots[n - 1]);
            }
            return n == 2 ? values[0] + slopes[0] * (t - knots[0]) : interpolator().value(t);
        }

        private PolynomialSplineFunction interpolator() {
            return new SplineInterpolator().interpolate(knots, values);
        }

        private double[] endSlopes() {
            int n = knots.length;
            if (n == 2) {
                double s = (values[1] - values[0]) / (knots[1] - knots[0]);
                return new double[] {s, s};
            }
            PolynomialFunction[] p = interpolator().getPolynomials();
            return new double[] {p[0].polynomialDerivative().value(0),
                    p[p.length - 1].polynomialDerivative().value(knots[n - 1] - knots[n - 2])};
        }
    }

    public static Result fit(PnnData d) {
        return fit(d, List.of());
    }

    /**
     * The fit with a natural cubic spline for each parameter in {@code splineParameters} (see the class
     * comment); each needs at least two points on its axis (every other parameter 0).
     */
    public static Result fit(PnnData d, Collection<String> splineParameters) {
        for (String p : splineParameters) {
            if (!d.parameters().contains(p)) {
                throw new IllegalArgumentException("a yield spline names '" + p + "', which is not one of the parameters " + d.parameters());
            }
        }
        double n0 = 0;
        double n02 = 0;
        for (int i = 0; i < d.nominal()[0].length; i++) {
            double w = d.nominalWeight(i);
            n0 += w;
            n02 += w * w;
        }
        int j = d.points().size();
        int m = d.monomials();
        double[][] x = new double[j][];
        double[] y = new double[j];
        double[] var = new double[j];
        for (int p = 0; p < j; p++) {
            PnnData.Point pt = d.points().get(p);
            double s = 0;
            double s2 = 0;
            for (int i = 0; i < pt.size(); i++) {
                s += pt.weight(i);
                s2 += pt.weight(i) * pt.weight(i);
            }
            x[p] = PnnMonomials.values(pt.nu());
            y[p] = Math.log(s / n0);
            var[p] = s2 / (s * s) + n02 / (n0 * n0);
        }
        // the splines: per spline parameter, the points on its axis and (0, 0)
        List<Spline> splines = new ArrayList<>();
        boolean[] replaced = new boolean[m];
        int[][] pairs = PnnMonomials.pairs(d.parameters().size());
        int knotsBesidesZero = 0;
        for (int l = 0; l < d.parameters().size(); l++) {
            String name = d.parameters().get(l);
            if (!splineParameters.contains(name)) {
                continue;
            }
            List<double[]> kv = new ArrayList<>();
            kv.add(new double[] {0, 0});
            for (int p = 0; p < j; p++) {
                double[] nu = d.points().get(p).nu();
                boolean onAxis = nu[l] != 0;
                for (int q = 0; q < nu.length; q++) {
                    onAxis &= q == l || nu[q] == 0;
                }
                if (onAxis) {
                    kv.add(new double[] {nu[l], y[p]});
                }
            }
            if (kv.size() < 3) {
                throw new IllegalArgumentException("a yield spline in '" + name + "' needs at least two ν points on its axis (every other "
                        + "parameter 0, " + name + " not 0); got " + (kv.size() - 1));
            }
            kv.sort((a, b) -> Double.compare(a[0], b[0]));
            double[] kx = kv.stream().mapToDouble(a -> a[0]).toArray();
            double[] ky = kv.stream().mapToDouble(a -> a[1]).toArray();
            splines.add(new Spline(name, l, kx, ky));
            knotsBesidesZero += kx.length - 1;
            for (int a = 0; a < m; a++) {
                if (pairs[a][0] == l && (pairs[a][1] < 0 || pairs[a][1] == l)) {
                    replaced[a] = true;
                }
            }
        }
        double[] target = new double[j];
        for (int p = 0; p < j; p++) {
            target[p] = y[p];
            for (Spline sp : splines) {
                target[p] -= sp.value(d.points().get(p).nu()[sp.index()]);
            }
        }
        int[] fitted = java.util.stream.IntStream.range(0, m).filter(a -> !replaced[a]).toArray();
        int mf = fitted.length;
        // weighted normal equations (XᵀWX) δ = XᵀW (y − splines) over the monomials not replaced by a spline
        double[][] a = new double[mf][mf];
        double[] b = new double[mf];
        for (int p = 0; p < j; p++) {
            double w = 1 / var[p];
            for (int r = 0; r < mf; r++) {
                b[r] += w * x[p][fitted[r]] * target[p];
                for (int c = 0; c < mf; c++) {
                    a[r][c] += w * x[p][fitted[r]] * x[p][fitted[c]];
                }
            }
        }
        double[][] inv = mf == 0 ? new double[0][0] : invert(a);
        double[] delta = new double[m];
        double[] err = new double[m];
        for (int r = 0; r < mf; r++) {
            for (int c = 0; c < mf; c++) {
                delta[fitted[r]] += inv[r][c] * b[c];
            }
            err[fitted[r]] = Math.sqrt(Math.max(0, inv[r][r]));
        }
        double[] res = new double[j];
        double[] pulls = new double[j];
        double chi2 = 0;
        for (int p = 0; p < j; p++) {
            double f = 0;
            for (int a2 = 0; a2 < m; a2++) {
                f += delta[a2] * x[p][a2];
            }
            res[p] = target[p] - f;
            pulls[p] = res[p] / Math.sqrt(var[p]);
            chi2 += pulls[p] * pulls[p];
        }
        return new Result(Result.FORMAT_VERSION, PnnMonomials.names(d.parameters()), delta, err,
                d.points().stream().map(pt -> pt.nu().clone()).toList(), y, res, pulls, chi2, j - mf - knotsBesidesZero, splines);
    }

    /** Gauss–Jordan inverse with partial pivoting of a symmetric positive-definite matrix. */
    static double[][] invert(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][2 * n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(a[r], 0, m[r], 0, n);
            m[r][n + r] = 1;
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) {
                    piv = r;
                }
            }
            double[] t = m[c];
            m[c] = m[piv];
            m[piv] = t;
            double p = m[c][c];
            if (p == 0) {
                throw new IllegalArgumentException("the yield fit's normal equations are singular: the ν points do not determine every monomial");
            }
            for (int k = 0; k < 2 * n; k++) {
                m[c][k] /= p;
            }
            for (int r = 0; r < n; r++) {
                if (r != c && m[r][c] != 0) {
                    double f = m[r][c];
                    for (int k = 0; k < 2 * n; k++) {
                        m[r][k] -= f * m[c][k];
                    }
                }
            }
        }
        double[][] out = new double[n][n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(m[r], n, out[r], 0, n);
        }
        return out;
    }
}
