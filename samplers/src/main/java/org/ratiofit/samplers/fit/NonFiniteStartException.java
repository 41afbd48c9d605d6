package org.ratiofit.samplers.fit;

import java.util.List;
import java.util.Locale;
import org.ratiofit.objective.ParameterSpec;

/**
 * MIGRAD cannot start: the cost is not finite at the starting point (for a likelihood, the
 * mixture density is not positive at some events). Thrown before any gradient is taken, with the
 * point and the objective's own reason.
 */
public final class NonFiniteStartException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient double[] point;
    private final String reason;

    public NonFiniteStartException(List<ParameterSpec> parameters, double[] point, double value, String reason) {
        super("the objective is " + (Double.isNaN(value) ? "NaN" : value > 0 ? "+inf" : "-inf") + " at the starting point "
                + describe(parameters, point)
                + (reason == null || reason.isBlank() ? "" : ": " + reason));
        this.point = point.clone();
        this.reason = reason;
    }

    /** The starting point (every parameter, in order). */
    public double[] point() {
        return point.clone();
    }

    /** The objective's reason, or null. */
    public String reason() {
        return reason;
    }

    static String describe(List<ParameterSpec> parameters, double[] x) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < x.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            String name = i < parameters.size() ? parameters.get(i).name() : "x" + i;
            sb.append(name).append(" = ").append(String.format(Locale.ROOT, "%.6g", x[i]));
        }
        return sb.toString();
    }
}
