package org.ratiofit.samplers.fit;

/**
 * Parabolic line search along a descent direction, after Minuit's MnLineSearch: try the full
 * step, accept it when the parabola through f(0), the slope and f(1) agrees, otherwise refine
 * with parabolas through the three best points, never stepping more than a bounded factor.
 */
final class LineSearch {

    private static final double TOLER = 0.05;
    private static final double SLAMBG = 5;
    private static final double ALPHA = 2;
    private static final int MAXITER = 12;
    /** Quarterings of a first step that lands where the cost is undefined: 0.25^20 ~ 1e-12. */
    private static final int MAXBACKOFF = 20;

    private LineSearch() {
    }

    /** Returns {lambda, f(x + lambda step)} of the best point found (lambda 0 when none improves). */
    static double[] search(InternalFunction fcn, double[] x, double f0, double[] step, double gdel) {
        int n = x.length;
        double slamin = 0;
        for (int i = 0; i < n; i++) {
            if (step[i] == 0) {
                continue;
            }
            double ratio = Math.abs(x[i] / step[i]);
            if (slamin == 0 || ratio < slamin) {
                slamin = ratio;
            }
        }
        if (Math.abs(slamin) < Migrad.EPS) {
            slamin = Migrad.EPS;
        }
        slamin *= Migrad.EPS2;

        double[] px = new double[3];
        double[] py = new double[3];
        double l1 = 1;
        double f1 = eval(fcn, x, step, l1);
        // Step into a region where the cost is not defined: back off until it is. The back-off has its
        // own budget, so that a far first step still leaves the parabolic search all its iterations.
        double overal = 1000;
        for (int backoff = 0; !Double.isFinite(f1) && backoff < MAXBACKOFF; backoff++) {
            overal = l1;
            l1 *= 0.25;
            f1 = eval(fcn, x, step, l1);
        }
        if (!Double.isFinite(f1)) {
            return new double[] {0, f0};
        }
        // A first step too long (the cost rose beyond rounding, as when the metric is a rough guess
        // from the parameters' steps, or far from quadratic): back-track along the parabola through
        // f0, the slope and f1, by a factor between 0.1 and 0.5 each time, until the cost falls. On a
        // quadratic cost the first parabola is exact, so this costs nothing more than Minuit's search;
        // a cost flat to rounding is left to Minuit's search, which then looks further out.
        double rounding = 16 * Math.ulp(f0);
        for (int backoff = 0; f1 - f0 > rounding && backoff < MAXBACKOFF; backoff++) {
            overal = l1;
            double q = -gdel * l1 * l1 / (2 * (f1 - f0 - gdel * l1));
            l1 = Math.min(Math.max(q, 0.1 * l1), 0.5 * l1);
            f1 = eval(fcn, x, step, l1);
            while (!Double.isFinite(f1) && backoff < MAXBACKOFF) {
                overal = l1;
                l1 *= 0.25;
                f1 = eval(fcn, x, step, l1);
                backoff++;
            }
            if (!Double.isFinite(f1)) {
                return new double[] {0, f0};
            }
        }
        int niter = 0;
        double fvmin = f0;
        double xvmin = 0;
        if (f1 < f0) {
            fvmin = f1;
            xvmin = l1;
        }
        double toler8 = TOLER * l1;
        // never beyond a point where the cost was undefined
        double slamax = Math.min(SLAMBG * l1, 0.5 * (l1 + overal));
        overal = Math.min(1000, overal);
        double undral = -100;
        double flast = f1;
        double slast = l1;
        double slam;
        double f2;
        boolean iterate;
        do {
            iterate = false;
            double denom = 2 * (flast - f0 - gdel * slast) / (slast * slast);
            if (denom != 0) {
                slam = -gdel / denom;
            } else {
                slam = slast;
            }
            if (slam < 0) {
                slam = slamax;
            }
            if (slam > slamax) {
                slam = slamax;
            }
            if (slam < toler8) {
                slam = toler8;
            }
            if (slam < slamin) {
                return new double[] {xvmin, fvmin};
            }
            if (Math.abs(slam - l1) < toler8 && f1 < f0) {
                return new double[] {xvmin, fvmin};
            }
            if (Math.abs(slam - l1) < toler8) {
                slam = l1 + toler8;
            }
            f2 = eval(fcn, x, step, slam);
            niter++;
            if (!Double.isFinite(f2)) {
                // Undefined there: shrink towards the origin and try again.
                slamax = 0.5 * slam;
                overal = Math.min(overal, slam);
                flast = f1;
                slast = l1;
                iterate = niter < MAXITER;
                if (!iterate) {
                    return new double[] {xvmin, fvmin};
                }
                continue;
            }
            if (f2 < fvmin) {
                fvmin = f2;
                xvmin = slam;
            }
            if (f0 - Migrad.EPS < fvmin && fvmin < f0 + Migrad.EPS) {
                // No change yet: the cost is flat along the step at this scale; look further.
                iterate = true;
                flast = f2;
                slast = slam;
                toler8 = TOLER * slam;
                overal = slam - toler8;
                slamax = overal;
            }
        } while (iterate && niter < MAXITER);
        if (niter >= MAXITER) {
            return new double[] {xvmin, fvmin};
        }
        px[0] = 0;
        py[0] = f0;
        px[1] = l1;
        py[1] = f1;
        px[2] = slam;
        py[2] = f2;
        do {
            slamax = Math.max(slamax, ALPHA * Math.abs(xvmin));
            double[] abc = parabola(px, py);
            double a = abc[0];
            double b = abc[1];
            if (a < Migrad.EPS2 || !Double.isFinite(a)) {
                double slopem = 2 * a * xvmin + b;
                slam = slopem < 0 ? xvmin + slamax : xvmin - slamax;
            } else {
                slam = -b / (2 * a);
                if (slam > xvmin + slamax) {
                    slam = xvmin + slamax;
                }
                if (slam < xvmin - slamax) {
                    slam = xvmin - slamax;
                }
            }
            if (slam > 0) {
                if (slam > overal) {
                    slam = overal;
                }
            } else if (slam < undral) {
                slam = undral;
            }
            double f3;
            do {
                iterate = false;
                double toler9 = Math.max(toler8, Math.abs(toler8 * slam));
                if (Math.abs(px[0] - slam) < toler9 || Math.abs(px[1] - slam) < toler9
                        || Math.abs(px[2] - slam) < toler9) {
                    return new double[] {xvmin, fvmin};
                }
                f3 = eval(fcn, x, step, slam);
                niter++;
                if (!Double.isFinite(f3)) {
                    f3 = Double.MAX_VALUE;
                }
                if (f3 > py[0] && f3 > py[1] && f3 > py[2]) {
                    if (slam > xvmin) {
                        overal = Math.min(overal, slam - toler8);
                    }
                    if (slam < xvmin) {
                        undral = Math.max(undral, slam + toler8);
                    }
                    slam = 0.5 * (slam + xvmin);
                    iterate = true;
                }
            } while (iterate && niter < MAXITER);
            if (niter >= MAXITER && f3 >= fvmin) {
                return new double[] {xvmin, fvmin};
            }
            // Replace the worst of the three points.
            int worst = 0;
            for (int k = 1; k < 3; k++) {
                if (py[k] > py[worst]) {
                    worst = k;
                }
            }
            px[worst] = slam;
            py[worst] = f3;
            if (f3 < fvmin) {
                fvmin = f3;
                xvmin = slam;
            } else {
                if (slam > xvmin) {
                    overal = Math.min(overal, slam - toler8);
                }
                if (slam < xvmin) {
                    undral = Math.max(undral, slam + toler8);
                }
            }
        } while (niter < MAXITER);
        return new double[] {xvmin, fvmin};
    }

    private static double eval(InternalFunction fcn, double[] x, double[] step, double lambda) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] + lambda * step[i];
        }
        return fcn.value(y);
    }

    /** Coefficients {a, b, c} of a x^2 + b x + c through three points. */
    static double[] parabola(double[] x, double[] y) {
        double x1 = x[0];
        double x2 = x[1];
        double x3 = x[2];
        double d = (x1 - x2) * (x1 - x3) * (x2 - x3);
        double a = (x3 * (y[1] - y[0]) + x2 * (y[0] - y[2]) + x1 * (y[2] - y[1])) / d;
        double b = (x3 * x3 * (y[0] - y[1]) + x2 * x2 * (y[2] - y[0]) + x1 * x1 * (y[1] - y[2])) / d;
        double c = y[0] - a * x1 * x1 - b * x1;
        return new double[] {a, b, c};
    }
}
