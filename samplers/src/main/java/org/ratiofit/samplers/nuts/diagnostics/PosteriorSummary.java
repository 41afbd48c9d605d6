package org.ratiofit.samplers.nuts.diagnostics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The summary table of a NUTS run with the sampler's own diagnostics: divergences, saturation of
 * the maximum tree depth, E-BFMI per chain, and warnings for anything that needs attention
 * (R-hat above 1.01, ESS below 100 per chain, any divergence, E-BFMI below 0.3).
 *
 * @param formatVersion      version of this JSON layout
 * @param parameters         one row per sampled parameter
 * @param chains             number of chains
 * @param drawsPerChain      kept draws per chain
 * @param divergences        divergent transitions among the kept draws, all chains
 * @param treeDepthSaturated kept transitions that stopped at the maximum tree depth
 * @param maxTreeDepth       the maximum tree depth of the run
 * @param ebfmi              E-BFMI of each chain
 * @param stepSizes          adapted step size of each chain
 * @param gradientEvaluations log-density gradient evaluations, all chains, warm-up included
 * @param warnings           plain-language warnings; empty when nothing was flagged
 */
public record PosteriorSummary(int formatVersion, List<ParameterSummary> parameters, int chains, int drawsPerChain,
                               int divergences, int treeDepthSaturated, int maxTreeDepth, double[] ebfmi,
                               double[] stepSizes, long gradientEvaluations, List<String> warnings) {

    public static final int FORMAT_VERSION = 1;

    /** Builds the warnings from the figures, with the thresholds Stan's tools use. */
    public static List<String> warningsFor(List<ParameterSummary> params, int chains, int drawsPerChain, int divergences,
                                           int saturated, int maxDepth, double[] ebfmi) {
        List<String> w = new ArrayList<>();
        int total = chains * drawsPerChain;
        if (divergences > 0) {
            w.add(String.format(Locale.ROOT, "%d of %d transitions after warm-up diverged (%.1f%%): the posterior has regions the "
                    + "sampler cannot explore; estimates may be biased. Raise delta or reparametrise.",
                    divergences, total, 100.0 * divergences / total));
        }
        if (saturated > 0) {
            w.add(String.format(Locale.ROOT, "%d of %d transitions hit the maximum tree depth %d: efficiency problem, not validity.",
                    saturated, total, maxDepth));
        }
        for (int c = 0; c < ebfmi.length; c++) {
            if (ebfmi[c] < 0.3) {
                w.add(String.format(Locale.ROOT, "chain %d: E-BFMI = %.3f < 0.3: the momentum resampling explores the energy poorly.",
                        c + 1, ebfmi[c]));
            }
        }
        for (ParameterSummary p : params) {
            if (!(p.rhat() < 1.01)) {
                w.add(String.format(Locale.ROOT, "%s: R-hat = %.4f >= 1.01: chains have not mixed.", p.name(), p.rhat()));
            }
            double minEss = Math.min(p.essBulk(), p.essTail());
            if (!(minEss >= 100.0 * chains)) {
                w.add(String.format(Locale.ROOT, "%s: ESS (bulk %.0f, tail %.0f) below 100 per chain: run longer.",
                        p.name(), p.essBulk(), p.essTail()));
            }
        }
        return w;
    }

    /** A fixed-width table, then the sampler diagnostics and warnings. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        int width = 9;
        for (ParameterSummary p : parameters) {
            width = Math.max(width, p.name().length());
        }
        String head = "%-" + width + "s %11s %11s %10s %11s %11s %11s %8s %9s %9s%n";
        String row = "%-" + width + "s %11.4g %11.4g %10.3g %11.4g %11.4g %11.4g %8.4f %9.0f %9.0f%n";
        sb.append(String.format(Locale.ROOT, head, "parameter", "mean", "sd", "mcse_mean", "5%", "50%", "95%", "R-hat",
                "ess_bulk", "ess_tail"));
        for (ParameterSummary p : parameters) {
            sb.append(String.format(Locale.ROOT, row, p.name(), p.mean(), p.sd(), p.mcseMean(), p.q5(), p.q50(), p.q95(),
                    p.rhat(), p.essBulk(), p.essTail()));
        }
        sb.append(String.format(Locale.ROOT, "%d chains x %d draws; %d divergent; %d at max tree depth %d; E-BFMI %s; "
                        + "step sizes %s; %d gradient evaluations%n",
                chains, drawsPerChain, divergences, treeDepthSaturated, maxTreeDepth, format(ebfmi), format(stepSizes),
                gradientEvaluations));
        for (String w : warnings) {
            sb.append("WARNING: ").append(w).append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static String format(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3g", v[i]));
        }
        return sb.append(']').toString();
    }

    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write posterior summary as JSON", e);
        }
    }

    public ParameterSummary parameter(String name) {
        for (ParameterSummary p : parameters) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter '" + name + "' in the summary; known: "
                + parameters.stream().map(ParameterSummary::name).toList());
    }
}
