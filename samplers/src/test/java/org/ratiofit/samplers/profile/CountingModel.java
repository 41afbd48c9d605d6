package org.ratiofit.samplers.profile;

import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;

import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;

/**
 * One-bin counting experiment: n ~ Poisson(mu s + b (1 + delta theta)), with a unit-Gaussian
 * constraint on theta around the auxiliary measurement theta0. delta = 0 fixes the background
 * (theta is then held fixed). -ln L without constants, with its exact gradient.
 */
class CountingModel implements StatisticalModel {

    final double s;
    final double b;
    final double delta;
    final double n;
    final double theta0;

    CountingModel(double s, double b, double delta, double n, double theta0) {
        this.s = s;
        this.b = b;
        this.delta = delta;
        this.n = n;
        this.theta0 = theta0;
    }

    @Override
    public List<ParameterSpec> parameters() {
        double muLow = -b / s * 0.99;
        ParameterSpec mu = ParameterSpec.bounded("mu", 1, 0.5, muLow, 100);
        ParameterSpec th = ParameterSpec.bounded("theta", 0, 1, -5, 5);
        return List.of(mu, delta == 0 ? th.withFixed(true) : th);
    }

    double nu(double[] p) {
        return p[0] * s + b * (1 + delta * p[1]);
    }

    @Override
    public double value(double[] p) {
        double nu = nu(p);
        if (!(nu > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        double t = p[1] - theta0;
        return nu - (n > 0 ? n * Math.log(nu) : 0) + 0.5 * t * t;
    }

    @Override
    public boolean hasGradient() {
        return true;
    }

    @Override
    public double valueAndGradient(double[] p, double[] g) {
        double nu = nu(p);
        double r = 1 - n / nu;
        g[0] = r * s;
        g[1] = r * b * delta + (p[1] - theta0);
        return value(p);
    }

    @Override
    public double errorDef() {
        return 0.5;
    }

    @Override
    public OptionalInt parameterOfInterest() {
        return OptionalInt.of(0);
    }

    @Override
    public StatisticalModel asimov(double[] point) {
        return new CountingModel(s, b, delta, nu(point), point[1]);
    }

    @Override
    public boolean supportsPseudoExperiments() {
        return true;
    }

    @Override
    public StatisticalModel pseudoExperiment(double[] truth, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double lambda = nu(truth);
        // Poisson by inversion (means here are small enough).
        double u = r.nextDouble();
        int k = 0;
        double pk = Math.exp(-lambda);
        double cdf = pk;
        while (u > cdf && k < 100000) {
            k++;
            pk *= lambda / k;
            cdf += pk;
        }
        double th0 = delta == 0 ? truth[1] : truth[1] + gaussian(r);
        return new CountingModel(s, b, delta, k, th0);
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
