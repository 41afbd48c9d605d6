package org.ratiofit.validation.salad;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ratiofit.ratio.training.DataSplit;
import org.ratiofit.ratio.training.DjlTrainer;
import org.ratiofit.ratio.training.TrainedMember;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.TrainingData;

/**
 * A k-fold ensemble of density-ratio classifiers between a sample A (label 1) and a sample B
 * (label 0), trained with ratiofit's DJL trainer ({@link DjlTrainer}: weighted cross-entropy with
 * per-class normalised weights, so the logit is ln p_A/p_B of the normalised densities). Each
 * event of A and B falls in one fold; the models of fold k train on the other folds (80% train,
 * 20% validation for early stopping) and alone evaluate the events of fold k, so no event is scored
 * by a model that saw it. Events outside A and B are evaluated by every model. Conditioning (the
 * resonant variable m of SALAD) is an extra input column, as θ is for parametrised ratio models.
 *
 * <p>The ensemble aggregates ratios (the mean of the members' r̂, as ratio-model ensembles do);
 * the spread is the members' standard deviation of r̂.
 */
public final class KFoldClassifier {

    /**
     * Training settings; {@code quiet} hides the per-member progress bars.
     *
     * @param patience epochs without a better validation loss before a member stops; 0: never stop early (the cosine
     *        schedule runs to its end and the best validation epoch is kept)
     * @param finalLearningRate the cosine schedule's end as a fraction of the learning rate, in (0, 1]
     */
    public record Settings(int members, int folds, int epochs, List<Integer> hidden, int batchSize, double learningRate,
            long seed, boolean quiet, int patience, double finalLearningRate) {
        public Settings {
            if (patience < 0) {
                throw new IllegalArgumentException("patience must be 0 (run every epoch) or positive, got " + patience);
            }
            if (!(finalLearningRate > 0 && finalLearningRate <= 1)) {
                throw new IllegalArgumentException("the final learning rate must be a fraction in (0, 1] of the learning rate, got "
                        + finalLearningRate);
            }
        }

        /** The settings of the first SALAD runs: patience 5, the cosine schedule ending at 5% of the learning rate. */
        public Settings(int members, int folds, int epochs, List<Integer> hidden, int batchSize, double learningRate, long seed,
                boolean quiet) {
            this(members, folds, epochs, hidden, batchSize, learningRate, seed, quiet, 5, 0.05);
        }

        public static Settings of(SaladConfig.Training t, boolean quiet) {
            return new Settings(t.members(), t.folds(), t.epochs(), t.hidden(), t.batchSize(), t.learningRate(), t.seed(),
                    quiet, t.patience(), t.finalLearningRate());
        }

        TrainingConfig config(long seedOffset) {
            return TrainingConfig.defaults().withNetwork(hidden, TrainingConfig.Activation.SWISH)
                    .withEpochs(epochs, batchSize, patience == 0 ? epochs : patience)
                    .withOptimizer(TrainingConfig.OptimizerKind.ADAM, learningRate, TrainingConfig.Schedule.COSINE, finalLearningRate)
                    .withSeeds(seed + seedOffset, seed + seedOffset).withSplit(0.8, 0.2).withQuiet(quiet);
        }
    }

    /** Mean ratio and spread per event of a sample. */
    public record Scores(double[] ratio, double[] spread) {
        public double[] logRatio() {
            double[] l = new double[ratio.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = Math.log(ratio[i]);
            }
            return l;
        }
    }

    private final List<String> inputs;
    private final int folds;
    private final List<List<TrainedMember>> byFold;
    private final int[] foldA;
    private final int[] foldB;

    private KFoldClassifier(List<String> inputs, int folds, List<List<TrainedMember>> byFold, int[] foldA, int[] foldB) {
        this.inputs = inputs;
        this.folds = folds;
        this.byFold = byFold;
        this.foldA = foldA;
        this.foldB = foldB;
    }

    /**
     * Trains the k-fold ensemble.
     *
     * @param a sample A, [input][event] in the order of {@code inputs}
     * @param wa its event weights (null for 1)
     * @param b sample B
     * @param wb its event weights (null for 1)
     * @param seedOffset distinguishes the trainings of one run (reweighting, closure, anomaly)
     */
    public static KFoldClassifier train(List<String> inputs, double[][] a, double[] wa, double[][] b, double[] wb,
            Settings s, long seedOffset) {
        int na = a[0].length;
        int nb = b[0].length;
        SplittableRandom rng = new SplittableRandom(s.seed() * 31 + seedOffset);
        int[] foldA = folds(na, s.folds(), rng);
        int[] foldB = folds(nb, s.folds(), rng);
        List<List<TrainedMember>> byFold = new ArrayList<>();
        TrainingConfig cfg = s.config(seedOffset);
        for (int k = 0; k < s.folds(); k++) {
            int[] ia = others(foldA, k);
            int[] ib = others(foldB, k);
            Map<String, double[]> table = new LinkedHashMap<>();
            for (int j = 0; j < inputs.size(); j++) {
                double[] c = new double[ia.length + ib.length];
                for (int i = 0; i < ia.length; i++) {
                    c[i] = a[j][ia[i]];
                }
                for (int i = 0; i < ib.length; i++) {
                    c[ia.length + i] = b[j][ib[i]];
                }
                table.put(inputs.get(j), c);
            }
            double[] w = new double[ia.length + ib.length];
            int[] y = new int[w.length];
            for (int i = 0; i < ia.length; i++) {
                w[i] = wa == null ? 1 : wa[ia[i]];
                y[i] = 1;
            }
            for (int i = 0; i < ib.length; i++) {
                w[ia.length + i] = wb == null ? 1 : wb[ib[i]];
            }
            TrainingData data = TrainingData.of(table, w, y, inputs, inputs);
            List<TrainedMember> members = new ArrayList<>();
            for (int e = 0; e < s.members(); e++) {
                int index = k * s.members() + e;
                DataSplit split = DataSplit.draw(data.size(), DjlTrainer.memberSeed(cfg.splitSeed(), index), 0.8, 0.2);
                members.add(DjlTrainer.train(data, cfg, index, split, null));
            }
            byFold.add(members);
        }
        return new KFoldClassifier(List.copyOf(inputs), s.folds(), byFold, foldA, foldB);
    }

