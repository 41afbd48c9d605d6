package org.ratiofit.workspace.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.training.EnsembleTrainer;
import org.ratiofit.ratio.training.OnnxExport;
import org.ratiofit.ratio.training.TrainedEnsemble;
import org.ratiofit.ratio.training.TrainedMember;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.TrainingData;
import org.ratiofit.ratio.training.TrainingRecords;
import org.ratiofit.ratio.training.diagnostics.DiagnosticsReport;
import org.ratiofit.ratio.training.diagnostics.TrainingDiagnostics;
import org.ratiofit.workspace.config.ConfigException;
import org.ratiofit.workspace.config.ConfigProblem;
import org.ratiofit.workspace.config.EnsembleInspector;
import org.ratiofit.workspace.config.FitConfig;
import org.ratiofit.workspace.config.FitConfigLoader;
import org.ratiofit.io.OutputGuard;
import org.ratiofit.workspace.io.AtomicDirectory;

/**
 * Trains every ratio ensemble a fit configuration names, with ratio-models' DJL training, and
 * writes each ensemble folder where the configuration expects it:
 * <ul>
 *   <li>a basis sample's {@code Ensemble}: the sample's events (numerator) against the reference
 *       sample's (denominator; several reference samples are joined into their mixture);</li>
 *   <li>a shape variation's {@code Up[]/Dn[].Ensemble}: the varied events against the nominal
 *       sample's.</li>
 * </ul>
 * Each folder holds {@code member-K.onnx} + {@code member-K.json} (sidecar with the fitted scaling),
 * {@code member-K.training.json} (the full training record), {@code ensemble.json} and, with
 * diagnostics on, {@code diagnostics/} (report.json and figures). Features are the configuration's
 * {@code TrainingFeatures}, scaled as {@code TrainingFeaturesToStandardize} says; event weights
 * are the samples' {@code Weight} columns. Samples naming one folder share a multiclass ensemble
 * ({@link MulticlassTraining}); polynomial models with {@code Variations} are trained as
 * parametric-in-nuisance polynomial networks ({@link PnnTraining}), those without are listed as
 * skipped.
 */
public final class ConfigTraining {

    /** What a configuration asks to train. */
    public record Plan(FitConfig config, List<EnsembleJob> jobs, List<TrainingReport.Skipped> skipped) {
    }

    /** Added to the seed when training is retried after a NaN loss. */
    public static final long RETRY_SEED_STEP = 1_000_003L;

    private ConfigTraining() {
    }

