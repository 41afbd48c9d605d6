package org.ratiofit.examples.nre;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.nuts.NutsSampler;
import org.ratiofit.samplers.nuts.NutsSettings;
import org.ratiofit.samplers.nuts.Prior;
import org.ratiofit.validation.toys.NormalLinearModel;
import org.ratiofit.validation.toys.NormalMeanSigma;
import org.ratiofit.validation.toys.NormalMeanSigmaOnnx;
import org.ratiofit.workspace.nre.RatioLikelihood;
import org.ratiofit.workspace.nre.TrainingRange;

/**
 * Example A: the posterior of (mu, sigma) of i.i.d. normal observations by NUTS on summed
 * log-ratios, (i) with the exact ONNX ratio ln N(x; mu, sigma) − ln N(x; 0, tau) and (ii) with a
 * contrastive NRE network trained here with DJL, each against the closed-form flat-prior
 * posterior (mu: Student t; 1/sigma²: Gamma).
 */
public final class NreNormalModel {

    /** Everything that defines a run. */
    public record Settings(int observations, double mu, double sigma, long dataSeed, double tau, boolean trainNre, int pairs, int epochs,
                           List<Integer> hidden, long trainSeed, double[] priorLower, double[] priorUpper, int chains, int warmup, int samples, long nutsSeed,
                           boolean quiet, Path out) {

        public static Settings defaults(Path out) {
            return new Settings(20, 0.8, 1.2, 1, 3.0, true, 200_000, 40, List.of(64, 64, 64), 7, new double[] {-3, 0.3}, new double[] {3, 3.5}, 4, 1000, 1000,
                    11, false, out);
        }

        public Settings withNuts(int chainCount, int warmupIterations, int sampleIterations) {
            return new Settings(observations, mu, sigma, dataSeed, tau, trainNre, pairs, epochs, hidden, trainSeed, priorLower, priorUpper,
                    chainCount, warmupIterations, sampleIterations, nutsSeed, quiet, out);
        }

        public Settings withTraining(boolean on, int pairCount, int epochCount) {
            return new Settings(observations, mu, sigma, dataSeed, tau, on, pairCount, epochCount, hidden, trainSeed, priorLower, priorUpper,
                    chains, warmup, samples, nutsSeed, quiet, out);
        }

        public Settings withNetwork(List<Integer> widths) {
            return new Settings(observations, mu, sigma, dataSeed, tau, trainNre, pairs, epochs, widths, trainSeed, priorLower, priorUpper,
                    chains, warmup, samples, nutsSeed, quiet, out);
        }

        public Settings withQuiet(boolean on) {
            return new Settings(observations, mu, sigma, dataSeed, tau, trainNre, pairs, epochs, hidden, trainSeed, priorLower, priorUpper,
                    chains, warmup, samples, nutsSeed, on, out);
        }
    }

