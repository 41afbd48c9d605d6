package org.ratiofit.ratio.training.multiclass;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ratiofit.ratio.Calibrator;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.training.DataSplit;
import org.ratiofit.ratio.training.DjlOffline;
import org.ratiofit.ratio.training.DjlTrainer;
import org.ratiofit.ratio.training.FittedScaler;
import org.ratiofit.ratio.training.MlpWeights;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.TrainingHistory;
import org.ratiofit.ratio.training.multiout.MultiOutputExport;
import org.ratiofit.ratio.training.multiout.MultiOutputTrainer;

/**
 * Trains a multiclass classifier: one network with C outputs (softmax logits) on C labelled
 * samples by weighted cross-entropy −Σ_i w_i ln softmax(z(x_i))_{y_i}, with the binary trainer's
 * split, standard scaler, optimiser, early stopping and ensembles (members share the split, or draw one each, and
 * differ by seed). The class totals of the weights are normalised as {@link ClassWeights} says;
 * the minimiser is P(c|x) = π_c p_c(x)/Σ_k π_k p_k(x) with π_c the class's share of the
 * normalised weight, so the per-class log-ratio against the reference is
 * ln p_c/p_ref = ln(P(c|x)/P(ref|x)) + ln(π_ref/π_c) (the class-prior correction the sidecar's
 * {@code multiclass.priors} carries). Optionally ({@link ClassCalibration}) each class's ratio gets
 * a temperature (ln r → a_c·(z_c − z_ref) + ln(π_ref/π_c)) fitted on the holdout by the
 * one-against-reference cross-entropy, or an isotonic map of the one-against-reference ratio
 * fitted on the holdout ({@link ClassIsotonicCalibration}, normalised so that E_ref[r_c] = 1 still
 * holds on the reference's training events).
 */
public final class MulticlassTrainer {
    static {
        DjlOffline.ensure();
    }

    /** How the class totals are normalised in the loss. */
    public enum ClassWeights {
        /** every class's weights sum to 1/C (balanced; no prior correction) */
        EQUAL,
        /** the weights as given (physical yields), summing to 1 over all classes */
        YIELDS
    }

    /**
     * One trained member.
     *
     * @param priors       π_c, the class shares of the normalised training weights, each non-reference class's
     *                     multiplied by E_ref[r̂_c] over the reference's training events (so that E_ref[r̂_c] = 1)
     * @param temperatures a_c per class (1 for the reference and without temperature calibration)
     * @param isotonic     per class (class order) its isotonic map of the ratio, null for the reference; the whole
     *                     list null without isotonic calibration (format version 1 had no such field)
     */
    public record Member(int formatVersion, int index, long seed, TrainingConfig config, FittedScaler scaler, MlpWeights network,
            TrainingHistory history, double[] priors, double[] temperatures, List<ModelSidecar.Isotonic> isotonic) {
        public static final int FORMAT_VERSION = 2;
    }

    /** A trained ensemble with its classes, split and settings (format version 1 had a boolean 'calibrated'). */
    public record Result(int formatVersion, List<String> classes, String reference, ClassWeights classWeights, ClassCalibration calibration,
            DataSplit split, List<Member> members) {
        public static final int FORMAT_VERSION = 2;

        /** Whether the sidecars carry a per-class calibration. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean calibrated() {
            return calibration != ClassCalibration.NONE;
        }

        /** ln r̂_c(x) = ln p_c/p_ref of one member for raw columns [feature][event]: [class][event] (reference row 0). */
        public double[][] logRatios(Member m, double[][] columns) {
            int c = classes.size();
            int ref = classes.indexOf(reference);
            double[] z = MultiOutputTrainer.outputs(m.network(), MultiOutputExport.rows(m.scaler(), columns));
            int n = columns[0].length;
            double[][] out = new double[c][n];
            for (int k = 0; k < c; k++) {
                if (k == ref) {
                    continue;
                }
                double shift = Math.log(m.priors()[ref] / m.priors()[k]);
                double a = m.temperatures()[k];
                Calibrator iso = m.isotonic() == null ? Calibrator.IDENTITY : Calibrator.of(m.isotonic().get(k));
                for (int i = 0; i < n; i++) {
                    out[k][i] = iso.apply(a * (z[i * c + k] - z[i * c + ref]) + shift);
                }
            }
            return out;
        }

        /** The ensemble's ln of the mean of the members' ratios: [class][event]. */
        public double[][] logRatios(double[][] columns) {
            int n = columns[0].length;
            double[][] sum = new double[classes.size()][n];
            for (Member m : members) {
                double[][] l = logRatios(m, columns);
                for (int k = 0; k < l.length; k++) {
                    for (int i = 0; i < n; i++) {
                        sum[k][i] += Math.exp(l[k][i]);
                    }
                }
            }
            for (double[] row : sum) {
                for (int i = 0; i < n; i++) {
                    row[i] = Math.log(row[i] / members.size());
                }
            }
            return sum;
        }
    }