    /**
     * Reads and checks the configuration as {@link FitConfigLoader} does, except that ensemble
     * folders may be missing (training creates them), and lists the ensembles to train.
     */
    public static Plan plan(Path configFile) throws IOException {
        FitConfigLoader.Result r = FitConfigLoader.check(configFile, EnsembleInspector.NONE);
        List<ConfigProblem> problems = new ArrayList<>();
        for (ConfigProblem p : r.problems()) {
            boolean missingEnsemble = p.path().endsWith(".Ensemble") && p.message().startsWith("no such ensemble folder");
            if (!missingEnsemble) {
                problems.add(p);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(configFile, problems);
        }
        FitConfig c = r.config();
        List<FitConfig.Sample> refs = c.referenceSamples();
        String refName = String.join("+", refs.stream().map(FitConfig.Sample::name).toList());
        List<FitConfig.EventFiles> refEvents = refs.stream().map(FitConfig.Sample::events).toList();
        List<EnsembleJob> jobs = new ArrayList<>();
        List<TrainingReport.Skipped> skipped = new ArrayList<>();
        java.util.Set<Path> shared = MulticlassTraining.sharedFolders(c);
        for (FitConfig.Sample s : c.samples()) {
            if (s.ensemble() != null && !shared.contains(s.ensemble().toAbsolutePath().normalize())) {
                if (s.events() == null) {
                    throw new ConfigException(c.configFile(), List.of(new ConfigProblem(s.yamlPath() + ".SamplePath",
                            "missing: training the ensemble of sample '" + s.name() + "' needs its events (it is given by Ensemble "
                                    + "and Yield alone, which fits with a trained ensemble only)")));
                }
                jobs.add(new EnsembleJob(s.yamlPath() + ".Ensemble", folderName(s.ensemble()), s.name(), List.of(s.events()),
                        refName, refEvents, s.ensemble()));
            }
        }
        for (FitConfig.Systematic sy : c.systematics()) {
            addVariations(c, sy, sy.up(), "up", jobs);
            addVariations(c, sy, sy.down(), "down", jobs);
            for (FitConfig.PolynomialModel m : sy.models()) {
                if (m.ensemble() != null && m.variations().isEmpty()) {
                    skipped.add(new TrainingReport.Skipped(m.yamlPath() + ".Ensemble", m.ensemble(),
                            "a polynomial model is trained from samples at nuisance points: give its Variations "
                                    + "(Point, Path) to train it"));
                }
            }
        }
        return new Plan(c, jobs, skipped);
    }

    /** How many ensembles {@code train} trains for this plan: binary, shared multiclass and PNN ones. */
    public static int ensembleCount(Plan plan) {
        return plan.jobs().size() + MulticlassTraining.plan(plan.config()).size() + PnnTraining.plan(plan.config()).size();
    }

    private static void addVariations(FitConfig c, FitConfig.Systematic sy, List<FitConfig.Variation> vars, String dir,
            List<EnsembleJob> jobs) {
        for (FitConfig.Variation v : vars) {
            if (v.ensemble() == null) {
                continue;
            }
            String at = v.yamlPath() + ".Ensemble";
            if (v.events() == null) {
                throw new ConfigException(c.configFile(), List.of(new ConfigProblem(v.yamlPath() + ".Path",
                        "missing: training the shape variation's ensemble needs the varied events")));
            }
            FitConfig.Sample nominal = c.sample(v.sampleName()).orElseThrow();
            jobs.add(new EnsembleJob(at, folderName(v.ensemble()), v.sampleName() + " " + sy.name() + " " + dir,
                    List.of(v.events()), v.sampleName(), List.of(nominal.events()), v.ensemble()));
        }
    }

    private static String folderName(Path folder) {
        Path f = folder.getFileName();
        return f == null ? folder.toString() : f.toString();
    }

    /**
     * Trains every ensemble of the configuration and writes their folders. An existing folder is
     * refused before any training unless {@code overwrite}; a failure leaves no partial folder.
     */
    public static TrainingReport train(Path configFile, TrainingSettings settings, boolean overwrite,
            TrainingListener listener) throws IOException {
        return train(configFile, settings, overwrite, listener, null);
    }

    /**
     * As {@link #train(Path, TrainingSettings, boolean, TrainingListener)}, with the members of
     * every ensemble (binary, multiclass and PNN) trained by {@code runner} (Spark tasks, one per
     * member; null: here, one after the other): all members of all ensembles at once, each from
     * its own seed, each record back to this JVM, which writes every folder exactly as the local
     * path does. A binary ensemble whose loss became NaN is trained again with the retry seed, as
     * locally; a NaN loss of a multiclass or PNN member fails the command, as locally.
     */
    public static TrainingReport train(Path configFile, TrainingSettings settings, boolean overwrite,
            TrainingListener listener, MemberRunner runner) throws IOException {
        long t0 = System.nanoTime();
        Plan plan = plan(configFile);
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        guardOutputs(configFile, plan, overwrite);
        if (!overwrite) {
            List<ConfigProblem> exists = new ArrayList<>();
            for (EnsembleJob j : plan.jobs()) {
                if (Files.exists(j.folder())) {
                    exists.add(new ConfigProblem(j.yamlPath(), j.folder() + " exists; remove it or ask to overwrite"));
                }
            }
            for (MulticlassTraining.Job j : MulticlassTraining.plan(plan.config())) {
                if (Files.exists(j.folder())) {
                    exists.add(new ConfigProblem(j.yamlPath(), j.folder() + " exists; remove it or ask to overwrite"));
                }
            }
            for (PnnTraining.Job j : PnnTraining.plan(plan.config())) {
                if (Files.exists(j.model().ensemble())) {
                    exists.add(new ConfigProblem(j.model().yamlPath() + ".Ensemble", j.model().ensemble() + " exists; remove it or ask to overwrite"));
                }
            }
            if (!exists.isEmpty()) {
                throw new ConfigException(configFile, exists);
            }
        }
        if (settings.threads() != null) {
            // Read once, when the PyTorch engine starts; a later change has no effect.
            System.setProperty("ai.djl.pytorch.num_threads", settings.threads().toString());
        }
        FitConfig c = plan.config();
        List<TrainingReport.EnsembleResult> results = new ArrayList<>();
        List<MulticlassTraining.Job> multiclass = MulticlassTraining.plan(c);
        List<PnnTraining.Job> pnn = PnnTraining.plan(c);
        for (PnnTraining.Job j : pnn) {
            PnnTraining.outputOrder(c, j);   // a configuration that cannot be trained fails before any training
        }
        int count = plan.jobs().size() + multiclass.size() + pnn.size();
        if (runner == null) {
            for (int k = 0; k < plan.jobs().size(); k++) {
                EnsembleJob job = plan.jobs().get(k);
                results.add(trainOne(c, job, settings, overwrite, k, count, l));
            }
            for (int k = 0; k < multiclass.size(); k++) {
                results.add(MulticlassTraining.train(c, multiclass.get(k), settings, overwrite, plan.jobs().size() + k, count, l));
            }
            for (int k = 0; k < pnn.size(); k++) {
                results.add(PnnTraining.train(c, pnn.get(k), settings, overwrite, plan.jobs().size() + multiclass.size() + k, count, l));
            }
        } else {
            results.addAll(trainMembersElsewhere(configFile, plan, multiclass, pnn, settings, overwrite, count, l, runner));
        }
        return new TrainingReport(TrainingReport.FORMAT_VERSION, configFile.toAbsolutePath(), settings, results,
                plan.skipped(), (System.nanoTime() - t0) * 1e-9);
    }

    /**
     * Every ensemble folder is checked before any training: none may be, hold or lie inside the
     * configuration or an event file, and with {@code overwrite} an existing folder must be an
     * ensemble ratiofit trained (ensemble.json + training records); anything else is refused,
     * each problem with the YAML path that names the folder.
     */
    static void guardOutputs(Path configFile, Plan plan, boolean overwrite) throws IOException {
        List<Path> inputs = new ArrayList<>();
        inputs.add(configFile);
        inputs.addAll(plan.config().inputFiles());
        List<ConfigProblem> refused = new ArrayList<>();
        for (EnsembleJob j : plan.jobs()) {
            if (!overwrite && Files.exists(j.folder())) {
                continue; // listed below as "exists"
            }
            try {
                OutputGuard.check("", j.folder(), OutputGuard.Kind.ENSEMBLE, overwrite, inputs);
            } catch (OutputGuard.RefusedException e) {
                refused.add(new ConfigProblem(j.yamlPath(), e.getMessage()));
            }
        }
        for (int a = 0; a < plan.jobs().size(); a++) {
            for (int b = 0; b < plan.jobs().size(); b++) {
                Path fa = plan.jobs().get(a).folder().toAbsolutePath().normalize();
                Path fb = plan.jobs().get(b).folder().toAbsolutePath().normalize();
                if (a != b && fb.startsWith(fa) && !fa.equals(fb)) {
                    refused.add(new ConfigProblem(plan.jobs().get(b).yamlPath(), fb + " lies inside " + fa
                            + ", another ensemble folder this command writes"));
                }
            }
        }
        if (!refused.isEmpty()) {
            throw new ConfigException(configFile, refused);
        }
    }

    /** An ensemble's events, read and joined into its training data. */
    record Prepared(Events a, Events b, TrainingData data) {
    }

    /** Reads an ensemble's events (numerator against denominator) into its training data. */
    static Prepared prepare(FitConfig c, EnsembleJob job) throws IOException {
        List<String> features = c.trainingFeatures();
        Events a = read(job.numeratorEvents(), features, job.yamlPath() + " (numerator " + job.numerator() + ")");
        Events b = read(job.denominatorEvents(), features, job.yamlPath() + " (denominator " + job.denominator() + ")");
        List<String> scaled = c.trainingFeaturesToStandardize() == null ? List.of() : c.trainingFeaturesToStandardize();
        try {
            return new Prepared(a, b, TrainingData.ofSamples(a.columns, a.weights, b.columns, b.weights, features, scaled));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(job.yamlPath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The members of every ensemble trained by {@code runner} (binary ensembles first, then the
     * multiclass ones, then the PNN ones, as locally), then each folder written here.
     */
    private static List<TrainingReport.EnsembleResult> trainMembersElsewhere(Path configFile, Plan plan, List<MulticlassTraining.Job> multiclass,
            List<PnnTraining.Job> pnn, TrainingSettings settings, boolean overwrite, int count, TrainingListener l, MemberRunner runner)
            throws IOException {
        int jobs = plan.jobs().size();
        int members = settings.members();
        List<TrainingReport.EnsembleResult> results = new ArrayList<>();
        if (count == 0) {
            return results;
        }
        long t0 = System.nanoTime();
        long[] seeds = new long[jobs];
        java.util.Arrays.fill(seeds, settings.seed());
        // task (ensemble e, member m) at e * members + m, the ensembles numbered binary, multiclass, PNN
        List<MemberTask> tasks = new ArrayList<>();
        for (int e = 0; e < count; e++) {
            MemberTask.Kind kind = e < jobs ? MemberTask.Kind.BINARY
                    : e < jobs + multiclass.size() ? MemberTask.Kind.MULTICLASS : MemberTask.Kind.PNN;
            int j = e < jobs ? e : e < jobs + multiclass.size() ? e - jobs : e - jobs - multiclass.size();
            for (int m = 0; m < members; m++) {
                tasks.add(MemberTraining.task(configFile, kind, j, m, settings));
            }
        }
        long total = (long) count * members;
        l.membersDone(0, total);
        List<MemberOutcome> outcomes = new ArrayList<>(runner.run(tasks, d -> l.membersDone(d, total)));
        // a multiclass or PNN member whose loss became NaN fails the command, as locally (no retry there)
        for (int i = jobs * members; i < outcomes.size(); i++) {
            if (outcomes.get(i).nanFailure() != null) {
                throw new IllegalStateException(outcomes.get(i).nanFailure());
            }
        }
        // a binary ensemble with a NaN loss trains again, all its members, with the retry seed (as trainOne does)
        List<MemberTask> again = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            String nan = null;
            for (int m = 0; m < members; m++) {
                MemberOutcome o = outcomes.get(j * members + m);
                nan = nan == null ? o.nanFailure() : nan;
            }
            if (nan != null) {
                seeds[j] = settings.seed() + RETRY_SEED_STEP;
                l.retry(plan.jobs().get(j), nan, seeds[j]);
                for (int m = 0; m < members; m++) {
                    again.add(MemberTraining.task(configFile, j, m, settings.withSeed(seeds[j])));
                }
            }
        }
        if (!again.isEmpty()) {
            long done = total - again.size();
            List<MemberOutcome> redone = runner.run(again, d -> l.membersDone(done + d, total));
            for (MemberOutcome o : redone) {
                if (o.nanFailure() != null) {
                    throw new IllegalStateException(plan.jobs().get(o.job()).yamlPath() + ": " + o.nanFailure());
                }
                outcomes.set(o.job() * members + o.member(), o);
            }
        }
        l.membersDone(total, total);
        double each = (System.nanoTime() - t0) * 1e-9 / count;
        FitConfig c = plan.config();
        for (int j = 0; j < jobs; j++) {
            EnsembleJob job = plan.jobs().get(j);
            long w0 = System.nanoTime();
            Prepared p = prepare(c, job);
            l.ensembleStarted(j, count, job, p.a().size, p.b().size);
            List<TrainedMember> ms = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                ms.add(MemberTraining.member(outcomes.get(j * members + m)));
            }
            TrainedEnsemble ens = new TrainedEnsemble(TrainedEnsemble.FORMAT_VERSION, ms);
            results.add(write(job, settings, overwrite, p, ens, seeds[j], each * 1e9 + (System.nanoTime() - w0), l));
        }
        TrainingConfig config = settings.toTrainingConfig();
        for (int k = 0; k < multiclass.size(); k++) {
            int e = jobs + k;
            MulticlassTraining.Job job = multiclass.get(k);
            long w0 = System.nanoTime();
            MulticlassTraining.Prepared p = MulticlassTraining.prepare(c, job);
            l.ensembleStarted(e, count, job.asEnsembleJob(), p.data().size() - p.referenceSize(), p.referenceSize());
            List<org.ratiofit.ratio.training.multiclass.MulticlassTrainer.Member> ms = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                ms.add(MemberTraining.multiclassMember(outcomes.get(e * members + m)));
            }
            var cal = settings.multiclassCalibration();
            var result = org.ratiofit.ratio.training.multiclass.MulticlassTrainer.result(p.data(), MulticlassTraining.CLASS_WEIGHTS, cal,
                    org.ratiofit.ratio.training.multiclass.MulticlassTrainer.split(p.data(), config, cal), ms);
            results.add(MulticlassTraining.write(job, settings, overwrite, p, result, each * 1e9 + (System.nanoTime() - w0), l));
        }
        for (int k = 0; k < pnn.size(); k++) {
            int e = jobs + multiclass.size() + k;
            PnnTraining.Job job = pnn.get(k);
            long w0 = System.nanoTime();
            PnnTraining.Prepared p = PnnTraining.prepare(c, job);
            l.ensembleStarted(e, count, job.asEnsembleJob(c), p.varied(), p.nominal());
            List<org.ratiofit.ratio.training.pnn.PnnTrainer.Member> ms = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                ms.add(MemberTraining.pnnMember(outcomes.get(e * members + m)));
            }
            var result = org.ratiofit.ratio.training.pnn.PnnTrainer.result(p.data(),
                    org.ratiofit.ratio.training.pnn.PnnTrainer.split(p.data(), config), ms).withYieldFit(p.yieldFit());
            results.add(PnnTraining.write(c, job, settings, overwrite, p, result, each * 1e9 + (System.nanoTime() - w0), l));
        }
        return results;
    }

