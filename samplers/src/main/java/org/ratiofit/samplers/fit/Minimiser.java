package org.ratiofit.samplers.fit;

import java.util.List;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/** Something that finds a minimum: {@link Migrad}, or {@link RobustMinimiser} around it. */
public interface Minimiser {

    /** Minimises from {@code parameters}, optionally seeding the inverse Hessian from a covariance (null: none). */
    FitResult minimise(Objective objective, List<ParameterSpec> parameters, double[][] seedCovariance);

    /** Minimises with the objective's own parameter settings. */
    default FitResult minimise(Objective objective) {
        return minimise(objective, objective.parameters(), null);
    }
}
