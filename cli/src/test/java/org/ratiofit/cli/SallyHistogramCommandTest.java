package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.score.PolynomialReweighting;
import org.ratiofit.likelihood.score.ScoreHistogramLikelihood;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.workspace.nre.SallyHistogramFile;
import org.ratiofit.workspace.score.SallyHistogram;

/**
 * {@code fit}, {@code scan} and {@code sample} over an estimator-likelihood file of kind {@code sally_histogram}:
 * a SALLY network with affine score t̂(x) = x, a reference sample with exact morphing weights of the
 * mixture p(x|k, λ) = [(1−k) φ(x1) + k φ(x1−1)] [(1−λ) φ(x2) + λ φ(x2−1)] (a polynomial in θ), and
 * events at (k, λ) = (0.3, 0.7). The command line's fit equals a direct Java fit of the same
 * likelihood, lands within 3σ of the truth, and bad input names the file, field and value.
 */
class SallyHistogramCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final double[] REF = {0.5, 0.5}, TRUE = {0.3, 0.7};
    static final double[] GRID = {0.05, 0.1625, 0.275, 0.3875, 0.5, 0.6125, 0.725, 0.8375, 0.95};

    @TempDir
    static Path dir;
    static double[][] obs, refX, coeff;

    static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = RatiofitCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    static double phi(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    static double[][] draw(double[] theta, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = new double[2][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) x[j][i] = rng.nextGaussian() + (rng.nextDouble() < theta[j] ? 1 : 0);
        }
        return x;
    }

    @BeforeAll
    static void write() throws Exception {
        OnnxMlpWriter.write(dir.resolve("sally.onnx"), "x", "t", List.of(new Layer(new double[][] {{1, 0}, {0, 1}}, new double[] {0, 0}, Activation.IDENTITY)));
        Sidecars.write(ModelSidecar.binary("sally", "sally.onnx", "x", List.of("x1", "x2"), OutputConvention.LOCAL_SCORE, null, null)
                .withParameters(List.of("k", "lambda"), null), dir.resolve("sally.json"));
        OnnxMlpWriter.write(dir.resolve("plain.onnx"), "x", "r", List.of(new Layer(new double[][] {{1, 0}}, new double[] {0}, Activation.IDENTITY)));
        Sidecars.write(ModelSidecar.binary("plain", "plain.onnx", "x", List.of("x1", "x2"), OutputConvention.LOG_RATIO, null, null), dir.resolve("plain.json"));
        obs = draw(TRUE, 3000, 1);
        refX = draw(REF, 20000, 2);
        int n = refX[0].length;
        coeff = new double[4][n]; // W = a1 a2 + b1 a2 k + a1 b2 λ + b1 b2 k λ
        StringBuilder ref = new StringBuilder("x1,x2,w0,w1,w2,w3");
        for (int a = 0; a < GRID.length; a++) for (int b = 0; b < GRID.length; b++) ref.append(",g").append(a).append('_').append(b);
        ref.append('\n');
        for (int i = 0; i < n; i++) {
            double a1 = phi(refX[0][i]), b1 = phi(refX[0][i] - 1) - a1, a2 = phi(refX[1][i]), b2 = phi(refX[1][i] - 1) - a2;
            coeff[0][i] = a1 * a2;
            coeff[1][i] = b1 * a2;
            coeff[2][i] = a1 * b2;
            coeff[3][i] = b1 * b2;
            ref.append(refX[0][i]).append(',').append(refX[1][i]);
            for (int c = 0; c < 4; c++) ref.append(',').append(coeff[c][i]);
            double w0 = (a1 + REF[0] * b1) * (a2 + REF[1] * b2);
            for (double k : GRID) for (double l : GRID) ref.append(',').append(Math.log((a1 + k * b1) * (a2 + l * b2) / w0));
            ref.append('\n');
        }
        Files.writeString(dir.resolve("ref.csv"), ref);
        StringBuilder o = new StringBuilder("a,b\n");
        for (int i = 0; i < obs[0].length; i++) o.append(obs[0][i]).append(',').append(obs[1][i]).append('\n');
        Files.writeString(dir.resolve("obs.csv"), o);
        Files.writeString(dir.resolve("sally2d.json"), spec("sally.json", "null", "[6, 6]"));
        Files.writeString(dir.resolve("sallino.json"), spec("sally.json", "{\"k\": 1, \"lambda\": 0}", "[15]"));
        StringBuilder cols = new StringBuilder();
        for (int a = 0; a < GRID.length; a++) for (int b = 0; b < GRID.length; b++) cols.append(cols.length() == 0 ? "" : ", ").append("\"g").append(a).append('_').append(b).append('"');
        String knots = java.util.Arrays.toString(GRID);
        String sallino = spec("sally.json", "{\"k\": 1, \"lambda\": 0}", "[15]");
        int from = sallino.indexOf("\"theta_ref\""), to = sallino.indexOf("]},", from) + 3;
        Files.writeString(dir.resolve("grid.json"), sallino.substring(0, from) + "\"log_ratio_grid\": {\"knots\": {\"k\": " + knots + ", \"lambda\": " + knots
                + "}, \"columns\": [" + cols + "]}}," + sallino.substring(to));
    }

    static String spec(String estimator, String projection, String bins) {
        return "{\"format\": \"ratiofit-estimator-likelihood\", \"version\": 1, \"kind\": \"sally_histogram\", \"estimator\": \"" + estimator + "\",\n"
                + " \"events\": {\"file\": \"obs.csv\", \"features\": [\"a\", \"b\"]},\n"
                + " \"reference\": {\"file\": \"ref.csv\", \"theta_ref\": {\"k\": 0.5, \"lambda\": 0.5}, \"morphing\": [\n"
                + "   {\"column\": \"w0\", \"powers\": {}}, {\"column\": \"w1\", \"powers\": {\"k\": 1}},\n"
                + "   {\"column\": \"w2\", \"powers\": {\"lambda\": 1}}, {\"column\": \"w3\", \"powers\": {\"k\": 1, \"lambda\": 1}}]},\n"
                + " \"histogram\": {\"projection\": " + projection + ", \"bins\": " + bins + "},\n"
                + " \"parameters\": [{\"name\": \"k\", \"start\": 0.5, \"lower\": 0.05, \"upper\": 0.95, \"step\": 0.02},\n"
                + "                {\"name\": \"lambda\", \"start\": 0.5, \"lower\": 0.05, \"upper\": 0.95, \"step\": 0.02}],\n"
                + " \"parameter_of_interest\": \"k\"}\n";
    }

    static List<ParameterSpec> params() {
        return List.of(ParameterSpec.bounded("k", 0.5, 0.02, 0.05, 0.95), ParameterSpec.bounded("lambda", 0.5, 0.02, 0.05, 0.95));
    }

    @Test
    void commandLineFitEqualsTheJavaFitAndFindsTheTruth() throws Exception {
        String[] r = run("fit", dir.resolve("sally2d.json").toString(), "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode fit = JSON.readTree(r[1]).get("fit");
        JsonNode sh = JSON.readTree(r[1]).get("scoreHistogram");
        assertEquals(36, sh.get("cells").asInt());
        assertEquals(20000, sh.get("referenceEvents").asInt());
        assertEquals(3000, sh.get("observedEvents").asDouble(), 0.0);
        try (RatioModel m = RatioModel.load(dir.resolve("sally.json"))) {
            PolynomialReweighting rw = PolynomialReweighting.of(List.of("k", "lambda"), new int[][] {{0, 0}, {1, 0}, {0, 1}, {1, 1}}, coeff, REF);
            ScoreHistogramLikelihood lik = SallyHistogram.likelihood(List.of(m), null, refX, rw, obs, null, null, new int[] {6, 6}, params(), Double.NaN);
            FitResult mig = Migrad.builder().strategy(1).tolerance(0.01).build().minimise(lik);
            FitResult h = Hesse.compute(lik, mig, 1, true);
            assertTrue(h.status().validMinimum());
            assertEquals(h.minimumValue(), fit.get("minimumValue").asDouble(), 1e-9 * Math.abs(h.minimumValue()));
            for (int k = 0; k < 2; k++) {
                assertEquals(h.values()[k], fit.get("values").get(k).asDouble(), 1e-9, "value " + k);
                assertEquals(h.errors()[k], fit.get("errors").get(k).asDouble(), 1e-9, "HESSE error " + k);
                assertEquals(TRUE[k], h.values()[k], 3 * h.errors()[k], "truth " + k);
            }
            System.out.printf("SALLY 6x6 command-line fit on 3000 events at (0.3, 0.7): k = %.4f ± %.4f, lambda = %.4f ± %.4f%n",
                    h.values()[0], h.errors()[0], h.values()[1], h.errors()[1]);
            // NUTS on the same likelihood: the posterior mean of k within 3 HESSE errors of the fit
            String[] n = run("sample", dir.resolve("sally2d.json").toString(), "--chains", "2", "--warmup", "150", "--draws", "150", "--json");
            assertTrue(n[0].equals("0") || n[0].equals("3"), n[2]);
            JsonNode k = JSON.readTree(n[1]).get("summary").findValue("parameters").get(0);
            assertEquals(h.values()[0], k.get("mean").asDouble(), 3 * h.errors()[0], k.toString());
        }
    }

    @Test
    void sallinoScanAndGradient() throws Exception {
        String[] r = run("fit", dir.resolve("sallino.json").toString(), "--eval", "--set", "k=0.4,lambda=0.6", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode ev = JSON.readTree(r[1]).get("evaluation");
        SallyHistogramFile lik = SallyHistogramFile.load(dir.resolve("sallino.json"));
        double[] p = {0.4, 0.6};
        assertEquals(lik.value(p), ev.get("nll").asDouble(), 0.0);
        for (int k = 0; k < 2; k++) {
            double h = 1e-6;
            double[] up = p.clone(), dn = p.clone();
            up[k] += h;
            dn[k] -= h;
            double fd = (lik.value(up) - lik.value(dn)) / (2 * h);
            assertEquals(fd, ev.get("parameters").get(k).get("gradient").asDouble(), 1e-5 * (1 + Math.abs(fd)));
        }
        r = run("scan", dir.resolve("sallino.json").toString(), "--points", "9", "--range", "0.1:0.6", "--fix", "lambda=0.7", "--json");
        assertEquals("0", r[0], r[2]);
    }

    /** The same SALLINO fit with the joint log-ratios tabulated on a 9×9 grid instead of morphing: the same interval to 0.05σ. */
    @Test
    void tabulatedLogRatiosGiveTheMorphingFit() throws Exception {
        String[] a = run("fit", dir.resolve("sallino.json").toString(), "--fix", "lambda=0.7", "--json");
        String[] b = run("fit", dir.resolve("grid.json").toString(), "--fix", "lambda=0.7", "--json");
        assertEquals("0", a[0], a[2]);
        assertEquals("0", b[0], b[2]);
        JsonNode fa = JSON.readTree(a[1]).get("fit"), fb = JSON.readTree(b[1]).get("fit");
        double sigma = fa.get("errors").get(0).asDouble();
        System.out.printf("SALLINO k, lambda fixed: morphing %.5f ± %.5f, 9x9 log-ratio grid %.5f ± %.5f%n", fa.get("values").get(0).asDouble(), sigma,
                fb.get("values").get(0).asDouble(), fb.get("errors").get(0).asDouble());
        assertEquals(fa.get("values").get(0).asDouble(), fb.get("values").get(0).asDouble(), 0.05 * sigma);
        assertEquals(sigma, fb.get("errors").get(0).asDouble(), 0.05 * sigma);
    }

    @Test
    void badInputNamesTheFileFieldAndValue() throws Exception {
        String good = spec("sally.json", "{\"k\": 1, \"lambda\": 0}", "[15]");
        assertError(good.replace("\"sally_histogram\"", "\"sallyy\""), "kind.json", "field 'kind'", "sallyy");
        assertError(good.replace("\"sally.json\"", "\"plain.json\""), "plain.json.json", "is not a SALLY estimator", "plain");
        assertError(good.replace("\"w3\"", "\"w9\""), "col.json", "reference.morphing[3].column", "'w9'");
        assertError(good.replace("[15]", "[15, 3]"), "bins.json", "histogram.bins", "SALLINO");
        assertError(good.replace("{\"k\": 1}", "{\"kk\": 1}"), "pow.json", "reference.morphing[1].powers", "'kk'");
        assertError(good.replace("\"lambda\": 0.5}, \"morphing\"", "\"lambda\": \"x\"}, \"morphing\""), "ref.json", "reference.theta_ref.lambda");
        assertError(good.replace("\"morphing\"", "\"morphingg\""), "neither.json", "unknown field 'reference.morphingg'");
        String grid = Files.readString(dir.resolve("grid.json"));
        assertError(grid.replace(", \"g8_8\"", ""), "gridcols.json", "reference.log_ratio_grid.columns", "81 points");
        assertError(grid.replace("\"log_ratio_grid\": {", "\"morphing\": [], \"log_ratio_grid\": {"), "both.json", "exactly one of", "both");
    }

    private static void assertError(String content, String name, String... parts) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        String[] r = run("fit", f.toString());
        assertEquals("1", r[0], r[1] + r[2]);
        assertTrue(r[2].contains(f.toString()), r[2]);
        for (String p : parts) assertTrue(r[2].contains(p), "'" + p + "' not in: " + r[2]);
    }

    /**
     * A SALLY ensemble of three members with different affine scores (member 0 is the exact t = x of
     * {@code sally.json}): {@code fit} fits each member alone and reports the members' spread beside
     * HESSE's error; member 0 alone is the one-member file's fit.
     */
    @Test
    void fitReportsTheMembersSpreadOfASallyEnsemble() throws Exception {
        Path ens = Files.createDirectories(dir.resolve("sallyens"));
        double[][][] a = {{{1, 0}, {0, 1}}, {{1.1, 0}, {0, 0.9}}, {{0.9, 0.1}, {0, 1}}};
        List<String> sidecars = new java.util.ArrayList<>();
        for (int m = 0; m < a.length; m++) {
            OnnxMlpWriter.write(ens.resolve("s" + m + ".onnx"), "x", "t", List.of(new Layer(a[m], new double[] {0, 0}, Activation.IDENTITY)));
            Sidecars.write(ModelSidecar.binary("s" + m, "s" + m + ".onnx", "x", List.of("x1", "x2"), OutputConvention.LOCAL_SCORE, null, null)
                    .withParameters(List.of("k", "lambda"), null), ens.resolve("s" + m + ".json"));
            sidecars.add("s" + m + ".json");
        }
        org.ratiofit.ratio.Ensemble.writeManifest(org.ratiofit.ratio.EnsembleManifest.of("sallyens", sidecars,
                org.ratiofit.ratio.EnsembleManifest.Aggregation.MEAN_RATIO), ens.resolve(org.ratiofit.ratio.EnsembleManifest.FILE_NAME));
        Files.writeString(dir.resolve("sallino-ens.json"), spec("sallyens", "{\"k\": 1, \"lambda\": 0}", "[15]"));
        String[] r = run("fit", dir.resolve("sallino-ens.json").toString(), "--fix", "lambda=0.7", "--json");
        assertEquals("0", r[0], r[1] + r[2]);
        JsonNode j = JSON.readTree(r[1]);
        JsonNode sh = j.get("scoreHistogram");
        assertEquals(3, sh.get("memberFits").size());
        String[] one = run("fit", dir.resolve("sallino.json").toString(), "--fix", "lambda=0.7", "--json");
        assertEquals("0", one[0], one[1] + one[2]);
        JsonNode f1 = JSON.readTree(one[1]).get("fit");
        double err = j.get("fit").get("errors").get(0).asDouble();
        // member 0 alone is the one-member estimator (same scores, same edges, same data); the two fits start from
        // different points (the ensemble's minimum, the file's start), so they agree to MIGRAD's tolerance (3e-4 sigma seen)
        assertEquals(f1.get("values").get(0).asDouble(), sh.get("memberFits").get(0).get("values").get(0).asDouble(), 0.005 * err);
        double[] v = new double[3];
        for (int i = 0; i < 3; i++) v[i] = sh.get("memberFits").get(i).get("values").get(0).asDouble();
        double mean = (v[0] + v[1] + v[2]) / 3;
        double sd = Math.sqrt(((v[0] - mean) * (v[0] - mean) + (v[1] - mean) * (v[1] - mean) + (v[2] - mean) * (v[2] - mean)) / 2);
        assertEquals(sd, sh.get("memberSpread").get(0).asDouble(), 1e-12);
        assertTrue(sd > 0, "the members differ, so their fits do");
        assertEquals(sd / err, sh.get("spreadOverHesse").get(0).asDouble(), 1e-12);
        assertTrue(Double.isNaN(sh.get("spreadOverHesse").get(1).asDouble()) || sh.get("spreadOverHesse").get(1).isNull(), "lambda is fixed");
        // the table is printed
        String[] t = run("fit", dir.resolve("sallino-ens.json").toString(), "--fix", "lambda=0.7");
        assertTrue(t[1].contains("members fitted alone") && t[1].contains("spread / HESSE error"), t[1]);
    }
}
