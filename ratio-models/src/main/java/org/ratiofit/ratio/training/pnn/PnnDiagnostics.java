package org.ratiofit.ratio.training.pnn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ratiofit.ratio.training.multiout.ReweightingCheck;

/**
 * The check that tells whether the polynomial order is enough: for each training point ν_j the
 * nominal sample reweighted by exp(Σ_A Δ_A(x) m_A(ν_j)) against the varied sample, per feature
 * (χ², plots; on the holdout events), and the same at held-out ν points never used in training
 * (interpolation closure), with the yield fit's prediction against each point's total weight.
 */
public final class PnnDiagnostics {
    private PnnDiagnostics() {
    }

    /**
     * One point's closure.
     *
     * @param trained        whether the point was a training point
     * @param yieldResidual  ln N(ν)/N(0) of the sample minus the yield fit's value
     */
    public record PointCheck(double[] nu, boolean trained, double normalisation, double normalisationError, double worstChi2PerNdf,
            double minPValue, double yieldResidual, ReweightingCheck.Result closure) {
    }

    /** Format version {@value #FORMAT_VERSION}. */
    public record Report(int formatVersion, List<String> monomials, List<PointCheck> points) {
        public static final int FORMAT_VERSION = 1;

        public double worstChi2PerNdf(boolean trained) {
            return points.stream().filter(p -> p.trained() == trained).mapToDouble(PointCheck::worstChi2PerNdf).max().orElse(Double.NaN);
        }
    }

    /**
     * @param data     the training data (its holdout events are used)
     * @param heldOut  varied samples at points not used in training (may be empty)
     * @param dir      where report.json and the plots go (null: nothing written)
     */
    public static Report run(PnnTrainer.Result result, PnnData data, List<PnnData.Point> heldOut, Path dir) {
        PnnTrainer.Layout lay = new PnnTrainer.Layout(data);
        int[] ho = result.split().holdout().length > 0 ? result.split().holdout() : result.split().validation();
        int np = data.points().size();
        List<List<Integer>> bySample = new ArrayList<>();
        for (int s = 0; s <= np; s++) {
            bySample.add(new ArrayList<>());
        }
        for (int e : ho) {
            bySample.get(lay.sample(e) + 1).add(e);
        }
        int[] nomEvents = bySample.get(0).stream().mapToInt(Integer::intValue).toArray();
        double[][] nom = PnnTrainer.gather(data, lay, nomEvents);
        double[] nomW = new double[nomEvents.length];
        for (int k = 0; k < nomEvents.length; k++) {
            nomW[k] = data.nominalWeight(lay.local(nomEvents[k]));
        }
        double[][] deltas = result.deltas(nom);
        double n0 = 0;
        for (int i = 0; i < data.nominal()[0].length; i++) {
            n0 += data.nominalWeight(i);
        }
        List<PointCheck> out = new ArrayList<>();
        for (int j = 0; j < np; j++) {
            int[] ev = bySample.get(j + 1).stream().mapToInt(Integer::intValue).toArray();
            double[][] cols = PnnTrainer.gather(data, lay, ev);
            double[] w = new double[ev.length];
            for (int k = 0; k < ev.length; k++) {
                w[k] = data.points().get(j).weight(lay.local(ev[k]));
            }
            out.add(check(result, data.features(), data.points().get(j).nu(), true, cols, w, nom, nomW, deltas,
                    total(data.points().get(j)), n0, dir, "train-" + j));
        }
        for (int h = 0; h < heldOut.size(); h++) {
            PnnData.Point p = heldOut.get(h);
            double[] w = new double[p.size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = p.weight(i);
            }
            out.add(check(result, data.features(), p.nu(), false, p.columns(), w, nom, nomW, deltas, total(p), n0, dir, "heldout-" + h));
        }
        Report r = new Report(Report.FORMAT_VERSION, result.monomials(), out);
        if (dir != null) {
            try {
                Files.createDirectories(dir);
                PnnExport.JSON.writeValue(dir.resolve("report.json").toFile(), r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + dir.resolve("report.json"), e);
            }
        }
        return r;
    }

    private static double total(PnnData.Point p) {
        double s = 0;
        for (int i = 0; i < p.size(); i++) {
            s += p.weight(i);
        }
        return s;
    }

    private static PointCheck check(PnnTrainer.Result result, List<String> features, double[] nu, boolean trained, double[][] target,
            double[] targetW, double[][] nom, double[] nomW, double[][] deltas, double total, double n0, Path dir, String prefix) {
        double[] lr = PnnTrainer.Result.logRatio(deltas, nu);
        double[] ratio = new double[lr.length];
        for (int i = 0; i < lr.length; i++) {
            ratio[i] = Math.exp(lr[i]);
        }
        ReweightingCheck.Result c = ReweightingCheck.check((trained ? "training point " : "held-out point ") + Arrays.toString(nu), features,
                target, targetW, nom, nomW, ratio, 10);
        if (dir != null) {
            ReweightingCheck.plot(c, dir, prefix);
        }
        double yieldResidual = Math.log(total / n0) - result.yieldFit().logYieldRatio(nu);
        return new PointCheck(nu.clone(), trained, c.normalisation(), c.normalisationError(), c.worstChi2PerNdf(), c.minPValue(),
                yieldResidual, c);
    }
}
