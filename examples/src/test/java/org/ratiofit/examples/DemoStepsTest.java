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
 * The demo's steps as library calls, at a small size (4000 events per simulated sample, 2 members,
 * up to 15 epochs): the fit of the trained workspace agrees with the toy's exact profile within
 * 1.5 exact errors (the trained ratios' error, as in {@code ratiofit demo --fast}), its HESSE and
 * MINOS errors within 10%, and the NUTS posterior mean lies near the fit.
 */
class DemoStepsTest {

    @TempDir
    Path dir;

    @Test
    void stepsRunAndAgreeWithTheExactProfile() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DemoSteps.Result r = DemoSteps.run(dir, 4000, 2, 15, 1L, new PrintStream(log, true));
        String text = log.toString();
        double e = r.exactError();
        assertTrue(Math.abs(r.muHat() - r.exactMuHat()) < 1.5 * e, "mu " + r.muHat() + " vs exact " + r.exactMuHat()
                + " +- " + e + " (seed 1)\n" + text);
        assertEquals(e, r.muError(), 0.1 * e, text);
        assertEquals(-e, r.minosLower(), 0.1 * e, text);
        assertEquals(e, r.minosUpper(), 0.1 * e, text);
        // the scan's 68.3% interval and MINOS describe the same crossing of the same profile
        assertEquals(r.muHat() + r.minosLower(), r.interval68()[0], 0.05 * e, text);
        assertEquals(r.muHat() + r.minosUpper(), r.interval68()[1], 0.05 * e, text);
        assertTrue(Math.abs(r.posteriorMean() - r.muHat()) < 0.5 * e, "posterior mean " + r.posteriorMean() + "\n" + text);
        assertEquals(r.muError(), r.posteriorSd(), 0.25 * e, text);
        assertTrue(Files.isRegularFile(r.workspace().resolve("workspace.json")));
        for (int step = 1; step <= 8; step++) {
            assertTrue(text.contains(step + ". "), "step " + step + " missing from the output:\n" + text);
        }
    }
}
