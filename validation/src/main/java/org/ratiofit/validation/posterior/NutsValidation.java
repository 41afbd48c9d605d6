package org.ratiofit.validation.posterior;

import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.hipparchus.random.RandomDataGenerator;
import org.hipparchus.random.Well19937c;
import org.ratiofit.objective.Objective;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.nuts.NutsSampler;
import org.ratiofit.samplers.nuts.NutsSettings;
import org.ratiofit.samplers.nuts.Prior;
import org.ratiofit.validation.toys.GaussianOnExponential;
import org.ratiofit.validation.toys.NormalMeanSigma;

/**
 * Checks of the NUTS sampler against exact posteriors: the normal model's closed-form marginals
 * (flat priors), the Gaussian-on-exponential signal strength against its grid posterior (flat prior
 * on μ, the unit Gaussian constraints as priors of the nuisance parameters), and simulation-based
 * calibration (Talts et al. 2018) of the normal model under proper priors.
 */
public final class NutsValidation {

    private NutsValidation() {
    }

    /** Draws kept per chain after thinning by {@code thin}: the KS test wants nearly independent draws. */
    public record KsResult(String model, int chains, int draws, int thin, int divergences, SamplerChecks.Ks[] tests) {}

    /** NUTS on n observations of N(μ, σ) with flat priors, KS of μ and σ against the closed forms. */
    public static KsResult normalMeanSigma(int n, long seed, int chains, int draws, int thin, int threads) {
        NormalMeanSigma m = new NormalMeanSigma(NormalMeanSigma.sample(n, 1.5, 2.0, seed));
        NutsResult r = NutsSampler.sample(m.nll(), Map.of(), settings(seed, chains, draws, threads));
        double[] mu = SamplerChecks.thin(r.draws("mu"), thin);
        double[] sigma = SamplerChecks.thin(r.draws("sigma"), thin);
        var tMu = m.posteriorMu();
        return new KsResult("NormalMeanSigma n=" + n, chains, draws, thin, r.divergences(), new SamplerChecks.Ks[] {
            SamplerChecks.ks("mu", mu, tMu::cumulativeProbability),
            SamplerChecks.ks("sigma", sigma, m::posteriorSigmaCdf)});
    }

    /**
     * NUTS on one data set of the Gaussian-on-exponential toy (truth μ = 1, nuisances 0), KS of μ
     * against the exact marginal posterior on a grid over μ and both nuisance parameters.
     */
    public static KsResult gaussianOnExponentialMu(long seed, int chains, int draws, int thin, int threads) {
        GaussianOnExponential toy = new GaussianOnExponential(GaussianOnExponential.Config.standard());
        double[] x = toy.generate(new double[] {1, 0, 0}, seed);
        Objective nll = toy.exactNll(x, null);
        FitResult fit = Hesse.compute(nll, Migrad.defaults().minimise(nll));
        double[][] ranges = new double[3][];
        for (int k = 0; k < 3; k++) {
            double c = fit.values()[k];
            double e = fit.errors()[k];
            ranges[k] = new double[] {c - 8 * e, c + 8 * e};
        }
        GridPosterior grid = GridPosterior.marginalOfFirst(nll, ranges, new int[] {321, 41, 41}, fit.minimumValue());
        NutsResult r = NutsSampler.sample(nll, Map.of(), settings(seed, chains, draws, threads));
        double[] mu = SamplerChecks.thin(r.draws("mu"), thin);
        return new KsResult("GaussianOnExponential (grid posterior of mu)", chains, draws, thin, r.divergences(),
                new SamplerChecks.Ks[] {SamplerChecks.ks("mu", mu, grid::cdfAt)});
    }

    /**
     * Simulation-based calibration: replicate r draws θ from the prior (μ ~ N(0, 1),
     * σ ~ LogNormal(0, 0.5)), n observations from N(μ, σ), samples the posterior with NUTS under
     * the same priors, thins to {@code ranksPerReplicate − 1} draws and records the rank of θ among
     * them. Ranks are uniform on 0..L for a correct sampler.
     */
    public record SbcResult(int replicates, int observations, int drawsPerReplicate, int thin, int divergences,
                            SamplerChecks.RankHistogram mu, SamplerChecks.RankHistogram sigma) {}

    public static SbcResult sbcNormalMeanSigma(int replicates, int n, int rankDraws, int thin, int bins, long seed, int threads,
                                               IntConsumer progress) {
        int[] rankMu = new int[replicates];
        int[] rankSigma = new int[replicates];
        int[] div = new int[replicates];
        AtomicInteger done = new AtomicInteger();
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        Map<String, Prior> priors = Map.of("mu", Prior.normal(0, 1), "sigma", Prior.logNormal(0, 0.5));
        try {
            pool.submit(() -> IntStream.range(0, replicates).parallel().forEach(i -> {
                RandomDataGenerator rng = RandomDataGenerator.of(new Well19937c(seed * 1_000_003L + i));
                double mu = rng.nextNormal(0, 1);
                double sigma = Math.exp(rng.nextNormal(0, 0.5));
                NormalMeanSigma m = new NormalMeanSigma(NormalMeanSigma.sample(n, mu, sigma, seed * 7 + i));
                NutsResult r = NutsSampler.sample(m.nll(), priors, new NutsSettings().chains(1).warmup(500).samples(rankDraws * thin)
                        .seed(seed + 31L * i).threads(1).quiet(true));
                double[] dm = SamplerChecks.thin(r.draws("mu"), thin);
                double[] ds = SamplerChecks.thin(r.draws("sigma"), thin);
                rankMu[i] = rank(dm, mu);
                rankSigma[i] = rank(ds, sigma);
                div[i] = r.divergences();
                int d = done.incrementAndGet();
                if (progress != null) {
                    progress.accept(d);
                }
            })).join();
        } finally {
            pool.shutdown();
        }
        return new SbcResult(replicates, n, rankDraws, thin, IntStream.of(div).sum(),
                SamplerChecks.rankHistogram("mu", rankMu, rankDraws, bins), SamplerChecks.rankHistogram("sigma", rankSigma, rankDraws, bins));
    }

    private static int rank(double[] draws, double truth) {
        int r = 0;
        for (double d : draws) {
            if (d < truth) {
                r++;
            }
        }
        return r;
    }

    private static NutsSettings settings(long seed, int chains, int draws, int threads) {
        return new NutsSettings().chains(chains).warmup(1000).samples(draws).seed(seed).threads(threads).quiet(true);
    }

    /** Prints the checks' results (arguments: SBC replicates, default 200; threads, default all cores). */
    public static void main(String[] args) throws Exception {
        int replicates = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        System.out.println(json.writeValueAsString(normalMeanSigma(30, 1, 4, 2000, 10, threads)));
        System.out.println(json.writeValueAsString(gaussianOnExponentialMu(2, 4, 2000, 10, threads)));
        System.out.println(json.writeValueAsString(sbcNormalMeanSigma(replicates, 20, 99, 5, 10, 3, threads, null)));
    }
}
