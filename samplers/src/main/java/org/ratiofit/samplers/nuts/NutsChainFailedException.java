package org.ratiofit.samplers.nuts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chain of a NUTS run stopped because its log-density threw (a neural ratio estimator returned
 * NaN, say) rather than returning a value or +∞. The whole run stops with this exception: the
 * failing chain stops at once, the other chains' results are discarded (their threads are
 * interrupted; the sampler does not wait for chains after the first failure it collects in chain
 * order) and no partial result is returned, since draws from a posterior that is not defined
 * everywhere the sampler goes are not a posterior sample. The message names the chain (from 1), the phase
 * ({@code "warm-up"}, {@code "sampling"} or {@code "initialisation"}), the iteration (from 0 within
 * the phase), the parameter values of the point whose evaluation failed, and the cause's message.
 */
public final class NutsChainFailedException extends IllegalStateException {
    private final int chain;
    private final String phase;
    private final int iteration;
    private final Map<String, Double> parameters;

    NutsChainFailedException(int chain, String phase, int iteration, List<String> names, double[] values, Throwable cause) {
        super(message(chain, phase, iteration, names, values, cause), cause);
        this.chain = chain;
        this.phase = phase;
        this.iteration = iteration;
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) m.put(names.get(k), values[k]);
        this.parameters = java.util.Collections.unmodifiableMap(m);
    }

    private static String message(int chain, String phase, int iteration, List<String> names, double[] values, Throwable cause) {
        StringBuilder sb = new StringBuilder("NUTS chain ").append(chain).append(" stopped at ").append(phase)
                .append(" iteration ").append(iteration).append(", at the draw ");
        for (int k = 0; k < names.size(); k++) {
            if (k > 0) sb.append(", ");
            sb.append(names.get(k)).append(" = ").append(values[k]);
        }
        sb.append(": ").append(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        return sb.toString();
    }

    /** The chain, counted from 1 as in the result. */
    public int chain() {
        return chain;
    }

    /** "initialisation", "warm-up" or "sampling". */
    public String phase() {
        return phase;
    }

    /** The iteration within {@link #phase()}, counted from 0 (for sampling: before thinning). */
    public int iteration() {
        return iteration;
    }

    /** The free parameters' (constrained) values at the point whose evaluation failed, by name. */
    public Map<String, Double> parameters() {
        return parameters;
    }
}