    /** Out-of-fold scores of sample A's events (each by the models of its own fold). */
    public Scores heldOutA(double[][] a) {
        return heldOut(a, foldA);
    }

    /** Out-of-fold scores of sample B's events. */
    public Scores heldOutB(double[][] b) {
        return heldOut(b, foldB);
    }

    /**
     * Scores of events no model trained on, each by the models of the fold given for it (so that a
     * fold-wise selection on the score applies to them as to the held-out events).
     *
     * @param fold per event, a fold in [0, folds)
     */
    public Scores byFold(double[][] x, int[] fold) {
        for (int i = 0; i < fold.length; i++) {
            if (fold[i] < 0 || fold[i] >= folds) {
                throw new IllegalArgumentException("fold " + fold[i] + " of event " + i + " is not in [0, " + folds + ")");
            }
        }
        return heldOut(x, fold);
    }

    /** Scores of events no model trained on, by every model of every fold. */
    public Scores evaluate(double[][] x) {
        List<TrainedMember> all = new ArrayList<>();
        byFold.forEach(all::addAll);
        return aggregate(x, all, null);
    }

    /**
     * Scores of events no model trained on, by the models of each fold separately: [fold][event] the
     * mean ratio of that fold's members. Fold k's models trained on every fold but k, so these are the
     * delete-one-group estimates from which a jackknife gives the statistical error of any sum over
     * the events ({@link SaladSelection}).
     */
    public double[][] evaluateEachFold(double[][] x) {
        double[][] out = new double[folds][];
        for (int k = 0; k < folds; k++) {
            out[k] = aggregate(x, byFold.get(k), null).ratio();
        }
        return out;
    }

    /** The fold of each event of sample A. */
    public int[] foldA() {
        return foldA.clone();
    }

    /** The fold of each event of sample B. */
    public int[] foldB() {
        return foldB.clone();
    }

    public int folds() {
        return folds;
    }

    public int members() {
        return byFold.stream().mapToInt(List::size).sum();
    }

    public List<String> inputs() {
        return inputs;
    }

    /** The trained members, fold by fold. */
    public List<List<TrainedMember>> byFold() {
        return byFold;
    }

    private Scores heldOut(double[][] x, int[] fold) {
        int n = x[0].length;
        double[] ratio = new double[n];
        double[] spread = new double[n];
        for (int k = 0; k < folds; k++) {
            int[] idx = in(fold, k);
            Scores s = aggregate(x, byFold.get(k), idx);
            for (int i = 0; i < idx.length; i++) {
                ratio[idx[i]] = s.ratio()[i];
                spread[idx[i]] = s.spread()[i];
            }
        }
        return new Scores(ratio, spread);
    }

    private static Scores aggregate(double[][] x, List<TrainedMember> members, int[] idx) {
        int n = idx == null ? x[0].length : idx.length;
        double[][] rows = new double[n][x.length];
        for (int i = 0; i < n; i++) {
            int e = idx == null ? i : idx[i];
            for (int j = 0; j < x.length; j++) {
                rows[i][j] = x[j][e];
            }
        }
        double[] sum = new double[n];
        double[] sum2 = new double[n];
        for (TrainedMember mbr : members) {
            double[] l = mbr.logRatio(rows);
            for (int i = 0; i < n; i++) {
                double r = Math.exp(l[i]);
                sum[i] += r;
                sum2[i] += r * r;
            }
        }
        int m = members.size();
        double[] mean = new double[n];
        double[] sd = new double[n];
        for (int i = 0; i < n; i++) {
            mean[i] = sum[i] / m;
            sd[i] = m > 1 ? Math.sqrt(Math.max(0, (sum2[i] - m * mean[i] * mean[i]) / (m - 1))) : 0;
        }
        return new Scores(mean, sd);
    }

    private static int[] folds(int n, int k, SplittableRandom rng) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] fold = new int[n];
        for (int i = 0; i < n; i++) {
            fold[perm[i]] = i % k;
        }
        return fold;
    }

    private static int[] others(int[] fold, int k) {
        return java.util.stream.IntStream.range(0, fold.length).filter(i -> fold[i] != k).toArray();
    }

    private static int[] in(int[] fold, int k) {
        return java.util.stream.IntStream.range(0, fold.length).filter(i -> fold[i] == k).toArray();
    }
}
