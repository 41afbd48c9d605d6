package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.param.AugmentedData;
import org.ratiofit.ratio.training.param.EstimatorEnsembleTrainer;
import org.ratiofit.ratio.training.param.EstimatorMethod;
import org.ratiofit.ratio.training.param.GammaLatentSimulator;
import org.ratiofit.ratio.training.param.ParamTrainingConfig;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.MinosError;

/**
 * The profile-likelihood 68% interval of k (lambda profiled) on 1000 events, from {@code ratiofit
 * fit ESTIMATOR.json --minos k} over a parametrised ALICES ensemble, against the same interval (same
 * MIGRAD, HESSE and MINOS) from the exact marginal likelihood of the simulator (quadrature, with its
 * exact score as the gradient). The estimator-likelihood file names a reference sample simulated at
 * θ1, so the likelihood is self-normalised (−Σ ln r̄ + n ln Ẑ(θ)); the plain −Σ ln r̄ is fitted too
 * and printed for comparison. The events and the ensemble's settings are those of ratio-models'
 * ProfileIntervalSlowTest, trained to the end of the learning-rate schedule (patience = epochs).
 * System properties: {@code ratiofit.profile.events} (training events, default 10^5),
 * {@code ratiofit.profile.members} (5), {@code ratiofit.profile.epochs} (50),
 * {@code ratiofit.profile.reference} (reference events, 5·10^5), {@code ratiofit.profile.referenceSeed} (33).
 * Measured (2026-12-04): k̂ and the ends +0.01, +0.02, +0.01 σ off with reference seed 33 and −0.10,
 * −0.08, −0.10 σ with seed 34 (the estimator itself, exactly normalised: −0.06, −0.04, −0.06 σ, see
 * ratio-models' ProfileIntervalSlowTest): the Monte Carlo error of Ẑ on 5·10^5 reference events
 * is about ±0.05 σ (with -Dratiofit.profile.reference=2000000, seed 34: −0.06, −0.04, −0.06 σ;
 * since the reference pass streams its first layer this runs in the default 3 GB heap, ~10 min). The assertion at the default 5·10^5 is therefore 0.15 σ (the goal is 0.1 σ); measured figures
 * in the root README ("Fits over θ"). Slow: 4-8 minutes on 2 shared cores, 3 GB heap.
 */
@Tag("slow")
class EstimatorProfileIntervalSlowTest {
    static final GammaLatentSimulator SIM = new GammaLatentSimulator();
    static final double[] LO = {1.5, 0.7}, HI = {3.0, 1.4}, TH1 = {2.0, 1.0}, TRUE = {2.25, 1.05};

    @Test
    void estimatorIntervalAgainstTheExactOne(@TempDir Path dir) throws Exception {
        int n = Integer.getInteger("ratiofit.profile.events", 100000);
        int members = Integer.getInteger("ratiofit.profile.members", 5);
        int epochs = Integer.getInteger("ratiofit.profile.epochs", 50);
        int nRef = Integer.getInteger("ratiofit.profile.reference", 500000);
        long t0 = System.nanoTime();
        AugmentedData data = SIM.ratioTrainingData(n, LO, HI, TH1, new SplittableRandom(31));
        ParamTrainingConfig c = ParamTrainingConfig.defaults(EstimatorMethod.ALICES)
                .withNetwork(List.of(64, 64), TrainingConfig.Activation.SWISH)
                .withOptimizer(ParamTrainingConfig.Optimizer.ADAM, 1e-3, 1e-4).withEpochs(epochs, 256, epochs).withQuiet(true);
        EstimatorEnsembleTrainer.trainAndExport(data, c, members, TH1, dir.resolve("alices"), "alices");
        double trainSeconds = (System.nanoTime() - t0) * 1e-9;
        double[][] x = SIM.sampleFeatures(1000, TRUE, new SplittableRandom(32));
        StringBuilder csv = new StringBuilder("x1,x2\n");
        for (int i = 0; i < x[0].length; i++) csv.append(x[0][i]).append(',').append(x[1][i]).append('\n');
        Files.writeString(dir.resolve("observed.csv"), csv);
        double[][] ref = SIM.sampleFeatures(nRef, TH1, new SplittableRandom(Long.getLong("ratiofit.profile.referenceSeed", 33)));
        StringBuilder rcsv = new StringBuilder("x1,x2\n");
        for (int i = 0; i < ref[0].length; i++) rcsv.append(ref[0][i]).append(',').append(ref[1][i]).append('\n');
        Files.writeString(dir.resolve("reference.csv"), rcsv);
        String plainSpec = """
                {"format": "ratiofit-estimator-likelihood", "version": 1, "estimator": "alices",
                 "events": {"file": "observed.csv"},
                 "parameters": [{"name": "k", "start": 2.2, "lower": 1.5, "upper": 3.0},
                                {"name": "lambda", "start": 1.0, "lower": 0.7, "upper": 1.4}]}
                """;
        Files.writeString(dir.resolve("plain.json"), plainSpec);
        Files.writeString(dir.resolve("theta.json"), plainSpec.replace("\"events\": {\"file\": \"observed.csv\"},",
                "\"events\": {\"file\": \"observed.csv\"}, \"reference\": {\"file\": \"reference.csv\"},"));
        long t1 = System.nanoTime();
        String[] r = EstimatorLikelihoodCommandTest.run("fit", dir.resolve("theta.json").toString(), "--minos", "k", "--json");
        double fitSeconds = (System.nanoTime() - t1) * 1e-9;
        assertEquals("0", r[0], r[1] + r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1]);
        assertTrue(j.get("estimator").get("selfNormalised").asBoolean());
        double kHat = j.get("fit").get("values").get(0).asDouble();
        double lo = kHat + j.get("minos").get(0).get("lower").asDouble(), hi = kHat + j.get("minos").get(0).get("upper").asDouble();
        String[] rp = EstimatorLikelihoodCommandTest.run("fit", dir.resolve("plain.json").toString(), "--minos", "k", "--json");
        assertEquals("0", rp[0], rp[1] + rp[2]);
        JsonNode jp = new ObjectMapper().readTree(rp[1]);
        double pHat = jp.get("fit").get("values").get(0).asDouble();
        double pLo = pHat + jp.get("minos").get(0).get("lower").asDouble(), pHi = pHat + jp.get("minos").get(0).get("upper").asDouble();
        JsonNode memberFits = j.get("estimator").get("memberFits");

