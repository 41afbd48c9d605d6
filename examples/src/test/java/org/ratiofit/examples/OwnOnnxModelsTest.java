package org.ratiofit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The own-ONNX-models example: a hand-written exact classifier, sidecar and ensemble manifest, built
 * into a workspace and fitted, reproduce the toy's exact likelihood fit to float32 rounding.
 */
class OwnOnnxModelsTest {

    @TempDir
    Path dir;

    @Test
    void fitOfTheUsersExactModelMatchesTheExactLikelihood() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        OwnOnnxModels.Result r = OwnOnnxModels.run(dir, 4000, 3L, new PrintStream(log, true));
        String text = log.toString();
        assertTrue(r.maxModelError() < 1e-3, "exported ln r differs from the exact one by " + r.maxModelError());
        double e = r.exactError();
        assertEquals(r.exactMuHat(), r.muHat(), 2e-3 * e, text);
        assertEquals(e, r.muError(), 2e-3 * e, text);
        assertEquals(r.exactMinosLower(), r.minosLower(), 2e-3 * e, text);
        assertEquals(r.exactMinosUpper(), r.minosUpper(), 2e-3 * e, text);
        assertTrue(Files.isRegularFile(r.workspace().resolve("workspace.json")));
        assertTrue(text.contains("5. mu = "), text);
    }
}
