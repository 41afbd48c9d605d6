package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.BatchedThetaGradient;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.param.AugmentedData;
import org.ratiofit.ratio.training.param.EstimatorEnsembleTrainer;
import org.ratiofit.ratio.training.param.EstimatorMethod;
import org.ratiofit.ratio.training.param.GammaLatentSimulator;
import org.ratiofit.ratio.training.param.ParamTrainingConfig;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.workspace.nre.EstimatorLikelihood;
import org.ratiofit.workspace.nre.RatioLikelihood;

/**
 * {@code fit}, {@code scan} and {@code sample} over the θ = (k, lambda) of a small parametrised
 * ALICES ensemble on the latent-variable simulator, named by an estimator-likelihood file: the
 * command line's minimum and HESSE errors equal a direct Java {@link RatioLikelihood} fit of the
 * same member and events, the gradient it uses equals finite differences, the 1-D scan's interval
 * agrees with MINOS, and bad input names the file, field and value.
 */
class EstimatorLikelihoodCommandTest {
    static final GammaLatentSimulator SIM = new GammaLatentSimulator();
    static final double[] LO = {1.5, 0.7}, HI = {3.0, 1.4}, TH1 = {2.0, 1.0}, TRUE = {2.25, 1.05};
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static double[][] x;

    static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = RatiofitCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @BeforeAll
    static void trainAndWrite() throws Exception {
        AugmentedData data = SIM.ratioTrainingData(8000, LO, HI, TH1, new SplittableRandom(11));
        ParamTrainingConfig c = ParamTrainingConfig.defaults(EstimatorMethod.ALICES)
                .withNetwork(List.of(32, 32), TrainingConfig.Activation.SWISH).withEpochs(20, 128, 20).withQuiet(true);
        EstimatorEnsembleTrainer.trainAndExport(data, c, 3, TH1, dir.resolve("alices"), "alices");
        x = SIM.sampleFeatures(1000, TRUE, new SplittableRandom(12));
        StringBuilder csv = new StringBuilder("obs_x1,obs_x2,other\n");
        for (int i = 0; i < x[0].length; i++) {
            csv.append(x[0][i]).append(',').append(x[1][i]).append(",0\n");
        }
        Files.writeString(dir.resolve("obs.csv"), csv);
        Files.writeString(dir.resolve("one.json"), spec("alices/alices-0.json", "[\"obs_x1\", \"obs_x2\"]", "k", 2.2, 1.0));
        Files.writeString(dir.resolve("ensemble.json"), spec("alices", "[\"obs_x1\", \"obs_x2\"]", "k", 2.2, 1.0));
    }

    static String spec(String estimator, String features, String kName, double kStart, double lStart) {
        return "{\"format\": \"ratiofit-estimator-likelihood\", \"version\": 1, \"estimator\": \"" + estimator + "\",\n"
                + " \"events\": {\"file\": \"obs.csv\", \"features\": " + features + "},\n"
                + " \"parameters\": [{\"name\": \"" + kName + "\", \"start\": " + kStart + ", \"lower\": 1.5, \"upper\": 3.0, \"step\": 0.075},\n"
                + "                {\"name\": \"lambda\", \"start\": " + lStart + ", \"lower\": 0.7, \"upper\": 1.4, \"step\": 0.035}],\n"
                + " \"parameter_of_interest\": \"k\"}\n";
    }