    private MulticlassTrainer() {
    }

    /** As {@link #train(MulticlassData, TrainingConfig, int, ClassWeights, ClassCalibration, DjlTrainer.EpochListener)}; true = temperature. */
    public static Result train(MulticlassData data, TrainingConfig config, int members, ClassWeights classWeights, boolean calibrate,
            DjlTrainer.EpochListener listener) {
        return train(data, config, members, classWeights, calibrate ? ClassCalibration.TEMPERATURE : ClassCalibration.NONE, listener);
    }

    public static Result train(MulticlassData data, TrainingConfig config, int members, ClassWeights classWeights,
            ClassCalibration calibration, DjlTrainer.EpochListener listener) {
        return train(data, config, members, classWeights, calibration, false, listener);
    }

    /**
     * As {@link #train(MulticlassData, TrainingConfig, int, ClassWeights, ClassCalibration, DjlTrainer.EpochListener)}; with
     * {@code splitPerMember} every member draws its own split ({@link #memberSplit}), so that the members together train on
     * more of the events than one split's training part. The result then carries member 0's split: the other members
     * trained on part of its validation and holdout events, so diagnostics on that split are optimistic.
     */
    public static Result train(MulticlassData data, TrainingConfig config, int members, ClassWeights classWeights,
            ClassCalibration calibration, boolean splitPerMember, DjlTrainer.EpochListener listener) {
        if (members < 1) {
            throw new IllegalArgumentException("an ensemble needs at least one member, got " + members);
        }
        DataSplit shared = splitPerMember ? null : split(data, config, calibration);
        List<Member> out = new ArrayList<>();
        DataSplit first = shared;
        for (int i = 0; i < members; i++) {
            DataSplit split = splitPerMember ? memberSplit(data, config, calibration, i) : shared;
            if (first == null) {
                first = split;
            }
            out.add(trainMember(data, config, i, split, classWeights, calibration, listener));
        }
        return result(data, classWeights, calibration, first, out);
    }

    /**
     * Member {@code index}'s own split when members do not share one: drawn from
     * {@code DjlTrainer.memberSeed(config.splitSeed(), index)} with the configuration's fractions, checked as {@link #split}.
     */
    public static DataSplit memberSplit(MulticlassData data, TrainingConfig config, ClassCalibration calibration, int index) {
        return split(data, config.withSeeds(DjlTrainer.memberSeed(config.splitSeed(), index), config.seed()), calibration);
    }

    /**
     * The split all members share (drawn from the configuration's split seed), checked to hold
     * every class in its training and validation parts (and holdout, when calibrating).
     */
    public static DataSplit split(MulticlassData data, TrainingConfig config, ClassCalibration calibration) {
        DataSplit split = DataSplit.draw(data.size(), config.splitSeed(), config.trainFraction(), config.validationFraction());
        checkSplit(data, split.train(), "training");
        checkSplit(data, split.validation(), "validation");
        if (calibration != ClassCalibration.NONE) {
            checkSplit(data, split.holdout(), "holdout (calibration)");
        }
        return split;
    }

    /**
     * Member {@code index} alone (its seed derived from the configuration's and the index), on the
     * shared {@code split}: what {@link #train} gives as that member, so that members can train
     * apart (one task each) and be joined by {@link #result}.
     */
    public static Member member(MulticlassData data, TrainingConfig config, int index, DataSplit split, ClassWeights classWeights,
            ClassCalibration calibration, DjlTrainer.EpochListener listener) {
        return trainMember(data, config, index, split, classWeights, calibration, listener);
    }

    /** The ensemble of members trained apart ({@link #member}), in index order. */
    public static Result result(MulticlassData data, ClassWeights classWeights, ClassCalibration calibration, DataSplit split,
            List<Member> members) {
        return new Result(Result.FORMAT_VERSION, data.classes(), data.classes().get(data.reference()), classWeights, calibration, split,
                List.copyOf(members));
    }

