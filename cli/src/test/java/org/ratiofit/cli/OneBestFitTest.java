package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fit, scan and limit of one workspace with the same settings report the same best fit. */
class OneBestFitTest {

    @TempDir
    Path tmp;

    static JsonNode fitOf(String... args) throws Exception {
        ToyWorkspace.Run r = ToyWorkspace.run(args);
        assertEquals(0, r.code(), r::toString);
        return new ObjectMapper().readTree(r.out()).get("fit");
    }

    @Test
    void fitScanAndLimitAgreeOnTheBestFit() throws Exception {
        ToyWorkspace ws = ToyWorkspace.write(tmp.resolve("ws"), new double[] {1, 0, 0}, 11);
        String dir = ws.dir.toString();
        JsonNode fit = fitOf("fit", dir, "--json");
        JsonNode limit = fitOf("limit", dir, "--json", "--plot-points", "2");
        JsonNode scan = fitOf("scan", dir, "--json", "--points", "3", "--no-stat-only");
        for (int i = 0; i < fit.get("values").size(); i++) {
            double v = fit.get("values").get(i).asDouble();
            assertEquals(v, limit.get("values").get(i).asDouble(), 0, "parameter " + i + " fit vs limit");
            assertEquals(v, scan.get("values").get(i).asDouble(), 0, "parameter " + i + " fit vs scan");
            double e = fit.get("errors").get(i).asDouble();
            assertEquals(e, limit.get("errors").get(i).asDouble(), 0, "error " + i + " fit vs limit");
        }
    }
}
