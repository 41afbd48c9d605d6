package org.ratiofit.examples.nre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.samplers.nuts.NutsSettings;

/** The DDM example: the exact-likelihood posterior covers the truth; with a trained NRE (slow) the two posteriors agree. */
class DdmTest {

    @TempDir
    Path dir;

    @Test
    void exactWienerPosteriorCoversTheTruth() throws Exception {
        Ddm.Report r = Ddm.run(200, 3, NutsSettings.defaults().chains(2).warmup(300).samples(300).seed(5).quiet(true), null, dir);
        for (int j = 0; j < 4; j++) {
            double[] ms = r.exact().get(Ddm.PARAMS.get(j));
            // within 4 posterior sd (the Euler–Maruyama data put t about 2 sd high: late boundary detection)
            assertTrue(Math.abs(ms[0] - Ddm.TRUE[j]) < 4 * ms[1], Ddm.PARAMS.get(j) + ": " + ms[0] + " ± " + ms[1]);
            assertTrue(ms[1] > 0.005 && ms[1] < 0.5, Ddm.PARAMS.get(j) + " sd " + ms[1]);
        }
        assertTrue(Files.size(dir.resolve("ddm-v.png")) > 1000);
        assertTrue(Files.readString(dir.resolve("summary.json")).contains("\"formatVersion\" : 1"));
    }

    /**
     * The exact density of the Euler–Maruyama simulator (boundaries moved out by β√dt): its
     * gradient against central differences of its value (relative 1e-5), and at dt = 0 it is the
     * plain exact density.
     */
    @Test
    void simulatorLikelihoodGradientMatchesFiniteDifferences() {
        double[][] data = org.ratiofit.validation.ddm.DdmSimulator.tutorial().simulate(0.5, 1.5, 0.5, 0.3, 50, 8);
        double[] x = {0.6, 1.45, 0.47, 0.29}, g = new double[4], gp = new double[4];
        double ll = Ddm.simulatorLogLikelihood(data[0], data[1], 0.001, x, g);
        for (int j = 0; j < 4; j++) {
            double h = 1e-6, up, dn;
            double[] xp = x.clone(), xm = x.clone();
            xp[j] += h;
            xm[j] -= h;
            up = Ddm.simulatorLogLikelihood(data[0], data[1], 0.001, xp, gp);
            dn = Ddm.simulatorLogLikelihood(data[0], data[1], 0.001, xm, gp);
            assertEquals((up - dn) / (2 * h), g[j], 1e-5 * (1 + Math.abs(g[j])), Ddm.PARAMS.get(j));
        }
        double plain = 0;
        for (int i = 0; i < 50; i++) plain += org.ratiofit.validation.ddm.WienerFpt.logDensity(data[0][i], (int) data[1][i], x[0], x[1], x[2], x[3]);
        assertEquals(plain, Ddm.simulatorLogLikelihood(data[0], data[1], 0, x, gp), 1e-9 * Math.abs(plain));
        assertTrue(Math.abs(ll - plain) > 0.1, "the correction changes the likelihood");
    }

    /**
     * The SBC machinery with the exact likelihood on a few replicates: ranks in 0..L, one count per
     * replicate, the same histogram for 1 and 2 threads (each replicate seeded by its index), plots.
     */
    @Test
    void sbcRanksAreDeterministicForAnyThreadCount() throws Exception {
        DdmSbc.Result one = DdmSbc.run(6, 40, 19, 2, 150, 4, 9, 1, null, dir.resolve("t1"), true);
        DdmSbc.Result two = DdmSbc.run(6, 40, 19, 2, 150, 4, 9, 2, null, dir.resolve("t2"), true);
        assertEquals(4, one.ranks().size());
        for (int j = 0; j < 4; j++) {
            assertEquals(6, java.util.Arrays.stream(one.ranks().get(j).counts()).sum());
            assertTrue(java.util.Arrays.equals(one.ranks().get(j).counts(), two.ranks().get(j).counts()), Ddm.PARAMS.get(j));
        }
        assertEquals(0, one.failed());
        assertTrue(Files.size(dir.resolve("t1/sbc-v.png")) > 1000);
        assertTrue(Files.readString(dir.resolve("t1/sbc.json")).contains("\"likelihood\" : \"exact\""));
    }

