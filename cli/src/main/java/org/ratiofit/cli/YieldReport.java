package org.ratiofit.cli;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Tables and plots of {@link FitYields}: per channel, bin and sample the yield ± its uncertainty (an unbinned channel: each sample's expected events),
 * the bin totals beside the data, and a stacked distribution per channel (the samples stacked,
 * the total's uncertainty band, the data with √n error bars), the way HEP papers show pre- and
 * post-fit distributions.
 */
final class YieldReport {

    private static final Color[] COLOURS = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868), new Color(0xC44E52),
        new Color(0x8172B3), new Color(0x937860), new Color(0xDA8BC3), new Color(0x8C8C8C), new Color(0xCCB974), new Color(0x64B5CD)};

    private YieldReport() {
    }

    static void write(Output out, FitYields y) throws IOException {
        String stage = y.stage().equals("prefit") ? "pre-fit" : "post-fit";
        out.heading(stage + " yields (uncertainties propagated linearly from " + (y.stage().equals("prefit")
                ? "the constraint widths" : "the covariance") + ", cabinetry's convention)");
        List<List<String>> rows = new ArrayList<>();
        for (FitYields.ChannelYields c : y.channels()) {
            int nb = c.observed().length;
            if (c.type().equals("unbinned")) {
                // one bin: each sample's expected events
                for (int s = 0; s < c.samples().size(); s++) {
                    rows.add(List.of(c.channel(), "events", c.samples().get(s), Output.num(c.yields()[s][0]), Output.num4(c.errors()[s][0]), ""));
                }
                rows.add(List.of(c.channel(), "events", "total", Output.num(c.channelTotal()), Output.num4(c.channelTotalError()),
                        Output.num(c.observed()[0])));
                continue;
            }
            for (int b = 0; b < nb; b++) {
                for (int s = 0; s < c.samples().size(); s++) {
                    rows.add(List.of(c.channel(), Integer.toString(b), c.samples().get(s), Output.num(c.yields()[s][b]),
                            Output.num4(c.errors()[s][b]), ""));
                }
                rows.add(List.of(c.channel(), Integer.toString(b), "total", Output.num(c.total()[b]), Output.num4(c.totalErrors()[b]),
                        Output.num(c.observed()[b])));
            }
            for (int s = 0; s < c.samples().size(); s++) {
                rows.add(List.of(c.channel(), "all", c.samples().get(s), Output.num(c.sampleTotals()[s]), Output.num4(c.sampleTotalErrors()[s]),
                        ""));
            }
            double obs = 0;
            for (double n : c.observed()) {
                obs += n;
            }
            rows.add(List.of(c.channel(), "all", "total", Output.num(c.channelTotal()), Output.num4(c.channelTotalError()), Output.num(obs)));
        }
        out.table(List.of("channel", "bin", "sample", "yield", "error", "observed"), rows);
        if (out.plotting()) {
            for (FitYields.ChannelYields c : y.channels()) {
                if (c.type().equals("unbinned")) {
                    continue;
                }
                out.figure(chart(c, stage), y.stage() + "-yields-" + c.channel().replaceAll("[^A-Za-z0-9_-]", "_"),
                        stage + " distribution of channel '" + c.channel() + "': samples stacked, the total's uncertainty band, data with"
                                + " sqrt(n) error bars");
            }
        }
    }

    /** The stacked distribution of one channel: bins on the x axis at 0, 1, ..., step outlines. */
    static XYChart chart(FitYields.ChannelYields c, String stage) {
        XYChart chart = Output.chart(stage + " yields: " + c.channel(), "bin", "events");
        int nb = c.observed().length;
        int ns = c.samples().size();
        // cumulative stacks, drawn from the top down so that each lower stack covers the one above it
        double[][] cum = new double[ns][nb];
        for (int s = 0; s < ns; s++) {
            for (int b = 0; b < nb; b++) {
                cum[s][b] = c.yields()[s][b] + (s > 0 ? cum[s - 1][b] : 0);
            }
        }
        for (int s = ns - 1; s >= 0; s--) {
            XYSeries series = chart.addSeries(c.samples().get(s), stepX(nb), stepY(cum[s]));
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            series.setMarker(SeriesMarkers.NONE);
            series.setFillColor(COLOURS[s % COLOURS.length]);
            series.setLineColor(COLOURS[s % COLOURS.length].darker());
        }
        double[] hi = new double[nb];
        double[] lo = new double[nb];
        for (int b = 0; b < nb; b++) {
            hi[b] = c.total()[b] + c.totalErrors()[b];
            lo[b] = c.total()[b] - c.totalErrors()[b];
        }
        for (double[] edge : new double[][] {hi, lo}) {
            XYSeries band = chart.addSeries(edge == hi ? "total + error" : "total - error", stepX(nb), stepY(edge));
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            band.setMarker(SeriesMarkers.NONE);
            band.setLineColor(Color.BLACK);
            band.setLineStyle(new java.awt.BasicStroke(1f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f,
                    new float[] {4f, 3f}, 0f));
        }
        double[] x = new double[nb];
        double[] err = new double[nb];
        for (int b = 0; b < nb; b++) {
            x[b] = b + 0.5;
            err[b] = Math.sqrt(Math.max(0, c.observed()[b]));
        }
        XYSeries data = chart.addSeries("data", x, c.observed().clone(), err);
        data.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        data.setMarker(SeriesMarkers.CIRCLE);
        data.setMarkerColor(Color.BLACK);
        return chart;
    }

    private static double[] stepX(int nb) {
        double[] x = new double[2 * nb];
        for (int b = 0; b < nb; b++) {
            x[2 * b] = b;
            x[2 * b + 1] = b + 1;
        }
        return x;
    }

    private static double[] stepY(double[] y) {
        double[] v = new double[2 * y.length];
        for (int b = 0; b < y.length; b++) {
            v[2 * b] = y[b];
            v[2 * b + 1] = y[b];
        }
        return v;
    }
}
