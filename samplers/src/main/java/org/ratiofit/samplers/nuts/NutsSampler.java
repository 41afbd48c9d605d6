package org.ratiofit.samplers.nuts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ratiofit.objective.Objective;

/**
 * The No-U-Turn sampler with Stan's warm-up, over several chains in parallel threads.
 *
 * <p>Each chain has its own random stream derived from {@code seed} and the chain number only, so
 * the draws are identical whatever the number of threads or the scheduling.
 *
 * <p>A log-density of +∞ −ln L (or −∞ log-density) is a point outside the support: rejected, a
 * divergence. A log-density that throws stops the run with a {@link NutsChainFailedException} naming
 * the chain, the phase and iteration, and the parameter values of the failing point.
 *
 * <pre>{@code
 * NutsResult r = NutsSampler.sample(objective, Map.of("mu", Prior.uniform(0, 5)),
 *         NutsSettings.defaults().seed(42));
 * System.out.println(r.summary().toText());
 * }</pre>
 */
public final class NutsSampler {

    /** Called as iterations complete (from the chains' threads); total counts all chains. */
    @FunctionalInterface
    public interface ProgressListener {
        void iterationsDone(long done, long total);
    }

    private NutsSampler() {
    }

    public static NutsResult sample(Objective objective, Map<String, Prior> priors, NutsSettings settings) {
        return sample(new PosteriorDensity(objective, priors), settings, null);
    }

    public static NutsResult sample(Objective objective, NutsSettings settings) {
        return sample(new PosteriorDensity(objective), settings, null);
    }

    /**
     * Runs the chains. A progress bar on standard error is shown unless the settings are quiet;
     * {@code listener} (may be null) is told of progress in any case.
     */
    public static NutsResult sample(PosteriorDensity density, NutsSettings settings, ProgressListener listener) {
        NutsSettings s = settings.copy();
        s.validate();
        int chains = s.getChains();
        long total = (long) chains * (s.getWarmup() + (long) s.getSamples() * s.getThin());
        AtomicLong done = new AtomicLong();
        ProgressBar bar = s.isQuiet() ? null : new ProgressBarBuilder()
                .setTaskName("NUTS " + chains + " chains")
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .continuousUpdate()
                .build();
        ProgressListener progress = (n, t) -> {
            if (bar != null) {
                bar.stepTo(n);
            }
            if (listener != null) {
                listener.iterationsDone(n, t);
            }
        };
        long start = System.nanoTime();
        List<ChainResult> results = new ArrayList<>();
        int threads = Math.min(s.getThreads(), chains);
        try {
            if (threads == 1) {
                for (int c = 0; c < chains; c++) {
                    results.add(runChain(density, s, c, done, total, progress));
                }
            } else {
                ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "nuts-chain");
                    t.setDaemon(true);
                    return t;
                });
                try {
                    List<Future<ChainResult>> futures = new ArrayList<>();
                    for (int c = 0; c < chains; c++) {
                        int chain = c;
                        futures.add(pool.submit(() -> runChain(density, s, chain, done, total, progress)));
                    }
                    for (Future<ChainResult> f : futures) {
                        results.add(f.get());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("NUTS sampling interrupted", e);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException("NUTS chain failed: " + cause, cause);
                } finally {
                    pool.shutdownNow();
                }
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        return new NutsResult(density.names(), results, s, seconds);
    }

