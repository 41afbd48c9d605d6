package org.ratiofit.workspace.nre;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The box of θ a neural ratio estimator was trained on (the uniform prior of its training pairs).
 * Outside it the network never saw data: its ratio there is an extrapolation, not an estimate.
 * {@link #check} counts the posterior draws of each parameter outside its range, so a run can warn
 * "N of M draws of 'a' lie outside the NRE's training range [lo, hi]: the NRE is extrapolating
 * there". A draw on an edge is inside.
 */
public final class TrainingRange {

    /** One parameter's count of draws outside its training range. */
    public record Extrapolation(String parameter, double lower, double upper, long outside, long draws) {
        /** The warning line (also when {@code outside} is 0, for the record). */
        public String warning() {
            return String.format(Locale.ROOT, "%d of %d draws of '%s' lie outside the NRE's training range [%s, %s]: the NRE is extrapolating there",
                    outside, draws, parameter, lower, upper);
        }
    }

    private final List<String> names;
    private final double[] lower;
    private final double[] upper;

    /** @param lower, upper the box's edges, one per name */
    public TrainingRange(List<String> names, double[] lower, double[] upper) {
        if (lower.length != names.size() || upper.length != names.size()) {
            throw new IllegalArgumentException("training range needs " + names.size() + " lower and upper edges for " + names
                    + ", got " + lower.length + " and " + upper.length);
        }
        for (int j = 0; j < lower.length; j++) {
            if (!(lower[j] <= upper[j])) {
                throw new IllegalArgumentException("training range of '" + names.get(j) + "' is [" + lower[j] + ", " + upper[j] + "]");
            }
        }
        this.names = List.copyOf(names);
        this.lower = lower.clone();
        this.upper = upper.clone();
    }

    public List<String> names() {
        return names;
    }

    /**
     * For each parameter of the box, the draws outside its range (in the box's order).
     *
     * @param draws the draws by parameter name; every parameter of the box must be there
     */
    public List<Extrapolation> check(Map<String, double[]> draws) {
        List<Extrapolation> out = new ArrayList<>();
        for (int j = 0; j < names.size(); j++) {
            double[] d = draws.get(names.get(j));
            if (d == null) {
                throw new IllegalArgumentException("no draws of '" + names.get(j) + "' to check against the NRE's training range; draws of " + draws.keySet());
            }
            long outside = 0;
            for (double v : d) if (!(v >= lower[j] && v <= upper[j])) outside++;
            out.add(new Extrapolation(names.get(j), lower[j], upper[j], outside, d.length));
        }
        return out;
    }

    /** The warning lines of {@link #check}'s parameters with draws outside their range. */
    public static List<String> warnings(List<Extrapolation> checked) {
        return checked.stream().filter(e -> e.outside() > 0).map(Extrapolation::warning).toList();
    }
}