    @Test
    void commandLineFitEqualsTheJavaRatioLikelihoodFit() throws Exception {
        String[] r = run("fit", dir.resolve("one.json").toString(), "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode fit = JSON.readTree(r[1]).get("fit");

        try (RatioModel model = RatioModel.load(dir.resolve("alices/alices-0.json"))) {
            RatioLikelihood lik = RatioLikelihood.iid(model, x, null, List.of(ParameterSpec.bounded("k", 2.2, 0.075, 1.5, 3.0),
                    ParameterSpec.bounded("lambda", 1.0, 0.035, 0.7, 1.4)));
            FitResult m = Migrad.builder().strategy(1).tolerance(0.01).build().minimise(lik);
            FitResult h = Hesse.compute(lik, m, 1, true);
            assertTrue(h.status().validMinimum());
            // the same objective, minimiser and settings: the same numbers to the last bit
            assertEquals(h.minimumValue(), fit.get("minimumValue").asDouble(), 0.0);
            for (int k = 0; k < 2; k++) {
                assertEquals(h.values()[k], fit.get("values").get(k).asDouble(), 0.0, "value " + k);
                assertEquals(h.errors()[k], fit.get("errors").get(k).asDouble(), 0.0, "HESSE error " + k);
            }
            // the ensemble's member 0 fitted alone is the same fit
            String[] e = run("fit", dir.resolve("ensemble.json").toString(), "--json");
            assertEquals("0", e[0], e[2]);
            JsonNode est = JSON.readTree(e[1]).get("estimator");
            assertEquals(3, est.get("memberFits").size());
            assertEquals(h.values()[0], est.get("memberFits").get(0).get("values").get(0).asDouble(), 1e-4 * h.errors()[0]);
            // the spread is the members' sample sd
            double[] v = new double[3];
            for (int i = 0; i < 3; i++) v[i] = est.get("memberFits").get(i).get("values").get(0).asDouble();
            double mean = (v[0] + v[1] + v[2]) / 3;
            double sd = Math.sqrt(((v[0] - mean) * (v[0] - mean) + (v[1] - mean) * (v[1] - mean) + (v[2] - mean) * (v[2] - mean)) / 2);
            assertEquals(sd, est.get("memberSpread").get(0).asDouble(), 1e-12);
            assertTrue(est.get("exactGradient").asBoolean());
        }
    }

    @Test
    void aReferenceSampleSelfNormalisesTheLikelihood() throws Exception {
        double[][] ref = SIM.sampleFeatures(3000, TH1, new SplittableRandom(13));
        StringBuilder csv = new StringBuilder("obs_x1,obs_x2\n");
        for (int i = 0; i < ref[0].length; i++) csv.append(ref[0][i]).append(',').append(ref[1][i]).append('\n');
        Files.writeString(dir.resolve("ref.csv"), csv);
        String plain = spec("alices", "[\"obs_x1\", \"obs_x2\"]", "k", 2.2, 1.0);
        String norm = plain.replace(" \"parameters\"", " \"reference\": {\"file\": \"ref.csv\", \"features\": [\"obs_x1\", \"obs_x2\"]},\n \"parameters\"");
        Files.writeString(dir.resolve("normalised.json"), norm);
        String[] r = run("fit", dir.resolve("normalised.json").toString(), "--eval", "--set", "k=2.4,lambda=0.9", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode ev = JSON.readTree(r[1]).get("evaluation");
        double[] p = {2.4, 0.9};
        try (EstimatorLikelihood a = EstimatorLikelihood.load(dir.resolve("ensemble.json"), BatchedThetaGradient.Precision.FLOAT64);
                EstimatorLikelihood b = EstimatorLikelihood.load(dir.resolve("normalised.json"), BatchedThetaGradient.Precision.FLOAT64)) {
            assertTrue(b.likelihood().selfNormalised() && !a.likelihood().selfNormalised());
            assertEquals(3000, b.likelihood().referenceEvents());
            // −Σ ln r̄ + n ln(mean over the reference of r̄), the members' ln r̂ from the double-precision graph evaluator
            double[][] lr = new double[3][];
            for (int m = 0; m < 3; m++) lr[m] = a.likelihood().members().get(m).logRatioGradient(ref, p).logRatio();
            double z = 0;
            for (int i = 0; i < ref[0].length; i++) z += (Math.exp(lr[0][i]) + Math.exp(lr[1][i]) + Math.exp(lr[2][i])) / 3 / ref[0].length;
            double want = a.value(p) + x[0].length * Math.log(z);
            assertEquals(want, ev.get("nll").asDouble(), 1e-9 * Math.abs(want));
            assertEquals(b.value(p), ev.get("nll").asDouble(), 0.0);
        }
        r = run("fit", dir.resolve("normalised.json").toString(), "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode est = JSON.readTree(r[1]).get("estimator");
        assertTrue(est.get("selfNormalised").asBoolean());
        assertEquals(3000, est.get("referenceEvents").asInt());
        // the fit's text says when the likelihood is not self-normalised, and only then
        Files.writeString(dir.resolve("plain.json"), plain);
        r = run("fit", dir.resolve("plain.json").toString());
        assertEquals("0", r[0], r[2]);
        assertTrue((r[1] + r[2]).contains("warning: not self-normalised") && (r[1] + r[2]).contains("'reference' in plain.json"), r[1] + r[2]);
        r = run("fit", dir.resolve("normalised.json").toString());
        assertEquals("0", r[0], r[2]);
        assertFalse((r[1] + r[2]).contains("not self-normalised"), r[1] + r[2]);
        // bad reference input names the file and the field
        assertError(norm.replace("ref.csv\", \"features\": [\"obs_x1\", \"obs_x2\"]", "ref.csv\", \"features\": [\"obs_x1\", \"x3\"]"), "bad-ref-column.json", "reference.features[1]", "'x3'", "ref.csv");
        assertError(norm.replace("\"ref.csv\"", "\"nope.csv\""), "bad-ref-file.json", "reference.file", "nope.csv");
        assertError(norm.replace("\"reference\": {", "\"reference\": {\"wieght\": 1, "), "bad-ref-key.json", "unknown field 'reference.wieght'");
    }

    @Test
    void theGradientUsedEqualsFiniteDifferences() throws Exception {
        String[] r = run("fit", dir.resolve("ensemble.json").toString(), "--eval", "--set", "k=2.4,lambda=0.9", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode ev = JSON.readTree(r[1]).get("evaluation");
        try (EstimatorLikelihood lik = EstimatorLikelihood.load(dir.resolve("ensemble.json"), BatchedThetaGradient.Precision.FLOAT64)) {
            double[] p = {2.4, 0.9};
            assertEquals(lik.value(p), ev.get("nll").asDouble(), 0.0);
            double h = 1e-5;
            for (int k = 0; k < 2; k++) {
                double[] up = p.clone(), dn = p.clone();
                up[k] += h;
                dn[k] -= h;
                double fd = (lik.value(up) - lik.value(dn)) / (2 * h);
                double g = ev.get("parameters").get(k).get("gradient").asDouble();
                assertEquals(fd, g, 1e-6 * (1 + Math.abs(g)), "d(-ln L)/d " + ev.get("parameters").get(k).get("name"));
            }
        }
    }

    @Test
    void scanAgreesWithMinosAndSampleRuns() throws Exception {
        String[] f = run("fit", dir.resolve("ensemble.json").toString(), "--minos", "k", "--json");
        assertEquals("0", f[0], f[1] + f[2]);
        JsonNode fj = JSON.readTree(f[1]);
        double kHat = fj.get("fit").get("values").get(0).asDouble(), err = fj.get("fit").get("errors").get(0).asDouble();
        double lo = kHat + fj.get("minos").get(0).get("lower").asDouble(), hi = kHat + fj.get("minos").get(0).get("upper").asDouble();
        String[] s = run("scan", dir.resolve("ensemble.json").toString(), "--points", "41", "--cl", "1sigma", "--json");
        assertEquals("0", s[0], s[2]);
        JsonNode iv = JSON.readTree(s[1]);
        String txt = iv.toString();
        JsonNode interval = iv.findValue("intervals").get(0);
        assertEquals(lo, interval.get("lower").asDouble(), 0.05 * err, txt);
        assertEquals(hi, interval.get("upper").asDouble(), 0.05 * err, txt);
        String[] two = run("scan", dir.resolve("ensemble.json").toString(), "--poi2", "lambda", "--points", "5", "--points2", "4", "--json");
        assertEquals("0", two[0], two[2]);
        String[] n = run("sample", dir.resolve("ensemble.json").toString(), "--chains", "2", "--warmup", "150", "--draws", "150", "--json");
        assertTrue(n[0].equals("0") || n[0].equals("3"), n[2]);
        JsonNode k = JSON.readTree(n[1]).get("summary").findValue("parameters").get(0);
        assertEquals(kHat, k.get("mean").asDouble(), 3 * err, k.toString());
    }

    @Test
    void theManifestsBetaWeightsTheMembersByTheirHeldOutDeviations() throws Exception {
        Path beta = Files.createDirectories(dir.resolve("beta"));
        try (var files = Files.list(dir.resolve("alices"))) {
            for (Path f : files.toList()) Files.copy(f, beta.resolve(f.getFileName()));
        }
        Files.writeString(beta.resolve("ensemble.json"), Files.readString(beta.resolve("ensemble.json"))
                .replace("\"aggregation\"", "\"beta\" : 2.0,\n  \"aggregation\""));
        Files.writeString(dir.resolve("beta.json"), spec("beta", "[\"obs_x1\", \"obs_x2\"]", "k", 2.2, 1.0));
        // without the training summary the deviations are unknown
        String[] r = run("fit", dir.resolve("beta.json").toString());
        assertEquals("1", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("beta = 2.0") && r[2].contains("training summary"), r[2]);
        double[] dev = {0.05, -0.20, 0.01};
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            members.append(i == 0 ? "" : ",").append("{\"sidecar\": \"alices-").append(i).append(".json\", \"expectation\": {\"deviation\": [")
                    .append(dev[i]).append("]}}");
        }
        Files.writeString(beta.resolve("alices.training.json"), "{\"format\": \"ratiofit-estimator-training\", \"format_version\": 1, "
                + "\"member_results\": [" + members + "]}");
        r = run("fit", dir.resolve("beta.json").toString(), "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode est = JSON.readTree(r[1]).get("estimator");
        double[] want = org.ratiofit.ratio.Ensemble.expectationWeights(dev, 2.0);
        for (int i = 0; i < 3; i++) {
            assertEquals(want[i], est.get("memberWeights").get(i).asDouble(), 1e-15);
            assertEquals(dev[i], est.get("heldOutDeviations").get(i).asDouble(), 0.0);
        }
        assertTrue(want[1] < want[2] && want[0] < want[2], "the member closest to E[r] = 1 weighs most");
        // the weighted likelihood is the weighted mean ratio
        try (EstimatorLikelihood lik = EstimatorLikelihood.load(dir.resolve("beta.json"), BatchedThetaGradient.Precision.FLOAT64)) {
            double[] th = {2.3, 1.1};
            double v = 0;
            double[][] lr = new double[3][];
            for (int m = 0; m < 3; m++) lr[m] = lik.likelihood().members().get(m).logRatioGradient(x, th).logRatio();
            for (int i = 0; i < x[0].length; i++) {
                double s = 0;
                for (int m = 0; m < 3; m++) s += want[m] * Math.exp(lr[m][i]);
                v -= Math.log(s);
            }
            assertEquals(v, lik.value(th), 1e-10 * Math.abs(v));
        }
    }

    @Test
    void badInputNamesTheFileFieldAndValue() throws Exception {
        // a folder that is not an estimator
        Files.createDirectories(dir.resolve("empty"));
        assertError(spec("empty", "null", "k", 2.2, 1.0), "bad-folder.json", "is not a parametrised estimator", "empty", "ensemble.json");
        // a ratio model without parameters
        OnnxMlpWriter.write(dir.resolve("plain.onnx"), "x", "y", List.of(new OnnxMlpWriter.Layer(new double[][] {{1, 0}}, new double[] {0},
                OnnxMlpWriter.Activation.IDENTITY)));
        Sidecars.write(ModelSidecar.binary("plain", "plain.onnx", "x", List.of("x1", "x2"), ModelSidecar.OutputConvention.LOG_RATIO, "s", "b"),
                dir.resolve("plain.json"));
        assertError(spec("plain.json", "[\"obs_x1\", \"obs_x2\"]", "k", 2.2, 1.0), "bad-plain.json", "member 'plain' has no parameters");
        // a feature column missing from the events
        assertError(spec("alices", "[\"obs_x1\", \"x3\"]", "k", 2.2, 1.0), "bad-column.json", "events.features[1]", "'x3'", "obs.csv",
                "obs_x1, obs_x2, other");
        assertError(spec("alices", "null", "k", 2.2, 1.0), "bad-default.json", "column 'x1'", "obs.csv");
        // a parameter the model does not have
        assertError(spec("alices", "[\"obs_x1\", \"obs_x2\"]", "kappa", 2.2, 1.0), "bad-name.json", "parameters[0].name", "'kappa'", "[k, lambda]");
        // a start outside the bounds
        assertError(spec("alices", "[\"obs_x1\", \"obs_x2\"]", "k", 3.5, 1.0), "bad-start.json", "parameters[0].start", "3.5", "[1.5, 3.0]");
        // an unknown field, a wrong version
        assertError(spec("alices", "null", "k", 2.2, 1.0).replace("\"events\"", "\"evnets\""), "bad-key.json", "unknown field 'evnets'");
        assertError(spec("alices", "null", "k", 2.2, 1.0).replace("\"version\": 1", "\"version\": 2"), "bad-version.json", "'version'", "2");
        // a doubly parametrised estimator (θ1 an input) is refused
        Path two = Files.createDirectories(dir.resolve("doubly"));
        for (String f : new String[] {"alices-0.json", "alices-0.onnx"}) Files.copy(dir.resolve("alices").resolve(f), two.resolve(f));
        Files.writeString(two.resolve("alices-0.estimator.json"), Files.readString(dir.resolve("alices/alices-0.estimator.json"))
                .replace("\"method\" : \"alices\"", "\"method\" : \"alices2\""));
        assertError(spec("doubly/alices-0.json", "[\"obs_x1\", \"obs_x2\"]", "k", 2.2, 1.0), "bad-doubly.json", "doubly parametrised", "alices2");
        // options that do not apply, and --set outside the bounds
        String[] r = run("fit", dir.resolve("ensemble.json").toString(), "--set", "k=4");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--set k=4.0") && r[2].contains("[1.5, 3.0]"), r[2]);
        r = run("fit", dir.resolve("ensemble.json").toString(), "--postfit-yields");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--postfit-yields") && r[2].contains("estimator likelihood"), r[2]);
        r = run("limit", dir.resolve("ensemble.json").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("fit, scan and sample take it"), r[2]);
        r = run("build", dir.resolve("ensemble.json").toString(), "-o", dir.resolve("ws").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("needs no build"), r[2]);
    }

    private static void assertError(String content, String name, String... parts) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        String[] r = run("fit", f.toString());
        assertEquals("1", r[0], r[1] + r[2]);
        assertTrue(r[2].contains(f.toString()), r[2]);
        for (String p : parts) {
            assertTrue(r[2].contains(p), "'" + p + "' not in: " + r[2]);
        }
    }
}
