package org.ratiofit.validation.toys;

import java.util.List;
import java.util.OptionalInt;
import org.hipparchus.random.RandomDataGenerator;
import org.hipparchus.random.Well19937c;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;

/**
 * The Gaussian-on-exponential toy's exact extended unbinned likelihood as a
 * {@link StatisticalModel}: observed events plus auxiliary measurements of the two nuisance
 * parameters (unit Gaussian constraints centred on them), pseudo-experiments drawn from the exact
 * densities (Poisson yields, events by the toy's own generator, auxiliary values ~ N(truth, 1)),
 * and the Asimov data set as weighted events at the centres of {@link #ASIMOV_BINS} bins (the
 * expected count of each bin as weight). Toy-based and asymptotic results on it have no learned
 * model between them and the truth.
 */
public final class GaussianOnExponentialModel implements StatisticalModel {

    /** Bins of the Asimov data set over the window (a midpoint rule far finer than the peak). */
    public static final int ASIMOV_BINS = 4000;

    private final GaussianOnExponential toy;
    private final double[] events;
    private final double[] weights;
    private final double auxShift;
    private final double auxBkg;
    private final List<ParameterSpec> specs;
    private final Objective nll;

    /**
     * @param events  the observed events; {@code weights} their weights (null: 1 each)
     * @param specs   the parameters (mu, alpha_shift, alpha_bkg), with the bounds the fits use
     */
    public GaussianOnExponentialModel(GaussianOnExponential toy, double[] events, double[] weights, double auxShift, double auxBkg,
                                      List<ParameterSpec> specs) {
        this.toy = toy;
        this.events = events;
        this.weights = weights;
        this.auxShift = auxShift;
        this.auxBkg = auxBkg;
        this.specs = List.copyOf(specs);
        this.nll = toy.exactNll(events, weights);
    }

    /** The observed events with auxiliary measurements at 0 and the toy's own parameters. */
    public static GaussianOnExponentialModel of(GaussianOnExponential toy, double[] events) {
        return new GaussianOnExponentialModel(toy, events, null, 0, 0, toy.parameters());
    }

    /** Data generated at {@code truth} with auxiliary measurements drawn around it. */
    public static GaussianOnExponentialModel generated(GaussianOnExponential toy, double[] truth, long seed) {
        return of(toy, new double[0]).pseudoExperiment(truth, seed);
    }

    public GaussianOnExponential toy() {
        return toy;
    }

    public double[] events() {
        return events.clone();
    }

    /** The same data with other parameter settings (bounds of mu, start values). */
    public GaussianOnExponentialModel withParameterSpecs(List<ParameterSpec> newSpecs) {
        return new GaussianOnExponentialModel(toy, events, weights, auxShift, auxBkg, newSpecs);
    }

    @Override
    public List<ParameterSpec> parameters() {
        return specs;
    }

    @Override
    public double errorDef() {
        return 0.5;
    }

    @Override
    public boolean hasGradient() {
        return true;
    }

    @Override
    public double value(double[] p) {
        return nll.value(p) + aux(p);
    }

    @Override
    public double valueAndGradient(double[] p, double[] g) {
        double v = nll.valueAndGradient(p, g);
        g[GaussianOnExponential.ALPHA_SHIFT] -= auxShift;
        g[GaussianOnExponential.ALPHA_BKG] -= auxBkg;
        return v + aux(p);
    }

    @Override
    public boolean hasHessian() {
        return true;
    }

    /** The auxiliary measurements' terms are linear in the parameters: the Hessian is exactNll's. */
    @Override
    public double valueGradientAndHessian(double[] p, double[] g, double[][] h) {
        double v = nll.valueGradientAndHessian(p, g, h);
        if (!Double.isFinite(v)) {
            return v;
        }
        g[GaussianOnExponential.ALPHA_SHIFT] -= auxShift;
        g[GaussianOnExponential.ALPHA_BKG] -= auxBkg;
        return v + aux(p);
    }

    /** ½(α − a)² − ½α² for both constraints (exactNll holds ½α²). */
    private double aux(double[] p) {
        return -auxShift * p[GaussianOnExponential.ALPHA_SHIFT] + 0.5 * auxShift * auxShift
                - auxBkg * p[GaussianOnExponential.ALPHA_BKG] + 0.5 * auxBkg * auxBkg;
    }

    @Override
    public OptionalInt parameterOfInterest() {
        return OptionalInt.of(GaussianOnExponential.MU);
    }

    @Override
    public GaussianOnExponentialModel asimov(double[] point) {
        GaussianOnExponential.Config c = toy.config();
        double width = (c.hi() - c.lo()) / ASIMOV_BINS;
        double[] x = new double[ASIMOV_BINS];
        double[] w = new double[ASIMOV_BINS];
        double nuS = toy.signalYield(point[GaussianOnExponential.MU]);
        double nuB = toy.backgroundYield(point[GaussianOnExponential.ALPHA_BKG]);
        for (int i = 0; i < ASIMOV_BINS; i++) {
            x[i] = c.lo() + (i + 0.5) * width;
            w[i] = width * (nuS * toy.signalPdf(x[i], point[GaussianOnExponential.ALPHA_SHIFT]) + nuB * toy.backgroundPdf(x[i]));
        }
        return new GaussianOnExponentialModel(toy, x, w, point[GaussianOnExponential.ALPHA_SHIFT],
                point[GaussianOnExponential.ALPHA_BKG], specs);
    }

    @Override
    public boolean supportsPseudoExperiments() {
        return true;
    }

    @Override
    public GaussianOnExponentialModel pseudoExperiment(double[] truth, long seed) {
        double[] x = toy.generate(truth, seed);
        RandomDataGenerator rng = RandomDataGenerator.of(new Well19937c(seed ^ 0x5DEECE66DL));
        double a1 = rng.nextNormal(truth[GaussianOnExponential.ALPHA_SHIFT], 1);
        double a2 = rng.nextNormal(truth[GaussianOnExponential.ALPHA_BKG], 1);
        return new GaussianOnExponentialModel(toy, x, null, a1, a2, specs);
    }
}
