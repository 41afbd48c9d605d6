package org.ratiofit.samplers.nuts;

/** Nesterov dual averaging of the log step size (Hoffman and Gelman 2014, as Stan runs it). */
final class StepSizeAdaptation {
    private final double delta;
    private final double gamma;
    private final double t0;
    private final double kappa;
    private double mu;
    private double counter;
    private double sBar;
    private double xBar;

    StepSizeAdaptation(double delta, double gamma, double t0, double kappa) {
        this.delta = delta;
        this.gamma = gamma;
        this.t0 = t0;
        this.kappa = kappa;
    }

    void setMu(double m) {
        mu = m;
    }

    void restart() {
        counter = 0;
        sBar = 0;
        xBar = 0;
    }

    /** One update from the iteration's acceptance statistic; returns the next step size. */
    double learn(double acceptStat) {
        counter += 1;
        double a = Math.min(1, acceptStat);
        double eta = 1.0 / (counter + t0);
        sBar = (1 - eta) * sBar + eta * (delta - a);
        double x = mu - sBar * Math.sqrt(counter) / gamma;
        double w = Math.pow(counter, -kappa);
        xBar = (1 - w) * xBar + w * x;
        return Math.exp(x);
    }

    /** The step size kept for sampling: the averaged iterate. */
    double finalStepSize() {
        return Math.exp(xBar);
    }
}
