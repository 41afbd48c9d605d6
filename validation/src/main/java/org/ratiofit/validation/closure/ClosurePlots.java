package org.ratiofit.validation.closure;

import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ratiofit.validation.report.Histogram;
import org.ratiofit.validation.report.Plots;

/** Figures of the closure checks (saved with {@link Plots#save}). */
public final class ClosurePlots {

    private ClosurePlots() {
    }

    /** Numerator, denominator and reweighted denominator per bin index (equal-population bins), normalised. */
    public static XYChart reweighting(Reweighting.Feature f) {
        XYChart c = Plots.chart("Reweighting closure: " + f.feature() + String.format(java.util.Locale.ROOT,
                " (chi2/ndf = %.1f/%d, p = %.3g)", f.chi2(), f.ndf(), f.pValue()), f.feature(), "fraction of events per bin");
        Plots.histogram(c, "numerator", hist(f.edges(), f.numerator()), false);
        Plots.histogram(c, "denominator", hist(f.edges(), f.denominator()), false);
        Plots.histogram(c, "denominator x r", hist(f.edges(), f.reweighted()), false);
        double[] mid = new double[f.numerator().length];
        for (int b = 0; b < mid.length; b++) {
            mid[b] = 0.5 * (f.edges()[b] + f.edges()[b + 1]);
        }
        XYSeries s = c.addSeries("numerator errors", mid, f.numerator(), f.numeratorError());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.NONE);
        s.setShowInLegend(false);
        return c;
    }

    private static Histogram hist(double[] edges, double[] contents) {
        return new Histogram(edges, contents, 0, 0);
    }

    /** Observed numerator fraction against mean predicted score per bin, with the diagonal. */
    public static XYChart calibration(Calibration cal) {
        XYChart c = Plots.chart("Calibration: " + cal.name() + String.format(java.util.Locale.ROOT,
                " (chi2/ndf = %.1f/%d, p = %.3g)", cal.chi2(), cal.ndf(), cal.pValue()), "mean predicted s = r/(1+r)", "observed numerator fraction");
        Plots.line(c, "perfect calibration", new double[] {0, 1}, new double[] {0, 1});
        XYSeries s = c.addSeries("ensemble", finite(cal.predicted(), cal.predicted()), finite(cal.predicted(), cal.observed()),
                finite(cal.predicted(), cal.error()));
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        return c;
    }

    private static double[] finite(double[] key, double[] v) {
        return java.util.stream.IntStream.range(0, key.length).filter(i -> Double.isFinite(key[i])).mapToDouble(i -> v[i]).toArray();
    }

    /** E[r] on the denominator sample per member and for the ensemble, with ±1σ error bars and the line at 1. */
    public static XYChart normalisation(List<Normalisation> members, Normalisation ensemble) {
        XYChart c = Plots.chart("Normalisation closure: weighted mean of r over the denominator sample",
                "member (last: ensemble)", "E_den[r]");
        int n = members.size() + 1;
        double[] x = new double[n];
        double[] y = new double[n];
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            Normalisation m = i < members.size() ? members.get(i) : ensemble;
            x[i] = i;
            y[i] = m.mean();
            e[i] = m.error();
        }
        Plots.horizontal(c, "1", 1, -0.5, n - 0.5);
        XYSeries s = c.addSeries("mean of r", x, y, e);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        return c;
    }
}
