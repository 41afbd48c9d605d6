package org.ratiofit.likelihood.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.ratiofit.likelihood.Evaluation;
import org.ratiofit.likelihood.Model;

/**
 * A workspace written from Python (numpy.save + json, see numpy-crosscheck/generate.py) gives the
 * -ln L and gradient that the benchmark's numpy formula computed for it: the Java likelihood, the
 * numpy benchmark and the format agree.
 */
class NumpyCrossCheckTest {

    @Test
    void javaMatchesTheNumpyFormulaOnAPythonWrittenWorkspace() throws Exception {
        Path dir = Path.of(getClass().getResource("/numpy-crosscheck/workspace/workspace.json").toURI()).getParent();
        Model m = WorkspaceReader.readModel(dir);
        JsonNode expected = new ObjectMapper().readTree(dir.resolveSibling("expected.json").toFile());
        assertEquals(3, expected.size());
        for (JsonNode e : expected) {
            double[] x = new double[e.get("point").size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = e.get("point").get(i).asDouble();
            }
            Evaluation ev = m.evaluate(x, true);
            double nll = e.get("nll").asDouble();
            assertEquals(nll, ev.value(), 1e-10 * Math.abs(nll), "at " + java.util.Arrays.toString(x));
            for (int i = 0; i < x.length; i++) {
                double g = e.get("gradient").get(i).asDouble();
                double rel = Math.abs(g - ev.gradient()[i]) / Math.max(1, Math.abs(g));
                assertTrue(rel < 1e-9, "gradient " + m.parameters().get(i).name() + ": numpy " + g + " java " + ev.gradient()[i]);
            }
        }
    }
}
