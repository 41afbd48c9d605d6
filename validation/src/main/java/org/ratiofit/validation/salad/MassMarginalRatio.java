package org.ratiofit.validation.salad;

import java.util.ArrayList;
import java.util.List;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;

/**
 * The ratio of the resonant variable's marginals, ρ(m) = p_data(m)/p_sim(m) (as event counts: data
 * events per unit of simulation weight), fitted in the sidebands and interpolated into the signal
 * region. ln ρ is a polynomial in the standardised t = (m − centre)/halfWidth (centre and half-width
 * of the span of the sidebands), fitted by weighted least squares to ln(n_b / S_b) in equal-width
 * bins of each sideband (n_b data events, S_b the simulation's weight; variance
 * Σw_data²/n_b² + Σw_sim²/S_b²). The order is the smallest p (0 to {@code maxOrder}) that no higher
 * order beats: χ²(p) − χ²(q) below the 95% quantile of χ² with q − p degrees of freedom for every
 * q > p.
 *
 * @param order the polynomial's order
 * @param coefficients of ln ρ in powers of t
 * @param centre the standardisation's centre
 * @param halfWidth its scale
 * @param chi2 the fit's χ² over the sideband bins
 * @param ndf bins − (order + 1)
 * @param bins the sideband bins the fit used
 * @param chi2ByOrder χ² of every order tried (index = order)
 */
public record MassMarginalRatio(int order, double[] coefficients, double centre, double halfWidth, double chi2, int ndf,
        List<Bin> bins, double[] chi2ByOrder) {

    /** One sideband bin: [low, high), data count, simulation weight, ln(n/S) and its error. */
    public record Bin(double low, double high, double data, double simulation, double logRatio, double error) {}

    /** ρ(m). */
    public double value(double m) {
        double t = (m - centre) / halfWidth;
        double s = 0;
        for (int k = coefficients.length - 1; k >= 0; k--) {
            s = s * t + coefficients[k];
        }
        return Math.exp(s);
    }

    /** χ²/ndf of the chosen order (NaN when ndf = 0). */
    public double chi2PerNdf() {
        return ndf > 0 ? chi2 / ndf : Double.NaN;
    }

    /**
     * Fits ρ(m) in the sidebands.
     *
     * @param mData the data's m; wData their weights (null for 1)
     * @param mSim the simulation's m; wSim their weights (null for 1)
     * @param sidebands the sideband windows
     * @param minPerBin the fewest data events a bin should hold (sets the bins per sideband, 2 to 10)
     * @param maxOrder the highest order tried (lowered to bins − 2 when there are few bins)
     */
    public static MassMarginalRatio fit(double[] mData, double[] wData, double[] mSim, double[] wSim,
            List<SaladConfig.Window> sidebands, int minPerBin, int maxOrder) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (SaladConfig.Window w : sidebands) {
            lo = Math.min(lo, w.low());
            hi = Math.max(hi, w.high());
        }
        double centre = 0.5 * (lo + hi);
        double half = 0.5 * (hi - lo);
        List<Bin> bins = new ArrayList<>();
        List<Double> ts = new ArrayList<>();
        for (SaladConfig.Window w : sidebands) {
            int nIn = 0;
            for (double m : mData) {
                nIn += w.contains(m) ? 1 : 0;
            }
            int nb = Math.max(2, Math.min(10, nIn / Math.max(1, minPerBin)));
            double width = (w.high() - w.low()) / nb;
            double[] n = new double[nb];
            double[] n2 = new double[nb];
            double[] s = new double[nb];
            double[] s2 = new double[nb];
            double[] sm = new double[nb];
            for (int i = 0; i < mData.length; i++) {
                if (w.contains(mData[i])) {
                    int b = Math.min(nb - 1, (int) ((mData[i] - w.low()) / width));
                    double x = wData == null ? 1 : wData[i];
                    n[b] += x;
                    n2[b] += x * x;
                }
            }
            for (int i = 0; i < mSim.length; i++) {
                if (w.contains(mSim[i])) {
                    int b = Math.min(nb - 1, (int) ((mSim[i] - w.low()) / width));
                    double x = wSim == null ? 1 : wSim[i];
                    s[b] += x;
                    s2[b] += x * x;
                    sm[b] += x * mSim[i];
                }
            }
            for (int b = 0; b < nb; b++) {
                if (n[b] > 0 && s[b] > 0) {
                    double y = Math.log(n[b] / s[b]);
                    double err = Math.sqrt(n2[b] / (n[b] * n[b]) + s2[b] / (s[b] * s[b]));
                    bins.add(new Bin(w.low() + b * width, w.low() + (b + 1) * width, n[b], s[b], y, err));
                    ts.add((sm[b] / s[b] - centre) / half);
                }
            }
        }
        if (bins.size() < 2) {
            throw new IllegalArgumentException("the m-marginal ratio needs at least 2 sideband bins with data and "
                    + "simulation events, found " + bins.size());
        }
        int top = Math.max(0, Math.min(maxOrder, bins.size() - 2));
        double[][] coef = new double[top + 1][];
        double[] chi2 = new double[top + 1];
        for (int p = 0; p <= top; p++) {
            RealMatrix a = new Array2DRowRealMatrix(p + 1, p + 1);
            RealVector rhs = new ArrayRealVector(p + 1);
            for (int b = 0; b < bins.size(); b++) {
                double iv = 1 / (bins.get(b).error() * bins.get(b).error());
                double[] phi = powers(ts.get(b), p);
                for (int j = 0; j <= p; j++) {
                    rhs.addToEntry(j, iv * phi[j] * bins.get(b).logRatio());
                    for (int k = 0; k <= p; k++) {
                        a.addToEntry(j, k, iv * phi[j] * phi[k]);
                    }
                }
            }
            coef[p] = new CholeskyDecomposition(a, 1e-12, 1e-14).getSolver().solve(rhs).toArray();
            double c2 = 0;
            for (int b = 0; b < bins.size(); b++) {
                double[] phi = powers(ts.get(b), p);
                double f = 0;
                for (int j = 0; j <= p; j++) {
                    f += coef[p][j] * phi[j];
                }
                double r = (bins.get(b).logRatio() - f) / bins.get(b).error();
                c2 += r * r;
            }
            chi2[p] = c2;
        }
        int chosen = top;
        for (int p = 0; p <= top; p++) {
            boolean beaten = false;
            for (int q = p + 1; q <= top && !beaten; q++) {
                beaten = chi2[p] - chi2[q] > new ChiSquaredDistribution(q - p).inverseCumulativeProbability(0.95);
            }
            if (!beaten) {
                chosen = p;
                break;
            }
        }
        return new MassMarginalRatio(chosen, coef[chosen], centre, half, chi2[chosen], bins.size() - chosen - 1,
                List.copyOf(bins), chi2);
    }

    private static double[] powers(double t, int p) {
        double[] phi = new double[p + 1];
        phi[0] = 1;
        for (int j = 1; j <= p; j++) {
            phi[j] = phi[j - 1] * t;
        }
        return phi;
    }
}
