package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;
import org.ratiofit.validation.toys.ExactOnnxModels;
import org.ratiofit.validation.toys.ExactOnnxModels.Distortion;

/**
 * {@code ratiofit validate ENSEMBLE --denominator FILE} without a numerator sample: the
 * normalisation and expectation checks run (and can fail, naming the member), reweighting and
 * calibration are named as skipped.
 */
class ValidateWithWhatYouHaveTest {

    @TempDir
    static Path tmp;

    static Path denominator;

    @BeforeAll
    static void files() throws Exception {
        int n = 20_000;
        denominator = tmp.resolve("reference.csv");
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", ToyWorkspace.TOY.sampleBackground(n, 22));
        EventFiles.write(denominator, new EventTable("reference", cols), ReadOptions.DEFAULT);
    }

    @Test
    void exactEnsembleWithTheDenominatorAlonePassesAndNamesTheSkippedChecks() throws Exception {
        Path exact = ExactOnnxModels.gaussianOnExponentialEnsemble(ToyWorkspace.TOY, tmp.resolve("exact"), "goe",
                List.of(Distortion.EXACT, Distortion.EXACT));
        ToyWorkspace.Run r = ToyWorkspace.run("validate", exact.toString(), "--denominator", denominator.toString(), "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode c = j.get("closure");
        assertEquals(1, c.get("normalisation").get("mean").asDouble(), 4 * c.get("normalisation").get("error").asDouble());
        assertTrue(c.get("reweighting").isNull() && c.get("calibration").isNull(), r::toString);
        assertEquals(0, c.get("numeratorEvents").asLong());
        String skipped = j.get("skipped").toString();
        assertTrue(skipped.contains("reweighting") && skipped.contains("calibration") && skipped.contains("numerator"), skipped);

        ToyWorkspace.Run t = ToyWorkspace.run("validate", exact.toString(), "--denominator", denominator.toString());
        assertEquals(0, t.code(), t::toString);
        assertTrue(t.out().contains("skipped: reweighting") && t.out().contains("--numerator"), t::toString);
    }

    @Test
    void misNormalisedMemberFailsWithoutANumeratorSample() {
        Path wrong = ExactOnnxModels.gaussianOnExponentialEnsemble(ToyWorkspace.TOY, tmp.resolve("wrong"), "goe",
                List.of(Distortion.EXACT, new Distortion(1, Math.log(1.3))));
        ToyWorkspace.Run r = ToyWorkspace.run("validate", wrong.toString(), "--denominator", denominator.toString());
        assertEquals(3, r.code(), r::toString);
        assertTrue(r.out().contains("FAILED: normalisation of member 'm1'"), r::toString);
    }
}
