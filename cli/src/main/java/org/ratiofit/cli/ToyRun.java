package org.ratiofit.cli;

import java.io.IOException;
import java.util.function.Function;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.workspace.WorkspaceSource;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.toys.DistributedToyRunners;
import org.ratiofit.samplers.toys.FitSettings;
import org.ratiofit.samplers.toys.LocalToyRunner;
import org.ratiofit.samplers.toys.ToyPlan;
import org.ratiofit.samplers.toys.ToyRunner;
import org.ratiofit.samplers.toys.ToySamples;
import org.ratiofit.samplers.toys.ToyStudy;
import org.ratiofit.samplers.toys.ToyStudyFile;
import picocli.CommandLine;

/**
 * Runs a toy study for a command: checks the toy options, plans the study on the data (bad grids
 * and workspaces that cannot make toys are usage errors), runs the toys locally on the
 * {@code --threads} threads or on Spark with {@code --master}, with a progress bar counting
 * finished toys, and saves the study when asked.
 */
final class ToyRun {

    private ToyRun() {
    }

    static FitSettings fitSettings(CommandLine cl, MinimiserOptions m) {
        m.migrad(cl, 0.01); // checks strategy and tolerance
        return new FitSettings(m.strategy, m.tolerance == null ? 0.01 : m.tolerance);
    }

    /** The workspace's model for toys: its loop on the calling thread, the toys in parallel. */
    static Model toyModel(CommandLine cl, Model model) {
        if (!model.supportsPseudoExperiments()) {
            throw new CommandLine.ParameterException(cl, "toys resample the reference events of every unbinned channel, and this "
                    + "workspace has a channel without them (EventSet 'reference'); rebuild it with the reference sample, or use "
                    + "the asymptotic result (no --toys)");
        }
        return model.withPool(null);
    }

    static ToyStudyFile run(CommandLine cl, WorkspaceOptions ws, ToyOptions t, Model model, String command, double[] levels,
                            boolean json, Function<StatisticalModel, ToyPlan> planner) throws IOException {
        long seed = t.seed(cl);
        long[] range = t.range(cl);
        Model toyModel = toyModel(cl, model);
        ToyPlan plan;
        try (Progress p = Progress.start(!json, "fits to the data", -1)) {
            plan = planner.apply(new CountingModel(toyModel, p));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        // the CountingModel only counted evaluations; the plan holds numbers, not the model
        ToyStudy study = plan.study(range[0], range[1]);
        ToySamples samples;
        try (ToyRunner runner = runner(cl, ws, t, toyModel);
             Progress p = Progress.start(!json, "toys (" + runner.describe() + ")", study.totalToys())) {
            samples = runner.run(study, p::stepTo);
        }
        ToyStudyFile file = ToyStudyFile.of(command, ws.workspace.toString(), levels, plan, samples);
        if (t.saveToys != null) {
            file.write(t.saveToys);
        }
        return file;
    }

    static ToyRunner runner(CommandLine cl, WorkspaceOptions ws, ToyOptions t, Model toyModel) {
        if (t.master == null) {
            int threads = ws.threads != null ? ws.threads : Runtime.getRuntime().availableProcessors();
            return new LocalToyRunner(toyModel, threads);
        }
        DistributedToyRunners.Factory f;
        try {
            f = DistributedToyRunners.find();
        } catch (IllegalStateException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        String master = "spark-submit".equals(t.master) ? null : t.master;
        return f.create(master, WorkspaceSource.of(ws.workspace, ws.set, ws.fix, ws.float32), t.toysPerTask);
    }
}
