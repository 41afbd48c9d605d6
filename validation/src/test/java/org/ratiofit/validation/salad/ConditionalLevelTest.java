package org.ratiofit.validation.salad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConditionalLevelTest {

    @Test
    void conditionalLevelsAreDividedOutPerRegionBin() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 6000;
        double[] m = new double[n];
        double[] w = new double[n];
        double[] r = new double[n];
        double[] sd = new double[n];
        String[] region = new String[n];
        for (int i = 0; i < n; i++) {
            m[i] = 3 + 2 * rng.nextDouble();
            w[i] = 0.5 + rng.nextDouble();
            region[i] = m[i] < 3.8 || m[i] >= 4.2 ? "SB" : "SR";
            // a level that drifts with m and jumps in the SR, times a shape of mean 1
            r[i] = (1 + 0.1 * (m[i] - 4) - ("SR".equals(region[i]) ? 0.05 : 0)) * (0.5 + rng.nextDouble());
            sd[i] = 0.1 * r[i];
        }
        List<ConditionalLevel> levels = ConditionalLevel.normalise(m, w, r, sd, region, 8, 250);
        // three contiguous runs (SB, SR, SB): bins never straddle them
        int runs = 1;
        for (int k = 1; k < levels.size(); k++) {
            runs += levels.get(k).region().equals(levels.get(k - 1).region()) ? 0 : 1;
        }
        assertEquals(3, runs);
        // 8 bins in each sideband run (~2400 events), 1200 / 250 -> 4 in the SR
        assertEquals(8 + 4 + 8, levels.size());
        // the SR levels carry the jump
        double srLevel = levels.stream().filter(l -> l.region().equals("SR")).mapToDouble(ConditionalLevel::level).average()
                .orElseThrow();
        assertEquals(0.95, srLevel, 0.03);
        for (ConditionalLevel l : levels) {
            boolean inSr = l.low() >= 3.8 && l.high() < 4.2;
            boolean inSb = l.high() < 3.8 || l.low() >= 4.2;
            assertTrue("SR".equals(l.region()) ? inSr : inSb, l.toString());
            assertTrue(l.events() >= 250, l.toString());
        }
        // after: the weighted mean of r is 1 in every bin, e.g. over the SR
        double sw = 0;
        double swr = 0;
        for (int i = 0; i < n; i++) {
            if ("SR".equals(region[i])) {
                sw += w[i];
                swr += w[i] * r[i];
            }
        }
        assertEquals(1.0, swr / sw, 1e-12);
        assertEquals(0.1, sd[0] / r[0], 1e-12);
    }

}
