package org.ratiofit.validation.salad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SALAD toy: injected signal count, the simulation's m-dependent distortion, the falling spectrum. */
class SaladToyTest {

    @Test
    void injectsTheSignalFractionOfTheSrBackground() {
        SaladToy toy = SaladToy.of(20000, 20000, 0.05);
        Map<String, double[]> d = toy.data(3);
        int nSr = 0;
        int nSig = 0;
        double[] m = d.get("m");
        double[] label = d.get("label");
        for (int i = 0; i < m.length; i++) {
            if (label[i] == 1) {
                nSig++;
            } else if (m[i] >= SaladToy.SR_LOW && m[i] < SaladToy.SR_HIGH) {
                nSr++;
            }
        }
        assertEquals(Math.round(0.05 * nSr), nSig);
        assertEquals(20000 + nSig, m.length);
    }

    @Test
    void simulationIsShiftedByAnMDependentAmount() {
        SaladToy toy = SaladToy.of(40000, 40000, 0);
        Map<String, double[]> d = toy.data(1);
        Map<String, double[]> s = toy.simulation(1);
        // mean of x1 − 0.8 m in two m slices: data 0, simulation 0.3 + 0.15 (m − 4)
        double[] lowD = sliceMean(d, 3.0, 3.4);
        double[] lowS = sliceMean(s, 3.0, 3.4);
        double[] highS = sliceMean(s, 4.6, 5.0);
        assertEquals(0, lowD[0], 0.05);
        assertEquals(0.3 + 0.15 * (lowS[1] - 4), lowS[0], 0.05);
        assertEquals(0.3 + 0.15 * (highS[1] - 4), highS[0], 0.06);
        // falling spectrum: more events in the low slice
        assertTrue(lowD[2] > 2 * sliceMean(d, 4.6, 5.0)[2]);
    }

    /** [mean of x1 − 0.8 m, mean m, count] for m in [lo, hi). */
    private static double[] sliceMean(Map<String, double[]> c, double lo, double hi) {
        double[] m = c.get("m");
        double[] x1 = c.get("x1");
        double s = 0;
        double sm = 0;
        int n = 0;
        for (int i = 0; i < m.length; i++) {
            if (m[i] >= lo && m[i] < hi) {
                s += x1[i] - 0.8 * m[i];
                sm += m[i];
                n++;
            }
        }
        return new double[] {s / n, sm / n, n};
    }
}