    /**
     * The result, as printed and as written to {@code summary.json}.
     *
     * @param formatVersion 1
     * @param observedMean  x̄ of the observations
     * @param training      the NRE training, or null when skipped
     * @param rows          NUTS against exact, per ratio model and parameter
     * @param divergences   divergent transitions per ratio model
     * @param plots         the plot files written
     * @param nreExtrapolation the NRE's posterior draws outside its training box, per parameter, or null when not trained
     */
    public record Report(int formatVersion, String example, Settings settings, double observedMean, ContrastiveNre.Result training,
                         List<PosteriorCheck.Row> rows, Map<String, Integer> divergences, Map<String, Double> samplingSeconds, List<String> plots, double seconds,
                         List<TrainingRange.Extrapolation> nreExtrapolation) {

        public PosteriorCheck.Row row(String run, String parameter) {
            return rows.stream().filter(r -> r.run().equals(run) && r.parameter().equals(parameter)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no row for " + run + " / " + parameter));
        }
    }

    public static final String EXACT = "exact ONNX";
    public static final String NRE = "NRE (DJL)";

    private NreNormalModel() {}

    /** The exact marginals, from {@link NormalMeanSigma}'s closed forms (densities and moments from the equivalent linear model). */
    static List<PosteriorCheck.Exact> exactMarginals(double[] x) {
        NormalMeanSigma model = new NormalMeanSigma(x);
        double[] ones = new double[x.length];
        java.util.Arrays.fill(ones, 1);
        NormalLinearModel same = new NormalLinearModel(List.of("mu"), new double[][] {ones}, x);
        var mu = model.posteriorMu();
        var sigma = same.posteriorSigma();
        return List.of(
                new PosteriorCheck.Exact("mu", mu::cumulativeProbability, mu::density, mu.getNumericalMean(), Math.sqrt(mu.getNumericalVariance())),
                new PosteriorCheck.Exact("sigma", model::posteriorSigmaCdf, sigma::density, sigma.mean(), sigma.sd()));
    }

    /**
     * Trains the contrastive NRE of the normal model on the settings' prior box and exports it as
     * {@code out/normal-nre.onnx} + {@code .json} (parameters mu, sigma).
     */
    public static ContrastiveNre.Result train(Settings s) {
        ContrastiveNre.Problem problem = new ContrastiveNre.Problem(List.of("x"), List.of("mu", "sigma"), s.priorLower(), s.priorUpper());
        ContrastiveNre.Simulator sim = (theta, rng, out) -> out[0] = theta[0] + theta[1] * rng.nextGaussian();
        return ContrastiveNre.train(problem, sim, s.pairs(), ContrastiveNre.defaultConfig(s.hidden(), s.epochs(), s.trainSeed()).withQuiet(s.quiet()),
                s.trainSeed(), s.out(), "normal-nre");
    }

    public static Report run(Settings s) {
        long t0 = System.nanoTime();
        double[] x = NormalMeanSigma.sample(s.observations(), s.mu(), s.sigma(), s.dataSeed());
        List<PosteriorCheck.Exact> exact = exactMarginals(x);
        NormalMeanSigma model = new NormalMeanSigma(x);
        List<ParameterSpec> params = model.parameters();
        NutsSettings nuts = NutsSettings.defaults().chains(s.chains()).warmup(s.warmup()).samples(s.samples()).seed(s.nutsSeed()).quiet(s.quiet());
        Map<String, NutsResult> results = new LinkedHashMap<>();
        // (i) the exact ratio, flat priors: the closed form's own assumptions
        Path exactSidecar = NormalMeanSigmaOnnx.write(s.out(), "normal-exact", s.tau());
        try (RatioModel m = RatioModel.load(exactSidecar)) {
            RatioLikelihood lik = RatioLikelihood.iid(m, new double[][] {x}, null, params);
            results.put(EXACT, NutsSampler.sample(lik, Map.of(), nuts));
        }
        ContrastiveNre.Result training = null;
        List<TrainingRange.Extrapolation> extrapolation = null;
        if (s.trainNre()) {
            // (ii) a classifier trained on (x, mu, sigma) pairs from a uniform prior box
            training = train(s);
            try (RatioModel m = RatioModel.load(training.sidecar())) {
                RatioLikelihood lik = RatioLikelihood.iid(m, new double[][] {x}, null, params);
                // the network's prior: the posterior is prior × Π r, so NUTS uses the same box
                Map<String, Prior> priors = Map.of("mu", Prior.uniform(s.priorLower()[0], s.priorUpper()[0]),
                        "sigma", Prior.uniform(s.priorLower()[1], s.priorUpper()[1]));
                results.put(NRE, NutsSampler.sample(lik, priors, nuts));
            }
            // the NRE's draws against its training box (here also its prior, so 0 unless the priors change)
            NutsResult nre = results.get(NRE);
            extrapolation = new TrainingRange(List.of("mu", "sigma"), s.priorLower(), s.priorUpper())
                    .check(Map.of("mu", nre.pooled("mu"), "sigma", nre.pooled("sigma")));
        }
        List<PosteriorCheck.Row> rows = new ArrayList<>();
        Map<String, Integer> divergences = new LinkedHashMap<>();
        Map<String, Double> samplingSeconds = new LinkedHashMap<>();
        for (Map.Entry<String, NutsResult> e : results.entrySet()) {
            rows.addAll(PosteriorCheck.compare(e.getKey(), e.getValue(), exact));
            divergences.put(e.getKey(), e.getValue().divergences());
            samplingSeconds.put(e.getKey(), e.getValue().seconds());
        }
        List<String> plots = PosteriorCheck.plot(results, exact, s.out(), "nre-normal", "normal model, n = " + x.length).stream()
                .map(Path::toString).toList();
        double mean = exact.get(0).mean();
        Report report = new Report(1, "nre-normal-model", s, mean, training, rows, divergences, samplingSeconds, plots, (System.nanoTime() - t0) * 1e-9,
                extrapolation);
        PosteriorCheck.writeJson(report, s.out().resolve("summary.json"));
        return report;
    }

    public static void main(String[] args) {
        ExampleArgs a = new ExampleArgs("NreNormalModel",
                "NRE posterior of (mu, sigma) for i.i.d. normal observations: exact ONNX ratio and a DJL-trained NRE against the closed form")
                .option("observations", "20", "number of observations")
                .option("mu", "0.8", "true mean of the observations")
                .option("sigma", "1.2", "true width of the observations")
                .option("data-seed", "1", "seed of the observations")
                .option("pairs", "200000", "simulated (x, theta) pairs for NRE training")
                .option("epochs", "40", "training epochs (early stopping with patience 5)")
                .option("hidden", "64,64,64", "hidden-layer widths of the network")
                .option("train-seed", "7", "seed of the simulations and the network")
                .option("prior-mu", "-3:3", "uniform prior box of mu for the NRE (training and posterior)")
                .option("prior-sigma", "0.3:3.5", "uniform prior box of sigma for the NRE")
                .option("no-nre", "false", "skip the trained network (exact ONNX ratio only)")
                .option("chains", "4", "NUTS chains")
                .option("warmup", "1000", "NUTS warm-up iterations per chain")
                .option("samples", "1000", "NUTS draws per chain")
                .option("seed", "11", "NUTS seed")
                .option("out", "target/nre-normal", "output folder (models, plots, summary.json)");
        try {
            if (!a.parse(args)) return;
            Settings d = Settings.defaults(Path.of(a.string("out")));
            double[] pm = a.range("prior-mu");
            double[] ps = a.range("prior-sigma");
            Settings s = new Settings(a.integer("observations"), a.number("mu"), a.number("sigma"), a.integer("data-seed"), d.tau(),
                    !a.flag("no-nre"), a.integer("pairs"), a.integer("epochs"), a.widths("hidden"), a.integer("train-seed"), new double[] {pm[0], ps[0]},
                    new double[] {pm[1], ps[1]},
                    a.integer("chains"), a.integer("warmup"), a.integer("samples"), a.integer("seed"), false, d.out());
            Report r = run(s);
            System.out.printf("normal model: %d observations from N(%.3g, %.3g), x-bar = %.4f%n", s.observations(), s.mu(), s.sigma(),
                    r.observedMean());
            if (r.training() != null) {
                var t = r.training();
                System.out.printf(Locale.ROOT, "NRE: %d joint + %d shuffled pairs, prior mu in [%g, %g], sigma in [%g, %g]; "
                                + "%d epochs (best %d), validation loss %.4f (ln 2 = %.4f), %.1f s%n",
                        t.pairs(), t.pairs(), s.priorLower()[0], s.priorUpper()[0], s.priorLower()[1], s.priorUpper()[1], t.epochs(),
                        t.bestEpoch() + 1, t.validationLoss(), Math.log(2), t.seconds());
            }
            System.out.println();
            System.out.print(PosteriorCheck.table(r.rows()));
            System.out.println("divergent transitions: " + r.divergences());
            System.out.printf(Locale.ROOT, "NUTS (%d chains × %d warm-up + %d draws) seconds: %s; whole run %.1f s%n", s.chains(), s.warmup(),
                    s.samples(), r.samplingSeconds(), r.seconds());
            if (r.nreExtrapolation() != null) {
                for (String w : TrainingRange.warnings(r.nreExtrapolation())) System.out.println("warning: " + w);
            }
            System.out.println("plots: " + r.plots());
            System.out.println("summary: " + s.out().resolve("summary.json"));
        } catch (IllegalArgumentException | org.ratiofit.samplers.nuts.NutsChainFailedException e) {
            System.err.println("NreNormalModel: " + e.getMessage());
            System.exit(2);
        }
    }
}
