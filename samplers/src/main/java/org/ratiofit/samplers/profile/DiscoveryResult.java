package org.ratiofit.samplers.profile;

import org.ratiofit.samplers.fit.Json;

/**
 * Discovery significance from q_0.
 *
 * @param formatVersion JSON layout version
 * @param q0            observed q_0
 * @param pValue        observed p-value of the background-only hypothesis
 * @param significance  observed Z = sqrt(q_0)
 * @param expectedSignificance median expected Z for the signal at mu = {@code expectedMu} (Asimov)
 * @param expectedMu    signal strength of the expected significance
 */
public record DiscoveryResult(int formatVersion, double q0, double pValue, double significance,
                              double expectedSignificance, double expectedMu) {

    public String toJson() {
        return Json.write(this);
    }
}
