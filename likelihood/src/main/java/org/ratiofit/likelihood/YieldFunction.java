package org.ratiofit.likelihood;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sample's yield factor: the product of its normfactor, coefficient, normsys, yield-spline and
 * polynomial-yield modifiers, with its gradient. Per-event and per-bin modifiers are skipped here.
 */
final class YieldFunction {

    private final int[] param;
    private final Modifier[] mods;
    private final int[] polyParam;
    private final int[][] polyPairs;
    private final double[] polyDelta;
    private final NaturalCubicSpline[] splines;
    private final double[] f;
    private final double[] g;
    private final double[] prefix;

    YieldFunction(List<Modifier> modifiers, Map<String, Integer> index, String where) {
        List<Modifier> keep = new ArrayList<>();
        int[] pp = null;
        int[][] pairs = null;
        double[] delta = null;
        for (Modifier m : modifiers) {
            for (String p : m.parameters()) {
                if (!index.containsKey(p)) {
                    throw new IllegalArgumentException(where + ": modifier " + m.getClass().getSimpleName() + " refers to unknown parameter '" + p + "'");
                }
            }
            if (m instanceof Modifier.NormFactor || m instanceof Modifier.Coefficient || m instanceof Modifier.NormSys
                    || m instanceof Modifier.YieldSpline) {
                keep.add(m);
            } else if (m instanceof Modifier.Polynomial poly) {
                pp = poly.parameters().stream().mapToInt(index::get).toArray();
                pairs = Monomials.of(pp.length);
                delta = poly.yieldCoefficients();
            }
        }
        mods = keep.toArray(new Modifier[0]);
        param = new int[mods.length];
        splines = new NaturalCubicSpline[mods.length];
        for (int j = 0; j < mods.length; j++) {
            param[j] = index.get(mods[j].parameters().get(0));
            if (mods[j] instanceof Modifier.YieldSpline ys) {
                splines[j] = new NaturalCubicSpline(ys.knots(), ys.values(), where + ": yield spline on '" + ys.parameter() + "'");
            }
        }
        polyParam = pp;
        polyPairs = pairs;
        polyDelta = delta;
        f = new double[mods.length];
        g = new double[mods.length];
        prefix = new double[mods.length + 1];
    }

    /**
     * The factor at theta; its gradient is added, times {@code scale}, into {@code grad} when
     * grad is not null. Not thread-safe (scratch arrays).
     */
    synchronized double evaluate(double[] theta, double[] grad, double scale) {
        int m = mods.length;
        for (int j = 0; j < m; j++) {
            double t = theta[param[j]];
            double[] vg;
            if (mods[j] instanceof Modifier.NormFactor) {
                vg = new double[] {t, 1};
            } else if (mods[j] instanceof Modifier.Coefficient c) {
                vg = c.valueAndDerivative(t);
            } else if (splines[j] != null) {
                double e = Math.exp(splines[j].value(t));
                vg = new double[] {e, e * splines[j].derivative(t)};
            } else {
                Modifier.NormSys n = (Modifier.NormSys) mods[j];
                vg = Interpolation.multiplicative(n.code(), t, n.up(), n.down());
            }
            f[j] = vg[0];
            g[j] = vg[1];
        }
        double poly = 1;
        double q = 0;
        if (polyParam != null) {
            for (int a = 0; a < polyPairs.length; a++) {
                q += polyDelta[a] * monomial(theta, a);
            }
            poly = Math.exp(q);
        }
        prefix[0] = 1;
        for (int j = 0; j < m; j++) {
            prefix[j + 1] = prefix[j] * f[j];
        }
        double value = prefix[m] * poly;
        if (grad != null) {
            double suffix = poly;
            for (int j = m - 1; j >= 0; j--) {
                grad[param[j]] += scale * g[j] * prefix[j] * suffix;
                suffix *= f[j];
            }
            if (polyParam != null) {
                for (int a = 0; a < polyPairs.length; a++) {
                    double c = scale * value * polyDelta[a];
                    addMonomialGradient(theta, a, c, grad);
                }
            }
        }
        return value;
    }

