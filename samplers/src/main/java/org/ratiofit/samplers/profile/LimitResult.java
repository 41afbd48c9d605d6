package org.ratiofit.samplers.profile;

import org.ratiofit.samplers.fit.Json;

/**
 * A CLs upper limit on the signal strength.
 *
 * @param formatVersion JSON layout version
 * @param statistic     test statistic used
 * @param confidenceLevel e.g. 0.95 (CLs = 0.05 at the limit)
 * @param observed      observed upper limit
 * @param expected      expected limits at -2, -1, 0 (median), +1, +2 sigma
 */
public record LimitResult(int formatVersion, TestStatistic statistic, double confidenceLevel, double observed,
                          double[] expected) {

    public String toJson() {
        return Json.write(this);
    }
}
