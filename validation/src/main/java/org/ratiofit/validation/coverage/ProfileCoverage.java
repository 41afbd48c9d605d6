package org.ratiofit.validation.coverage;

import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.hipparchus.random.RandomDataGenerator;
import org.hipparchus.random.Well19937c;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.Minos;
import org.ratiofit.samplers.fit.MinosError;
import org.ratiofit.samplers.toys.ToySeeds;
import org.ratiofit.validation.toys.GaussianOnExponential;

/**
 * Frequentist coverage of ratiofit's profile-likelihood intervals (MIGRAD, HESSE, MINOS) for the
 * signal strength: pseudo-experiments at a true point, each with Poisson yields and auxiliary
 * measurements of the nuisance parameters drawn around their true values, fitted either on the
 * Gaussian-on-exponential toy's exact extended unbinned likelihood or on a model (a workspace) that
 * generates its own pseudo-experiments. The fraction of intervals that
 * contain the true μ is compared with the nominal level within its binomial error.
 */
public final class ProfileCoverage {

    private ProfileCoverage() {
    }

    /**
     * The stream of {@link ToySeeds} that coverage studies draw their toys' seeds from (the stream
     * number {@code NeymanCoverage} gives its coverage ensemble).
     */
    public static final long TOY_STREAM = 1;

    /**
     * The seed of toy {@code index} of the study seeded {@code seed}: {@link ToySeeds#seed} of the
     * two (stream {@link #TOY_STREAM}), so that studies with different seeds share no toys. (It was
     * {@code seed + index}, under which seeds 1 and 2 shared all toys but one: their coverages of
     * 1000 toys, 0.715 and 0.714, were one measurement, not two.)
     */
    public static long toySeed(long seed, long index) {
        return ToySeeds.seed(seed, TOY_STREAM, index);
    }

    /** The 68.3% (1σ) and 95.4% (2σ) levels. */
    public static final List<ConfidenceLevel> LEVELS = List.of(ConfidenceLevel.sigma(1), ConfidenceLevel.sigma(2));

    /**
     * @param nominal        nominal coverage per level
     * @param covered        toys whose interval contains the truth, per level
     * @param coverage       covered / validToys
     * @param binomialError  √(nominal (1 − nominal) / validToys)
     * @param deviation      (coverage − nominal) / binomialError
     * @param invalidToys    toys whose fit or MINOS errors were not valid (left out of {@code coverage})
     * @param coverageAllToys       covered / toys: the invalid toys counted as not covering, the
     *                              conservative reading when failures may correlate with the data
     * @param deviationAllToys      (coverageAllToys − nominal) / √(nominal (1 − nominal) / toys)
     * @param meanMuHat      mean best-fit μ (bias check)
     * @param sdMuHat        its spread
     * @param meanHesseError mean HESSE error of μ
     * @param passed         every level within {@code maxDeviation} binomial errors
     * @param method         the interval method: minos, scan or posterior
     * @param methodDescription the method in words
     * @param methodSettings its settings (scan grid, NUTS chains and iterations)
     * @param invalidToys    (see above); {@code invalidReasons} counts them by reason, e.g. "interval runs off the grid"
     * @param divergentTransitions NUTS divergent transitions after warm-up over all toys (posterior; else 0)
     * <p>For the posterior method meanMuHat and sdMuHat are those of the posterior medians and
     * meanHesseError is the mean posterior standard deviation.
     */
    public record Result(int formatVersion, String model, String parameterOfInterest, double[] truth, int toys, long seed, int validToys, int invalidToys,
                         double[] nominal, int[] covered, double[] coverage, double[] binomialError, double[] deviation,
                         double maxDeviation, double meanMuHat, double sdMuHat, double meanHesseError, boolean passed,
                         double[] coverageAllToys, double[] deviationAllToys, String method, String methodDescription,
                         java.util.Map<String, Object> methodSettings, java.util.Map<String, Integer> invalidReasons,
                         int divergentTransitions) {}

    /**
     * Runs {@code toys} pseudo-experiments (toy i uses seed {@link #toySeed toySeed(seed, i)}, so the
     * result does not depend on the thread count) on {@code threads} threads; {@code progress} (may be
     * null) gets the number of toys finished.
     */
    public static Result run(GaussianOnExponential toy, double[] truth, int toys, long seed, int threads, double maxDeviation,
                             IntConsumer progress) {
        return run("GaussianOnExponential " + toy.config() + ", exact likelihood", "mu", truth, toys, seed, threads, maxDeviation,
                progress, s -> exactToy(toy, truth, s));
    }

