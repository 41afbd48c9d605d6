package org.ratiofit.ratio.training.diagnostics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.ratio.training.DjlTrainer;
import org.ratiofit.ratio.training.TrainedEnsemble;
import org.ratiofit.ratio.training.TrainedMember;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.TrainingData;
import org.ratiofit.ratio.training.calibration.HistogramCalibrator;

/**
 * The training diagnostics of an ensemble, each as a PNG and as numbers in report.json: loss
 * curves; overtraining (train vs holdout ln r̂ per hypothesis, KS test); calibration curve;
 * reweighting closure per feature (B·r̂ against A, χ²/ndf); the normalisation test Σ_B w r̂ ≈ 1;
 * optionally the shuffled-label null training. All but the loss curves use the holdout, which
 * training never saw; the ensemble's ratio is the mean of the members' ratios.
 */
public final class TrainingDiagnostics {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int BINS = 20;

    private TrainingDiagnostics() {
    }

    /** Computes the diagnostics and writes report.json and the figures into {@code dir}. */
    public static DiagnosticsReport run(TrainedEnsemble ensemble, TrainingData data, Path dir, boolean nullTest) {
        System.setProperty("java.awt.headless", "true");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create diagnostics folder " + dir, e);
        }
        TrainedMember first = ensemble.members().get(0);
        int[] hold = first.split().holdout();
        int[] train = first.split().train();
        if (hold.length == 0) {
            throw new IllegalArgumentException("the split has no holdout events; diagnostics need a holdout fraction > 0");
        }
        List<String> figures = new ArrayList<>();

        // loss curves
        List<DiagnosticsReport.LossCurve> curves = new ArrayList<>();
        XYChart loss = chart("Loss per epoch", "epoch", "weighted BCE");
        for (TrainedMember m : ensemble.members()) {
            var h = m.history();
            curves.add(new DiagnosticsReport.LossCurve(m.index(), h.epochs(), h.bestEpoch(),
                    h.validationLoss()[h.bestEpoch()], h.trainLoss()[h.epochs() - 1], h.stoppedEarly(),
                    h.eventsPerSecond()));
            double[] ep = range(h.epochs());
            line(loss, "train " + m.index(), ep, h.trainLoss());
            line(loss, "validation " + m.index(), ep, h.validationLoss());
        }
        figures.add(save(loss, dir, "loss_curves"));

        double[] lHold = ensemble.logRatio(data, hold);
        double[] lTrain = ensemble.logRatio(data, train);
        double[] wHold = data.classNormalisedWeights(hold);

        // overtraining: ln r̂ distributions, train vs holdout, per hypothesis
        List<DiagnosticsReport.Overtraining> over = new ArrayList<>();
        XYChart ot = chart("Overtraining check", "ln r", "density");
        double lo = Math.min(min(lHold), min(lTrain));
        double hi = Math.max(max(lHold), max(lTrain));
        double[] edges = linspace(lo, hi + 1e-12, BINS + 1);
        for (int label : new int[] {1, 0}) {
            String hyp = label == 1 ? "A" : "B";
            double[] t = select(lTrain, data.labels(), train, label);
            double[] o = select(lHold, data.labels(), hold, label);
            KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
            double d = ks.kolmogorovSmirnovStatistic(t, o);
            double p = ks.kolmogorovSmirnovTest(t, o, false);
            over.add(new DiagnosticsReport.Overtraining(hyp, t.length, o.length, d, p));
            line(ot, hyp + " train", centres(edges), density(t, edges));
            XYSeries s = ot.addSeries(hyp + " holdout", centres(edges), density(o, edges));
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        }
        figures.add(save(ot, dir, "overtraining"));

