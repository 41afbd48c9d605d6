package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.SumW2Covariance;

/**
 * The sum-of-weights-squared covariance against its closed form: one sample of yield mu * nu0 with
 * a fixed shape and weighted events: -ln L = mu nu0 - sum w_i ln(mu nu0 f_i), so mu-hat = W / nu0
 * (W = sum w), V = mu-hat^2 / W, H(w^2) = W2 / mu-hat^2 (W2 = sum w^2) and
 * C = V H(w^2) V = mu-hat^2 W2 / W^2. With unit weights C = V; without weights the model refuses.
 */
class SumW2CovarianceTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 6);
    }

    static Model model(double[] w, Random r) {
        int n = w == null ? 300 : w.length;
        double[] lr = new double[n];
        for (int i = 0; i < n; i++) {
            lr[i] = 0.3 * r.nextGaussian();
        }
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, 0, 100));
        ModelBuilder.UnbinnedBuilder u = b.unbinned("SR", n);
        if (w != null) {
            u.weights(w);
        }
        u.sample("S", 100, lr).normFactor("mu").end();
        u.end();
        return b.build();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void matchesTheClosedForm(long seed) {
        Random r = new Random(seed);
        int n = 200 + r.nextInt(300);
        double[] w = new double[n];
        double sw = 0;
        double sw2 = 0;
        for (int i = 0; i < n; i++) {
            w[i] = 0.2 + 2 * r.nextDouble();
            sw += w[i];
            sw2 += w[i] * w[i];
        }
        Model m = model(w, new Random(seed + 100));
        FitResult fit = Hesse.compute(m, Migrad.builder().tolerance(1e-4).build().minimise(m));
        double muHat = sw / 100;
        assertEquals(muHat, fit.values()[0], 1e-5 * muHat);
        assertEquals(muHat / Math.sqrt(sw), fit.errors()[0], 1e-4 * fit.errors()[0], "HESSE");
        double[][] c = SumW2Covariance.of(fit, m.withSquaredDataWeights());
        assertEquals(muHat * Math.sqrt(sw2) / sw, Math.sqrt(c[0][0]), 1e-4 * Math.sqrt(c[0][0]), "SumW2");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void unitWeightsGiveHesse(long seed) {
        double[] w = new double[300];
        java.util.Arrays.fill(w, 1);
        Model m = model(w, new Random(seed));
        FitResult fit = Hesse.compute(m, Migrad.builder().tolerance(1e-4).build().minimise(m));
        double[][] c = SumW2Covariance.of(fit, m.withSquaredDataWeights());
        assertEquals(fit.covariance()[0][0], c[0][0], 1e-5 * fit.covariance()[0][0]);
        assertThrows(IllegalArgumentException.class, () -> model(null, new Random(seed)).withSquaredDataWeights());
    }

    /** {@code fit --sumw2} on a written workspace of weighted events gives the closed form; unweighted data are refused. */
    @org.junit.jupiter.api.Test
    void fitCommandPrintsBothCovariances(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        Random r = new Random(7);
        double[] w = new double[400];
        double sw = 0;
        double sw2 = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.2 + 2 * r.nextDouble();
            sw += w[i];
            sw2 += w[i] * w[i];
        }
        java.nio.file.Path ws = tmp.resolve("weighted");
        org.ratiofit.likelihood.workspace.WorkspaceWriter.write(model(w, r), ws);
        ToyWorkspace.Run run = ToyWorkspace.run("fit", ws.toString(), "--sumw2", "--tolerance", "1e-4", "--json");
        assertEquals(0, run.code(), run::toString);
        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out());
        double muHat = sw / 100;
        assertEquals(muHat * Math.sqrt(sw2) / sw, j.get("sumW2").get("errors").get(0).asDouble(), 1e-4 * muHat * Math.sqrt(sw2) / sw);
        assertEquals(muHat / Math.sqrt(sw), j.get("fit").get("errors").get(0).asDouble(), 1e-4 * muHat / Math.sqrt(sw));
        ToyWorkspace.Run table = ToyWorkspace.run("fit", ws.toString(), "--sumw2");
        org.junit.jupiter.api.Assertions.assertTrue(table.out().contains("SumW2 error") && table.out().contains("the table above shows HESSE's"),
                table::toString);

        java.nio.file.Path plain = tmp.resolve("unweighted");
        org.ratiofit.likelihood.workspace.WorkspaceWriter.write(model(null, r), plain);
        ToyWorkspace.Run refused = ToyWorkspace.run("fit", plain.toString(), "--sumw2");
        assertEquals(2, refused.code(), refused::toString);
        org.junit.jupiter.api.Assertions.assertTrue(refused.err().contains("--sumw2: no unbinned channel has weighted data"), refused::toString);
    }
}