    /** Trains one ensemble and writes its folder. */
    public static TrainingReport.EnsembleResult trainOne(FitConfig c, EnsembleJob job, TrainingSettings settings,
            boolean overwrite, int index, int count, TrainingListener l) throws IOException {
        long t0 = System.nanoTime();
        Prepared p = prepare(c, job);
        TrainingData data = p.data();
        l.ensembleStarted(index, count, job, p.a().size, p.b().size);
        TrainedEnsemble ens;
        long seed = settings.seed();
        try {
            ens = EnsembleTrainer.train(data, settings.toTrainingConfig(), settings.members(),
                    (member, epoch, trainLoss, valLoss) -> l.epochDone(job, member, epoch, trainLoss, valLoss));
        } catch (IllegalStateException nan) {
            // DJL's PyTorch training has, rarely and not reproducibly, returned a NaN loss (see
            // ratio-models' README); one retry with another seed, recorded in the result.
            if (nan.getMessage() == null || !nan.getMessage().contains("NaN")) {
                throw nan;
            }
            seed = settings.seed() + RETRY_SEED_STEP;
            l.retry(job, nan.getMessage(), seed);
            ens = EnsembleTrainer.train(data, settings.withSeed(seed).toTrainingConfig(), settings.members(),
                    (member, epoch, trainLoss, valLoss) -> l.epochDone(job, member, epoch, trainLoss, valLoss));
        }
        return write(job, settings, overwrite, p, ens, seed, System.nanoTime() - t0, l);
    }

