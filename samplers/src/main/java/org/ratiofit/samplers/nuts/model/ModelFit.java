package org.ratiofit.samplers.nuts.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.nuts.diagnostics.ConvergenceDiagnostics;

/**
 * The draws of a {@link Model} on the constrained scale, generated quantities included, with the
 * raw NUTS result (unconstrained coordinates, sampler statistics) in {@link #nuts()}.
 */
public final class ModelFit {
    private final Map<String, double[][]> draws;
    private final NutsResult nuts;

    ModelFit(Map<String, double[][]> draws, NutsResult nuts) {
        this.draws = draws;
        this.nuts = nuts;
    }

    /** Parameter components, then generated quantities. */
    public List<String> names() {
        return List.copyOf(draws.keySet());
    }

    /** Draws of one quantity, [chain][iteration]. */
    public double[][] draws(String name) {
        double[][] d = draws.get(name);
        if (d == null) throw new IllegalArgumentException("no quantity '" + name + "'; known: " + draws.keySet());
        return d;
    }

    public double[] pooled(String name) {
        return ConvergenceDiagnostics.flatten(draws(name));
    }

    public NutsResult nuts() {
        return nuts;
    }

    /**
     * One row of {@link #summary}: mean, sd, Monte Carlo error of the mean, the requested quantiles,
     * R-hat and bulk/tail ESS.
     */
    public record Row(String name, double mean, double sd, double mcseMean, double[] quantiles, double rhat, double essBulk, double essTail) {}

    /**
     * The summary with quantiles chosen by the caller.
     *
     * @param formatVersion version of this JSON form
     * @param probabilities the quantiles' probabilities, in the order of each row's {@code quantiles}
     */
    public record Summary(int formatVersion, double[] probabilities, List<Row> rows, int divergences) {
        public static final int FORMAT_VERSION = 1;

        public Row row(String name) {
            return rows.stream().filter(r -> r.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no row '" + name + "'"));
        }

        public String toText() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-16s %10s %10s %10s", "name", "mean", "sd", "mcse"));
            for (double p : probabilities) sb.append(String.format(Locale.ROOT, " %9s", trim(100 * p) + "%"));
            sb.append(String.format(Locale.ROOT, " %7s %8s %8s%n", "R-hat", "ESS bulk", "ESS tail"));
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "%-16s %10.4g %10.4g %10.3g", r.name(), r.mean(), r.sd(), r.mcseMean()));
                for (double q : r.quantiles()) sb.append(String.format(Locale.ROOT, " %9.4g", q));
                sb.append(String.format(Locale.ROOT, " %7.3f %8.0f %8.0f%n", r.rhat(), r.essBulk(), r.essTail()));
            }
            if (divergences > 0) sb.append(divergences).append(" divergent transitions\n");
            return sb.toString();
        }

        private static String trim(double v) {
            return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
        }

        public String toJson() {
            try {
                return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The summary with the 5%, 50% and 95% quantiles. */
    public Summary summary() {
        return summary(0.05, 0.5, 0.95);
    }

    /** The summary with the quantiles at {@code probabilities} (each in [0, 1]). */
    public Summary summary(double... probabilities) {
        return of(draws, nuts.divergences(), probabilities);
    }

    /** The same summary for any draws, e.g. of a plain {@link NutsResult} ({@code result.draws(name)}). */
    public static Summary of(Map<String, double[][]> draws, int divergences, double... probabilities) {
        for (double p : probabilities) {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("quantile probability must be in [0, 1], got " + p);
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, double[][]> e : draws.entrySet()) {
            double[][] d = e.getValue();
            double[] all = ConvergenceDiagnostics.flatten(d);
            double mean = 0;
            for (double v : all) mean += v;
            mean /= all.length;
            double ss = 0;
            for (double v : all) ss += (v - mean) * (v - mean);
            double sd = Math.sqrt(ss / (all.length - 1));
            double[] sorted = all.clone();
            java.util.Arrays.sort(sorted);
            double[] q = new double[probabilities.length];
            for (int k = 0; k < q.length; k++) q[k] = ConvergenceDiagnostics.quantile(sorted, probabilities[k]);
            boolean constant = sorted[0] == sorted[sorted.length - 1];
            rows.add(new Row(e.getKey(), mean, sd, constant ? 0 : ConvergenceDiagnostics.mcseMean(d), q,
                    constant ? Double.NaN : ConvergenceDiagnostics.rhat(d), constant ? Double.NaN : ConvergenceDiagnostics.essBulk(d),
                    constant ? Double.NaN : ConvergenceDiagnostics.essTail(d)));
        }
        return new Summary(Summary.FORMAT_VERSION, probabilities.clone(), rows, divergences);
    }

    /** The summary of a plain NUTS result with caller-chosen quantiles. */
    public static Summary of(NutsResult result, double... probabilities) {
        Map<String, double[][]> m = new java.util.LinkedHashMap<>();
        for (String n : result.names()) m.put(n, result.draws(n));
        return of(m, result.divergences(), probabilities);
    }
}
