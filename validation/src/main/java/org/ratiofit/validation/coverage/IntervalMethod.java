package org.ratiofit.validation.coverage;

import java.util.List;
import java.util.Map;
import org.ratiofit.objective.Objective;
import org.ratiofit.samplers.fit.ConfidenceLevel;

/**
 * An interval method whose coverage {@link ProfileCoverage} measures: from one pseudo-experiment's
 * -ln L, the interval of the parameter of interest at each confidence level. Implementations must be
 * deterministic functions of the objective and the seed (the toys run on any number of threads) and
 * safe to call from several threads at once.
 */
public interface IntervalMethod {

    /** Short name, as {@code --method} spells it: minos, scan, posterior. */
    String name();

    /** What the intervals are, in words, for the report. */
    String describe();

    /**
     * The intervals of {@code poiName} on one toy's {@code nll} at {@code levels}.
     *
     * @param seed the toy's seed, for methods that draw random numbers of their own (NUTS)
     */
    ToyInterval interval(Objective nll, String poiName, List<ConfidenceLevel> levels, long seed);

    /** Method settings for the JSON result (grid, NUTS settings...); empty when none. */
    default Map<String, Object> settings() {
        return Map.of();
    }
}