    /** A prior draw lies within the simulator's bounds, and the prior's mean is near its centre. */
    @Test
    void priorDrawsStayInsideTheBox() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        double[] mean = new double[4];
        int n = 4000;
        for (int i = 0; i < n; i++) {
            double[] th = DdmSbc.priorDraw(rng);
            for (int j = 0; j < 4; j++) {
                assertTrue(th[j] > org.ratiofit.validation.ddm.DdmSimulator.LOWER[j] && th[j] < org.ratiofit.validation.ddm.DdmSimulator.UPPER[j]);
                mean[j] += th[j] / n;
            }
        }
        // v ~ N(0.5, 1), a ~ N(1.5, 0.5), z ~ N(0.5, 0.1) barely truncated: means near the centres; t ~ N(0.3, 0.2) cut at 0 moves up
        assertEquals(0.5, mean[0], 0.06);
        assertEquals(1.5, mean[1], 0.03);
        assertEquals(0.5, mean[2], 0.01);
        assertTrue(mean[3] > 0.3 && mean[3] < 0.4, "t mean " + mean[3]);
    }

    /**
     * Trains a DDM NRE on the bridge-corrected simulator (fewer simulations than the committed model) and compares its NUTS
     * posterior with the exact one: means within 0.5 posterior sd, sds within 35%.
     */
    /**
     * The shipped NRE's draws checked against its training box: NUTS's bounds are that box, so
     * every draw is inside (the count is of all pooled draws), and summary.json carries the counts.
     */
    @Test
    void shippedNreDrawsAreCheckedAgainstTheTrainingBox() throws Exception {
        java.nio.file.Path model = java.nio.file.Path.of("models/ddm/ddm-nre.json");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(model), "the shipped DDM model");
        Ddm.Report r = Ddm.run(200, 3, NutsSettings.defaults().chains(2).warmup(150).samples(100).seed(5).quiet(true), model, dir);
        assertEquals(Ddm.PARAMS, r.nreExtrapolation().stream().map(e -> e.parameter()).toList());
        for (var e : r.nreExtrapolation()) {
            assertEquals(200, e.draws(), e.toString());
            assertEquals(0, e.outside(), e.toString());
        }
        String json = java.nio.file.Files.readString(dir.resolve("summary.json"));
        assertTrue(json.contains("\"nreExtrapolation\"") && json.contains("\"outside\""), json);
    }

    /**
     * The report page: the posterior table with the run's own numbers, the timings, the marginal
     * plots, the six pair-plot panels (files beside the page) and the SBC section with its table
     * and rank plots when --sbc asks for it.
     */
    @Test
    void reportPageShowsTablesPairPlotAndSbc() throws Exception {
        java.nio.file.Path model = java.nio.file.Path.of("models/ddm/ddm-nre.json");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(model), "the shipped DDM model");
        Ddm.Report r = Ddm.run(200, 3, NutsSettings.defaults().chains(2).warmup(150).samples(100).seed(5).quiet(true), model,
                org.ratiofit.ratio.BatchedThetaGradient.Precision.FLOAT32, dir, false, 4);
        String html = java.nio.file.Files.readString(dir.resolve("index.html"));
        assertTrue(html.contains("Posterior summaries") && html.contains("Timings") && html.contains("Pair plot"), html);
        // the table holds this run's numbers, not a Java record's toString
        assertTrue(html.contains(org.ratiofit.validation.report.RunReport.format(r.rows().get(1).nreMean())), html);
        assertTrue(!html.contains("Row[") && !html.contains("Report["), html);
        int panels = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = i + 1; j < 4; j++) {
                String name = "ddm-pair-" + Ddm.PARAMS.get(i) + "-" + Ddm.PARAMS.get(j) + ".png";
                assertTrue(java.nio.file.Files.size(dir.resolve(name)) > 1000, name);
                assertTrue(html.contains(name), name);
                panels++;
            }
        }
        assertEquals(6, panels);
        for (String n : Ddm.PARAMS) {
            assertTrue(html.contains("sbc-" + n + ".png") && java.nio.file.Files.exists(dir.resolve("sbc-" + n + ".png")), n);
        }
        assertTrue(html.contains("4 replicates"), html);
    }

    @Test
    void pairPlotThinsToAtMostItsPointCount() {
        for (int n : new int[] {1, 999, 1000, 1001, 4000, 4001}) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) x[i] = i;
            double[] y = DdmReport.every(x);
            assertTrue(y.length <= DdmReport.PAIR_POINTS && y.length >= Math.min(n, DdmReport.PAIR_POINTS / 2), n + " -> " + y.length);
            assertEquals(0.0, y[0]);
        }
    }

    @Test
    @Tag("slow")
    void trainedNreAgreesWithTheExactPosterior() {
        ContrastiveNre.Result t = DdmTraining.train(300_000, 40, 19, java.util.List.of(64, 64, 64), dir, true);
        Ddm.Report r = Ddm.run(200, 3, NutsSettings.defaults().chains(4).warmup(500).samples(500).seed(5).quiet(true), t.sidecar(), dir);
        assertEquals(4, r.rows().size());
        for (Ddm.Row row : r.rows()) {
            assertTrue(Math.abs(row.shiftInSd()) < 0.5, row.toString());
            assertTrue(Math.abs(row.sdRatio() - 1) < 0.35, row.toString());
        }
    }
}
