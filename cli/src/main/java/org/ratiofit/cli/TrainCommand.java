package org.ratiofit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ratiofit.workspace.train.ConfigTraining;
import org.ratiofit.workspace.train.DistributedTrainers;
import org.ratiofit.workspace.train.MemberRunner;
import org.ratiofit.workspace.train.EnsembleJob;
import org.ratiofit.workspace.train.TrainingListener;
import org.ratiofit.workspace.train.TrainingReport;
import org.ratiofit.workspace.train.TrainingSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratiofit train}: every ratio ensemble a fit configuration names, trained with DJL. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Train the ratio ensembles a fit configuration names (DJL, exported to ONNX).",
        description = {
            "Train the ratio ensembles a fit configuration names: each basis sample's",
            "Ensemble against the reference sample(s), each shape variation's Up/Dn",
            "Ensemble against its nominal sample, on the TrainingFeatures and Weight",
            "columns. Writes each ensemble folder (ONNX members with JSON sidecars,",
            "training records, ensemble.json, diagnostics/) where the configuration",
            "expects it. Settings come from the configuration's optional Training",
            "block; the options below override it."},
        footer = {"", "Examples:",
            "  ratiofit train fit.yml",
            "  ratiofit train fit.yml --members 3 --epochs 20 --hidden 32,32 --seed 7 --overwrite",
            "  ratiofit train fit.yml --json > training.json",
            "  ./ratiofit-spark train /shared/fit.yml --master spark://head:7077"})
