package org.ratiofit.samplers.fit;

import java.util.List;
import java.util.Random;

import org.hipparchus.special.Erf;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * Extended unbinned fit of a Gaussian signal (mean 125, width 2, S = 50 expected events times the
 * signal strength mu) on an exponential background (yield nb, slope lambda) over [100, 150],
 * written directly from the pdfs, with its exact gradient. errorDef 0.5.
 */
final class GaussExpModel implements Objective {

    static final double LO = 100;
    static final double HI = 150;
    static final double MEAN = 125;
    static final double WIDTH = 2;
    static final double S = 50;

    final double[] x;
    private final boolean gradient;
    private final double gNorm;

    GaussExpModel(double[] events, boolean gradient) {
        this.x = events;
        this.gradient = gradient;
        double z = Math.sqrt(2) * WIDTH;
        this.gNorm = 0.5 * (Erf.erf((HI - MEAN) / z) - Erf.erf((LO - MEAN) / z));
    }

    static double[] generate(long seed, int nSignal, int nBackground, double lambda) {
        Random r = new Random(seed);
        double[] e = new double[nSignal + nBackground];
        int k = 0;
        while (k < nSignal) {
            double v = MEAN + WIDTH * r.nextGaussian();
            if (v >= LO && v <= HI) {
                e[k++] = v;
            }
        }
        double c = 1 - Math.exp(-lambda * (HI - LO));
        for (int i = 0; i < nBackground; i++) {
            e[k++] = LO - Math.log(1 - r.nextDouble() * c) / lambda;
        }
        return e;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.bounded("mu", 1, 0.3, -5, 10), ParameterSpec.bounded("nb", 900, 30, 0, 1e5),
                ParameterSpec.bounded("lambda", 0.02, 0.005, 1e-4, 1));
    }

    double signal(double v) {
        double d = (v - MEAN) / WIDTH;
        return Math.exp(-0.5 * d * d) / (Math.sqrt(2 * Math.PI) * WIDTH * gNorm);
    }

    static double background(double v, double lambda) {
        return lambda * Math.exp(-lambda * (v - LO)) / (1 - Math.exp(-lambda * (HI - LO)));
    }

    /** d ln e / d lambda and its derivative. */
    static double[] dlnb(double v, double lambda) {
        double l = HI - LO;
        double q = Math.exp(-l * lambda);
        double a = 1 / lambda - (v - LO) - l * q / (1 - q);
        double da = -1 / (lambda * lambda) + l * l * q / ((1 - q) * (1 - q));
        return new double[] {a, da};
    }

    @Override
    public double value(double[] p) {
        double mu = p[0];
        double nb = p[1];
        double lam = p[2];
        double s = mu * S + nb;
        for (double v : x) {
            double d = mu * S * signal(v) + nb * background(v, lam);
            if (!(d > 0)) {
                return Double.POSITIVE_INFINITY;
            }
            s -= Math.log(d);
        }
        return s;
    }

    @Override
    public boolean hasGradient() {
        return gradient;
    }

    @Override
    public double valueAndGradient(double[] p, double[] g) {
        double mu = p[0];
        double nb = p[1];
        double lam = p[2];
        double s = mu * S + nb;
        g[0] = S;
        g[1] = 1;
        g[2] = 0;
        for (double v : x) {
            double sg = signal(v);
            double b = background(v, lam);
            double d = mu * S * sg + nb * b;
            if (!(d > 0)) {
                g[0] = g[1] = g[2] = 0;
                return Double.POSITIVE_INFINITY;
            }
            s -= Math.log(d);
            g[0] -= S * sg / d;
            g[1] -= b / d;
            g[2] -= nb * b * dlnb(v, lam)[0] / d;
        }
        return s;
    }

    /** Exact Hessian of -ln L. */
    double[][] hessian(double[] p) {
        double mu = p[0];
        double nb = p[1];
        double lam = p[2];
        double[][] h = new double[3][3];
        for (double v : x) {
            double sg = signal(v);
            double b = background(v, lam);
            double[] a = dlnb(v, lam);
            double d = mu * S * sg + nb * b;
            double[] dd = {S * sg, b, nb * b * a[0]};
            double[][] d2 = new double[3][3];
            d2[1][2] = d2[2][1] = b * a[0];
            d2[2][2] = nb * b * (a[0] * a[0] + a[1]);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    h[i][j] += dd[i] * dd[j] / (d * d) - d2[i][j] / d;
                }
            }
        }
        return h;
    }

    @Override
    public double errorDef() {
        return 0.5;
    }
}