    /** The random stream of one chain: a function of the seed and the chain index only. */
    static SplittableRandom chainRandom(long seed, int chain) {
        return new SplittableRandom(mix(seed) ^ mix(0x9E3779B97F4A7C15L * (chain + 1L)));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Where a chain is, for the message of a {@link NutsChainFailedException}. */
    private static final class Place {
        String phase = "initialisation";
        int iteration;
    }

    private static ChainResult runChain(PosteriorDensity density, NutsSettings s, int chainIndex, AtomicLong done, long total,
                                        ProgressListener progress) {
        Place place = new Place();
        try {
            return runChain(density, s, chainIndex, done, total, progress, place);
        } catch (DensityEvaluationException e) {
            double[] y = e.point();
            double[] x = new double[y.length];
            density.constrain(y, x);
            throw new NutsChainFailedException(chainIndex + 1, place.phase, place.iteration, density.names(), x, e.getCause());
        }
    }

    private static ChainResult runChain(PosteriorDensity density, NutsSettings s, int chainIndex, AtomicLong done, long total,
                                        ProgressListener progress, Place place) {
        SplittableRandom rng = chainRandom(s.getSeed(), chainIndex);
        NutsChain chain = new NutsChain(density, s, rng);
        int d = density.dimension();
        List<String> notes = new ArrayList<>();
        initialise(density, s, chain, rng);

        // warm-up
        long t0 = System.nanoTime();
        chain.epsilon = s.getInitStepSize();
        StepSizeAdaptation stepAdapt = new StepSizeAdaptation(s.getDelta(), s.getGamma(), s.getT0(), s.getKappa());
        stepAdapt.setMu(Math.log(10 * s.getInitStepSize()));
        stepAdapt.restart();
        boolean adaptMetric = s.getMetric() != NutsSettings.Metric.UNIT;
        MetricAdaptation metricAdapt = new MetricAdaptation(d, chain.isDense());
        if (adaptMetric && s.getWarmup() > 0) {
            String note = metricAdapt.setWindowParams(s.getWarmup(), s.getInitBuffer(), s.getTermBuffer(), s.getBaseWindow());
            if (note != null) {
                notes.add(note);
            }
        }
        int reportEvery = 25;
        int pending = 0;
        place.phase = "warm-up";
        if (s.getWarmup() > 0) {
            chain.initStepSize();
        }
        place.phase = "warm-up";
        for (int it = 0; it < s.getWarmup(); it++) {
            place.iteration = it;
            chain.transition();
            chain.epsilon = stepAdapt.learn(chain.acceptStat);
            if (adaptMetric && metricAdapt.enabled()
                    && metricAdapt.learn(chain.position(), chain.invDiag, chain.invDense)) {
                chain.updateCholesky();
                chain.initStepSize();
                stepAdapt.setMu(Math.log(10 * chain.epsilon));
                stepAdapt.restart();
            }
            if (++pending == reportEvery) {
                progress.iterationsDone(done.addAndGet(pending), total);
                pending = 0;
            }
        }
        if (s.getWarmup() > 0) {
            chain.epsilon = stepAdapt.finalStepSize();
        }
        long t1 = System.nanoTime();
        long gradWarmup = chain.gradientEvaluations;

        // sampling
        int n = s.getSamples();
        double[][] draws = new double[d][n];
        double[] lp = new double[n];
        double[] accept = new double[n];
        int[] depth = new int[n];
        int[] leap = new int[n];
        boolean[] div = new boolean[n];
        double[] energy = new double[n];
        double[] x = new double[d];
        place.phase = "sampling";
        for (int it = 0; it < n; it++) {
            for (int k = 0; k < s.getThin(); k++) {
                place.iteration = it * s.getThin() + k;
                chain.transition();
                if (++pending == reportEvery) {
                    progress.iterationsDone(done.addAndGet(pending), total);
                    pending = 0;
                }
            }
            density.constrain(chain.position(), x);
            for (int j = 0; j < d; j++) {
                draws[j][it] = x[j];
            }
            lp[it] = chain.logDensity();
            accept[it] = chain.acceptStat;
            depth[it] = chain.depth;
            leap[it] = chain.nLeapfrog;
            div[it] = chain.divergent;
            energy[it] = chain.energy;
        }
        progress.iterationsDone(done.addAndGet(pending), total);
        long t2 = System.nanoTime();
        double[] diag = chain.isDense() ? null : chain.invDiag.clone();
        double[][] dense = null;
        if (chain.isDense()) {
            dense = new double[d][];
            for (int i = 0; i < d; i++) {
                dense[i] = chain.invDense[i].clone();
            }
        }
        return new ChainResult(chainIndex + 1, draws, lp, accept, depth, leap, div, energy, chain.epsilon, diag, dense,
                chain.gradientEvaluations, chain.gradientEvaluations - gradWarmup, (t1 - t0) * 1e-9, (t2 - t1) * 1e-9,
                List.copyOf(notes));
    }

    /** Start at the initial values, jittered; up to 100 tries for a finite log-density, as Stan does. */
    private static void initialise(PosteriorDensity density, NutsSettings s, NutsChain chain, SplittableRandom rng) {
        int d = density.dimension();
        double[] full = density.objective().initialValues();
        List<Integer> freeIndex = new ArrayList<>();
        List<String> all = density.objective().parameterNames();
        for (String name : density.names()) {
            freeIndex.add(all.indexOf(name));
        }
        double[] y = new double[d];
        for (int attempt = 0; attempt < 100; attempt++) {
            for (int k = 0; k < d; k++) {
                int i = freeIndex.get(k);
                double xi = full[i];
                double step = density.objective().parameters().get(i).step();
                if (!Double.isNaN(s.getInitUniform())) {
                    y[k] = s.getInitUniform() * (2 * rng.nextDouble() - 1);
                    continue;
                }
                double y0 = density.toUnconstrained(k, xi);
                double jitter = s.getInitJitter() * density.unconstrainedStep(k, xi, step);
                y[k] = y0 + (attempt == 99 ? 0 : jitter * (2 * rng.nextDouble() - 1));
            }
            if (chain.setPosition(y)) {
                return;
            }
        }
        if (!Double.isNaN(s.getInitUniform())) {
            throw new IllegalStateException("no finite log-density found at 100 starting points uniform in (−" + s.getInitUniform() + ", "
                    + s.getInitUniform() + ") on the unconstrained scale of " + density.names());
        }
        throw new IllegalStateException("no finite log-density found near the initial values " + density.names() + " = "
                + java.util.Arrays.toString(full) + " after 100 tries");
    }
}
