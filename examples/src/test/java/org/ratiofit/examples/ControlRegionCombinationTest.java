package org.ratiofit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.workspace.WorkspaceReader;

/**
 * The control-region example: the combined fit tightens alpha_bkg's constraint and mu's interval,
 * ratiofit and the exact likelihood (the toy's textbook likelihood plus the control region's
 * Poisson terms, profiled independently) agree on both fits, and the files are ordinary inputs.
 */
class ControlRegionCombinationTest {

    @TempDir
    Path dir;

    @Test
    void controlRegionTightensAlphaBkgAndMuAsTheExactLikelihoodDoes() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ControlRegionCombination.Result r = ControlRegionCombination.run(dir, 1, 4000, new PrintStream(log, true));
        String text = log.toString();
        for (String fit : new String[] {"SR only", "SR + CR"}) {
            for (String p : new String[] {"mu", "alpha_bkg"}) {
                ControlRegionCombination.Row row = r.row(fit, p);
                double e = row.exactError();
                // exact densities: the workspace's -ln L is the textbook one up to a constant, so only the minimisers differ
                assertEquals(row.exactValue(), row.value(), 2e-3 * e, fit + " " + p + "\n" + text);
                assertEquals(row.exactLower(), row.minosLower(), 2e-3 * e, fit + " " + p + "\n" + text);
                assertEquals(row.exactUpper(), row.minosUpper(), 2e-3 * e, fit + " " + p + "\n" + text);
                assertEquals(e, row.hesse(), 0.02 * e, fit + " " + p + "\n" + text);
            }
        }
        // 2500 control-region background events measure alpha_bkg to 1/(50 ln 1.1) = 0.21 on their own: the error halves
        ControlRegionCombination.Row a0 = r.row("SR only", "alpha_bkg");
        ControlRegionCombination.Row a1 = r.row("SR + CR", "alpha_bkg");
        assertTrue(a1.exactError() < 0.6 * a0.exactError() && a1.hesse() < 0.6 * a0.hesse(), text);
        double sr = 1 / (a0.exactError() * a0.exactError());
        double cr = 1 / Math.pow(1 / (Math.sqrt(2500) * Math.log(1.1)), 2);
        assertEquals(1 / Math.sqrt(sr + cr), a1.exactError(), 0.05 * a1.exactError(), "information adds up (Gaussian approximation)");
        ControlRegionCombination.Row m0 = r.row("SR only", "mu");
        ControlRegionCombination.Row m1 = r.row("SR + CR", "mu");
        assertTrue(m1.minosUpper() - m1.minosLower() < 0.97 * (m0.minosUpper() - m0.minosLower()), text);
        assertTrue(m1.exactUpper() - m1.exactLower() < 0.97 * (m0.exactUpper() - m0.exactLower()), text);
        assertEquals(3, WorkspaceReader.readModel(dir.resolve("combined")).dimension());
        assertTrue(Files.isRegularFile(dir.resolve("control-region.json")) && Files.isRegularFile(dir.resolve("summary.json")));
    }
}
