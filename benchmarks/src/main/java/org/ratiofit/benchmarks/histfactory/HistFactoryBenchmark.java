package org.ratiofit.benchmarks.histfactory;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.histfactory.InterpCodes;
import org.ratiofit.likelihood.histfactory.PyhfWorkspace;
import org.ratiofit.likelihood.histfactory.SyntheticWorkspace;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.RobustMinimiser;
import org.ratiofit.samplers.profile.HypoTests;
import org.ratiofit.samplers.profile.LimitResult;
import org.ratiofit.samplers.profile.TestStatistic;

/**
 * Timing main (not JMH: a fit takes seconds) for pyhf-sized binned likelihoods: a generated
 * workspace of 50 channels x 10 samples (histosys, normsys, staterror, shapesys, lumi; about 600
 * parameters) and a ~100-parameter one. Prints the parameter count, -ln L + gradient evaluations
 * per second, the time of MIGRAD + HESSE (through the escalating minimiser, default strategy 1,
 * tolerance 0.1) and of an asymptotic CLs upper limit (observed and the expected band, tolerance
 * 0.01 as the limit command), each after a warm-up run of the same work on another seed.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp ... org.ratiofit.benchmarks.histfactory.HistFactoryBenchmark</pre>
 */
public final class HistFactoryBenchmark {

    private HistFactoryBenchmark() {
    }

    record Size(String label, int channels, int samples, int bins, int normsys, int histosys, double shapesys) {
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        Size big = new Size("50 channels x 10 samples x 4 bins", 50, 10, 4, 100, 100, 0.12);
        Size small = new Size("10 channels x 6 samples x 4 bins", 10, 6, 4, 20, 20, 0.05);
        run(small, 101, true);
        run(small, 1, false);
        run(big, 102, true);
        run(big, 2, false);
    }

    static void run(Size s, long seed, boolean warmup) {
        JsonNode json = SyntheticWorkspace.generate(seed, s.channels, s.samples, s.bins, s.normsys, s.histosys, s.shapesys, false);
        Model m = PyhfWorkspace.of(json, "generated").model(null, InterpCodes.PYHF_DEFAULT).withPool(null);
        int n = m.parameters().size();
        long free = m.modelParameters().stream().filter(p -> !p.fixed()).count();
        long poisson = m.modelParameters().stream().filter(p -> p.kind() == Parameter.Kind.POISSON).count();
        double[] x = m.initialValues();
        double[] g = new double[n];
        int evals = warmup ? 2000 : 20000;
        long t0 = System.nanoTime();
        double sink = 0;
        for (int i = 0; i < evals; i++) {
            x[1] = 1 + 1e-9 * (i % 7);
            sink += m.valueAndGradient(x, g);
        }
        double perSecond = evals / ((System.nanoTime() - t0) * 1e-9);
        RobustMinimiser fitter = new RobustMinimiser(Migrad.builder().tolerance(0.1).build());
        long t1 = System.nanoTime();
        FitResult fit = fitter.minimise(m);
        FitResult hesse = Hesse.compute(m, fit, 1, true);
        double fitSeconds = (System.nanoTime() - t1) * 1e-9;
        RobustMinimiser limiter = new RobustMinimiser(Migrad.builder().tolerance(0.01).strategy(Integer.getInteger("limit.strategy", 1)).build());
        long t2 = System.nanoTime();
        LimitResult limit = new HypoTests(limiter).upperLimit(m, TestStatistic.Q_TILDE_MU, 0.95, 5);
        double limitSeconds = (System.nanoTime() - t2) * 1e-9;
        if (warmup) {
            System.out.printf(Locale.ROOT, "# warm-up %s done (%.1f s fit, %.1f s limit)%n", s.label, fitSeconds, limitSeconds);
            return;
        }
        System.out.printf(Locale.ROOT, "%s: %d parameters (%d free, %d shapesys gammas), %d sample-bins%n", s.label, n, free, poisson,
                s.channels * s.samples * s.bins);
        System.out.printf(Locale.ROOT, "  -ln L + gradient: %.0f evaluations/s (%.1f us each)%n", perSecond, 1e6 / perSecond);
        System.out.printf(Locale.ROOT, "  MIGRAD + HESSE: %.2f s, valid %s (HESSE valid %s), %d + %d calls, EDM %.2g, escalated %d%n", fitSeconds,
                fit.status().validMinimum(), hesse.status().validMinimum(), fit.functionCalls(), fit.gradientCalls(), fit.edm(), fitter.escalated());
        System.out.printf(Locale.ROOT, "  CLs upper limit (observed + 5 expected): %.2f s; observed %.4f, expected %s; %d fits, %d escalated, %d unconverged%n",
                limitSeconds, limit.observed(), java.util.Arrays.toString(limit.expected()), limiter.log().size(), limiter.escalated(),
                limiter.unconverged());
        if (sink == 42) {
            System.out.println();
        }
    }
}
