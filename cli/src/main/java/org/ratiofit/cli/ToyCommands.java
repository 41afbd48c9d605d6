package org.ratiofit.cli;

import java.io.IOException;
import org.ratiofit.likelihood.Model;
import org.ratiofit.samplers.profile.TestStatistic;
import org.ratiofit.samplers.toys.FitSettings;
import org.ratiofit.samplers.toys.ToyPlan;
import org.ratiofit.samplers.toys.ToyStudyFile;
import picocli.CommandLine;

/** The toy-based branches of limit, significance and scan: plan, run, report. */
final class ToyCommands {

    private ToyCommands() {
    }

    static int limit(CommandLine cl, WorkspaceOptions ws, ToyOptions t, MinimiserOptions m, OutputOptions o, Model model,
                     TestStatistic ts, double level, String grid) throws IOException {
        if (grid == null) {
            throw new CommandLine.ParameterException(cl, "--toys needs --grid FROM:TO:N, the tested values of the parameter of "
                    + "interest around the limit (the asymptotic 'ratiofit limit' gives a first idea)");
        }
        double[] g = ToyOptions.grid(cl, "--grid", grid);
        FitSettings fit = ToyRun.fitSettings(cl, m);
        long seed = t.seed(cl);
        t.range(cl);
        Output out = new Output(cl.getOut(), o, "ratiofit limit " + ws.workspace + " (toys)");
        ToyStudyFile f = ToyRun.run(cl, ws, t, model, "limit", new double[] {level}, o.json,
                sm -> ToyPlan.cls(sm, fit, ts, g, seed));
        return ToyReports.report(out, f, "ratiofit limit " + ws.workspace);
    }

    static int significance(CommandLine cl, WorkspaceOptions ws, ToyOptions t, MinimiserOptions m, OutputOptions o, Model model)
            throws IOException {
        FitSettings fit = ToyRun.fitSettings(cl, m);
        long seed = t.seed(cl);
        t.range(cl);
        Output out = new Output(cl.getOut(), o, "ratiofit significance " + ws.workspace + " (toys)");
        ToyStudyFile f = ToyRun.run(cl, ws, t, model, "significance", new double[] {0.95}, o.json,
                sm -> ToyPlan.significance(sm, fit, seed));
        return ToyReports.report(out, f, "ratiofit significance " + ws.workspace);
    }

    static int neyman(CommandLine cl, WorkspaceOptions ws, ToyOptions t, MinimiserOptions m, OutputOptions o, Model model,
                      double[] grid, double[] levels, boolean tilde) throws IOException {
        if (!t.requested()) {
            throw new CommandLine.ParameterException(cl, "--neyman needs --toys N (pseudo-experiments per grid point)");
        }
        FitSettings fit = ToyRun.fitSettings(cl, m);
        long seed = t.seed(cl);
        t.range(cl);
        Output out = new Output(cl.getOut(), o, "ratiofit scan " + ws.workspace + " (Neyman construction)");
        TestStatistic ts = tilde ? TestStatistic.T_TILDE_MU : TestStatistic.T_MU;
        ToyStudyFile f = ToyRun.run(cl, ws, t, model, "neyman", levels, o.json, sm -> ToyPlan.neyman(sm, fit, ts, grid, seed));
        return ToyReports.report(out, f, "ratiofit scan " + ws.workspace);
    }
}
