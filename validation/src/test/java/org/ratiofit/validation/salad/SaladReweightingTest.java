package org.ratiofit.validation.salad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SALAD reweighting on the toy without signal: the reweighted simulation closes against the true
 * signal-region background (χ² p > 0.01 per feature), while the unweighted simulation does not; the
 * same seed gives identical weights.
 */
class SaladReweightingTest {

    static final KFoldClassifier.Settings SMALL = new KFoldClassifier.Settings(2, 2, 30, List.of(32, 32), 256, 3e-3, 7L, true);

    private static double centredRms(double[] v) {
        double m = java.util.Arrays.stream(v).average().orElseThrow();
        return Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / v.length);
    }

    @Test
    void reweightedSimulationClosesInTheSignalRegionAndReruns(@TempDir Path dir) throws Exception {
        Path cfg = SaladToy.of(16000, 16000, 0).write(dir, 12);
        SaladEvents ev = SaladEvents.load(SaladConfigLoader.load(cfg));
        long t0 = System.nanoTime();
        SimulationReweighting rw = SimulationReweighting.of(ev, SMALL);
        System.out.printf("reweighting %.1f s%n", (System.nanoTime() - t0) * 1e-9);
        assertTrue(rw.normalisation().passed(), rw.normalisation().message());
        assertEquals(1.0, rw.normalisation().ratio(), 5 * rw.normalisation().error() + 0.02);
        SaladClosure cl = SaladClosure.of(ev, rw, null);
        // the learned log-ratio against the toy's exact one, in the signal region
        double[][] sx = ev.simulation().columns();
        double[] exact = new double[rw.weights().length];
        List<double[]> pairs = new java.util.ArrayList<>();
        for (int i = 0; i < exact.length; i++) {
            exact[i] = Math.exp(SaladToy.exactLogRatio(sx[2][i], sx[0][i], sx[1][i]));
            if ("SR".equals(rw.region()[i])) {
                pairs.add(new double[] {Math.log(rw.weights()[i]), Math.log(exact[i])});
            }
        }
        // rms about the mean (the weights carry a normalisation constant): learned − exact, and exact alone
        double rmsDiff = centredRms(pairs.stream().mapToDouble(p -> p[0] - p[1]).toArray());
        double rmsExact = centredRms(pairs.stream().mapToDouble(p -> p[1]).toArray());
        System.out.printf("SR: rms(ln w - ln w_exact) %.3f, rms(ln w_exact) %.3f%n", rmsDiff, rmsExact);
        assertTrue(rmsDiff < 0.4 * rmsExact, rmsDiff + " vs " + rmsExact);
        SimulationReweighting ex = new SimulationReweighting(1, exact, rw.spread(), null, rw.region(), rw.regions(),
                rw.normalisation(), rw.massMarginal(), rw.conditionalLevels(), rw.provenance());
        for (var f : SaladClosure.of(ev, ex, null).regions().get(SaladClosure.of(ev, ex, null).regions().size() - 1)
                .features().features()) {
            System.out.printf("SR exact %s chi2 %.1f / %d p %.3g%n", f.feature(), f.chi2(), f.ndf(), f.pValue());
        }
        SaladClosure.RegionClosure sr = cl.regions().stream().filter(r -> r.region().equals("SR")).findFirst().orElseThrow();
        for (var f : sr.features().features()) {
            System.out.printf("SR %s chi2 %.1f / %d p %.3g (unweighted chi2 %.1f)%n", f.feature(), f.chi2(), f.ndf(),
                    f.pValue(), f.chi2OriginalDenominator());
            assertTrue(f.pValue() > 0.01, f.feature() + " p = " + f.pValue());
        }
        // the simulation before reweighting is far off in x1 (the distortion the weights remove)
        assertTrue(sr.features().features().get(0).chi2OriginalDenominator() > 100);
        // the predicted SR yield matches the SR data count (no signal) within errors
        var y = rw.regions().get("SR");
        double err = Math.sqrt(y.statError() * y.statError() + y.dataEvents());
        assertEquals(y.dataEvents(), y.predicted(), 3 * err + 0.05 * y.dataEvents());

        long t1 = System.nanoTime();
        SimulationReweighting again = SimulationReweighting.of(ev, SMALL);
        System.out.printf("rerun %.1f s%n", (System.nanoTime() - t1) * 1e-9);
        assertArrayEquals(rw.weights(), again.weights());
        rw.write(dir.resolve("out"));
        assertTrue(java.nio.file.Files.readString(dir.resolve("out/weights.json")).contains("\"sha256\""));
    }
}
