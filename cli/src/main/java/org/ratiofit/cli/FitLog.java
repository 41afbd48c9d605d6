package org.ratiofit.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.RobustMinimiser;

/**
 * The fits a command made through its {@link RobustMinimiser}: how many, how many needed
 * escalation (HESSE-seeded rerun, strategy 2, restarts), how many never converged, and the
 * warnings; printed after the command's tables and put into its JSON as {@code "fits"}. A command
 * whose results rest on an unconverged fit exits with code 3 ({@link #exitCode}).
 */
final class FitLog {

    final RobustMinimiser minimiser;

    FitLog(Migrad migrad) {
        this.minimiser = new RobustMinimiser(migrad);
    }

    /** Warnings of the command itself (not of one fit), printed and put into the JSON with the fits' own. */
    private final List<String> commandWarnings = new ArrayList<>();

    void warn(String warning) {
        commandWarnings.add(warning);
    }

    List<String> warnings() {
        List<String> all = new ArrayList<>(commandWarnings);
        all.addAll(minimiser.warnings());
        return all;
    }

    boolean converged() {
        return minimiser.unconverged() == 0;
    }

    /** 3 when a fit never converged, else {@code otherwise}. */
    int exitCode(int otherwise) {
        return converged() ? otherwise : 3;
    }

    /** A marker for table rows computed from fits that did not all converge. */
    String mark() {
        return converged() ? "" : " (NOT CONVERGED)";
    }

    void report(Output out) {
        List<RobustMinimiser.Call> calls = minimiser.log();
        long escalated = minimiser.escalated();
        long failed = minimiser.unconverged();
        if (escalated > 0 || failed > 0) {
            out.paragraph("fits: " + calls.size() + " minimisations, " + escalated + " escalated (HESSE-seeded rerun, strategy 2, "
                    + "restarts), " + failed + " without a valid minimum");
        }
        for (String w : warnings()) {
            out.paragraph("warning: " + w);
        }
        if (failed > 0) {
            out.paragraph("warning: results that rest on a fit without a valid minimum are not trustworthy (exit code 3)");
        }
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<RobustMinimiser.Call> calls = minimiser.log();
        m.put("minimisations", calls.size());
        m.put("escalated", minimiser.escalated());
        m.put("unconverged", minimiser.unconverged());
        m.put("converged", converged());
        m.put("warnings", warnings());
        List<RobustMinimiser.Call> notable = new ArrayList<>();
        for (RobustMinimiser.Call c : calls) {
            if (c.escalated() || !c.converged() || c.warning() != null) {
                notable.add(c);
            }
        }
        m.put("escalations", notable);
        return m;
    }
}