        // calibration curve: bins of predicted score with weighted-quantile edges
        int n = hold.length;
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            score[i] = 1 / (1 + Math.exp(-lHold[i]));
        }
        double[] cEdges = HistogramCalibrator.weightedQuantileEdges(score, wHold, BINS);
        int nb = cEdges.length - 1;
        double[] sw = new double[nb];
        double[] swA = new double[nb];
        double[] sw2A = new double[nb];
        double[] sw2 = new double[nb];
        double[] sws = new double[nb];
        for (int i = 0; i < n; i++) {
            int b = bin(cEdges, score[i]);
            double w = wHold[i];
            sw[b] += w;
            sw2[b] += w * w;
            sws[b] += w * score[i];
            if (data.labels()[hold[i]] == 1) {
                swA[b] += w;
                sw2A[b] += w * w;
            }
        }
        double[] pred = new double[nb];
        double[] obs = new double[nb];
        double[] err = new double[nb];
        double chi2 = 0;
        int ndf = 0;
        for (int b = 0; b < nb; b++) {
            pred[b] = sw[b] > 0 ? sws[b] / sw[b] : Double.NaN;
            obs[b] = sw[b] > 0 ? swA[b] / sw[b] : Double.NaN;
            // binomial-like error of a weighted fraction: Σw²(y − f)² / (Σw)²
            double f = obs[b];
            double var = sw[b] > 0 ? (sw2A[b] * (1 - f) * (1 - f) + (sw2[b] - sw2A[b]) * f * f) / (sw[b] * sw[b]) : 0;
            err[b] = Math.sqrt(var);
            if (err[b] > 0) {
                chi2 += (obs[b] - pred[b]) * (obs[b] - pred[b]) / var;
                ndf++;
            }
        }
        XYChart cal = chart("Calibration (holdout)", "mean predicted score", "observed fraction of A");
        line(cal, "ideal", new double[] {0, 1}, new double[] {0, 1});
        XYSeries cs = cal.addSeries("ensemble", pred, obs, err);
        cs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        figures.add(save(cal, dir, "calibration"));
        DiagnosticsReport.Calibration calibration = new DiagnosticsReport.Calibration(pred, obs, err, chi2, ndf);

        // reweighting closure per feature
        List<DiagnosticsReport.Closure> closure = new ArrayList<>();
        for (int j = 0; j < data.numFeatures(); j++) {
            String f = data.features().get(j);
            double[] col = data.column(j);
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = col[hold[i]];
            }
            double[] fe = HistogramCalibrator.weightedQuantileEdges(x, wHold, BINS);
            int k = fe.length - 1;
            double[] hA = new double[k];
            double[] vA = new double[k];
            double[] hB = new double[k];
            double[] vB = new double[k];
            double[] hBr = new double[k];
            double[] vBr = new double[k];
            for (int i = 0; i < n; i++) {
                int b = bin(fe, x[i]);
                double w = wHold[i];
                if (data.labels()[hold[i]] == 1) {
                    hA[b] += w;
                    vA[b] += w * w;
                } else {
                    double wr = w * Math.exp(lHold[i]);
                    hB[b] += w;
                    vB[b] += w * w;
                    hBr[b] += wr;
                    vBr[b] += wr * wr;
                }
            }
            double c2 = 0;
            int dof = 0;
            for (int b = 0; b < k; b++) {
                double v = vA[b] + vBr[b];
                if (v > 0) {
                    c2 += (hA[b] - hBr[b]) * (hA[b] - hBr[b]) / v;
                    dof++;
                }
            }
            closure.add(new DiagnosticsReport.Closure(f, c2, dof, dof > 0 ? c2 / dof : Double.NaN));
            XYChart cc = chart("Reweighting closure: " + f + " (chi2/ndf " + String.format("%.2f", c2 / dof) + ")", f,
                    "weight per bin");
            double[] cx = centres(fe);
            // lines through the bin centres (bins have unequal widths: weighted-quantile edges)
            line(cc, "A", cx, hA);
            line(cc, "B", cx, hB);
            XYSeries rs = cc.addSeries("B x r", cx, hBr, sqrt(vBr));
            rs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            figures.add(save(cc, dir, "closure_" + f.replaceAll("[^A-Za-z0-9_.-]", "_")));
        }

        // normalisation test on the holdout's B events
        double sum = 0;
        double sumW = 0;
        int nB = 0;
        for (int i = 0; i < n; i++) {
            if (data.labels()[hold[i]] == 0) {
                sum += wHold[i] * Math.exp(lHold[i]);
                sumW += wHold[i];
                nB++;
            }
        }
        double var = 0;
        for (int i = 0; i < n; i++) {
            if (data.labels()[hold[i]] == 0) {
                double dv = Math.exp(lHold[i]) - sum;
                var += wHold[i] * wHold[i] * dv * dv;
            }
        }
        double error = Math.sqrt(var);
        DiagnosticsReport.Normalisation norm = new DiagnosticsReport.Normalisation(sum, error,
                error > 0 ? (sum - 1) / error : (Math.abs(sum - 1) < 1e-12 ? 0 : Double.POSITIVE_INFINITY), nB);
        if (Math.abs(sumW - 1) > 1e-9) {
            throw new IllegalStateException("holdout B weights sum to " + sumW + ", expected 1");
        }

        DiagnosticsReport.NullTest nul = null;
        if (nullTest) {
            nul = nullTest(data, first.config(), dir, figures);
        }
        DiagnosticsReport report = new DiagnosticsReport(DiagnosticsReport.FORMAT_VERSION, ensemble.members().size(),
                curves, over, calibration, closure, norm, nul, figures);
        try {
            AtomicFiles.write(dir.resolve("report.json"), o -> JSON.writeValue(o, report));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        return report;
    }

    /** Trains one member on label-shuffled data and summarises ln r̂ on its holdout (expected ≈ 0). */
    public static DiagnosticsReport.NullTest nullTest(TrainingData data, TrainingConfig config, Path dir,
            List<String> figures) {
        TrainingData shuffled = data.withShuffledLabels(config.seed() ^ 0x5DEECE66DL);
        TrainedMember m = DjlTrainer.train(shuffled, config, 0);
        double[] l = m.logRatio(shuffled, m.split().holdout());
        double ss = 0;
        double s = 0;
        double mx = 0;
        for (double v : l) {
            ss += v * v;
            s += v;
            mx = Math.max(mx, Math.abs(v));
        }
        if (dir != null && figures != null) {
            XYChart c = chart("Shuffled-label null test (holdout)", "ln r", "density");
            double[] e = linspace(Math.min(-0.5, min(l)), Math.max(0.5, max(l)) + 1e-12, BINS + 1);
            step(c, "ln r (shuffled labels)", centres(e), density(l, e));
            figures.add(save(c, dir, "null_test"));
        }
        return new DiagnosticsReport.NullTest(Math.sqrt(ss / l.length), s / l.length, mx, l.length);
    }

    // ---------------------------------------------------------------- helpers

    private static XYChart chart(String title, String x, String y) {
        return new XYChartBuilder().width(800).height(600).title(title).xAxisTitle(x).yAxisTitle(y).build();
    }

    private static void line(XYChart c, String name, double[] x, double[] y) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
    }

    private static void step(XYChart c, String name, double[] x, double[] y) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
    }

    private static String save(XYChart c, Path dir, String name) {
        String file = name + ".png";
        try {
            AtomicFiles.write(dir.resolve(file), o -> BitmapEncoder.saveBitmap(c, o, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        return file;
    }

    private static double[] select(double[] values, int[] labels, int[] events, int label) {
        return java.util.stream.IntStream.range(0, events.length).filter(k -> labels[events[k]] == label)
                .mapToDouble(k -> values[k]).toArray();
    }

    private static double[] density(double[] x, double[] edges) {
        int k = edges.length - 1;
        double[] h = new double[k];
        for (double v : x) {
            h[bin(edges, v)] += 1;
        }
        for (int b = 0; b < k; b++) {
            h[b] /= x.length * (edges[b + 1] - edges[b]);
        }
        return h;
    }

    static int bin(double[] edges, double v) {
        int pos = Arrays.binarySearch(edges, v);
        int b = pos >= 0 ? pos : -pos - 2;
        return Math.max(0, Math.min(edges.length - 2, b));
    }

    private static double[] centres(double[] e) {
        double[] c = new double[e.length - 1];
        for (int i = 0; i < c.length; i++) {
            c[i] = 0.5 * (e[i] + e[i + 1]);
        }
        return c;
    }

    private static double[] linspace(double a, double b, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = a + (b - a) * i / (n - 1);
        }
        return out;
    }

    private static double[] range(int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static double[] sqrt(double[] v) {
        return Arrays.stream(v).map(Math::sqrt).toArray();
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
