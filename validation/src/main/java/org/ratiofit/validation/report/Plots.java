package org.ratiofit.validation.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.ratiofit.io.AtomicFiles;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The plots people look at instead of reading numbers: profile-likelihood curves with their
 * confidence-level lines, histograms (posterior marginals, score distributions, closure), and
 * scatter plots (pairwise posteriors). Each is saved as PNG and SVG.
 */
public final class Plots {

    static {
        // Plots are written on servers and in CI: no display.
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {}

    /** A new chart with the project's style. */
    public static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(720).height(480).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotGridLinesVisible(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setMarkerSize(4);
        return c;
    }

    /** A line without markers. */
    public static XYSeries line(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    /** A dashed horizontal line across [x0, x1], e.g. the 68% and 95% levels of a scan. */
    public static XYSeries horizontal(XYChart chart, String name, double y, double x0, double x1) {
        XYSeries s = chart.addSeries(name, new double[] {x0, x1}, new double[] {y, y});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        return s;
    }

    /** A dashed vertical line across [y0, y1], e.g. a true value or a best fit. */
    public static XYSeries vertical(XYChart chart, String name, double x, double y0, double y1) {
        XYSeries s = chart.addSeries(name, new double[] {x, x}, new double[] {y0, y1});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f));
        return s;
    }

    /** Points without a line. */
    public static XYSeries scatter(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        return s;
    }

    /**
     * A weighted histogram drawn as a step line, normalised to unit area when {@code density}.
     * Values outside [lo, hi] are not drawn (their weight is reported by {@link Histogram}).
     */
    public static XYSeries histogram(XYChart chart, String name, Histogram h, boolean density) {
        double[] counts = density ? h.density() : h.counts();
        int n = counts.length;
        double[] x = new double[2 * n + 2];
        double[] y = new double[2 * n + 2];
        x[0] = h.edges()[0];
        y[0] = 0;
        for (int i = 0; i < n; i++) {
            x[2 * i + 1] = h.edges()[i];
            y[2 * i + 1] = counts[i];
            x[2 * i + 2] = h.edges()[i + 1];
            y[2 * i + 2] = counts[i];
        }
        x[2 * n + 1] = h.edges()[n];
        y[2 * n + 1] = 0;
        return line(chart, name, x, y);
    }

    /**
     * Writes {@code chart} as {@code name.png} and {@code name.svg} into {@code dir} and returns
     * the two paths.
     */
    public static List<Path> save(XYChart chart, Path dir, String name) throws IOException {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("plot name '" + name + "' must use letters, digits, '.', '_' and '-' only");
        }
        Path png = dir.resolve(name + ".png");
        Path svg = dir.resolve(name + ".svg");
        // each file whole or not at all (a full disk must not leave a truncated SVG)
        AtomicFiles.write(png, o -> BitmapEncoder.saveBitmap(chart, o, BitmapEncoder.BitmapFormat.PNG));
        AtomicFiles.write(svg, o -> VectorGraphicsEncoder.saveVectorGraphic(chart, o, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
        List<Path> out = new ArrayList<>();
        out.add(png);
        out.add(svg);
        return out;
    }
}
