package org.ratiofit.ratio.training.pnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
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
 * Trains a parametric-in-nuisance polynomial network (GOLLUM's per-event nuisance model): the
 * network outputs the coefficients Δ_A(x) over the linear and quadratic monomials m_A(ν), so that
 * ln p(x|ν)/p(x|0) = Σ_A Δ_A(x) m_A(ν). Its logit for the varied sample j against the nominal is
 * z_j(x) = Σ_A Δ_A(x) m_A(ν_j); the loss is the weighted binary cross-entropy of each varied sample
 * (label 1) against the nominal (label 0), summed over j:
 * L = Σ_j [Σ_{i∈j} w_i softplus(−z_j(x_i)) + Σ_{i∈nominal} w_i softplus(z_j(x_i))], with the nominal's and
 * each varied sample's weights normalised to 1 over the split, so each z_j learns the ratio of the
 * normalised densities (the shape; the yield is {@link YieldFit}'s). All samples share one random
 * train/validation/holdout split of their events; ensemble members differ by seed, and with split per member
 * ({@link #train(PnnData, TrainingConfig, int, boolean, DjlTrainer.EpochListener)}) each member draws its own split.
 */
public final class PnnTrainer {
    static {
        DjlOffline.ensure();
    }

    private PnnTrainer() {
    }

    /** One trained member. */
    public record Member(int formatVersion, int index, long seed, TrainingConfig config, FittedScaler scaler, MlpWeights network,
            TrainingHistory history) {
        public static final int FORMAT_VERSION = 1;

        /** Δ_A(x) for raw columns [feature][event]: [monomial][event]. */
        public double[][] deltas(double[][] columns) {
            int n = columns[0].length;
            int m = network.widths().get(network.layers() - 1);
            double[] z = MultiOutputTrainer.outputs(network, MultiOutputExport.rows(scaler, columns));
            double[][] out = new double[m][n];
            for (int i = 0; i < n; i++) {
                for (int a = 0; a < m; a++) {
                    out[a][i] = z[i * m + a];
                }
            }
            return out;
        }
    }

    /** The trained ensemble, the split (over the nominal's events, then each point's, in order) and the yield fit. */
    public record Result(int formatVersion, List<String> parameters, List<String> monomials, List<double[]> points, DataSplit split,
            List<Member> members, YieldFit.Result yieldFit) {
        public static final int FORMAT_VERSION = 1;

        /** The same ensemble with another yield fit (e.g. {@link YieldFit#fit(PnnData, java.util.Collection)} with splines). */
        public Result withYieldFit(YieldFit.Result fit) {
            return new Result(formatVersion, parameters, monomials, points, split, members, fit);
        }

        /** The members' mean Δ_A(x) (the build's aggregation): [monomial][event]. */
        public double[][] deltas(double[][] columns) {
            double[][] sum = null;
            for (Member m : members) {
                double[][] d = m.deltas(columns);
                if (sum == null) {
                    sum = d;
                } else {
                    for (int a = 0; a < d.length; a++) {
                        for (int i = 0; i < d[a].length; i++) {
                            sum[a][i] += d[a][i];
                        }
                    }
                }
            }
            for (double[] row : sum) {
                for (int i = 0; i < row.length; i++) {
                    row[i] /= members.size();
                }
            }
            return sum;
        }

        /** Σ_A Δ_A(x) m_A(ν) from per-event coefficients. */
        public static double[] logRatio(double[][] deltas, double[] nu) {
            double[] m = PnnMonomials.values(nu);
            double[] out = new double[deltas[0].length];
            for (int a = 0; a < m.length; a++) {
                for (int i = 0; i < out.length; i++) {
                    out[i] += deltas[a][i] * m[a];
                }
            }
            return out;
        }
    }

    /** The events of the data in one index space: the nominal's 0..n0−1, then each point's. */
    static final class Layout {
        final int[] offsets;
        final int total;

        Layout(PnnData d) {
            offsets = new int[d.points().size() + 2];
            offsets[1] = d.nominal()[0].length;
            for (int j = 0; j < d.points().size(); j++) {
                offsets[j + 2] = offsets[j + 1] + d.points().get(j).size();
            }
            total = offsets[offsets.length - 1];
        }

        /** −1 for the nominal, else the point's index. */
        int sample(int e) {
            for (int s = 1; s < offsets.length; s++) {
                if (e < offsets[s]) {
                    return s - 2;
                }
            }
            throw new IndexOutOfBoundsException(e);
        }

        int local(int e) {
            return e - offsets[sample(e) + 1];
        }
    }

    public static Result train(PnnData data, TrainingConfig config, int members, DjlTrainer.EpochListener listener) {
        return train(data, config, members, false, listener);
    }

    /**
     * As {@link #train(PnnData, TrainingConfig, int, DjlTrainer.EpochListener)}; with {@code splitPerMember} every member
     * draws its own split ({@link #memberSplit}), so that the members together train on more of the events than one
     * split's training part. The result then carries member 0's split: the other members trained on part of its
     * validation and holdout events, so diagnostics on that split are optimistic.
     */
    public static Result train(PnnData data, TrainingConfig config, int members, boolean splitPerMember, DjlTrainer.EpochListener listener) {
        if (members < 1) {
            throw new IllegalArgumentException("an ensemble needs at least one member, got " + members);
        }
        Layout lay = new Layout(data);
        DataSplit shared = splitPerMember ? null : split(data, config);
        DataSplit first = shared;
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            DataSplit split = splitPerMember ? memberSplit(data, config, i) : shared;
            if (first == null) {
                first = split;
            }
            out.add(trainMember(data, lay, config, i, split, listener));
        }
        return result(data, first, out);
    }

    /**
     * Member {@code index}'s own split when members do not share one: drawn from
     * {@code DjlTrainer.memberSeed(config.splitSeed(), index)} with the configuration's fractions.
     */
    public static DataSplit memberSplit(PnnData data, TrainingConfig config, int index) {
        return split(data, config.withSeeds(DjlTrainer.memberSeed(config.splitSeed(), index), config.seed()));
    }

    /** The split all members share (over the nominal's events, then each point's), drawn from the configuration's split seed. */
    public static DataSplit split(PnnData data, TrainingConfig config) {
        return DataSplit.draw(new Layout(data).total, config.splitSeed(), config.trainFraction(), config.validationFraction());
    }

    /**
     * Member {@code index} alone (its seed derived from the configuration's and the index), on the
     * shared {@code split} (or its own, {@link #memberSplit}), before the ensemble's normalisation: members trained apart (one task
     * each) and joined by {@link #result} give what {@link #train} gives.
     */
    public static Member member(PnnData data, TrainingConfig config, int index, DataSplit split, DjlTrainer.EpochListener listener) {
        return trainMember(data, new Layout(data), config, index, split, listener);
    }

    /** The ensemble of members trained apart ({@link #member}, in index order): normalised together, with the yield fit. */
    public static Result result(PnnData data, DataSplit split, List<Member> members) {
        List<Member> out = normalised(members, data);
        List<double[]> pts = data.points().stream().map(p -> p.nu().clone()).toList();
        return new Result(Result.FORMAT_VERSION, data.parameters(), PnnMonomials.names(data.parameters()), pts, split, out,
                YieldFit.fit(data));
    }

    /**
     * The likelihood takes the per-event factor exp(Σ_A Δ_A(x) m_A(ν)) as a shape: its mean over the
     * nominal sample must be 1 at every ν. A trained network meets this only up to its errors, and an
     * error in the constant part of Δ is multiplied by every event of a fit. This shifts the ensemble's
     * output biases by the same constants for every member so that, over the nominal sample (weighted),
     * ln E[exp(Σ_A Δ_A m_A(ν))] = 0 through second order in ν: E[Δ_l] = 0 for the linear monomials,
     * E[Δ_ll] = −½ Var(Δ_l) and E[Δ_lm] = −Cov(Δ_l, Δ_m) for the quadratic ones (the cumulant
     * expansion; exact when the linear coefficients are Gaussian-distributed, as in a Gaussian model
     * whose mean moves linearly with ν).
     */
    static List<Member> normalised(List<Member> members, PnnData d) {
        int n = d.nominal()[0].length;
        int np = d.parameters().size();
        Result tmp = new Result(Result.FORMAT_VERSION, d.parameters(), PnnMonomials.names(d.parameters()), List.of(), null, members, null);
        double[][] delta = tmp.deltas(d.nominal());
        int m = delta.length;
        double sw = 0;
        double[] mean = new double[m];
        for (int i = 0; i < n; i++) {
            double w = d.nominalWeight(i);
            sw += w;
            for (int a = 0; a < m; a++) {
                mean[a] += w * delta[a][i];
            }
        }
        for (int a = 0; a < m; a++) {
            mean[a] /= sw;
        }
        double[][] cov = new double[np][np];
        for (int i = 0; i < n; i++) {
            double w = d.nominalWeight(i) / sw;
            for (int l = 0; l < np; l++) {
                for (int k = 0; k < np; k++) {
                    cov[l][k] += w * (delta[l][i] - mean[l]) * (delta[k][i] - mean[k]);
                }
            }
        }
        int[][] pairs = PnnMonomials.pairs(np);
        double[] shift = new double[m];
        for (int a = 0; a < m; a++) {
            int l = pairs[a][0];
            int k = pairs[a][1];
            shift[a] = k < 0 ? mean[a] : mean[a] + (l == k ? 0.5 * cov[l][l] : cov[l][k]);
        }
        List<Member> out = new ArrayList<>();
        for (Member mb : members) {
            MlpWeights w = mb.network();
            int last = w.layers() - 1;
            float[] b = w.biases().get(last).clone();
            for (int a = 0; a < m; a++) {
                b[a] = (float) (b[a] - shift[a]);
            }
            List<float[]> bs = new ArrayList<>(w.biases());
            bs.set(last, b);
            out.add(new Member(mb.formatVersion(), mb.index(), mb.seed(), mb.config(), mb.scaler(),
                    new MlpWeights(w.formatVersion(), w.inputs(), w.widths(), w.activation(), w.weights(), bs), mb.history()));
        }
        return out;
    }

    /** Columns [feature][event] of the given global events. */
    static double[][] gather(PnnData d, Layout lay, int[] events) {
        int f = d.features().size();
        double[][] out = new double[f][events.length];
        for (int k = 0; k < events.length; k++) {
            int s = lay.sample(events[k]);
            int i = lay.local(events[k]);
            double[][] cols = s < 0 ? d.nominal() : d.points().get(s).columns();
            for (int j = 0; j < f; j++) {
                out[j][k] = cols[j][i];
            }
        }
        return out;
    }

    /** Per event of {@code events}: its sample (−1 nominal) and its weight normalised within its sample over these events. */
    static double[] normalisedWeights(PnnData d, Layout lay, int[] events, int[] sampleOut) {
        int j = d.points().size();
        double[] tot = new double[j + 1];
        double[] w = new double[events.length];
        for (int k = 0; k < events.length; k++) {
            int s = lay.sample(events[k]);
            int i = lay.local(events[k]);
            sampleOut[k] = s;
            w[k] = s < 0 ? d.nominalWeight(i) : d.points().get(s).weight(i);
            tot[s + 1] += w[k];
        }
        for (int s = 0; s <= j; s++) {
            if (!(tot[s] > 0)) {
                throw new IllegalArgumentException("the split holds no weight of " + (s == 0 ? "the nominal sample"
                        : "the varied sample at ν point " + (s - 1) + " " + java.util.Arrays.toString(d.points().get(s - 1).nu()))
                        + "; use more events or other split fractions");
            }
        }
        for (int k = 0; k < events.length; k++) {
            w[k] /= tot[sampleOut[k] + 1];
        }
        return w;
    }

    static Member trainMember(PnnData d, Layout lay, TrainingConfig config, int index, DataSplit split, DjlTrainer.EpochListener listener) {
        long seed = DjlTrainer.memberSeed(config.seed(), index);
        int np = d.points().size();
        int m = d.monomials();
        // the scaler is fitted on the nominal sample's training events
        int[] tr = split.train();
        int[] nomTrain = java.util.Arrays.stream(tr).filter(e -> e < lay.offsets[1]).toArray();
        FittedScaler scaler = MultiOutputExport.standardScaler(d.features(), d.scaledFeatures(), d.nominal(),
                nomTrain.length > 0 ? nomTrain : new int[] {0});
        int[] sTrain = new int[tr.length];
        double[] wTrain = normalisedWeights(d, lay, tr, sTrain);
        float[] aux = new float[tr.length * 2 * np];
        for (int k = 0; k < tr.length; k++) {
            if (sTrain[k] < 0) {
                for (int j = 0; j < np; j++) {
                    aux[k * 2 * np + j] = (float) wTrain[k];
                }
            } else {
                aux[k * 2 * np + np + sTrain[k]] = (float) wTrain[k];
            }
        }
        int[] va = split.validation();
        int[] sVal = new int[va.length];
        double[] wVal = normalisedWeights(d, lay, va, sVal);
        float[] design = new float[m * np];   // [monomial][point]: logits = Δ · design
        double[][] mono = new double[np][];
        for (int j = 0; j < np; j++) {
            mono[j] = PnnMonomials.values(d.points().get(j).nu());
            for (int a = 0; a < m; a++) {
                design[a * np + j] = (float) mono[j][a];
            }
        }
        MultiOutputTrainer.LossFunction loss = new MultiOutputTrainer.LossFunction() {
            @Override
            public NDArray perEvent(NDArray z, NDArray a) {
                NDArray mt = z.getManager().create(design, new Shape(m, np));
                NDArray logits = z.matMul(mt);
                NDArray nominalPart = a.get(new NDIndex(":, 0:" + np)).mul(MultiOutputTrainer.softplus(logits));
                NDArray variedPart = a.get(new NDIndex(":, " + np + ":" + (2 * np))).mul(MultiOutputTrainer.softplus(logits.neg()));
                return nominalPart.add(variedPart).sum(new int[] {1});
            }

            @Override
            public double validation(double[] z) {
                double s = 0;
                for (int k = 0; k < sVal.length; k++) {
                    if (sVal[k] < 0) {
                        for (int j = 0; j < np; j++) {
                            s += wVal[k] * MultiOutputTrainer.softplus(logit(z, k, mono[j], m));
                        }
                    } else {
                        s += wVal[k] * MultiOutputTrainer.softplus(-logit(z, k, mono[sVal[k]], m));
                    }
                }
                return s;
            }
        };
        MultiOutputTrainer.Result r = MultiOutputTrainer.train(MultiOutputExport.rows(scaler, gather(d, lay, tr)), d.features().size(), aux,
                2 * np, MultiOutputExport.rows(scaler, gather(d, lay, va)), m, loss, config, seed, index, "PNN member " + index, listener);
        return new Member(Member.FORMAT_VERSION, index, seed, config, scaler, r.network(), r.history());
    }

    private static double logit(double[] z, int k, double[] mono, int m) {
        double s = 0;
        for (int a = 0; a < m; a++) {
            s += z[k * m + a] * mono[a];
        }
        return s;
    }
}
