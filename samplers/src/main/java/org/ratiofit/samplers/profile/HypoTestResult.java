package org.ratiofit.samplers.profile;

import org.ratiofit.samplers.fit.Json;

/**
 * One tested signal strength.
 *
 * @param formatVersion JSON layout version
 * @param statistic     the test statistic
 * @param mu            tested signal strength
 * @param muHat         unconditional best-fit signal strength
 * @param q             observed value of the statistic
 * @param qAsimov       the statistic on the background-only Asimov data set
 * @param clsb          p-value of mu (CLs+b)
 * @param clb           CLb
 * @param cls           CLs = CLs+b / CLb
 * @param expectedCls   expected CLs at -2, -1, 0, +1, +2 sigma bands (background only)
 */
public record HypoTestResult(int formatVersion, TestStatistic statistic, double mu, double muHat, double q,
                             double qAsimov, double clsb, double clb, double cls, double[] expectedCls) {

    public String toJson() {
        return Json.write(this);
    }
}
