package org.ratiofit.cli;

import java.io.IOException;
import org.ratiofit.likelihood.Model;
import org.ratiofit.samplers.profile.TestStatistic;
import org.ratiofit.samplers.toys.FitSettings;
import org.ratiofit.samplers.toys.ToyCls;
import org.ratiofit.samplers.toys.ToyLimitRefinement;
import org.ratiofit.samplers.toys.ToyRunner;
import org.ratiofit.samplers.toys.ToyPlan;
import org.ratiofit.samplers.toys.ToyStudyFile;
import picocli.CommandLine;

/** The toy-based branches of limit, significance and scan: plan, run, report. */
final class ToyCommands {

    private ToyCommands() {
    }

    static int limit(CommandLine cl, WorkspaceOptions ws, ToyOptions t, MinimiserOptions m, OutputOptions o, Model model,
                     TestStatistic ts, double level, String grid, int refine) throws IOException {
        if (grid == null) {
            throw new CommandLine.ParameterException(cl, "--toys needs --grid FROM:TO:N, the tested values of the parameter of "
                    + "interest around the limit (the asymptotic 'ratiofit limit' gives a first idea)");
        }
        double[] g = ToyOptions.grid(cl, "--grid", grid);
        FitSettings fit = ToyRun.fitSettings(cl, m);
        long seed = t.seed(cl);
        long[] range = t.range(cl);
        if (refine < 0 || refine > 20) {
            throw new CommandLine.ParameterException(cl, "--refine must lie in [0, 20], got " + refine);
        }
        if (refine > 0 && t.toyRange != null) {
            throw new CommandLine.ParameterException(cl, "--refine needs the whole study; run it on merged toys instead of with --toy-range");
        }
        Output out = new Output(cl.getOut(), o, "ratiofit limit " + ws.workspace + " (toys)");
        ToyStudyFile f = ToyRun.run(cl, ws, t, model, "limit", new double[] {level}, o.json,
                sm -> ToyPlan.cls(sm, fit, ts, g, seed));
        ToyLimitRefinement.Result refined = null;
        if (refine > 0) {
            ToyCls.Result coarse = ToyCls.analyse(f.plan(), f.samples(), level);
            Model toyModel = ToyRun.toyModel(cl, model);
            long n = range[1] - range[0];
            try (ToyRunner runner = ToyRun.runner(cl, ws, t, toyModel);
                 Progress p = Progress.start(!o.json, "refining the limit (" + runner.describe() + ")", refine * 2L * n)) {
                refined = ToyLimitRefinement.refine(toyModel, f.plan(), coarse, runner, n, refine, p::stepTo);
            }
        }
        return ToyReports.limit(out, f, "ratiofit limit " + ws.workspace, refined);
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
