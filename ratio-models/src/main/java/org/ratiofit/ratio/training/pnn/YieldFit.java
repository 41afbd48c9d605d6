package org.ratiofit.ratio.training.pnn;

import java.util.List;

/**
 * GOLLUM's inclusive-yield parametrisation: ln(N(ν_j)/N(0)) = Σ_A δ_A m_A(ν_j) fitted by least
 * squares from the varied samples' total weights N(ν_j) and the nominal's N(0), weighted by the
 * statistical variance of each ln N(ν_j)/N(0) (Σw²/(Σw)² of the varied sample plus the
 * nominal's); the residuals and pulls tell whether the quadratic polynomial fits
 * (χ² with J − M degrees of freedom; 0 when the points just determine the coefficients).
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
     */
    public record Result(int formatVersion, List<String> monomials, double[] coefficients, double[] errors, List<double[]> points,
            double[] logRatios, double[] residuals, double[] pulls, double chi2, int ndf) {
        public static final int FORMAT_VERSION = 1;

        /** ln N(ν)/N(0) of the fit. */
        public double logYieldRatio(double[] nu) {
            double[] m = PnnMonomials.values(nu);
            double s = 0;
            for (int a = 0; a < m.length; a++) {
                s += coefficients[a] * m[a];
            }
            return s;
        }
    }

    public static Result fit(PnnData d) {
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
        // weighted normal equations (XᵀWX) δ = XᵀW y
        double[][] a = new double[m][m];
        double[] b = new double[m];
        for (int p = 0; p < j; p++) {
            double w = 1 / var[p];
            for (int r = 0; r < m; r++) {
                b[r] += w * x[p][r] * y[p];
                for (int c = 0; c < m; c++) {
                    a[r][c] += w * x[p][r] * x[p][c];
                }
            }
        }
        double[][] inv = invert(a);
        double[] delta = new double[m];
        double[] err = new double[m];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                delta[r] += inv[r][c] * b[c];
            }
            err[r] = Math.sqrt(Math.max(0, inv[r][r]));
        }
        double[] res = new double[j];
        double[] pulls = new double[j];
        double chi2 = 0;
        for (int p = 0; p < j; p++) {
            double f = 0;
            for (int a2 = 0; a2 < m; a2++) {
                f += delta[a2] * x[p][a2];
            }
            res[p] = y[p] - f;
            pulls[p] = res[p] / Math.sqrt(var[p]);
            chi2 += pulls[p] * pulls[p];
        }
        return new Result(Result.FORMAT_VERSION, PnnMonomials.names(d.parameters()), delta, err,
                d.points().stream().map(pt -> pt.nu().clone()).toList(), y, res, pulls, chi2, j - m);
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