    private static void checkSplit(MulticlassData data, int[] events, String part) {
        double[] t = data.classTotals(events);
        for (int c = 0; c < t.length; c++) {
            if (!(t[c] > 0)) {
                throw new IllegalArgumentException("the " + part + " split holds no events of class '" + data.classes().get(c)
                        + "'; use more events or other split fractions");
            }
        }
    }

    /** Per-event weights normalised as the class-weight mode says, over the given events. */
    static double[] normalisedWeights(MulticlassData data, int[] events, ClassWeights mode) {
        double[] t = data.classTotals(events);
        double all = 0;
        for (double v : t) {
            all += v;
        }
        double[] w = new double[events.length];
        for (int k = 0; k < events.length; k++) {
            int e = events[k];
            w[k] = mode == ClassWeights.EQUAL ? data.weights()[e] / (t[data.labels()[e]] * t.length) : data.weights()[e] / all;
        }
        return w;
    }

    static Member trainMember(MulticlassData data, TrainingConfig config, int index, DataSplit split, ClassWeights mode,
            ClassCalibration calibration, DjlTrainer.EpochListener listener) {
        long seed = DjlTrainer.memberSeed(config.seed(), index);
        int c = data.numClasses();
        FittedScaler scaler = MultiOutputExport.standardScaler(data.features(), data.scaledFeatures(), data.columns(), split.train());
        int[] tr = split.train();
        if (config.bootstrap()) {
            java.util.SplittableRandom rng = new java.util.SplittableRandom(seed ^ 0x5DEECE66DL);
            int[] boot = new int[tr.length];
            for (int k = 0; k < boot.length; k++) {
                boot[k] = tr[rng.nextInt(tr.length)];
            }
            tr = boot;
        }
        double[] wTrain = normalisedWeights(data, tr, mode);
        float[] aux = new float[tr.length * c];
        for (int k = 0; k < tr.length; k++) {
            aux[k * c + data.labels()[tr[k]]] = (float) wTrain[k];
        }
        int[] va = split.validation();
        double[] wVal = normalisedWeights(data, va, mode);
        int[] yVal = new int[va.length];
        for (int k = 0; k < va.length; k++) {
            yVal[k] = data.labels()[va[k]];
        }
        MultiOutputTrainer.LossFunction loss = new MultiOutputTrainer.LossFunction() {
            @Override
            public NDArray perEvent(NDArray z, NDArray a) {
                return a.mul(z.logSoftmax(1)).sum(new int[] {1}).neg();
            }

            @Override
            public double validation(double[] z) {
                return crossEntropy(z, c, yVal, wVal);
            }
        };
        MultiOutputTrainer.Result r = MultiOutputTrainer.train(MultiOutputExport.rows(scaler, data.columns(), tr), data.features().size(),
                aux, c, MultiOutputExport.rows(scaler, data.columns(), va), c, loss, config, seed, index, "multiclass member " + index, listener);
        double[] t = data.classTotals(split.train());
        double all = 0;
        for (double v : t) {
            all += v;
        }
        double[] priors = new double[c];
        for (int k = 0; k < c; k++) {
            priors[k] = mode == ClassWeights.EQUAL ? 1.0 / c : t[k] / all;
        }
        double[] temps = new double[c];
        java.util.Arrays.fill(temps, 1.0);
        // the per-class normalisation E_ref[r̂_c] = 1 on the reference class's training events: folded into the prior
        // correction (π_c → π_c·E_ref[r̂_c]), so every ratio is a normalised density ratio before any calibration
        int[] refEvents = data.select(split.train(), Set.of(data.reference()));
        double[] zRef = MultiOutputTrainer.outputs(r.network(), MultiOutputExport.rows(scaler, data.columns(), refEvents));
        {
            double[] z = zRef;
            for (int k = 0; k < c; k++) {
                if (k == data.reference()) {
                    continue;
                }
                double sw = 0;
                double swr = 0;
                for (int i = 0; i < refEvents.length; i++) {
                    double w = data.weights()[refEvents[i]];
                    sw += w;
                    swr += w * Math.exp(z[i * c + k] - z[i * c + data.reference()] + Math.log(priors[data.reference()] / priors[k]));
                }
                priors[k] *= swr / sw;
            }
        }
        List<ModelSidecar.Isotonic> isotonic = null;
        if (calibration == ClassCalibration.ISOTONIC) {
            isotonic = isotonic(data, split.holdout(), MultiOutputTrainer.outputs(r.network(),
                    MultiOutputExport.rows(scaler, data.columns(), split.holdout())), refEvents, zRef, priors);
        }
        if (calibration == ClassCalibration.TEMPERATURE) {
            int[] ho = split.holdout();
            double[] z = MultiOutputTrainer.outputs(r.network(), MultiOutputExport.rows(scaler, data.columns(), ho));
            double[] w = normalisedWeights(data, ho, mode);
            for (int k = 0; k < c; k++) {
                if (k != data.reference()) {
                    temps[k] = temperature(z, c, k, data.reference(), ho, data.labels(), w);
                }
            }
        }
        return new Member(Member.FORMAT_VERSION, index, seed, config, scaler, r.network(), r.history(), priors, temps, isotonic);
    }

