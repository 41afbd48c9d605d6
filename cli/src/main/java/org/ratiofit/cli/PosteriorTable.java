package org.ratiofit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ratiofit.samplers.nuts.diagnostics.ParameterSummary;
import org.ratiofit.samplers.nuts.diagnostics.PosteriorSummary;

/** A NUTS posterior summary as a table (the columns of {@code ratiofit sample}) and its diagnostics line. */
final class PosteriorTable {

    private PosteriorTable() {
    }

    static List<String> header() {
        return List.of("parameter", "mean", "sd", "mcse", "5%", "50%", "95%", "R-hat", "ESS bulk", "ESS tail");
    }

    static List<List<String>> rows(PosteriorSummary s) {
        List<List<String>> rows = new ArrayList<>();
        for (ParameterSummary p : s.parameters()) {
            rows.add(List.of(p.name(), Output.num(p.mean()), Output.num4(p.sd()), Output.num4(p.mcseMean()), Output.num(p.q5()),
                    Output.num(p.q50()), Output.num(p.q95()), String.format(Locale.ROOT, "%.4f", p.rhat()),
                    String.format(Locale.ROOT, "%.0f", p.essBulk()), String.format(Locale.ROOT, "%.0f", p.essTail())));
        }
        return rows;
    }

    /** Chains, draws, divergences, tree depth, E-BFMI and gradient evaluations in one sentence. */
    static String diagnostics(PosteriorSummary s) {
        StringBuilder e = new StringBuilder();
        for (double v : s.ebfmi()) {
            e.append(e.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3g", v));
        }
        return String.format(Locale.ROOT, "%d chains x %d draws; %d divergent transitions; %d at the maximum tree depth %d; "
                + "E-BFMI [%s]; %d gradient evaluations.", s.chains(), s.drawsPerChain(), s.divergences(), s.treeDepthSaturated(),
                s.maxTreeDepth(), e, s.gradientEvaluations());
    }
}