    /**
     * Writes an ensemble's folder (ONNX members, sidecars, training records, manifest,
     * diagnostics), whole or not at all, and tells the listener.
     *
     * @param nanos time spent on the ensemble before writing
     */
    private static TrainingReport.EnsembleResult write(EnsembleJob job, TrainingSettings settings, boolean overwrite, Prepared p,
            TrainedEnsemble ens, long seed, double nanos, TrainingListener l) throws IOException {
        long t0 = System.nanoTime();
        TrainingData data = p.data();
        Events a = p.a();
        Events b = p.b();
        TrainingReport.Normalisation norm = null;
        double worstClosure = Double.NaN;
        Path diagnostics = null;
        try (AtomicDirectory out = AtomicDirectory.create(job.folder(), overwrite)) {
            List<String> memberFiles = new ArrayList<>();
            for (TrainedMember m : ens.members()) {
                String name = "member-" + m.index();
                Path sidecar = OnnxExport.export(m, out.path(), name, job.numerator(), job.denominator(), null);
                TrainingRecords.save(m, out.path(), name);
                memberFiles.add(sidecar.getFileName().toString());
            }
            EnsembleManifest manifest = EnsembleManifest.of(job.name(), memberFiles, EnsembleManifest.Aggregation.MEAN_RATIO);
            Ensemble.writeManifest(manifest, out.path().resolve(EnsembleManifest.FILE_NAME));
            if (settings.diagnostics()) {
                DiagnosticsReport d = TrainingDiagnostics.run(ens, data, out.path().resolve("diagnostics"), false);
                norm = new TrainingReport.Normalisation(d.normalisation().value(), d.normalisation().error(),
                        d.normalisation().pull());
                worstClosure = d.closure().stream().mapToDouble(DiagnosticsReport.Closure::chi2PerNdf).max().orElse(Double.NaN);
                diagnostics = job.folder().resolve("diagnostics");
            }
            out.commit();
        }
        List<TrainingReport.Member> members = ens.members().stream().map(m -> new TrainingReport.Member(m.index(),
                m.history().epochs(), m.history().bestEpoch(), m.history().validationLoss()[m.history().bestEpoch()],
                m.history().stoppedEarly())).toList();
        TrainingReport.EnsembleResult r = new TrainingReport.EnsembleResult(job.yamlPath(), job.name(), job.numerator(),
                job.denominator(), job.folder(), a.size, b.size, seed, members, norm, worstClosure, diagnostics,
                (nanos + System.nanoTime() - t0) * 1e-9);
        l.ensembleDone(r);
        return r;
    }

