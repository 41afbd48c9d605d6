package org.ratiofit.validation.toys;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.SampleColumns;

/**
 * Likelihood models (workspaces) of the analytic toys built from their exact per-event log-ratios,
 * so that everything between the workspace and the result can be checked against the toy's
 * textbook likelihood.
 */
public final class ToyWorkspaces {

    private ToyWorkspaces() {
    }

    /**
     * The Gaussian-on-exponential toy as a workspace model: the background density is the
     * reference, the signal's log-ratio against it exact, the peak shift a polynomial modifier
     * (ln f_S changes by (x − m)d/s² − d²/(2s²) for a shift d = shift·α: monomials α and α² with
     * Δ₁ = shift (x − m)/s², Δ₂ = −shift²/(2s²); the window's truncation is 1 to double precision
     * for the standard peak), the background yield a code-1 normsys with κ. Parameters mu (poi,
     * bounds [−2, 10]), alpha_shift and alpha_bkg (unit Gaussian constraints). Its −ln L equals
     * {@link GaussianOnExponential#exactNll} up to the constant Σ ln f_B(x_i), with the signal's
     * shape (its polynomial rows) divided by its average over the reference events (the default
     * shape normalisation: 1 at α_shift = 0, exact as the reference sample grows).
     *
     * @param data            the observed events
     * @param referenceEvents background events drawn as the reference sample (weights 1/N)
     * @param pool            whether the model uses the common fork-join pool for its event loop
     *                        (false: the calling thread, for models fitted many times in parallel)
     */
    public static Model gaussianOnExponential(GaussianOnExponential toy, double[] data, int referenceEvents, long seed, boolean pool) {
        double[] ref = toy.sampleBackground(referenceEvents, seed);
        double[] w = new double[ref.length];
        Arrays.fill(w, 1.0 / ref.length);
        return gaussianOnExponential(toy, data, ref, w, pool);
    }

    /**
     * The same workspace model with a midpoint-quadrature reference: {@code points} equally spaced
     * points on the window, weighted by the background density times the spacing. Every reference
     * average is then the window's integral to quadrature precision (the signal peak is smooth and
     * vanishes at the window's ends, so the midpoint rule converges faster than any power of the
     * spacing): the shape normalisation is 1 and Asimov data are the exact expectation, so the
     * model is the toy's textbook likelihood itself (up to the constant Σ ln f_B(x_i)).
     */
    public static Model gaussianOnExponentialQuadrature(GaussianOnExponential toy, double[] data, int points, boolean pool) {
        GaussianOnExponential.Config c = toy.config();
        double h = (c.hi() - c.lo()) / points;
        double[] x = new double[points];
        double[] w = new double[points];
        for (int i = 0; i < points; i++) {
            x[i] = c.lo() + (i + 0.5) * h;
            w[i] = toy.backgroundPdf(x[i]) * h;
        }
        return gaussianOnExponential(toy, data, x, w, pool);
    }

    /** The workspace model over the given reference events and weights. */
    public static Model gaussianOnExponential(GaussianOnExponential toy, double[] data, double[] ref, double[] w, boolean pool) {
        GaussianOnExponential.Config c = toy.config();
        ModelBuilder b = new ModelBuilder()
                .parameter(Parameter.poi("mu", 1, -2, 10))
                .parameter(Parameter.constrained("alpha_shift"))
                .parameter(Parameter.constrained("alpha_bkg"));
        if (!pool) {
            b.pool(null);
        }
        SampleColumns[] dataCols = columns(toy, data);
        SampleColumns[] refCols = columns(toy, ref);
        b.unbinned("SR", data.length)
                .sample("signal", c.signalYield(), dataCols[0].logRatio())
                .normFactor("mu")
                .polynomial(List.of("alpha_shift"), new double[] {0, 0}, dataCols[0].polynomial())
                .end()
                .sample("background", c.backgroundYield(), dataCols[1].logRatio())
                .normSys("alpha_bkg", 1, c.kappa(), 1 / c.kappa())
                .end()
                .reference(new EventSet(ref.length, w, Map.of("signal", refCols[0], "background", refCols[1])))
                .end();
        return b.build();
    }

    private static SampleColumns[] columns(GaussianOnExponential toy, double[] x) {
        GaussianOnExponential.Config c = toy.config();
        int n = x.length;
        double[] lrS = new double[n];
        double[] lin = new double[n];
        double[] quad = new double[n];
        double s2 = c.width() * c.width();
        for (int i = 0; i < n; i++) {
            lrS[i] = Math.log(toy.signalPdf(x[i], 0)) - Math.log(toy.backgroundPdf(x[i]));
            lin[i] = c.shift() * (x[i] - c.mass()) / s2;
            quad[i] = -c.shift() * c.shift() / (2 * s2);
        }
        return new SampleColumns[] {
            new SampleColumns(lrS, List.of(), List.of(), List.of(lin, quad)),
            SampleColumns.of(new double[n])};
    }
}
