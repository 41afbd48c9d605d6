package org.ratiofit.distributed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.workspace.WorkspaceSource;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;
import org.ratiofit.samplers.profile.TestStatistic;
import org.ratiofit.samplers.toys.FitSettings;
import org.ratiofit.samplers.toys.LocalToyRunner;
import org.ratiofit.samplers.toys.ToyPlan;
import org.ratiofit.samplers.toys.ToyStudy;
import org.ratiofit.validation.toys.GaussianOnExponential;
import org.ratiofit.validation.toys.ToyWorkspaces;

/**
 * Spark's overhead on a toy study: the same CLs study (Gaussian-on-exponential workspace, 20,000
 * reference events) on the local thread pool and on a Spark master at equal cores, timed in one
 * run, with the context's start-up apart. Usage: SparkOverhead [toys] [toysPerTask] [master]
 * (default 200, 50, local[2]).
 */
public final class SparkOverhead {

    private SparkOverhead() {
    }

    public static void main(String[] args) throws Exception {
        int toys = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int perTask = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        String master = args.length > 2 ? args[2] : "local[2]";
        GaussianOnExponential toy = new GaussianOnExponential(GaussianOnExponential.Config.standard());
        Model m = ToyWorkspaces.gaussianOnExponential(toy, toy.generate(new double[] {0.3, 0, 0}, 5), 20_000, 6, false);
        Path dir = Files.createTempDirectory("ratiofit-spark-overhead");
        WorkspaceWriter.write(m, dir.resolve("ws"));
        WorkspaceSource source = WorkspaceSource.of(dir.resolve("ws"), Map.of(), Map.of(), false);
        Model model = source.load();
        ToyPlan plan = ToyPlan.cls(model, FitSettings.defaults(), TestStatistic.Q_TILDE_MU, new double[] {0.6, 1.2}, 4);
        ToyStudy warm = plan.study(10_000, 10_000 + Math.max(10, toys / 10));
        ToyStudy study = plan.study(0, toys);
        int cores = 2;
        new LocalToyRunner(model, cores).run(warm, null);
        long t0 = System.nanoTime();
        new LocalToyRunner(model, cores).run(study, null);
        double local = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        SparkContexts.get(master);
        double start = (System.nanoTime() - t0) / 1e9;
        try (SparkToyRunner r = new SparkToyRunner(master, source, perTask)) {
            r.run(warm, null);
            t0 = System.nanoTime();
            r.run(study, null);
        }
        double spark = (System.nanoTime() - t0) / 1e9;
        SparkContexts.stop();
        int tasks = study.batches(perTask).size();
        System.out.printf(Locale.ROOT, "# load %s; %d toys x %d ensembles, %d toys per task (%d tasks)%n",
                Files.readString(Path.of("/proc/loadavg")).split(" ")[0], toys, study.ensembles().size(), perTask, tasks);
        System.out.printf(Locale.ROOT, "local thread pool, %d threads     %8.2f s%n", cores, local);
        System.out.printf(Locale.ROOT, "spark %-26s %8.2f s  (%+.1f%%; %.1f ms per task), context start %.1f s%n", master, spark,
                100 * (spark / local - 1), 1000 * (spark - local) / tasks * cores, start);
    }
}