    /** Feature columns and weights of one or more event sources, joined. */
    record Events(Map<String, double[]> columns, double[] weights, int size) {
    }

    static Events read(List<FitConfig.EventFiles> sources, List<String> features, String what) throws IOException {
        List<Map<String, double[]>> parts = new ArrayList<>();
        List<double[]> weights = new ArrayList<>();
        int total = 0;
        for (FitConfig.EventFiles ef : sources) {
            for (Path p : ef.paths()) {
                List<String> cols = new ArrayList<>(features);
                if (ef.weight() != null && !cols.contains(ef.weight())) {
                    cols.add(ef.weight());
                }
                EventTable t;
                try {
                    t = org.ratiofit.ratio.data.EventFiles.read(p, ef.readOptions(), cols);
                } catch (IOException | RuntimeException e) {
                    throw new IOException(what + ": cannot read " + p + ": " + e.getMessage(), e);
                }
                Map<String, double[]> m = new LinkedHashMap<>();
                for (String f : features) {
                    if (!t.hasColumn(f)) {
                        throw new IOException(what + ": " + p + " has no column '" + f + "' (a training feature); its columns are "
                                + t.columnNames());
                    }
                    m.put(f, t.column(f));
                }
                double[] w;
                if (ef.weight() == null) {
                    w = new double[t.size()];
                    java.util.Arrays.fill(w, 1.0);
                } else {
                    if (!t.hasColumn(ef.weight())) {
                        throw new IOException(what + ": " + p + " has no weight column '" + ef.weight() + "'");
                    }
                    w = t.column(ef.weight());
                }
                parts.add(m);
                weights.add(w);
                total += t.size();
            }
        }
        if (total == 0) {
            throw new IOException(what + ": no events to train on");
        }
        Map<String, double[]> joined = new LinkedHashMap<>();
        for (String f : features) {
            double[] col = new double[total];
            int at = 0;
            for (Map<String, double[]> m : parts) {
                double[] src = m.get(f);
                System.arraycopy(src, 0, col, at, src.length);
                at += src.length;
            }
            joined.put(f, col);
        }
        double[] w = new double[total];
        int at = 0;
        for (double[] x : weights) {
            System.arraycopy(x, 0, w, at, x.length);
            at += x.length;
        }
        return new Events(joined, w, total);
    }
}
