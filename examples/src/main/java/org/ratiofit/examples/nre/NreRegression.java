package org.ratiofit.examples.nre;

import java.nio.file.Files;
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
import org.ratiofit.validation.toys.NormalMeanSigmaOnnx;
import org.ratiofit.workspace.nre.LinearPredictor;
import org.ratiofit.workspace.nre.RatioLikelihood;

/**
 * Example B: a regression y_i = a + b·x_i + N(0, sigma) whose per-event mean m_i = a + b·x_i is the
 * parameter input of the normal-model ratio r(y | m, sigma) — the same ratio model as example A,
 * evaluated at a θ per event. NUTS samples (a, b, sigma); the exact posterior under flat priors is
 * the conjugate closed form of {@link NormalLinearModel} (Student t for a and b, Gamma for
 * 1/sigma²). Optionally the contrastive NRE network of example A (trained here or loaded) replaces
 * the exact ratio: a network trained on single observations serves any linear predictor.
 */
public final class NreRegression {

    /** Everything that defines a run. */
    public record Settings(int observations, double a, double b, double sigma, double xLow, double xHigh, long dataSeed, double tau,
                           boolean trainNre, Path nreModel, int pairs, int epochs, int chains, int warmup, int samples, long nutsSeed,
                           boolean quiet, Path out) {

        public static Settings defaults(Path out) {
            return new Settings(40, 0.5, -0.8, 0.6, -2, 2, 3, 3.0, false, null, 200_000, 40, 4, 1000, 1000, 13, false, out);
        }

        public Settings withNuts(int chainCount, int warmupIterations, int sampleIterations) {
            return new Settings(observations, a, b, sigma, xLow, xHigh, dataSeed, tau, trainNre, nreModel, pairs, epochs, chainCount,
                    warmupIterations, sampleIterations, nutsSeed, quiet, out);
        }

        public Settings withNre(boolean train, Path model) {
            return new Settings(observations, a, b, sigma, xLow, xHigh, dataSeed, tau, train, model, pairs, epochs, chains, warmup,
                    samples, nutsSeed, quiet, out);
        }

        public Settings withQuiet(boolean on) {
            return new Settings(observations, a, b, sigma, xLow, xHigh, dataSeed, tau, trainNre, nreModel, pairs, epochs, chains, warmup,
                    samples, nutsSeed, on, out);
        }
    }