    /**
     * Coverage for any model that generates its own pseudo-experiments (for a workspace: Poisson
     * counts and, for unbinned channels, events resampled from the reference sample), for the
     * interval of the model's parameter of interest. Build the model without an event-loop pool
     * (pool null): the toys already run in parallel.
     */
    public static Result run(String name, StatisticalModel model, double[] truth, int toys, long seed, int threads, double maxDeviation,
                             IntConsumer progress) {
        int poi = model.parameterOfInterest().orElseThrow(() -> new IllegalArgumentException("the model has no parameter of interest"));
        if (!model.supportsPseudoExperiments()) {
            throw new IllegalArgumentException("the model cannot generate pseudo-experiments (unbinned channels need reference events)");
        }
        return run(name, model.parameters().get(poi).name(), truth, toys, seed, threads, maxDeviation, progress,
                s -> model.pseudoExperiment(truth, s));
    }

    static Result run(String name, String poiName, double[] truth, int toys, long seed, int threads, double maxDeviation,
                              IntConsumer progress, java.util.function.LongFunction<Objective> toyObjective) {
        return run(name, poiName, truth, toys, seed, threads, maxDeviation, progress, toyObjective, new MinosIntervals());
    }

    /**
     * Coverage of {@code method}'s intervals for a model that generates its own pseudo-experiments
     * (as {@link #run(String, StatisticalModel, double[], int, long, int, double, IntConsumer)}).
     */
    public static Result run(String name, StatisticalModel model, double[] truth, int toys, long seed, int threads, double maxDeviation,
                             IntConsumer progress, IntervalMethod method) {
        int poi = model.parameterOfInterest().orElseThrow(() -> new IllegalArgumentException("the model has no parameter of interest"));
        if (!model.supportsPseudoExperiments()) {
            throw new IllegalArgumentException("the model cannot generate pseudo-experiments (unbinned channels need reference events)");
        }
        return run(name, model.parameters().get(poi).name(), truth, toys, seed, threads, maxDeviation, progress,
                s -> model.pseudoExperiment(truth, s), method);
    }

    /**
     * Coverage of {@code method}'s intervals of {@code poiName} on toys made by {@code toyObjective}
     * (called with {@link #toySeed toySeed(seed, i)} for toy i, as is the method): identical results
     * for any thread count.
     */
    public static Result run(String name, String poiName, double[] truth, int toys, long seed, int threads, double maxDeviation,
                             IntConsumer progress, java.util.function.LongFunction<Objective> toyObjective, IntervalMethod method) {
        if (toys < 1) {
            throw new IllegalArgumentException("coverage needs at least one toy, got " + toys);
        }
        int nl = LEVELS.size();
        ToyInterval[] results = new ToyInterval[toys];
        int[] poiIndex = new int[toys];
        AtomicInteger done = new AtomicInteger();
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        try {
            pool.submit(() -> IntStream.range(0, toys).parallel().forEach(i -> {
                results[i] = oneToy(toyObjective, method, poiName, toySeed(seed, i), poiIndex, i);
                int d = done.incrementAndGet();
                if (progress != null) {
                    progress.accept(d);
                }
            })).join();
        } finally {
            pool.shutdown();
        }
        int nValid = 0;
        int[] covered = new int[nl];
        double sum = 0;
        double sum2 = 0;
        double sumErr = 0;
        int divergent = 0;
        java.util.Map<String, Integer> reasons = new java.util.TreeMap<>();
        for (int i = 0; i < toys; i++) {
            ToyInterval t = results[i];
            divergent += t.divergent();
            if (!t.valid()) {
                reasons.merge(t.failure(), 1, Integer::sum);
                continue;
            }
            double mu = truth[poiIndex[i]];
            nValid++;
            sum += t.estimate();
            sum2 += t.estimate() * t.estimate();
            sumErr += t.spread();
            for (int l = 0; l < nl; l++) {
                if (t.covers(l, mu)) {
                    covered[l]++;
                }
            }
        }
        double[] nominal = new double[nl];
        double[] cov = new double[nl];
        double[] err = new double[nl];
        double[] dev = new double[nl];
        boolean passed = nValid > 0;
        for (int l = 0; l < nl; l++) {
            nominal[l] = LEVELS.get(l).probability();
            cov[l] = nValid > 0 ? (double) covered[l] / nValid : Double.NaN;
            err[l] = Math.sqrt(nominal[l] * (1 - nominal[l]) / Math.max(1, nValid));
            dev[l] = (cov[l] - nominal[l]) / err[l];
            passed &= Math.abs(dev[l]) <= maxDeviation;
        }
        double[] covAll = new double[nl];
        double[] devAll = new double[nl];
        for (int l = 0; l < nl; l++) {
            covAll[l] = (double) covered[l] / toys;
            devAll[l] = (covAll[l] - nominal[l]) / Math.sqrt(nominal[l] * (1 - nominal[l]) / toys);
        }
        double mean = nValid > 0 ? sum / nValid : Double.NaN;
        double sd = nValid > 1 ? Math.sqrt(Math.max(0, (sum2 - nValid * mean * mean) / (nValid - 1))) : Double.NaN;
        return new Result(1, name, poiName, truth.clone(), toys, seed, nValid, toys - nValid, nominal, covered,
                cov, err, dev, maxDeviation, mean, sd, nValid > 0 ? sumErr / nValid : Double.NaN, passed, covAll, devAll,
                method.name(), method.describe(), method.settings(), reasons, divergent);
    }

