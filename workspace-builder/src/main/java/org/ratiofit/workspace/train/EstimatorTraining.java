package org.ratiofit.workspace.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.io.OutputGuard;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.training.param.AugmentedData;
import org.ratiofit.ratio.training.param.EstimatorEnsembleTrainer;
import org.ratiofit.ratio.training.param.ParamTrainer;
import org.ratiofit.ratio.training.param.TrainedEstimator;
import org.ratiofit.workspace.config.EstimatorConfig;
import org.ratiofit.workspace.io.AtomicDirectory;

/**
 * {@code ratiofit train-estimator}'s work: reads the augmented data ({@link AugmentedFiles}), keeps
 * a seeded held-out split out of training, trains the ensemble with {@link EstimatorEnsembleTrainer}
 * into a folder that appears whole or not at all ({@link AtomicDirectory}; an existing folder is
 * refused before any work unless {@code overwrite}, and then only one ratiofit wrote), checks
 * E[r̂] = 1 or E[t̂] = 0 on the held-out events per member and for the ensemble, and writes the
 * {@link EstimatorTrainingReport} beside the members as {@code NAME.training.json}.
 */
public final class EstimatorTraining {
    private EstimatorTraining() {
    }

    /** The summary file's name for an ensemble named {@code name}. */
    public static String summaryFile(String name) {
        return name + ".training.json";
    }

    /**
     * @param outputLabel how the user named the output folder ({@code Training.Output}, {@code -o}), for messages
     * @param listener    told after every epoch of every member (null: nobody)
     */
    public static EstimatorTrainingReport run(EstimatorConfig c, boolean overwrite, String outputLabel,
            ParamTrainer.EpochListener listener) throws IOException {
        List<Path> inputs = new ArrayList<>(c.data());
        if (c.file() != null) {
            inputs.add(c.file());
        }
        Path target = OutputGuard.check(outputLabel, c.output(), OutputGuard.Kind.ENSEMBLE, overwrite, inputs);
        AugmentedFiles.Result read = AugmentedFiles.read(c);
        AugmentedData all = read.data();
        int n = all.size();
        int nHold = (int) Math.round(n * c.holdoutFraction());
        int[] perm = permutation(n, new SplittableRandom(c.training().seed() * 0x9E3779B97F4A7C15L + 0x0DDBA11L));
        int[] hold = java.util.Arrays.copyOfRange(perm, 0, nHold);
        int[] rest = java.util.Arrays.copyOfRange(perm, nHold, n);
        java.util.Arrays.sort(hold);
        java.util.Arrays.sort(rest);
        if (rest.length == 0) {
            throw new IllegalArgumentException("no training events left after the held-out split (HoldoutFraction "
                    + c.holdoutFraction() + " of " + n + " events)");
        }
        AugmentedData train = nHold == 0 ? all : all.subset(rest);
        AugmentedData held = nHold == 0 ? null : all.subset(hold);
        long t0 = System.nanoTime();
        EstimatorTrainingReport report;
        try (AtomicDirectory out = AtomicDirectory.create(target, overwrite)) {
            EstimatorEnsembleTrainer.Result r = EstimatorEnsembleTrainer.trainAndExport(train, c.training(), c.members(),
                    read.referenceTheta(), out.path(), c.name(), listener);
            List<EstimatorTrainingReport.Member> members = new ArrayList<>();
            for (TrainedEstimator e : r.members()) {
                var h = e.history();
                String stem = c.name() + "-" + e.index();
                members.add(new EstimatorTrainingReport.Member(e.index(), stem + ".json", stem + ".onnx", h.epochs(),
                        h.bestEpoch(), h.stoppedEarly(), h.bestEpoch() < 0 ? Double.NaN : h.validationLoss()[h.bestEpoch()],
                        h.trainLoss(), h.validationLoss(), h.seconds(),
                        held == null ? null : expectation(List.of(e), held)));
            }
            double[] weights = null;
            if (c.expectationBeta() != null) {
                EnsembleManifest mf = Ensemble.readManifest(r.manifest());
                Ensemble.writeManifest(new EnsembleManifest(mf.format(), mf.formatVersion(), mf.name(), mf.members(),
                        mf.aggregation(), c.expectationBeta()), r.manifest());
                if (held != null && members.stream().allMatch(m -> m.expectation() != null)) {
                    double[] dev = new double[members.size()];
                    for (int i = 0; i < dev.length; i++) {
                        double s2 = 0;
                        for (double v : members.get(i).expectation().deviation()) {
                            s2 += v * v;
                        }
                        dev[i] = Math.sqrt(s2);
                    }
                    weights = Ensemble.expectationWeights(dev, c.expectationBeta());
                }
            }
            double seconds = (System.nanoTime() - t0) * 1e-9;
            report = new EstimatorTrainingReport(EstimatorTrainingReport.FORMAT, EstimatorTrainingReport.FORMAT_VERSION,
                    c.file() == null ? null : c.file().toString(), target.toString(), c.name(), c.method().label(),
                    c.method().localScore() ? "local_score" : "log_ratio", c.features(), c.parameters(),
                    read.referenceTheta(), c.training(), c.members(), n, train.size(), nHold, members,
                    held == null ? null : expectation(r.members(), held), c.expectationBeta(), weights, seconds);
            Path summary = out.path().resolve(summaryFile(c.name()));
            AtomicFiles.writeString(summary, Sidecars.MAPPER.writeValueAsString(report) + "\n");
            out.commit();
        }
        return report;
    }

