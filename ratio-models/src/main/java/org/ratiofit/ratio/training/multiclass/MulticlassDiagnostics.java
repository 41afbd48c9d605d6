package org.ratiofit.ratio.training.multiclass;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.ratio.training.multiout.ReweightingCheck;

/**
 * Diagnostics of a multiclass ensemble on the holdout, per class c against the reference: the
 * normalisation E_ref[r̂_c] = 1 and the one-against-reference reweighting closure (the reference
 * events weighted by r̂_c against class c's events, per feature: χ² and a plot), written as
 * {@code report.json} and PNGs into a folder.
 */
public final class MulticlassDiagnostics {
    private MulticlassDiagnostics() {
    }

    /** Format version {@value #FORMAT_VERSION}: per class its closure. */
    public record Report(int formatVersion, List<String> classes, String reference, List<ReweightingCheck.Result> perClass) {
        public static final int FORMAT_VERSION = 1;

        public double worstChi2PerNdf() {
            return perClass.stream().mapToDouble(ReweightingCheck.Result::worstChi2PerNdf).max().orElse(Double.NaN);
        }
    }

    /** Runs the checks on the holdout of {@code data} (the result's split); writes into {@code dir} unless null. */
    public static Report run(MulticlassTrainer.Result result, MulticlassData data, Path dir) {
        int[] ho = result.split().holdout();
        if (ho.length == 0) {
            ho = result.split().validation();
        }
        int c = data.numClasses();
        int ref = data.reference();
        double[][] cols = new double[data.features().size()][];
        for (int j = 0; j < cols.length; j++) {
            cols[j] = pick(data.columns()[j], ho);
        }
        double[][] lr = result.logRatios(cols);
        int[] labels = new int[ho.length];
        double[] w = new double[ho.length];
        for (int k = 0; k < ho.length; k++) {
            labels[k] = data.labels()[ho[k]];
            w[k] = data.weights()[ho[k]];
        }
        List<ReweightingCheck.Result> out = new ArrayList<>();
        for (int k = 0; k < c; k++) {
            if (k == ref) {
                continue;
            }
            int[] target = indices(labels, k);
            int[] source = indices(labels, ref);
            double[] ratio = new double[source.length];
            for (int i = 0; i < source.length; i++) {
                ratio[i] = Math.exp(lr[k][source[i]]);
            }
            ReweightingCheck.Result r = ReweightingCheck.check(data.classes().get(k) + " vs " + data.classes().get(ref), data.features(),
                    pickRows(cols, target), pick(w, target), pickRows(cols, source), pick(w, source), ratio, 10);
            out.add(r);
            if (dir != null) {
                ReweightingCheck.plot(r, dir, "closure-" + data.classes().get(k));
            }
        }
        Report report = new Report(Report.FORMAT_VERSION, data.classes(), data.classes().get(ref), out);
        if (dir != null) {
            try {
                Files.createDirectories(dir);
                MulticlassExport.JSON.writeValue(dir.resolve("report.json").toFile(), report);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + dir.resolve("report.json"), e);
            }
        }
        return report;
    }

    private static int[] indices(int[] labels, int k) {
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == k).toArray();
    }

    private static double[] pick(double[] v, int[] idx) {
        double[] out = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = v[idx[i]];
        }
        return out;
    }

    private static double[][] pickRows(double[][] cols, int[] idx) {
        double[][] out = new double[cols.length][];
        for (int j = 0; j < cols.length; j++) {
            out[j] = pick(cols[j], idx);
        }
        return out;
    }
}