    /** The fits of the toys: MIGRAD at tolerance 0.01, as MINOS and the scans use it. */
    static Migrad migrad() {
        return Migrad.builder().tolerance(0.01).build();
    }

    /** One pseudo-experiment of the toy with its exact likelihood and random auxiliary measurements. */
    private static Objective exactToy(GaussianOnExponential toy, double[] truth, long seed) {
        double[] events = toy.generate(truth, seed);
        // auxiliary measurements of the two nuisance parameters: unit Gaussians around the truth
        RandomDataGenerator rng = RandomDataGenerator.of(new Well19937c(seed ^ 0x5DEECE66DL));
        double auxShift = rng.nextNormal(truth[GaussianOnExponential.ALPHA_SHIFT], 1);
        double auxBkg = rng.nextNormal(truth[GaussianOnExponential.ALPHA_BKG], 1);
        return withAux(toy.exactNll(events, null), auxShift, auxBkg);
    }

    private static ToyInterval oneToy(java.util.function.LongFunction<Objective> toyObjective, IntervalMethod method, String poiName,
                                      long seed, int[] poiIndex, int i) {
        try {
            Objective nll = toyObjective.apply(seed);
            poiIndex[i] = nll.indexOf(poiName);
            return method.interval(nll, poiName, LEVELS, seed);
        } catch (RuntimeException e) {
            // a toy whose fit or sampling throws counts as invalid and is reported as such
            return ToyInterval.failed("failed: " + e.getClass().getSimpleName());
        }
    }

    /**
     * The exact likelihood with its unit Gaussian constraints centred on auxiliary measurements a
     * instead of 0: ½(α − a)² = ½α² − aα + ½a².
     */
    static Objective withAux(Objective exact, double auxShift, double auxBkg) {
        return new Objective() {
            @Override
            public List<ParameterSpec> parameters() {
                return exact.parameters();
            }

            @Override
            public double errorDef() {
                return exact.errorDef();
            }

            @Override
            public boolean hasGradient() {
                return true;
            }

            @Override
            public double value(double[] p) {
                return exact.value(p) + shift(p);
            }

            @Override
            public double valueAndGradient(double[] p, double[] g) {
                double v = exact.valueAndGradient(p, g);
                g[GaussianOnExponential.ALPHA_SHIFT] -= auxShift;
                g[GaussianOnExponential.ALPHA_BKG] -= auxBkg;
                return v + shift(p);
            }

            private double shift(double[] p) {
                return -auxShift * p[GaussianOnExponential.ALPHA_SHIFT] + 0.5 * auxShift * auxShift
                        - auxBkg * p[GaussianOnExponential.ALPHA_BKG] + 0.5 * auxBkg * auxBkg;
            }
        };
    }
}
