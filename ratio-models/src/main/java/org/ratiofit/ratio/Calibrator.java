package org.ratiofit.ratio;

import org.ratiofit.ratio.ModelSidecar.Calibration;
import org.ratiofit.ratio.ModelSidecar.Histogram;
import org.ratiofit.ratio.ModelSidecar.Isotonic;
import org.ratiofit.ratio.ModelSidecar.Platt;

import java.util.Arrays;

/**
 * A calibration map on ratios, applied in log space: takes ln r, returns ln r_cal. Isotonic and
 * histogram maps act on r itself (a ratio in, a ratio out); Platt acts on ln r.
 */
public interface Calibrator {
    double apply(double logRatio);

    /** d ln r_cal / d ln r; zero on histogram plateaus and beyond the isotonic end knots. */
    double derivative(double logRatio);

    Calibrator IDENTITY = new Calibrator() {
        public double apply(double l) {
            return l;
        }

        public double derivative(double l) {
            return 1;
        }
    };

    static Calibrator of(Calibration c) {
        if (c == null) return IDENTITY;
        if (c instanceof Platt p) {
            return new Calibrator() {
                public double apply(double l) {
                    return p.a() * l + p.b();
                }

                public double derivative(double l) {
                    return p.a();
                }
            };
        }
        if (c instanceof Isotonic iso) {
            double[] x = iso.x(), y = iso.y();
            return new Calibrator() {
                public double apply(double l) {
                    return Math.log(value(Math.exp(l)));
                }

                double value(double r) {
                    if (r <= x[0]) return y[0];
                    if (r >= x[x.length - 1]) return y[y.length - 1];
                    int i = Arrays.binarySearch(x, r);
                    if (i >= 0) return y[i];
                    int hi = -i - 1, lo = hi - 1;
                    return y[lo] + (y[hi] - y[lo]) * (r - x[lo]) / (x[hi] - x[lo]);
                }

                public double derivative(double l) {
                    double r = Math.exp(l);
                    if (r <= x[0] || r >= x[x.length - 1]) return 0;
                    int i = Arrays.binarySearch(x, r);
                    int hi = i >= 0 ? i + 1 : -i - 1, lo = hi - 1;
                    double slope = (y[hi] - y[lo]) / (x[hi] - x[lo]);
                    return slope * r / value(r);
                }
            };
        }
        if (c instanceof Histogram h) {
            double[] e = h.edges();
            double[] logR = Arrays.stream(h.ratios()).map(Math::log).toArray();
            return new Calibrator() {
                public double apply(double l) {
                    double r = Math.exp(l);
                    int i = Arrays.binarySearch(e, r);
                    // bins are [e_k, e_{k+1}); below the first edge the first bin, above the last the last bin
                    int bin = i >= 0 ? i : -i - 2;
                    bin = Math.max(0, Math.min(logR.length - 1, bin));
                    return logR[bin];
                }

                public double derivative(double l) {
                    return 0;
                }
            };
        }
        throw new IllegalArgumentException("unknown calibration " + c);
    }
}