public final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The fit configuration (YAML).")
    Path config;

    /** --members, --epochs, --seed, --overwrite: shared with train-estimator. */
    @CommandLine.Mixin
    EnsembleTrainingOptions ensemble = new EnsembleTrainingOptions();

    @Option(names = "--hidden", paramLabel = "WIDTHS", split = ",",
            description = "Hidden layer widths, comma-separated (default 32,32,32).")
    List<Integer> hidden;

    @Option(names = "--batch-size", paramLabel = "N", description = "Events per optimiser step (default 1024).")
    Integer batchSize;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Initial learning rate, cosine decay (default 0.003).")
    Double learningRate;

    @Option(names = "--threads", paramLabel = "N", description = "PyTorch intra-op threads (default 1: small networks train fastest single-threaded).")
    Integer threads;

    @Option(names = "--multiclass-calibration", paramLabel = "KIND",
            description = "Per-class calibration of shared multiclass ensembles, fitted on the holdout: none, temperature or isotonic (default none).")
    String multiclassCalibration;

    @Option(names = "--no-diagnostics", description = "Skip the training diagnostics (loss curves, closure, calibration, normalisation).")
    boolean noDiagnostics;

    @Option(names = "--master", paramLabel = "URL",
            description = "Train the ensemble members as Apache Spark tasks, one per member: local[N], spark://HOST:PORT, or "
                    + "'spark-submit' for the master spark-submit set (needs the distributed module: ./ratiofit-spark). The "
                    + "configuration and its event files must lie at the same path on every executor.")
    String master;

    @CommandLine.Mixin
    JsonOption.Results jsonOption;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** DJL logs engine details at INFO (and a CUDA probe at WARN) through slf4j-simple: keep them off the terminal. */
    static void quietDjlLog() {
        if (System.getProperty("org.slf4j.simpleLogger.log.ai.djl") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "error");
        }
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        boolean json = jsonOption.json;
        quietDjlLog();
        TrainingSettings s = settings(cl, config);
        PrintWriter out = cl.getOut();
        MemberRunner runner = null;
        if (master != null) {
            DistributedTrainers.Factory f;
            try {
                f = DistributedTrainers.find();
            } catch (IllegalStateException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            runner = f.create("spark-submit".equals(master) ? null : master);
        }
        TrainingReport r = train(config, s, ensemble.overwrite, !json, json ? null : out, runner);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("formatVersion", Output.FORMAT_VERSION);
            m.put("command", "train");
            m.put("training", r);
            out.println(Output.JSON.writeValueAsString(m));
        } else {
            print(out, r);
        }
        out.flush();
        return 0;
    }

    /**
     * The train step of {@code ratiofit train} (and of the demo): every ensemble of the
     * configuration, with a progress bar by epochs on standard error when {@code progress} and the
     * per-member lines on {@code lines} (null: none).
     */
    static TrainingReport train(Path config, TrainingSettings s, boolean overwrite, boolean progress, PrintWriter lines)
            throws java.io.IOException {
        return train(config, s, overwrite, progress, lines, null);
    }

    /**
     * As {@link #train(Path, TrainingSettings, boolean, boolean, PrintWriter)}, with the members of
     * every ensemble (binary, multiclass, PNN) trained by {@code runner} (null: here); the bar then counts finished members.
     */
    static TrainingReport train(Path config, TrainingSettings s, boolean overwrite, boolean progress, PrintWriter lines,
            MemberRunner runner) throws java.io.IOException {
        ConfigTraining.Plan plan = ConfigTraining.plan(config);
        if (runner != null) {
            try (Progress p = Progress.start(progress, "training members (" + runner.describe() + ")",
                    (long) ConfigTraining.ensembleCount(plan) * s.members())) {
                return ConfigTraining.train(config, s, overwrite, memberListener(p, lines), runner);
            }
        }
        long totalEpochs = (long) ConfigTraining.ensembleCount(plan) * s.members() * s.epochs();
        try (Progress p = Progress.start(progress, "training", totalEpochs)) {
            return ConfigTraining.train(config, s, overwrite, listener(p, s, lines));
        }
    }

    /** The configuration's Training block with the command-line options on top. */
    TrainingSettings settings(CommandLine cl, Path file) throws java.io.IOException {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new java.io.IOException("no such configuration file: " + file);
        }
        if (TrainEstimatorCommand.isEstimatorConfig(file)) {
            throw new CommandLine.ParameterException(cl, file + " is an estimator configuration (its Training block has "
                    + "Method and no Samples): train it with 'ratiofit train-estimator " + file + "'");
        }
        TrainingSettings s = TrainingSettings.fromConfigFile(file, TrainingSettings.defaults());
        try {
            if (ensemble.members != null) s = s.withMembers(ensemble.members);
            if (ensemble.epochs != null) s = s.withEpochs(ensemble.epochs);
            if (hidden != null) s = s.withHiddenLayers(hidden);
            if (batchSize != null) s = s.withBatchSize(batchSize);
            if (learningRate != null) s = s.withLearningRate(learningRate);
            if (ensemble.seed != null) s = s.withSeed(ensemble.seed);
            if (threads != null) s = s.withThreads(threads);
            if (noDiagnostics) s = s.withDiagnostics(false);
            if (multiclassCalibration != null) {
                s = s.withMulticlassCalibration(org.ratiofit.ratio.training.multiclass.ClassCalibration.parse(multiclassCalibration));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        return s;
    }

    /** Moves the bar by epochs; when early stopping ends a member, jumps over the epochs it skipped. */
    static TrainingListener listener(Progress p, TrainingSettings s, PrintWriter lines) {
        return new TrainingListener() {
            long base;
            int ensembles;

            @Override
            public void ensembleStarted(int index, int count, EnsembleJob job, int a, int b) {
                ensembles = count;
                base = (long) index * s.members() * s.epochs();
                p.stepTo(base);
                p.message(job.name());
                if (lines != null && System.console() == null) {
                    lines.printf("training %d/%d %s: %s (%d events) against %s (%d events)%n", index + 1, count, job.name(),
                            job.numerator(), a, job.denominator(), b);
                    lines.flush();
                }
            }

            @Override
            public void retry(EnsembleJob job, String reason, long seed) {
                warnRetry(lines, job, reason, seed);
            }

            @Override
            public void epochDone(EnsembleJob job, int member, int epoch, double trainLoss, double validationLoss) {
                p.stepTo(base + (long) member * s.epochs() + epoch + 1);
            }
        };
    }

    /** The line both listeners print when an ensemble is trained again (a NaN loss, say). */
    private static void warnRetry(PrintWriter lines, EnsembleJob job, String reason, long seed) {
        if (lines != null) {
            lines.printf("warning: %s: %s; training it again with seed %d%n", job.name(), reason, seed);
            lines.flush();
        }
    }

    /** Counts finished members (trained elsewhere); per-ensemble lines as the local listener prints them. */
    static TrainingListener memberListener(Progress p, PrintWriter lines) {
        return new TrainingListener() {
            @Override
            public void membersDone(long done, long total) {
                p.stepTo(done);
            }

            @Override
            public void ensembleStarted(int index, int count, EnsembleJob job, int a, int b) {
                p.message(job.name());
                if (lines != null && System.console() == null) {
                    lines.printf("ensemble %d/%d %s: %s (%d events) against %s (%d events)%n", index + 1, count, job.name(),
                            job.numerator(), a, job.denominator(), b);
                    lines.flush();
                }
            }

            @Override
            public void retry(EnsembleJob job, String reason, long seed) {
                warnRetry(lines, job, reason, seed);
            }
        };
    }

    static void print(PrintWriter out, TrainingReport r) {
        out.printf("trained %d ensemble%s from %s in %.1f s (%d members, up to %d epochs, hidden %s)%n",
                r.ensembles().size(), r.ensembles().size() == 1 ? "" : "s", r.configFile(), r.seconds(),
                r.settings().members(), r.settings().epochs(), r.settings().hiddenLayers());
        List<String> h = List.of("ensemble", "numerator", "denominator", "events", "epochs", "best val. loss",
                "norm. sum_B w r", "worst closure chi2/ndf", "folder");
        List<List<String>> rows = new ArrayList<>();
        for (TrainingReport.EnsembleResult e : r.ensembles()) {
            double best = e.members().stream().mapToDouble(TrainingReport.Member::bestValidationLoss).min().orElse(Double.NaN);
            String ep = e.members().stream().map(m -> Integer.toString(m.epochs())).reduce((x, y) -> x + "," + y).orElse("");
            rows.add(List.of(e.name(), e.numerator(), e.denominator(), e.numeratorEvents() + " / " + e.denominatorEvents(), ep,
                    Output.num4(best),
                    e.normalisation() == null ? "-" : Output.num4(e.normalisation().value()) + " +- "
                            + Output.num4(e.normalisation().error()),
                    Double.isNaN(e.worstClosureChi2PerNdf()) ? "-" : Output.num4(e.worstClosureChi2PerNdf()),
                    e.folder().toString()));
        }
        out.print(Tables.format(h, rows));
        for (TrainingReport.EnsembleResult e : r.ensembles()) {
            if (e.yieldFit() != null) {
                printYieldFit(out, e.name(), e.yieldFit());
            }
        }
        for (TrainingReport.Skipped sk : r.skipped()) {
            out.println("not trained: " + sk.yamlPath() + " (" + sk.folder() + "): " + sk.reason());
        }
        out.println("loss 0.6931 (ln 2) means r = 1 everywhere; the normalisation sum should be 1 within its error.");
    }

    /** A PNN's inclusive yield fit: the coefficients, the splines and, per ν point, ln N(ν)/N(0), the residual and its pull. */
    static void printYieldFit(PrintWriter out, String name, org.ratiofit.ratio.training.pnn.YieldFit.Result f) {
        StringBuilder c = new StringBuilder();
        for (int a = 0; a < f.monomials().size(); a++) {
            boolean spline = false;
            for (var sp : f.splines()) {
                spline |= f.monomials().get(a).equals(sp.parameter()) || f.monomials().get(a).equals(sp.parameter() + "*" + sp.parameter());
            }
            c.append(a == 0 ? "" : ", ").append(f.monomials().get(a)).append(' ')
                    .append(spline ? "(spline)" : Output.num4(f.coefficients()[a]) + " +- " + Output.num4(f.errors()[a]));
        }
        out.printf("yield fit of %s: ln N(nu)/N(0) = sum delta_A m_A(nu)%s; %s; chi2/ndf %s/%d%n", name,
                f.splines().isEmpty() ? "" : " + cubic splines in " + f.splines().stream().map(sp -> sp.parameter()).toList(), c,
                Output.num4(f.chi2()), f.ndf());
        List<List<String>> rows = new ArrayList<>();
        for (int p = 0; p < f.points().size(); p++) {
            rows.add(List.of(java.util.Arrays.toString(f.points().get(p)), Output.num4(f.logRatios()[p]), Output.num4(f.residuals()[p]),
                    Output.num4(f.pulls()[p])));
        }
        out.print(Tables.format(List.of("nu point", "ln N/N(0)", "residual", "pull"), rows));
    }
}