    /**
     * The expectation check of the mean of {@code members} (one member: that member) on held-out
     * events: ratio methods E[r̂(x|θ0)] − 1 over the events with y = 1 (drawn at θ1, each evaluated at
     * the θ0 it is paired with: E over x ~ p(x|θ1) of r(x|θ0) is 1 for every θ0); SALLY E[t̂] over all.
     * Null when there is no event to average over.
     */
    static EstimatorTrainingReport.Expectation expectation(List<TrainedEstimator> members, AugmentedData held) {
        TrainedEstimator first = members.get(0);
        boolean sally = first.method().localScore();
        int d = held.numFeatures(), p = held.numParameters();
        int outs = sally ? p : 1;
        double[] row = new double[d];
        boolean doubly = first.method().doubly();
        double[] th = new double[doubly ? 2 * p : p];
        double[] sw = new double[1];
        double[] sww = new double[1];
        double[] s1 = new double[outs];
        double[] s2 = new double[outs];
        long used = 0;
        for (int k = 0; k < held.size(); k++) {
            if (!sally && held.y()[k] != 1) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                row[j] = held.x()[j][k];
            }
            if (!sally) {
                for (int j = 0; j < p; j++) {
                    th[j] = held.theta0()[j][k];
                    if (doubly) {
                        th[p + j] = held.theta1()[j][k]; // E over x ~ p(x|θ1) of r(x|θ0, θ1) is 1
                    }
                }
            }
            double[] v = new double[outs];
            for (TrainedEstimator e : members) {
                double[] o = e.network().evaluate(row, sally ? null : th, null);
                for (int j = 0; j < outs; j++) {
                    v[j] += (sally ? o[j] : Math.exp(o[0])) / members.size();
                }
            }
            double w = held.weights() == null ? 1 : held.weights()[k];
            sw[0] += w;
            sww[0] += w * w;
            for (int j = 0; j < outs; j++) {
                s1[j] += w * v[j];
                s2[j] += w * v[j] * v[j];
            }
            used++;
        }
        if (used < 2 || !(sw[0] > 0)) {
            return null;
        }
        double nEff = sw[0] * sw[0] / sww[0];
        double[] dev = new double[outs], se = new double[outs], pull = new double[outs];
        for (int j = 0; j < outs; j++) {
            double mean = s1[j] / sw[0];
            double var = Math.max(0, s2[j] / sw[0] - mean * mean) * nEff / (nEff - 1);
            dev[j] = sally ? mean : mean - 1;
            se[j] = Math.sqrt(var / nEff);
            pull[j] = se[j] > 0 ? dev[j] / se[j] : (dev[j] == 0 ? 0 : Double.POSITIVE_INFINITY);
        }
        return new EstimatorTrainingReport.Expectation(sally ? "E[t]" : "E[r]-1", used, dev, se, pull);
    }

    private static int[] permutation(int n, SplittableRandom rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
