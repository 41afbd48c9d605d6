package org.ratiofit.ratio.training.multiout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The reweighting closure of a learned ratio: a source sample weighted by r̂ against the target
 * sample, per feature in equal-population bins of the target, with the χ² of the weighted
 * histograms (both normalised to 1; errors from Σw² of each), and the normalisation Σ_source w r̂ /
 * Σ_source w (1 for a normalised ratio, with its statistical error).
 */
public final class ReweightingCheck {
    private ReweightingCheck() {
    }

    /** One feature's closure. */
    public record Feature(String feature, double chi2, int ndf, double pValue, double[] edges, double[] target, double[] reweighted,
            double[] targetError, double[] reweightedError) {
    }

    /** The normalisation and every feature's closure. */
    public record Result(String label, double normalisation, double normalisationError, List<Feature> features) {
        public double worstChi2PerNdf() {
            return features.stream().mapToDouble(f -> f.chi2() / Math.max(1, f.ndf())).max().orElse(Double.NaN);
        }

        public double minPValue() {
            return features.stream().mapToDouble(Feature::pValue).min().orElse(Double.NaN);
        }
    }

    /**
     * @param target  columns [feature][event] of the target sample, with weights (null: unit)
     * @param source  columns of the source sample, with weights and the ratio r̂ per event
     */
    public static Result check(String label, List<String> features, double[][] target, double[] targetW, double[][] source, double[] sourceW,
            double[] ratio, int bins) {
        int nt = target[0].length;
        int ns = source[0].length;
        double sw = 0;
        double swr = 0;
        for (int i = 0; i < ns; i++) {
            double w = sourceW == null ? 1 : sourceW[i];
            sw += w;
            swr += w * ratio[i];
        }
        double norm = swr / sw;
        double var = 0;
        for (int i = 0; i < ns; i++) {
            double w = (sourceW == null ? 1 : sourceW[i]) / sw;
            var += w * w * (ratio[i] - norm) * (ratio[i] - norm);
        }
        List<Feature> out = new ArrayList<>();
        for (int j = 0; j < features.size(); j++) {
            double[] sorted = target[j].clone();
            Arrays.sort(sorted);
            List<Double> e = new ArrayList<>();
            e.add(Double.NEGATIVE_INFINITY);
            for (int b = 1; b < bins; b++) {
                double q = sorted[(int) Math.min(nt - 1, Math.floor((double) b * nt / bins))];
                if (q > e.get(e.size() - 1)) {
                    e.add(q);
                }
            }
            e.add(Double.POSITIVE_INFINITY);
            double[] edges = e.stream().mapToDouble(Double::doubleValue).toArray();
            int k = edges.length - 1;
            double[] ht = new double[k];
            double[] ht2 = new double[k];
            double[] hs = new double[k];
            double[] hs2 = new double[k];
            double tt = 0;
            for (int i = 0; i < nt; i++) {
                double w = targetW == null ? 1 : targetW[i];
                int b = bin(edges, target[j][i]);
                ht[b] += w;
                ht2[b] += w * w;
                tt += w;
            }
            for (int i = 0; i < ns; i++) {
                double w = (sourceW == null ? 1 : sourceW[i]) * ratio[i];
                int b = bin(edges, source[j][i]);
                hs[b] += w;
                hs2[b] += w * w;
            }
            double chi2 = 0;
            double[] et = new double[k];
            double[] es = new double[k];
            for (int b = 0; b < k; b++) {
                ht[b] /= tt;
                hs[b] /= swr;
                et[b] = Math.sqrt(ht2[b]) / tt;
                es[b] = Math.sqrt(hs2[b]) / swr;
                double v = et[b] * et[b] + es[b] * es[b];
                if (v > 0) {
                    chi2 += (ht[b] - hs[b]) * (ht[b] - hs[b]) / v;
                }
            }
            int ndf = Math.max(1, k - 1);
            double p = 1 - new ChiSquaredDistribution(ndf).cumulativeProbability(chi2);
            out.add(new Feature(features.get(j), chi2, ndf, p, edges, ht, hs, et, es));
        }
        return new Result(label, norm, Math.sqrt(var), out);
    }

    private static int bin(double[] edges, double v) {
        int b = Arrays.binarySearch(edges, v);
        if (b < 0) {
            b = -b - 2;
        }
        return Math.max(0, Math.min(edges.length - 2, b));
    }

    /** One PNG per feature: the target's and the reweighted source's bin contents (by bin index) with errors. */
    public static List<Path> plot(Result r, Path dir, String prefix) {
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Feature f : r.features()) {
                XYChart c = new XYChartBuilder().width(640).height(420).title(r.label() + ": " + f.feature() + String.format(
                        " (chi2/ndf %.1f/%d)", f.chi2(), f.ndf())).xAxisTitle("bin of " + f.feature() + " (equal population of the target)")
                        .yAxisTitle("fraction").build();
                double[] x = new double[f.target().length];
                for (int b = 0; b < x.length; b++) {
                    x[b] = b;
                }
                XYSeries t = c.addSeries("target", x, f.target(), f.targetError());
                t.setMarker(SeriesMarkers.CIRCLE);
                XYSeries s = c.addSeries("source reweighted", x, f.reweighted(), f.reweightedError());
                s.setMarker(SeriesMarkers.DIAMOND);
                Path file = dir.resolve(prefix + "-" + f.feature() + ".png");
                BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
                files.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write closure plots into " + dir, e);
        }
        return files;
    }
}
