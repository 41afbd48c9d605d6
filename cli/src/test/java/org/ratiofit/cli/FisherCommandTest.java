package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.FisherInformation;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;

/** {@code ratiofit fisher} on a SALLY model with an exact affine score t(x) = A x + b. */
class FisherCommandTest {
    private static final double[][] A = {{1.5, 0.2}, {0, 0.7}};
    private static final double[] B = {0.1, -0.2};

    private static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = RatiofitCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void printsTheInformationItsInverseAndTheEllipse(@TempDir Path dir) throws Exception {
        OnnxMlpWriter.write(dir.resolve("sally.onnx"), "x", "t",
                List.of(new OnnxMlpWriter.Layer(A, B, OnnxMlpWriter.Activation.IDENTITY)));
        Sidecars.write(ModelSidecar.binary("sally", "sally.onnx", "x", List.of("x1", "x2"),
                ModelSidecar.OutputConvention.LOCAL_SCORE, null, null).withParameters(List.of("a", "b"), null),
                dir.resolve("sally.json"));
        SplittableRandom rng = new SplittableRandom(3);
        int n = 400;
        double[][] x = new double[2][n];
        StringBuilder csv = new StringBuilder("x1,x2\n");
        for (int k = 0; k < n; k++) {
            x[0][k] = (float) rng.nextGaussian();
            x[1][k] = (float) rng.nextGaussian();
            csv.append(String.format(Locale.ROOT, "%s,%s%n", x[0][k], x[1][k]));
        }
        Files.writeString(dir.resolve("ref.csv"), csv);
        double[][] t = new double[2][n];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < 2; i++) {
                t[i][k] = A[i][0] * x[0][k] + A[i][1] * x[1][k] + B[i];
            }
        }
        double[][] want = FisherInformation.fromScores(t, null, 250);

        String[] r = run("fisher", dir.resolve("sally.json").toString(), "--events", dir.resolve("ref.csv").toString(),
                "--expected-events", "250", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1]);
        assertEquals("fisher", j.get("command").asText());
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                assertEquals(want[a][b], j.get("fisher").get("matrix").get(a).get(b).asDouble(), 1e-5 * want[0][0]);
            }
        }
        double det = want[0][0] * want[1][1] - want[0][1] * want[1][0];
        assertEquals(Math.sqrt(want[1][1] / det), j.get("ellipse").get("errors").get(0).asDouble(), 1e-5);

        String[] text = run("fisher", dir.resolve("sally.json").toString(), "--events", dir.resolve("ref.csv").toString(),
                "--expected-events", "250", "--plots", dir.resolve("plots").toString());
        assertEquals("0", text[0], text[2]);
        assertTrue(text[1].contains("68% ellipse"), text[1]);
        assertTrue(Files.exists(dir.resolve("plots").resolve("fisher_ellipse.png")));

        String[] bad = run("fisher", dir.resolve("sally.json").toString(), "--events", dir.resolve("ref.csv").toString(),
                "--mode", "average");
        assertNotEquals("0", bad[0]);
        assertTrue(bad[2].contains("--mode"), bad[2]);
    }
}
