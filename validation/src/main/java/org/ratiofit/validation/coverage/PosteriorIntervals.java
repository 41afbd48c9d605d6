package org.ratiofit.validation.coverage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.nuts.NutsSampler;
import org.ratiofit.samplers.nuts.NutsSettings;
import org.ratiofit.samplers.nuts.PosteriorDensity;

/**
 * The central (equal-tailed) credible interval of the parameter of interest from NUTS draws of
 * each toy's posterior: flat priors inside the bounds for the parameter of interest and every
 * parameter without a constraint term, the constrained nuisance parameters carrying their
 * constraints in the likelihood (as {@code ratiofit sample} does). The chains start at the toy's
 * MIGRAD fit; their seed is a function of the toy's seed alone. The coverage of this interval is a
 * frequentist property of a Bayesian interval: nothing requires it to be nominal.
 */
public final class PosteriorIntervals implements IntervalMethod {

    private final int chains;
    private final int warmup;
    private final int draws;

    /** @param chains chains per toy; @param warmup warm-up iterations per chain; @param draws kept draws per chain */
    public PosteriorIntervals(int chains, int warmup, int draws) {
        if (chains < 1 || warmup < 0 || draws < 2) {
            throw new IllegalArgumentException("posterior intervals need chains >= 1, warmup >= 0 and draws >= 2; got " + chains
                    + ", " + warmup + ", " + draws);
        }
        this.chains = chains;
        this.warmup = warmup;
        this.draws = draws;
    }

    @Override
    public String name() {
        return "posterior";
    }

    @Override
    public String describe() {
        return "central credible intervals from NUTS (" + chains + " chain" + (chains == 1 ? "" : "s") + " x " + draws
                + " draws after " + warmup + " warm-up per toy; flat prior on the parameter of interest)";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chains", chains);
        m.put("warmup", warmup);
        m.put("draws", draws);
        m.put("prior", "flat inside the bounds for the parameter of interest and the unconstrained parameters");
        m.put("interval", "central (equal-tailed) quantiles of the pooled draws");
        return m;
    }

    /** The NUTS seed of a toy: a function of the toy's seed only, decorrelated from the pseudo-experiment's stream. */
    static long nutsSeed(long toySeed) {
        long z = toySeed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 29);
    }

    @Override
    public ToyInterval interval(Objective nll, String poiName, List<ConfidenceLevel> levels, long seed) {
        // start where `ratiofit sample` starts: at the MIGRAD fit (the warm-up forgets the start)
        Objective start = nll;
        try {
            FitResult fit = ProfileCoverage.migrad().minimise(nll);
            List<ParameterSpec> specs = new ArrayList<>(nll.parameters());
            boolean finite = true;
            for (double v : fit.values()) {
                finite &= Double.isFinite(v);
            }
            if (finite) {
                for (int i = 0; i < specs.size(); i++) {
                    if (!specs.get(i).fixed()) {
                        specs.set(i, specs.get(i).withInitial(fit.values()[i]));
                    }
                }
                start = nll.withParameters(specs);
            }
        } catch (RuntimeException e) {
            // the chains start at the objective's own initial values
        }
        NutsSettings s = NutsSettings.defaults().chains(chains).warmup(warmup).samples(draws).seed(nutsSeed(seed)).threads(1)
                .quiet(true);
        NutsResult r = NutsSampler.sample(new PosteriorDensity(start, Map.of()), s, null);
        double[] x = r.pooled(poiName);
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return ToyInterval.failed("NUTS draw not finite");
            }
        }
        double[] sorted = x.clone();
        Arrays.sort(sorted);
        double[] lo = new double[levels.size()];
        double[] hi = new double[levels.size()];
        for (int l = 0; l < levels.size(); l++) {
            double p = levels.get(l).probability();
            lo[l] = quantile(sorted, (1 - p) / 2);
            hi[l] = quantile(sorted, (1 + p) / 2);
        }
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        return new ToyInterval(true, null, quantile(sorted, 0.5), Math.sqrt(ss / (x.length - 1)), lo, hi, r.divergences());
    }

    /** The p-quantile of sorted values, linear between order statistics (R's type 7). */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int i = (int) Math.floor(h);
        if (i >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        return sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]);
    }
}
