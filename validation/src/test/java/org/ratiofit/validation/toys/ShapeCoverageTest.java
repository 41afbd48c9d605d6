package org.ratiofit.validation.toys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;

/**
 * Issue 13: coverage of the HESSE intervals of mu and alpha_shift over 1000 pseudo-experiments of
 * the mixed toy at alpha_true = 1 (code 4 shape columns, reference normalisation), with the
 * auxiliary measurements drawn too. Counted both ways: failed fits as misses, and left out.
 */
class ShapeCoverageTest {

    @Test
    @Tag("slow")
    void hesseIntervalsCoverAtAlphaOne() {
        int toys = 1000;
        double[] truth = {1, 1, 0};
        EventSet ref = MixedToyNormalisationTest.quadratureReference(5000);
        Random aux = new Random(99);
        int coverMu = 0;
        int coverAlpha = 0;
        int failed = 0;
        Migrad migrad = Migrad.builder().tolerance(0.01).build();
        for (int t = 0; t < toys; t++) {
            double[] events = MixedToyNormalisationTest.TOY.generate(truth, 10_000 + t);
            Model m = MixedToyNormalisationTest.model(events, ref, 4);
            List<Parameter> ps = new ArrayList<>(m.modelParameters());
            ps.set(1, ps.get(1).withAux(truth[1] + aux.nextGaussian()));
            ps.set(2, ps.get(2).withAux(truth[2] + aux.nextGaussian()));
            Model toy = new Model(ps, m.channels());
            FitResult f = Hesse.compute(toy, migrad.minimise(toy));
            if (!f.status().validMinimum()) {
                failed++;
                continue;
            }
            if (Math.abs(f.value("mu") - truth[0]) <= f.error("mu")) {
                coverMu++;
            }
            if (Math.abs(f.value("alpha_shift") - truth[1]) <= f.error("alpha_shift")) {
                coverAlpha++;
            }
        }
        double p = 0.6827;
        double tol = 3 * Math.sqrt(p * (1 - p) / toys);
        String msg = "failed fits " + failed + "; mu " + coverMu + ", alpha " + coverAlpha + " of " + toys;
        System.out.println("ShapeCoverageTest: " + msg);
        // failed fits counted as misses, and left out
        assertEquals(p, (double) coverMu / toys, tol + (double) failed / toys, msg);
        assertEquals(p, (double) coverAlpha / toys, tol + (double) failed / toys, msg);
        assertEquals(p, (double) coverMu / (toys - failed), tol, msg);
        assertEquals(p, (double) coverAlpha / (toys - failed), tol, msg);
    }
}