    /**
     * The isotonic map of every non-reference class (null for the reference) from the holdout's logits
     * {@code zHold} (row-major over {@code holdout}), normalised on the reference events {@code refEvents}
     * with logits {@code zRef}.
     */
    static List<ModelSidecar.Isotonic> isotonic(MulticlassData data, int[] holdout, double[] zHold, int[] refEvents, double[] zRef,
            double[] priors) {
        int c = data.numClasses();
        int ref = data.reference();
        List<ModelSidecar.Isotonic> out = new ArrayList<>();
        for (int k = 0; k < c; k++) {
            if (k == ref) {
                out.add(null);
                continue;
            }
            double shift = Math.log(priors[ref] / priors[k]);
            int m = 0;
            for (int e : holdout) {
                if (data.labels()[e] == k || data.labels()[e] == ref) {
                    m++;
                }
            }
            double[] l = new double[m];
            boolean[] isClass = new boolean[m];
            double[] w = new double[m];
            int j = 0;
            for (int i = 0; i < holdout.length; i++) {
                int y = data.labels()[holdout[i]];
                if (y == k || y == ref) {
                    l[j] = zHold[i * c + k] - zHold[i * c + ref] + shift;
                    isClass[j] = y == k;
                    w[j] = data.weights()[holdout[i]];
                    j++;
                }
            }
            double[] lRef = new double[refEvents.length];
            double[] wRef = new double[refEvents.length];
            for (int i = 0; i < refEvents.length; i++) {
                lRef[i] = zRef[i * c + k] - zRef[i * c + ref] + shift;
                wRef[i] = data.weights()[refEvents[i]];
            }
            try {
                out.add(ClassIsotonicCalibration.fit(l, isClass, w, lRef, wRef));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("class '" + data.classes().get(k) + "': " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Σ_i w_i (logsumexp z_i − z_i[y_i]) for row-major logits. */
    static double crossEntropy(double[] z, int c, int[] y, double[] w) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                max = Math.max(max, z[i * c + k]);
            }
            double e = 0;
            for (int k = 0; k < c; k++) {
                e += Math.exp(z[i * c + k] - max);
            }
            s += w[i] * (max + Math.log(e) - z[i * c + y[i]]);
        }
        return s;
    }

    /**
     * The temperature a of class k against the reference: minimises the weighted binary
     * cross-entropy of k (label 1) against ref (label 0) with logit a·(z_k − z_ref) over the
     * holdout (Newton's method on a convex function of one variable).
     */
    static double temperature(double[] z, int c, int k, int ref, int[] events, int[] labels, double[] w) {
        int n = events.length;
        double a = 1;
        for (int it = 0; it < 100; it++) {
            double g = 0;
            double h = 0;
            for (int i = 0; i < n; i++) {
                int y = labels[events[i]];
                if (y != k && y != ref) {
                    continue;
                }
                double u = z[i * c + k] - z[i * c + ref];
                double s = 1 / (1 + Math.exp(-a * u));
                g += w[i] * (s - (y == k ? 1 : 0)) * u;
                h += w[i] * s * (1 - s) * u * u;
            }
            if (!(h > 0)) {
                break;
            }
            double step = g / h;
            a -= step;
            if (Math.abs(step) < 1e-10) {
                break;
            }
        }
        if (!(a > 0) || !Double.isFinite(a)) {
            throw new IllegalStateException("temperature calibration of class " + k + " failed (a = " + a + ")");
        }
        return a;
    }

    /** The indices of all classes but the reference. */
    static Set<Integer> others(int c, int ref) {
        Set<Integer> s = new java.util.LinkedHashSet<>();
        for (int k = 0; k < c; k++) {
            if (k != ref) {
                s.add(k);
            }
        }
        return s;
    }
}
