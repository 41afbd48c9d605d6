package org.ratiofit.workspace.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.ratiofit.ratio.training.multiclass.MulticlassData;
import org.ratiofit.ratio.training.multiclass.MulticlassDiagnostics;
import org.ratiofit.ratio.training.multiclass.MulticlassExport;
import org.ratiofit.ratio.training.multiclass.MulticlassTrainer;
import org.ratiofit.workspace.config.FitConfig;
import org.ratiofit.workspace.io.AtomicDirectory;

/**
 * Shared multiclass ensembles: basis samples whose {@code Ensemble} names the same folder share
 * one multiclass classifier (GOLLUM's TFMC, nsbi's MultiClassLightning). Its classes are those
 * samples, in the configuration's order, then the reference sample(s) (several form their
 * mixture, named by their names joined with '+'), the reference class. {@code build} gives each
 * sample its class's log-ratio ln(P(c|x)/P(ref|x)) + ln(π_ref/π_c).
 */
final class MulticlassTraining {
    /** How the class totals are normalised in the loss (balanced classes). */
    static final MulticlassTrainer.ClassWeights CLASS_WEIGHTS = MulticlassTrainer.ClassWeights.EQUAL;

    private MulticlassTraining() {
    }

    /** One shared multiclass ensemble. */
    record Job(String yamlPath, Path folder, List<FitConfig.Sample> classSamples, String reference,
            List<FitConfig.EventFiles> referenceEvents) {

        List<String> classes() {
            List<String> c = new ArrayList<>(classSamples.stream().map(FitConfig.Sample::name).toList());
            c.add(reference);
            return c;
        }

        EnsembleJob asEnsembleJob() {
            Path f = folder.getFileName();
            return new EnsembleJob(yamlPath, f == null ? folder.toString() : f.toString(),
                    String.join(", ", classSamples.stream().map(FitConfig.Sample::name).toList()) + " (multiclass)",
                    classSamples.stream().map(FitConfig.Sample::events).toList(), reference, referenceEvents, folder);
        }
    }

    /** The folders named by two or more samples' {@code Ensemble}, with their samples. */
    static List<Job> plan(FitConfig c) {
        Map<Path, List<FitConfig.Sample>> byFolder = new LinkedHashMap<>();
        for (FitConfig.Sample s : c.samples()) {
            if (s.ensemble() != null) {
                byFolder.computeIfAbsent(s.ensemble().toAbsolutePath().normalize(), k -> new ArrayList<>()).add(s);
            }
        }
        List<FitConfig.Sample> refs = c.referenceSamples();
        String refName = String.join("+", refs.stream().map(FitConfig.Sample::name).toList());
        List<FitConfig.EventFiles> refEvents = refs.stream().map(FitConfig.Sample::events).toList();
        List<Job> jobs = new ArrayList<>();
        for (Map.Entry<Path, List<FitConfig.Sample>> e : byFolder.entrySet()) {
            if (e.getValue().size() >= 2) {
                String at = String.join(" + ", e.getValue().stream().map(s -> s.yamlPath() + ".Ensemble").toList());
                jobs.add(new Job(at, e.getValue().get(0).ensemble(), e.getValue(), refName, refEvents));
            }
        }
        return jobs;
    }

    /** The folders of shared multiclass ensembles (to leave out of the binary jobs). */
    static java.util.Set<Path> sharedFolders(FitConfig c) {
        java.util.Set<Path> s = new LinkedHashSet<>();
        for (Job j : plan(c)) {
            s.add(j.folder().toAbsolutePath().normalize());
        }
        return s;
    }

    /** A shared ensemble's events, read into its training data. */
    record Prepared(MulticlassData data, int referenceSize) {
    }

    /** Reads the classes' and the reference's events into the ensemble's training data. */
    static Prepared prepare(FitConfig c, Job job) throws IOException {
        List<String> features = c.trainingFeatures();
        List<Map<String, double[]>> samples = new ArrayList<>();
        List<double[]> weights = new ArrayList<>();
        for (FitConfig.Sample s : job.classSamples()) {
            ConfigTraining.Events ev = ConfigTraining.read(List.of(s.events()), features, job.yamlPath() + " (class " + s.name() + ")");
            samples.add(ev.columns());
            weights.add(ev.weights());
        }
        ConfigTraining.Events ref = ConfigTraining.read(job.referenceEvents(), features, job.yamlPath() + " (reference " + job.reference() + ")");
        samples.add(ref.columns());
        weights.add(ref.weights());
        List<String> scaled = c.trainingFeaturesToStandardize() == null ? List.of() : c.trainingFeaturesToStandardize();
        try {
            return new Prepared(MulticlassData.of(job.classes(), job.reference(), samples, weights, features, new LinkedHashSet<>(scaled)),
                    ref.size());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(job.yamlPath() + ": " + e.getMessage(), e);
        }
    }

    static TrainingReport.EnsembleResult train(FitConfig c, Job job, TrainingSettings settings, boolean overwrite, int index, int count,
            TrainingListener l) throws IOException {
        long t0 = System.nanoTime();
        Prepared p = prepare(c, job);
        EnsembleJob ej = job.asEnsembleJob();
        l.ensembleStarted(index, count, ej, p.data().size() - p.referenceSize(), p.referenceSize());
        MulticlassTrainer.Result result = MulticlassTrainer.train(p.data(), settings.toTrainingConfig(), settings.members(),
                CLASS_WEIGHTS, settings.multiclassCalibration(), (member, epoch, tl, vl) -> l.epochDone(ej, member, epoch, tl, vl));
        return write(job, settings, overwrite, p, result, System.nanoTime() - t0, l);
    }

    /**
     * Writes the ensemble's folder, whole or not at all, and tells the listener.
     *
     * @param nanos time spent on the ensemble before writing
     */
    static TrainingReport.EnsembleResult write(Job job, TrainingSettings settings, boolean overwrite, Prepared p,
            MulticlassTrainer.Result result, double nanos, TrainingListener l) throws IOException {
        long t0 = System.nanoTime();
        MulticlassData data = p.data();
        EnsembleJob ej = job.asEnsembleJob();
        double worst = Double.NaN;
        Path diagnostics = null;
        try (AtomicDirectory out = AtomicDirectory.create(job.folder(), overwrite)) {
            MulticlassExport.write(result, out.path(), ej.name());
            if (settings.diagnostics()) {
                MulticlassDiagnostics.Report d = MulticlassDiagnostics.run(result, data, out.path().resolve("diagnostics"));
                worst = d.worstChi2PerNdf();
                diagnostics = job.folder().resolve("diagnostics");
            }
            out.commit();
        }
        List<TrainingReport.Member> members = result.members().stream().map(m -> new TrainingReport.Member(m.index(), m.history().epochs(),
                m.history().bestEpoch(), m.history().validationLoss()[m.history().bestEpoch()], m.history().stoppedEarly())).toList();
        TrainingReport.EnsembleResult r = new TrainingReport.EnsembleResult(job.yamlPath(), ej.name(), ej.numerator(), job.reference(),
                job.folder(), data.size() - p.referenceSize(), p.referenceSize(), settings.seed(), members, null, worst, diagnostics,
                (nanos + System.nanoTime() - t0) * 1e-9);
        l.ensembleDone(r);
        return r;
    }

    static boolean exists(Job j) {
        return Files.exists(j.folder());
    }
}