    /** The parameters the factor reads (global indices, each once, ascending). */
    int[] parameterIndices() {
        java.util.TreeSet<Integer> t = new java.util.TreeSet<>();
        for (int j : param) {
            t.add(j);
        }
        if (polyParam != null) {
            for (int j : polyParam) {
                t.add(j);
            }
        }
        return t.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The factor F at theta with its gradient and matrix of second derivatives added into
     * {@code grad} and {@code hess} (dense over all parameters). F = P E with P the product of the
     * modifiers' factors f_j and E = exp(Q) the polynomial's yield term: no logarithm, so factors
     * that are zero or negative (coefficients, a norm factor at 0) are exact too. Thread-safe.
     */
    double secondOrder(double[] theta, double[] grad, double[][] hess) {
        int m = mods.length;
        double[] fv = new double[m];
        double[] gv = new double[m];
        double[] hv = new double[m];
        for (int j = 0; j < m; j++) {
            double t = theta[param[j]];
            if (mods[j] instanceof Modifier.NormFactor) {
                fv[j] = t;
                gv[j] = 1;
            } else if (mods[j] instanceof Modifier.Coefficient c) {
                double[] vg = c.valueAndDerivative(t);
                fv[j] = vg[0];
                gv[j] = vg[1];
                hv[j] = c.secondDerivative(t);
            } else if (splines[j] != null) {
                double e = Math.exp(splines[j].value(t));
                double d1 = splines[j].derivative(t);
                fv[j] = e;
                gv[j] = e * d1;
                hv[j] = e * (d1 * d1 + splines[j].secondDerivative(t));
            } else {
                Modifier.NormSys n = (Modifier.NormSys) mods[j];
                double[] vg = Interpolation.multiplicative(n.code(), t, n.up(), n.down());
                fv[j] = vg[0];
                gv[j] = vg[1];
                hv[j] = Interpolation.multiplicativeSecond(n.code(), t, n.up(), n.down());
            }
        }
        int dim = theta.length;
        double pr = 1;
        for (int j = 0; j < m; j++) {
            pr *= fv[j];
        }
        double[] gp = new double[dim];
        double[][] hp = new double[dim][dim];
        for (int j = 0; j < m; j++) {
            double others = 1;
            for (int i = 0; i < m; i++) {
                if (i != j) {
                    others *= fv[i];
                }
            }
            gp[param[j]] += gv[j] * others;
            hp[param[j]][param[j]] += hv[j] * others;
            for (int k = 0; k < m; k++) {
                if (k == j) {
                    continue;
                }
                double rest = 1;
                for (int i = 0; i < m; i++) {
                    if (i != j && i != k) {
                        rest *= fv[i];
                    }
                }
                hp[param[j]][param[k]] += gv[j] * gv[k] * rest;
            }
        }
        double e = 1;
        double[] gq = new double[dim];
        double[][] hq = new double[dim][dim];
        if (polyParam != null) {
            double q = 0;
            for (int a = 0; a < polyPairs.length; a++) {
                q += polyDelta[a] * monomial(theta, a);
                addMonomialGradient(theta, a, polyDelta[a], gq);
                int[] pa = polyPairs[a];
                if (pa[1] >= 0) {
                    int l = polyParam[pa[0]];
                    int r = polyParam[pa[1]];
                    if (l == r) {
                        hq[l][l] += 2 * polyDelta[a];
                    } else {
                        hq[l][r] += polyDelta[a];
                        hq[r][l] += polyDelta[a];
                    }
                }
            }
            e = Math.exp(q);
        }
        for (int a = 0; a < dim; a++) {
            grad[a] += e * (gp[a] + pr * gq[a]);
            for (int b = 0; b < dim; b++) {
                hess[a][b] += e * (hp[a][b] + gp[a] * gq[b] + gq[a] * gp[b] + pr * (gq[a] * gq[b] + hq[a][b]));
            }
        }
        return pr * e;
    }

    private double monomial(double[] theta, int a) {
        int[] pr = polyPairs[a];
        return pr[1] < 0 ? theta[polyParam[pr[0]]] : theta[polyParam[pr[0]]] * theta[polyParam[pr[1]]];
    }

    private void addMonomialGradient(double[] theta, int a, double c, double[] grad) {
        int[] pr = polyPairs[a];
        if (pr[1] < 0) {
            grad[polyParam[pr[0]]] += c;
        } else {
            grad[polyParam[pr[0]]] += c * theta[polyParam[pr[1]]];
            grad[polyParam[pr[1]]] += c * theta[polyParam[pr[0]]];
        }
    }
}
