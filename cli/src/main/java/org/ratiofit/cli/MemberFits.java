package org.ratiofit.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.ratiofit.objective.Objective;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;

/**
 * Each ensemble member's likelihood fitted alone (MIGRAD, then HESSE), the members' spread beside
 * the ensemble's errors: what {@code fit} reports for estimator and SALLY-histogram ensembles.
 *
 * @param values per member, the fitted parameter values
 * @param errors per member, HESSE's errors
 * @param valid  per member, whether MIGRAD found a valid minimum
 */
record MemberFits(double[][] values, double[][] errors, boolean[] valid) {

    /** Fits members 0 … m−1, each the likelihood {@code member} gives (already started where it should be). */
    static MemberFits of(int m, IntFunction<? extends Objective> member, int strategy, Migrad migrad, boolean progress) {
        double[][] values = new double[m][];
        double[][] errors = new double[m][];
        boolean[] valid = new boolean[m];
        try (Progress p = Progress.start(progress, "member fits", m)) {
            for (int i = 0; i < m; i++) {
                Objective one = member.apply(i);
                FitResult f = Hesse.compute(one, migrad.minimise(one), strategy, true);
                values[i] = f.values();
                errors[i] = f.errors();
                valid[i] = f.status().validMinimum();
                p.step();
            }
        }
        return new MemberFits(values, errors, valid);
    }

    /** The sample standard deviation of the members' best fits, per parameter (fixed ones included: 0). */
    double[] spread() {
        int m = values.length;
        double[] spread = new double[values[0].length];
        for (int k = 0; k < spread.length; k++) {
            double mean = 0;
            for (int i = 0; i < m; i++) mean += values[i][k] / m;
            double ss = 0;
            for (int i = 0; i < m; i++) ss += (values[i][k] - mean) * (values[i][k] - mean);
            spread[k] = Math.sqrt(ss / (m - 1));
        }
        return spread;
    }

    /** One JSON record per member ({@code member}, {@code values}, {@code errors}, {@code validMinimum}). */
    List<Map<String, Object>> json(List<String> members) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            Map<String, Object> mj = new LinkedHashMap<>();
            mj.put("member", members.get(i));
            mj.put("values", values[i]);
            mj.put("errors", errors[i]);
            mj.put("validMinimum", valid[i]);
            out.add(mj);
        }
        return out;
    }
}
