package org.ratiofit.ratio;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.ratiofit.ratio.onnx.GraphEvaluator;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A real torch.onnx.export of an MLP (SiLU, Tanh, final Sigmoid) with fitted scikit-learn
 * Yeo-Johnson, standard and min-max scalers (src/test/resources/torch-fixture/make_fixture.py),
 * against log-ratios torch computed in float64.
 */
class TorchFixtureTest {
    @Test
    void pytorchExportWithSklearnScalersMatchesTorch() throws Exception {
        Path dir = fixture();
        JsonNode exp = Sidecars.MAPPER.readTree(dir.resolve("expected.json").toFile());
        int n = exp.get("rows").size();
        double[][] cols = new double[4][n];
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) cols[j][i] = exp.get("rows").get(i).get(j).asDouble();
            expected[i] = exp.get("log_ratio").get(i).asDouble();
        }
        try (RatioModel m = RatioModel.load(dir.resolve("model.json"))) {
            assertEquals(List.of("pt", "eta", "mjj", "dphi"), m.features());
            double[] lr = m.logRatios(cols);
            for (int i = 0; i < n; i++) assertEquals(expected[i], lr[i], 2e-5 * (1 + Math.abs(expected[i])), "row " + i);
            // the double-precision evaluator reproduces torch's float64 pass almost exactly
            GraphEvaluator ge = m.graphEvaluator();
            assertNotNull(ge, m.graphEvaluatorProblem());
            FeatureScaler sc = new FeatureScaler(m.features(), m.sidecar().scalingList());
            double[] flat = new double[n * 4];
            for (int i = 0; i < n; i++) for (int j = 0; j < 4; j++) flat[i * 4 + j] = sc.apply(j, cols[j][i]);
            double[] s = ge.forward(Map.of("input", flat), n, "score");
            for (int i = 0; i < n; i++) {
                double l = Math.log(s[i]) - Math.log1p(-s[i]) + Math.log(0.75 / 0.25);
                assertEquals(expected[i], l, 1e-9, "row " + i);
            }
        }
    }

    static Path fixture() throws URISyntaxException {
        return Path.of(TorchFixtureTest.class.getResource("/torch-fixture/model.json").toURI()).getParent();
    }
}