    /**
     * @param correlation posterior correlation of a and b: per ratio model from the draws, and "exact"
     */
    public record Report(int formatVersion, String example, Settings settings, double[] leastSquares, ContrastiveNre.Result training,
                         List<PosteriorCheck.Row> rows, Map<String, Double> correlation, Map<String, Integer> divergences,
                         Map<String, Double> samplingSeconds, List<String> plots, double seconds) {

        public PosteriorCheck.Row row(String run, String parameter) {
            return rows.stream().filter(r -> r.run().equals(run) && r.parameter().equals(parameter)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no row for " + run + " / " + parameter));
        }
    }

    public static final String EXACT = NreNormalModel.EXACT;
    public static final String NRE = NreNormalModel.NRE;

    private NreRegression() {}

    static List<PosteriorCheck.Exact> exactMarginals(NormalLinearModel lm) {
        List<PosteriorCheck.Exact> out = new ArrayList<>();
        for (String c : lm.coefficientNames()) {
            var t = lm.posteriorCoefficient(c);
            out.add(new PosteriorCheck.Exact(c, t::cdf, t::density, t.mean(), t.sd()));
        }
        var s = lm.posteriorSigma();
        out.add(new PosteriorCheck.Exact("sigma", s::cdf, s::density, s.mean(), s.sd()));
        return out;
    }

    public static Report run(Settings s) {
        long t0 = System.nanoTime();
        double[][] xy = NormalLinearModel.sampleRegression(s.observations(), s.a(), s.b(), s.sigma(), s.xLow(), s.xHigh(), s.dataSeed());
        double[] x = xy[0];
        double[] y = xy[1];
        NormalLinearModel lm = NormalLinearModel.regression(x, y);
        List<PosteriorCheck.Exact> exact = exactMarginals(lm);
        List<ParameterSpec> params = lm.parameters();
        List<String> names = params.stream().map(ParameterSpec::name).toList();
        NutsSettings nuts = NutsSettings.defaults().chains(s.chains()).warmup(s.warmup()).samples(s.samples()).seed(s.nutsSeed()).quiet(s.quiet());
        Map<String, NutsResult> results = new LinkedHashMap<>();
        Path exactSidecar = NormalMeanSigmaOnnx.write(s.out(), "normal-exact", s.tau());
        try (RatioModel m = RatioModel.load(exactSidecar)) {
            results.put(EXACT, NutsSampler.sample(likelihood(m, x, y, params, names), Map.of(), nuts));
        }
        ContrastiveNre.Result training = null;
        Path nre = s.nreModel();
        NreNormalModel.Settings a = NreNormalModel.Settings.defaults(s.out()).withTraining(true, s.pairs(), s.epochs()).withQuiet(s.quiet());
        if (s.trainNre()) {
            training = NreNormalModel.train(a);
            nre = training.sidecar();
        }
        if (nre != null) {
            if (!Files.isRegularFile(nre)) throw new IllegalArgumentException("NRE model " + nre + " does not exist");
            try (RatioModel m = RatioModel.load(nre)) {
                // sigma is a network input: keep it in the box the network was trained on
                Map<String, Prior> priors = Map.of("sigma", Prior.uniform(a.priorLower()[1], a.priorUpper()[1]));
                results.put(NRE, NutsSampler.sample(likelihood(m, x, y, params, names), priors, nuts));
            }
        }
        List<PosteriorCheck.Row> rows = new ArrayList<>();
        Map<String, Integer> divergences = new LinkedHashMap<>();
        Map<String, Double> samplingSeconds = new LinkedHashMap<>();
        Map<String, Double> correlation = new LinkedHashMap<>();
        for (Map.Entry<String, NutsResult> e : results.entrySet()) {
            rows.addAll(PosteriorCheck.compare(e.getKey(), e.getValue(), exact));
            divergences.put(e.getKey(), e.getValue().divergences());
            samplingSeconds.put(e.getKey(), e.getValue().seconds());
            correlation.put(e.getKey(), correlation(e.getValue().pooled("a"), e.getValue().pooled("b")));
        }
        correlation.put("exact", lm.posteriorCorrelation(0, 1));
        List<String> plots = PosteriorCheck.plot(results, exact, s.out(), "nre-regression", "regression, n = " + x.length).stream()
                .map(Path::toString).toList();
        Report report = new Report(1, "nre-regression", s, lm.leastSquares(), training, rows, correlation, divergences, samplingSeconds, plots,
                (System.nanoTime() - t0) * 1e-9);
        PosteriorCheck.writeJson(report, s.out().resolve("summary.json"));
        return report;
    }

    /** −Σ ln r(y_i | m_i = a + b·x_i, sigma): the ratio model's mu is the linear predictor. */
    static RatioLikelihood likelihood(RatioModel m, double[] x, double[] y, List<ParameterSpec> params, List<String> names) {
        List<String> theta = m.parameters();
        if (theta.size() != 2) throw new IllegalArgumentException("ratio model '" + m.name() + "' must have parameters (mean, sigma), has " + theta);
        LinearPredictor link = LinearPredictor.builder(names, theta, x.length)
                .term(theta.get(0), "a").term(theta.get(0), "b", x).term(theta.get(1), "sigma").build();
        return RatioLikelihood.linked(m, new double[][] {y}, null, params, link);
    }

    static double correlation(double[] u, double[] v) {
        int n = u.length;
        double mu = 0, mv = 0;
        for (int i = 0; i < n; i++) {
            mu += u[i];
            mv += v[i];
        }
        mu /= n;
        mv /= n;
        double suv = 0, suu = 0, svv = 0;
        for (int i = 0; i < n; i++) {
            suv += (u[i] - mu) * (v[i] - mv);
            suu += (u[i] - mu) * (u[i] - mu);
            svv += (v[i] - mv) * (v[i] - mv);
        }
        return suv / Math.sqrt(suu * svv);
    }

    public static void main(String[] args) {
        ExampleArgs o = new ExampleArgs("NreRegression",
                "posterior of (a, b, sigma) of y = a + b x + N(0, sigma) with the normal-model ratio at a per-event mean, against the closed form")
                .option("observations", "40", "number of (x, y) points")
                .option("a", "0.5", "true intercept")
                .option("b", "-0.8", "true slope")
                .option("sigma", "0.6", "true noise width")
                .option("data-seed", "3", "seed of the data (x uniform in [-2, 2])")
                .option("nre", "false", "also train the contrastive NRE network of NreNormalModel and sample with it")
                .option("nre-model", "", "also sample with this trained NRE sidecar (e.g. target/nre-normal/normal-nre.json)")
                .option("pairs", "200000", "simulated pairs when training (--nre)")
                .option("epochs", "40", "training epochs when training (--nre)")
                .option("chains", "4", "NUTS chains")
                .option("warmup", "1000", "NUTS warm-up iterations per chain")
                .option("samples", "1000", "NUTS draws per chain")
                .option("seed", "13", "NUTS seed")
                .option("out", "target/nre-regression", "output folder (models, plots, summary.json)");
        try {
            if (!o.parse(args)) return;
            Settings d = Settings.defaults(Path.of(o.string("out")));
            Path model = o.string("nre-model").isEmpty() ? null : Path.of(o.string("nre-model"));
            Settings s = new Settings(o.integer("observations"), o.number("a"), o.number("b"), o.number("sigma"), d.xLow(), d.xHigh(),
                    o.integer("data-seed"), d.tau(), o.flag("nre"), model, o.integer("pairs"), o.integer("epochs"), o.integer("chains"),
                    o.integer("warmup"), o.integer("samples"), o.integer("seed"), false, d.out());
            Report r = run(s);
            System.out.printf(Locale.ROOT, "regression: %d points, y = %.3g + %.3g x + N(0, %.3g); least squares a = %.4f, b = %.4f%n",
                    s.observations(), s.a(), s.b(), s.sigma(), r.leastSquares()[0], r.leastSquares()[1]);
            if (r.training() != null) {
                var t = r.training();
                System.out.printf(Locale.ROOT, "NRE: %d joint + %d shuffled pairs, %d epochs (best %d), validation loss %.4f (ln 2 = %.4f), %.1f s%n",
                        t.pairs(), t.pairs(), t.epochs(), t.bestEpoch() + 1, t.validationLoss(), Math.log(2), t.seconds());
            }
            System.out.println();
            System.out.print(PosteriorCheck.table(r.rows()));
            System.out.println("posterior correlation of a and b: " + r.correlation());
            System.out.println("divergent transitions: " + r.divergences());
            System.out.printf(Locale.ROOT, "NUTS (%d chains × %d warm-up + %d draws) seconds: %s; whole run %.1f s%n", s.chains(), s.warmup(),
                    s.samples(), r.samplingSeconds(), r.seconds());
            System.out.println("plots: " + r.plots());
            System.out.println("summary: " + s.out().resolve("summary.json"));
        } catch (IllegalArgumentException e) {
            System.err.println("NreRegression: " + e.getMessage());
            System.exit(2);
        }
    }
}
