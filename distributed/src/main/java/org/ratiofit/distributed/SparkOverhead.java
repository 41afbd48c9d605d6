package org.ratiofit.distributed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
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
 * run, with the context's start-up apart, each after the same warm-up study in the JVM that runs
 * the toys (the driver's for the pool, the executors' for Spark). Besides the wall times it prints
 * where the time went: the CPU, GC and JIT time of the JVM that ran the toys (driver, executors),
 * Spark's metrics of each task (deserialisation, run, CPU, GC, result serialisation) and the idle
 * slot time between tasks. Usage: SparkOverhead [toys] [toysPerTask[,toysPerTask...]] [master] [warmToys] [repeats]
 * (default 200, 50, local[2], toys / 10, 1); a size is the smallest task of the tapered cut
 * ({@link TaskSizes}), or with a trailing u every task's (uniform). Each study runs {@code repeats} times in a row, each
 * timed (the JIT keeps compiling for thousands of toys: the later repeats are the warm figures), and each Spark
 * study is paired with a local-pool study run right before it; the last lines give, per task size, the median of
 * the paired ratios (on a shared machine the load moves between studies; a pair sees nearly the same load).
 */
public final class SparkOverhead {

    private SparkOverhead() {
    }

    public static void main(String[] args) throws Exception {
        int toys = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        // a size ending in u: every task that size (uniform); otherwise tapered (TaskSizes), the size the smallest
        String[] perTask = (args.length > 1 ? args[1] : "50").split(",");
        String master = args.length > 2 ? args[2] : "local[2]";
        int warmToys = args.length > 3 ? Integer.parseInt(args[3]) : Math.max(10, toys / 10);
        int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        GaussianOnExponential toy = new GaussianOnExponential(GaussianOnExponential.Config.standard());
        Model m = ToyWorkspaces.gaussianOnExponential(toy, toy.generate(new double[] {0.3, 0, 0}, 5), 20_000, 6, false);
        Path dir = Files.createTempDirectory("ratiofit-spark-overhead");
        WorkspaceWriter.write(m, dir.resolve("ws"));
        WorkspaceSource source = WorkspaceSource.of(dir.resolve("ws"), Map.of(), Map.of(), false);
        long l0 = System.nanoTime();
        Model model = source.load();
        double loadMs = (System.nanoTime() - l0) / 1e6;
        ToyPlan plan = ToyPlan.cls(model, FitSettings.defaults(), TestStatistic.Q_TILDE_MU, new double[] {0.6, 1.2}, 4);
        ToyStudy warm = plan.study(10_000, 10_000 + warmToys);
        ToyStudy study = plan.study(0, toys);
        int cores = 2;
        long nToys = study.totalToys();
        new LocalToyRunner(model, cores).run(warm, null);
        System.out.printf(Locale.ROOT, "# load %s; %d toys x %d ensembles, warm-up %d toys x %d in the JVM that runs the toys, each "
                + "study %d times; reading the workspace and building the model (once per JVM) %.0f ms%n", load(), toys,
                study.ensembles().size(), warmToys, study.ensembles().size(), repeats, loadMs);
        double local = 0;
        for (int rep = 0; rep < repeats; rep++) {
            ExecutorJvm d0 = ExecutorJvm.sample();
            long t0 = System.nanoTime();
            new LocalToyRunner(model, cores).run(study, null);
            local = (System.nanoTime() - t0) / 1e9;
            ExecutorJvm localJvm = ExecutorJvm.sample().minus(d0);
            System.out.printf(Locale.ROOT, "local thread pool, %d threads     %8.2f s  (load %s)%n", cores, local, load());
            System.out.printf(Locale.ROOT, "  local pool JVM (driver, heap %d MiB, %s): CPU %.3f ms/toy, GC %d ms (%d collections), JIT %d ms%n",
                    Runtime.getRuntime().maxMemory() >> 20, localJvm.collectors(), localJvm.cpuNanos() / 1e6 / nToys, localJvm.gcMillis(),
                    localJvm.gcCount(), localJvm.jitMillis());
        }

        long t0 = System.nanoTime();
        JavaSparkContext sc = SparkContexts.get(master);
        double start = (System.nanoTime() - t0) / 1e9;
        try (SparkToyRunner w = runner(master, source, perTask[0])) {
            w.run(warm, null);
        }
        String[] runs = new String[perTask.length * repeats];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = perTask[i / repeats];
        }
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        for (String per : runs) {
            // paired: the local pool's study right before each Spark study, so that both see the same load and JIT state
            long p0 = System.nanoTime();
            new LocalToyRunner(model, cores).run(study, null);
            local = (System.nanoTime() - p0) / 1e9;
            System.out.printf(Locale.ROOT, "local thread pool, %d threads     %8.2f s  (paired with the next study; load %s)%n", cores, local, load());
            TaskTimeline timeline = new TaskTimeline();
            Map<Long, ExecutorJvm> before = ExecutorJvm.probe(sc);
            sc.sc().addSparkListener(timeline);
            ExecutorJvm s0 = ExecutorJvm.sample();
            double spark;
            long toyNanos;
            int tasks;
            try (SparkToyRunner r = runner(master, source, per)) {
                tasks = r.tasks(study, sc.defaultParallelism()).size();
                t0 = System.nanoTime();
                r.run(study, null);
                spark = (System.nanoTime() - t0) / 1e9;
                toyNanos = r.lastToyNanos();
            }
            ExecutorJvm driverDuring = ExecutorJvm.sample().minus(s0);
            timeline.awaitTasks(tasks, 10_000);
            sc.sc().removeSparkListener(timeline);
            Map<Long, ExecutorJvm> after = ExecutorJvm.probe(sc);
            System.out.printf(Locale.ROOT, "spark %-26s %8.2f s  (%+.1f%%; %.1f ms per task), %s toys per task (%d tasks), context start "
                    + "%.1f s, load %s%n", master, spark, 100 * (spark / local - 1), 1000 * (spark - local) / tasks * cores, per, tasks, start,
                    load());
            ratios.computeIfAbsent(per, k -> new ArrayList<>()).add(spark / local);
            for (Map.Entry<Long, ExecutorJvm> e : after.entrySet()) {
                ExecutorJvm b = before.get(e.getKey());
                if (b == null) {
                    continue;
                }
                ExecutorJvm x = e.getValue().minus(b);
                String where = e.getKey() == ProcessHandle.current().pid() ? "the driver itself (local mode)" : "executor " + x.executorId();
                System.out.printf(Locale.ROOT, "  spark JVM, %s (heap %d MiB, %s): CPU %.3f ms/toy, GC %d ms (%d collections), JIT %d ms, "
                                + "models loaded %d (before the study: %d)%n", where, x.maxHeap() >> 20, x.collectors(),
                        x.cpuNanos() / 1e6 / nToys, x.gcMillis(), x.gcCount(), x.jitMillis(), e.getValue().modelLoads(), b.modelLoads());
            }
            if (!after.containsKey(ProcessHandle.current().pid())) {
                System.out.printf(Locale.ROOT, "  driver during the spark study: CPU %.2f s, GC %d ms, JIT %d ms%n",
                        driverDuring.cpuNanos() / 1e9, driverDuring.gcMillis(), driverDuring.jitMillis());
            }
            System.out.printf(Locale.ROOT, "  inside the tasks: model lookup + toys %.1f ms per task%n", toyNanos / 1e6 / tasks);
            System.out.print(timeline.summary(cores));
        }
        for (Map.Entry<String, List<Double>> e : ratios.entrySet()) {
            List<Double> r = new ArrayList<>(e.getValue());
            Collections.sort(r);
            double median = r.size() % 2 == 1 ? r.get(r.size() / 2) : 0.5 * (r.get(r.size() / 2 - 1) + r.get(r.size() / 2));
            StringBuilder all = new StringBuilder();
            for (double x : e.getValue()) {
                all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%+.1f%%", 100 * (x - 1)));
            }
            System.out.printf(Locale.ROOT, "paired overhead, %s toys per task on %s: median %+.1f%% (each pair: %s)%n", e.getKey(), master,
                    100 * (median - 1), all);
        }
        SparkContexts.stop();
    }

    private static SparkToyRunner runner(String master, WorkspaceSource source, String size) {
        boolean uniform = size.endsWith("u");
        return new SparkToyRunner(master, source, Integer.parseInt(uniform ? size.substring(0, size.length() - 1) : size), !uniform);
    }

    private static String load() throws java.io.IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }
}