        // the exact likelihood through the same fit steps
        Objective exact = new Objective() {
            final List<ParameterSpec> specs = List.of(ParameterSpec.bounded("k", 2.2, 0.075, 1.5, 3.0),
                    ParameterSpec.bounded("lambda", 1.0, 0.035, 0.7, 1.4));

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
            public double value(double[] t) {
                return valueAndGradient(t, new double[2]);
            }

            @Override
            public double valueAndGradient(double[] t, double[] g) {
                double[][] per = new double[x[0].length][3];
                IntStream.range(0, x[0].length).parallel().forEach(e -> {
                    double[] s = new double[2];
                    per[e][0] = SIM.logMarginal(x[0][e], x[1][e], t, s);
                    per[e][1] = s[0];
                    per[e][2] = s[1];
                });
                double v = 0;
                g[0] = g[1] = 0;
                for (double[] p : per) {
                    v -= p[0];
                    g[0] -= p[1];
                    g[1] -= p[2];
                }
                return v;
            }
        };
        Migrad migrad = MinimiserOptions.defaults();
        FitResult best = FitCommand.fit(exact, new FitLog(migrad), 1).hesse();
        MinosError me = FitCommand.minos(exact, migrad, best, List.of("k"), ConfidenceLevel.sigma(1), false).get(0);
        double eHat = best.values()[0], eLo = eHat + me.lower(), eHi = eHat + me.upper();
        double sigma = 0.5 * (eHi - eLo);
        System.out.printf(Locale.ROOT, "training: %d members, %d epochs, on %d events in %.0f s; self-normalised fit + MINOS on %d reference events in %.0f s%n",
                members, epochs, n, trainSeconds, nRef, fitSeconds);
        System.out.printf(Locale.ROOT, "exact: k = %.4f, 68%% [%.4f, %.4f]; sigma = %.4f%n", eHat, eLo, eHi, sigma);
        System.out.printf(Locale.ROOT, "self-normalised ALICES ensemble (CLI): k = %.4f, [%.4f, %.4f]; off (sigma) %.3f, %.3f, %.3f; width ratio %.3f%n",
                kHat, lo, hi, (kHat - eHat) / sigma, (lo - eLo) / sigma, (hi - eHi) / sigma, (hi - lo) / (eHi - eLo));
        System.out.printf(Locale.ROOT, "plain -sum ln r (no reference): k = %.4f, [%.4f, %.4f]; off (sigma) %.3f, %.3f, %.3f; width ratio %.3f%n",
                pHat, pLo, pHi, (pHat - eHat) / sigma, (pLo - eLo) / sigma, (pHi - eHi) / sigma, (pHi - pLo) / (eHi - eLo));
        for (JsonNode m : memberFits) {
            System.out.printf(Locale.ROOT, "member %s alone: k = %.4f (%.3f sigma from exact)%n", m.get("member").asText(),
                    m.get("values").get(0).asDouble(), (m.get("values").get(0).asDouble() - eHat) / sigma);
        }
        System.out.printf(Locale.ROOT, "member spread of k: %.4f = %.3f sigma%n", j.get("estimator").get("memberSpread").get(0).asDouble(),
                j.get("estimator").get("memberSpread").get(0).asDouble() / sigma);
        assertTrue(me.valid());
        assertEquals(eHat, kHat, 0.15 * sigma, "best fit");
        assertEquals(eLo, lo, 0.15 * sigma, "lower end");
        assertEquals(eHi, hi, 0.15 * sigma, "upper end");
    }
}
