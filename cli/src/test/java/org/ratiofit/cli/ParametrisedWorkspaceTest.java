package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;

/**
 * A parametrised estimator as a sample of a built workspace, its θ fit parameters (issue 16). The
 * "estimator" is the EXACT ratio of a simple simulator, as ONNX: x ~ N(m, I₂) against the reference
 * N(0, I₂), ln r(x|m) = m·x − |m|²/2 (a quadratic form in the network input z = (x1, x2, m1, m2)),
 * two identical members. The workspace (signal S = r(x|m) × reference with yield 100·mu, background =
 * the reference with yield 300) must be the exact extended likelihood
 * −ln L = 100 mu + 300 − Σ ln(100 mu r(x_i|m) + 300), and `fit` must find its minimum.
 */
class ParametrisedWorkspaceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final double[] TRUE_M = {0.7, -0.4};

    @TempDir
    static Path dir;
    static double[][] x;

    static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = RatiofitCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    /** ln r = zᵀ A z with z = (x1, x2, m1, m2): A couples x_j with m_j (½ each side) and has −½ on the m diagonal. */
    static void writeEstimator(Path folder, int members, String method) throws Exception {
        Files.createDirectories(folder);
        List<String> sidecars = new ArrayList<>();
        for (int k = 0; k < members; k++) {
            OnnxGraphBuilder g = new OnnxGraphBuilder("gauss_shift");
            String in = g.input("features", OnnxGraphBuilder.BATCH, 4);
            double[] a = new double[16];
            a[0 * 4 + 2] = a[2 * 4 + 0] = 0.5;
            a[1 * 4 + 3] = a[3 * 4 + 1] = 0.5;
            a[2 * 4 + 2] = a[3 * 4 + 3] = -0.5;
            String an = g.initializer("A", a, 4, 4);
            String ones = g.initializer("ones", new double[] {1, 1, 1, 1}, 4, 1);
            String za = g.node("MatMul", "za", in, an);
            String zaz = g.node("Mul", "zaz", za, in);
            g.nodeNamed("MatMul", List.of(zaz, ones), "out", Map.of());
            g.output("out", OnnxGraphBuilder.BATCH, 1);
            Path m = Files.createDirectories(folder.resolve("m" + k));
            OnnxGraphBuilder.write(g.build(), m.resolve("model.onnx"));
            String name = folder.getFileName() + "_m" + k;
            Sidecars.write(ModelSidecar.binary(name, "model.onnx", "features", List.of("x1", "x2"), ModelSidecar.OutputConvention.LOG_RATIO, "m", "ref")
                    .withParameters(List.of("m1", "m2"), null), m.resolve(name + ".json"));
            if (method != null) {
                Files.writeString(m.resolve(name + ".estimator.json"), "{\"format\": \"ratiofit-estimator\", \"format_version\": 3, \"model\": \"" + name
                        + ".json\", \"method\": \"" + method + "\", \"doubly_parametrised\": true}");
            }
            sidecars.add("m" + k + "/" + name + ".json");
        }
        Ensemble.writeManifest(EnsembleManifest.of(folder.getFileName().toString(), sidecars, EnsembleManifest.Aggregation.MEAN_RATIO),
                folder.resolve(EnsembleManifest.FILE_NAME));
    }

    static String config(String estimator, String extraNormFactor, String filter) {
        return "Version: 1\n"
                + "General:\n  Measurement:\n    POI: mu\n"
                + "TrainingFeatures: [x1, x2]\n"
                + "Samples:\n"
                + "  - {Name: data, Data: true, SamplePath: data.csv}\n"
                + "  - {Name: B, UseAsBasis: true, UseAsReference: true, SamplePath: reference.csv, Yield: 300}\n"
                + "  - Name: S\n    UseAsBasis: true\n    Estimator: " + estimator + "\n    Yield: 100\n"
                + "    EstimatorParameters:\n"
                + "      - {Name: m1, Nominal: 0.2, Bounds: [-2, 2]}\n"
                + "      - {Name: m2, Nominal: 0.1, Bounds: [-2, 2]}\n"
                + "NormFactors:\n  - {Name: mu, Samples: S, Nominal: 1, Bounds: [0, 5]}\n" + extraNormFactor
                + "Regions:\n  - {Name: SR" + (filter == null ? "" : ", Filter: '" + filter + "'") + "}\n";
    }

    @BeforeAll
    static void write() throws Exception {
        Random r = new Random(5);
        StringBuilder ref = new StringBuilder("x1,x2\n");
        for (int i = 0; i < 5000; i++) ref.append(r.nextGaussian()).append(',').append(r.nextGaussian()).append('\n');
        Files.writeString(dir.resolve("reference.csv"), ref);
        int nb = 300, ns = 110;
        x = new double[2][nb + ns];
        StringBuilder data = new StringBuilder("x1,x2\n");
        for (int i = 0; i < nb + ns; i++) {
            x[0][i] = r.nextGaussian() + (i >= nb ? TRUE_M[0] : 0);
            x[1][i] = r.nextGaussian() + (i >= nb ? TRUE_M[1] : 0);
            data.append(x[0][i]).append(',').append(x[1][i]).append('\n');
        }
        Files.writeString(dir.resolve("data.csv"), data);
        writeEstimator(dir.resolve("est"), 2, null);
        Files.writeString(dir.resolve("fit.yml"), config("est", "", null));
        String[] b = run("build", dir.resolve("fit.yml").toString(), "-o", dir.resolve("ws").toString());
        assertEquals("0", b[0], b[1] + b[2]);
    }

    /** The exact likelihood over (mu, m1, m2) in the workspace's parameter order. */
    static Objective exact(List<ParameterSpec> specs) {
        return new Objective() {
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
            public double value(double[] p) {
                return valueAndGradient(p, new double[3]);
            }

            @Override
            public double valueAndGradient(double[] p, double[] g) {
                double mu = p[0], m1 = p[1], m2 = p[2];
                double v = 100 * mu + 300;
                java.util.Arrays.fill(g, 0);
                g[0] = 100;
                for (int i = 0; i < x[0].length; i++) {
                    double rr = Math.exp(m1 * x[0][i] + m2 * x[1][i] - 0.5 * (m1 * m1 + m2 * m2));
                    double s = 100 * mu * rr + 300;
                    v -= Math.log(s);
                    g[0] -= 100 * rr / s;
                    g[1] -= 100 * mu * rr * (x[0][i] - m1) / s;
                    g[2] -= 100 * mu * rr * (x[1][i] - m2) / s;
                }
                return v;
            }
        };
    }

    @Test
    void theWorkspaceIsTheExactLikelihoodWithItsGradient() throws Exception {
        JsonNode ws = JSON.readTree(dir.resolve("ws/workspace.json").toFile());
        assertEquals(2, ws.get("version").asInt());
        JsonNode s = ws.get("channels").get(0).get("samples").get(1);
        assertEquals("S", s.get("name").asText());
        assertTrue(s.get("modifiers").toString().contains("\"parametrised_ratio\""), s.toString());
        assertEquals("../est", ws.get("channels").get(0).get("data").get("columns").get("S").get("parametrised_ratio").get("estimator").asText());
        Model model = WorkspaceReader.readModel(dir.resolve("ws"));
        assertEquals(List.of("mu", "m1", "m2"), model.parameterNames());
        Objective ex = exact(model.parameters());
        for (double[] p : new double[][] {{1, 0.2, 0.1}, {0.6, 0.9, -0.7}, {1.7, -0.3, 0.4}}) {
            double[] g = new double[3], ge = new double[3];
            double v = model.valueAndGradient(p, g);
            double ve = ex.valueAndGradient(p, ge);
            assertEquals(ve, v, 1e-9 * Math.abs(ve), "-ln L at " + java.util.Arrays.toString(p));
            for (int k = 0; k < 3; k++) {
                assertEquals(ge[k], g[k], 1e-7 * (1 + Math.abs(ge[k])), "gradient " + k);
                double h = 1e-6;
                double[] up = p.clone(), dn = p.clone();
                up[k] += h;
                dn[k] -= h;
                double fd = (model.value(up) - model.value(dn)) / (2 * h);
                assertEquals(fd, g[k], 1e-5 * (1 + Math.abs(fd)), "finite differences " + k);
            }
        }
    }

    @Test
    void fitScanAndSampleVaryTheta() throws Exception {
        String[] f = run("fit", dir.resolve("ws").toString(), "--json");
        assertEquals("0", f[0], f[1] + f[2]);
        JsonNode fit = JSON.readTree(f[1]).get("fit");
        Model model = WorkspaceReader.readModel(dir.resolve("ws"));
        Objective ex = exact(model.parameters());
        FitResult m = Migrad.builder().strategy(1).tolerance(0.01).build().minimise(ex);
        FitResult h = Hesse.compute(ex, m, 1, true);
        assertTrue(h.status().validMinimum());
        for (int k = 0; k < 3; k++) {
            assertEquals(h.values()[k], fit.get("values").get(k).asDouble(), 0.01 * h.errors()[k], "value " + k);
            assertEquals(h.errors()[k], fit.get("errors").get(k).asDouble(), 0.01 * h.errors()[k], "HESSE error " + k);
        }
        assertEquals(h.minimumValue(), fit.get("minimumValue").asDouble(), 1e-6);
        // the fitted signal location is the truth within 3 sigma
        for (int k = 1; k < 3; k++) {
            assertEquals(TRUE_M[k - 1], h.values()[k], 3 * h.errors()[k]);
        }
        String[] sc = run("scan", dir.resolve("ws").toString(), "--poi", "m1", "--points", "7", "--no-stat-only", "--json");
        assertEquals("0", sc[0], sc[1] + sc[2]);
        String[] sm = run("sample", dir.resolve("ws").toString(), "--chains", "2", "--warmup", "150", "--draws", "150", "--seed", "3",
                "--prior", "m1=uniform(-2,2)", "--prior", "m2=uniform(-2,2)", "--prior", "mu=uniform(0,5)",
                "--out", dir.resolve("draws").toString(), "--json");
        // 3: written, with convergence warnings for this short run (R-hat, ESS); the posterior is still where the fit is
        assertTrue(sm[0].equals("0") || sm[0].equals("3"), sm[1] + sm[2]);
        JsonNode post = JSON.readTree(sm[1]).get("summary").get("parameters");
        for (int k = 0; k < 3; k++) {
            assertEquals(model.parameterNames().get(k), post.get(k).get("name").asText());
            assertEquals(h.values()[k], post.get(k).get("mean").asDouble(), 3 * h.errors()[k], "posterior mean " + k);
        }
    }

    @Test
    void significanceUsesAsimovDataOnTheReference() throws Exception {
        String[] s = run("significance", dir.resolve("ws").toString(), "--json");
        assertEquals("0", s[0], s[1] + s[2]);
        JsonNode j = JSON.readTree(s[1]);
        // the expected significance exists (Asimov data: the estimator evaluated on the reference events at the point)
        assertTrue(Double.isFinite(j.get("significance").get("expectedSignificance").asDouble()), s[1]);
        // and the Asimov data set fits back to its mu (m1, m2 fitted with it)
        assertEquals(1.0, j.get("asimovClosure").get("muHat").asDouble(), 1e-3 * j.get("asimovClosure").get("error").asDouble());
    }

    @Test
    void badInputIsNamed() throws Exception {
        // θ named like a norm factor
        Files.writeString(dir.resolve("clash.yml"), config("est", "  - {Name: m1, Samples: S, Nominal: 1, Bounds: [0, 5]}\n", null));
        String[] c = run("build", dir.resolve("clash.yml").toString(), "-o", dir.resolve("ws-clash").toString());
        assertTrue(!c[0].equals("0"), c[1] + c[2]);
        assertTrue(c[2].contains("clashes with the norm factor"), c[2]);
        assertTrue(Files.notExists(dir.resolve("ws-clash")));
        // a missing estimator folder
        Files.writeString(dir.resolve("missing.yml"), config("nowhere", "", null));
        String[] m = run("build", dir.resolve("missing.yml").toString(), "-o", dir.resolve("ws-missing").toString());
        assertTrue(!m[0].equals("0") && m[2].contains("nowhere") && m[2].contains("Estimator"), m[2]);
        // a doubly parametrised estimator
        writeEstimator(dir.resolve("est2"), 1, "alices2");
        Files.writeString(dir.resolve("doubly.yml"), config("est2", "", null));
        String[] d = run("build", dir.resolve("doubly.yml").toString(), "-o", dir.resolve("ws-doubly").toString());
        assertTrue(!d[0].equals("0") && d[2].contains("doubly parametrised"), d[2]);
        // a filtered region
        Files.writeString(dir.resolve("filter.yml"), config("est", "", "x1 > -1"));
        String[] fl = run("build", dir.resolve("filter.yml").toString(), "-o", dir.resolve("ws-filter").toString());
        assertTrue(!fl[0].equals("0") && fl[2].contains("Filter") && fl[2].contains("depends on θ"), fl[2]);
    }
}
