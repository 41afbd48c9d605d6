package org.ratiofit.validation.toys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.objective.Objective;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;

/**
 * Issue 13 on the Gaussian-on-exponential toy with 1000 signal and 1000 background events on
 * [112, 138] and a peak shift of half a width per unit alpha: the shape-column model (exact
 * ratios against a 50/50 reference mixture, normalised over the reference) against the toy's
 * exact likelihood; and Asimov data that give back their generating point.
 */
class MixedToyNormalisationTest {

    static final GaussianOnExponential TOY = new GaussianOnExponential(new GaussianOnExponential.Config(112, 138, 125, 2, 0.05, 1000, 1000, 1, 1.1));

    static double refPdf(double x) {
        return 0.5 * TOY.signalPdf(x, 0) + 0.5 * TOY.backgroundPdf(x);
    }

    static SampleColumns signalColumns(double[] x) {
        double[] lr = new double[x.length];
        double[] up = new double[x.length];
        double[] down = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s0 = TOY.signalPdf(x[i], 0);
            lr[i] = Math.log(s0 / refPdf(x[i]));
            up[i] = TOY.signalPdf(x[i], 1) / s0;
            down[i] = TOY.signalPdf(x[i], -1) / s0;
        }
        return new SampleColumns(lr, List.of(up), List.of(down), List.of());
    }

    static SampleColumns backgroundColumns(double[] x) {
        double[] lr = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            lr[i] = Math.log(TOY.backgroundPdf(x[i]) / refPdf(x[i]));
        }
        return SampleColumns.of(lr);
    }

    /** Midpoint quadrature of the reference density on the window: points and weights p_ref(x) dx. */
    static EventSet quadratureReference(int n) {
        double h = 26.0 / n;
        double[] x = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 112 + (i + 0.5) * h;
            w[i] = refPdf(x[i]) * h;
        }
        return new EventSet(n, w, Map.of("S", signalColumns(x), "B", backgroundColumns(x)));
    }

    static Model model(double[] events, EventSet reference, int code) {
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, -2, 10))
                .parameter(Parameter.constrained("alpha_shift")).parameter(Parameter.constrained("alpha_bkg"));
        SampleColumns s = signalColumns(events);
        b.unbinned("SR", events.length).reference(reference)
                .sample("S", 1000, s.logRatio()).normFactor("mu").shapeSys("alpha_shift", code, s.shapeUp().get(0), s.shapeDown().get(0)).end()
                .sample("B", 1000, backgroundColumns(events).logRatio()).normSys("alpha_bkg", 1, 1.1, 1 / 1.1).end()
                .end();
        return b.build();
    }

    static FitResult fit(Objective o, double tolerance) {
        FitResult f = Hesse.compute(o, Migrad.builder().tolerance(tolerance).build().minimise(o));
        assertTrue(f.status().validMinimum(), "fit not valid: " + f.status());
        return f;
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {1, 4})
    void muHatMatchesTheExactLikelihoodAtAlphaOne(int code) {
        double[] events = TOY.generate(new double[] {1, 1, 0}, 2024 + code);
        FitResult exact = fit(TOY.exactNll(events, null), 0.001);
        FitResult shape = fit(model(events, quadratureReference(20000), code), 0.001);
        double sm = exact.error("mu");
        assertEquals(exact.value("mu"), shape.value("mu"), 0.05 * sm, "mu-hat: exact " + exact.value("mu") + " +- " + sm);
        assertEquals(sm, shape.error("mu"), 0.05 * sm, "sigma_mu");
        double sa = exact.error("alpha_shift");
        assertEquals(exact.value("alpha_shift"), shape.value("alpha_shift"), 0.05 * sa, "alpha_shift-hat: exact " + exact.value("alpha_shift") + " +- " + sa);
        assertEquals(sa, shape.error("alpha_shift"), 0.05 * sa, "sigma_alpha_shift");
    }

    /**
     * Asimov data from a finite, unit-weight reference sample of 1000 events (weights summing to
     * 1000, not 1): the fit gives back mu_A to 1e-6 relative (issue: (mu-hat_A - 1)/sigma_mu was
     * -0.83 to +0.67 before the normalisation).
     */
    @Test
    void asimovFitGivesBackItsPoint() {
        double[] xs = TOY.sampleSignal(500, 0, 11);
        double[] xb = TOY.sampleBackground(500, 12);
        double[] x = new double[1000];
        System.arraycopy(xs, 0, x, 0, 500);
        System.arraycopy(xb, 0, x, 500, 500);
        EventSet ref = new EventSet(1000, null, Map.of("S", signalColumns(x), "B", backgroundColumns(x)));
        for (int code : new int[] {1, 4}) {
            Model m = model(TOY.generate(new double[] {1, 0, 0}, 5), ref, code);
            double[] point = {1.3, 0.4, -0.2};
            Model asimov = m.asimov(point);
            FitResult f = fit(asimov.withInitial(new double[] {0.8, 0, 0}), 1e-8);
            for (int i = 0; i < point.length; i++) {
                assertEquals(point[i], f.values()[i], 1e-6 * Math.max(1, Math.abs(point[i])),
                        "code " + code + " " + f.names().get(i) + " (sigma " + f.errors()[i] + ")");
            }
        }
    }
}
