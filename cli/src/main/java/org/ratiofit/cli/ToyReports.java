package org.ratiofit.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ratiofit.samplers.toys.NeymanBelt;
import org.ratiofit.samplers.toys.ToyCls;
import org.ratiofit.samplers.toys.ToyLimitRefinement;
import org.ratiofit.samplers.toys.ToyPlan;
import org.ratiofit.samplers.toys.ToySamples;
import org.ratiofit.samplers.toys.ToySignificance;
import org.ratiofit.samplers.toys.ToyStudyFile;
import org.ratiofit.validation.report.Histogram;
import org.ratiofit.validation.report.Plots;

/**
 * Tables, plots and JSON of the toy-based results, the same for a fresh run and for merged toy
 * files: CLs limits (CLs versus mu from toys and asymptotics, the toy distributions of the
 * statistic against the asymptotic forms), discovery p-values, and the Neyman belt.
 */
final class ToyReports {

    private ToyReports() {
    }

    /** Analyses the file and writes the result; returns the exit code (3 when the result is incomplete). */
    static int report(Output out, ToyStudyFile f, String title) throws IOException {
        return switch (f.plan().kind()) {
            case CLS -> limit(out, f, title);
            case SIGNIFICANCE -> significance(out, f, title);
            case NEYMAN -> neyman(out, f, title);
        };
    }

    private static String range(ToyStudyFile f) {
        long from = f.samples().study().from();
        long to = f.samples().study().to();
        return from == 0 ? (to + " toys per ensemble") : ("toys " + from + " to " + to + " of each ensemble (part of a study)");
    }

    private static Map<String, Object> json(ToyStudyFile f, String command) {
        Map<String, Object> m = Output.result(command, java.nio.file.Path.of(f.workspace()));
        m.put("method", "toys");
        m.put("seed", f.plan().seed());
        m.put("toyRange", new long[] {f.samples().study().from(), f.samples().study().to()});
        return m;
    }

    static int limit(Output out, ToyStudyFile f, String title) throws IOException {
        return limit(out, f, title, null);
    }

    static int limit(Output out, ToyStudyFile f, String title, ToyLimitRefinement.Result refined) throws IOException {
        ToyPlan plan = f.plan();
        ToyCls.Result r = ToyCls.analyse(plan, f.samples(), f.levels()[0]);
        String poi = plan.parameterOfInterest();
        out.paragraph(title + ": CLs upper limit on " + poi + " at " + Output.plain(100 * r.confidenceLevel()) + "% CL from toys, "
                + Statistics.name(plan.statistic()) + ", " + range(f) + ", seed " + plan.seed() + "; best fit " + poi + " = "
                + Output.plain(plan.observedMuHat()));
        List<List<String>> rows = new ArrayList<>();
        for (ToyCls.Point p : r.points()) {
            rows.add(List.of(Output.plain(p.mu()), Output.num4(p.qObserved()), Output.num4(p.clsb()) + " +- " + Output.num4(p.clsbError()),
                    Output.num4(p.clb()) + " +- " + Output.num4(p.clbError()), Output.num4(p.cls()) + " +- " + Output.num4(p.clsError()),
                    Output.num4(p.expectedCls()[2]), Output.num4(p.asymptoticCls())));
        }
        out.table(List.of(poi, "q obs", "CLs+b", "CLb", "CLs (toys)", "exp. CLs (toys)", "CLs (asymptotic)"), rows);
        String[] bands = {"expected -2 sigma", "expected -1 sigma", "expected (median)", "expected +1 sigma", "expected +2 sigma"};
        List<List<String>> lim = new ArrayList<>();
        lim.add(List.of("observed", Output.num(r.observedLimit()) + " +- " + Output.num4(r.observedLimitError()), Output.num(r.asymptoticLimit())));
        for (int k = 0; k < 5; k++) {
            lim.add(List.of(bands[k], Output.num(r.expectedLimits()[k]), Output.num(r.asymptoticExpectedLimits()[k])));
        }
        out.heading("upper limits (interpolated on the grid; +- the Monte-Carlo error)");
        out.table(List.of("", poi + " limit (toys)", "asymptotic, same grid"), lim);
        notes(out, r.notes());
        if (refined != null) {
            out.heading("refined by bisection (" + refined.points().size() + " further points, their own toys)");
            List<List<String>> ref = new ArrayList<>();
            for (ToyCls.Point p : refined.points()) {
                ref.add(List.of(Output.plain(p.mu()), Output.num4(p.qObserved()), Output.num4(p.cls()) + " +- " + Output.num4(p.clsError()),
                        Output.num4(p.asymptoticCls())));
            }
            out.table(List.of(poi, "q obs", "CLs (toys)", "CLs (asymptotic)"), ref);
            out.paragraph("refined observed limit: " + poi + " < " + Output.num(refined.limit()) + " +- " + Output.num4(refined.limitError())
                    + " (bracket [" + Output.plain(refined.bracketLow()) + ", " + Output.plain(refined.bracketHigh()) + "])");
            notes(out, refined.notes());
        }
        if (out.plotting()) {
            plotCls(out, poi, r);
            int g = nearest(plan.grid(), Double.isFinite(r.observedLimit()) ? r.observedLimit() : plan.grid()[plan.grid().length / 2]);
            plotDistributions(out, plan, f.samples(), g);
        }
        Map<String, Object> m = json(f, "limit");
        m.put("limit", r);
        if (refined != null) {
            m.put("refinement", refined);
        }
        out.finish(m);
        return Double.isFinite(r.observedLimit()) && (refined == null || Double.isFinite(refined.limit())) ? 0 : 3;
    }

    static int significance(Output out, ToyStudyFile f, String title) throws IOException {
        ToyPlan plan = f.plan();
        ToySignificance.Result r = ToySignificance.analyse(plan, f.samples());
        out.paragraph(title + ": discovery test of " + plan.parameterOfInterest() + " = 0 with q_0 from toys, " + range(f)
                + ", seed " + plan.seed());
        String p = r.resolved() ? Output.num4(r.pValue()) + " +- " + Output.num4(r.pValueError()) : "< " + Output.num4(r.pValueUpperBound()) + " (95% CL)";
        String z = r.resolved() ? Output.num4(r.significance()) + " +- " + Output.num4(r.significanceError()) : "> " + Output.num4(r.significance());
        out.table(List.of("", "q_0", "p-value", "Z"), List.of(
                List.of("toys (" + r.exceeding() + " of " + r.validToys() + " at least as large)", Output.num(r.q0()), p, z),
                List.of("asymptotic", Output.num(r.q0()), Output.num4(r.asymptoticPValue()), Output.num4(r.asymptoticSignificance()))));
        notes(out, r.notes());
        if (out.plotting()) {
            ToySamples.Ensemble e = f.samples().ensembles().get(0);
            XYChart c = Output.chart("toys of q_0 under " + plan.parameterOfInterest() + " = 0", "q_0", "density");
            double[] v = e.sortedValid(0);
            double hi = Math.max(v.length > 0 ? v[v.length - 1] : 1, r.q0()) * 1.05 + 1e-9;
            Plots.histogram(c, "toys (" + v.length + ")", Histogram.of(v, null, 40, 0, hi), true);
            halfChi2(c, hi, "asymptotic: chi2(1)/2 above 0");
            Plots.vertical(c, "observed q_0 = " + Output.num4(r.q0()), r.q0(), 0, 1);
            c.getStyler().setYAxisLogarithmic(true);
            c.getStyler().setYAxisMin(1e-4);
            out.figure(c, "toys_q0", "The toys' q_0 (density; half the toys at 0 fall in the first bin) against the asymptotic "
                    + "half chi-square with one degree of freedom, and the observed value.");
        }
        Map<String, Object> m = json(f, "significance");
        m.put("significance", r);
        out.finish(m);
        return 0;
    }

    static int neyman(Output out, ToyStudyFile f, String title) throws IOException {
        ToyPlan plan = f.plan();
        NeymanBelt.Result r = NeymanBelt.analyse(plan, f.samples(), f.levels());
        String poi = plan.parameterOfInterest();
        out.paragraph(title + ": Neyman construction (Feldman-Cousins ordering, " + Statistics.name(plan.statistic()) + ") for " + poi
                + " on " + plan.grid().length + " points over [" + Output.plain(plan.grid()[0]) + ", "
                + Output.plain(plan.grid()[plan.grid().length - 1]) + "], " + range(f) + ", seed " + plan.seed() + "; best fit "
                + poi + " = " + Output.plain(plan.observedMuHat()));
        List<List<String>> rows = new ArrayList<>();
        for (NeymanBelt.Level l : r.levels()) {
            rows.add(List.of(Output.plain(100 * l.level()) + "%", Output.num(l.lower()) + (l.lowerAtGridEdge() ? " (grid edge)" : ""),
                    Output.num(l.upper()) + (l.upperAtGridEdge() ? " (grid edge)" : ""), Output.num(l.asymptoticLower()),
                    Output.num(l.asymptoticUpper())));
        }
        out.table(List.of("level", "lower (toys)", "upper (toys)", "lower (asymptotic)", "upper (asymptotic)"), rows);
        List<List<String>> belt = new ArrayList<>();
        for (int g = 0; g < plan.grid().length; g++) {
            List<String> row = new ArrayList<>();
            row.add(Output.plain(plan.grid()[g]));
            row.add(Output.num4(plan.observed()[g]));
            for (NeymanBelt.Level l : r.levels()) {
                row.add(Output.num4(l.criticalValues()[g]) + " +- " + Output.num4(l.criticalValueErrors()[g]));
            }
            belt.add(row);
        }
        List<String> head = new ArrayList<>(List.of(poi, "q obs"));
        for (NeymanBelt.Level l : r.levels()) {
            head.add("q_c " + Output.plain(100 * l.level()) + "% (chi2: " + Output.num4(l.asymptoticCritical()) + ")");
        }
        out.heading("the belt: observed statistic and critical values per grid point");
        out.table(head, belt);
        notes(out, r.notes());
        if (out.plotting()) {
            XYChart c = Output.chart("Neyman belt of " + poi, poi, Statistics.name(plan.statistic()));
            XYSeries o = c.addSeries("observed", plan.grid(), plan.observed());
            o.setMarker(SeriesMarkers.CIRCLE);
            o.setLineColor(Color.BLACK);
            o.setMarkerColor(Color.BLACK);
            Color[] colours = {new Color(60, 170, 60), new Color(230, 150, 40), new Color(60, 90, 200)};
            int k = 0;
            for (NeymanBelt.Level l : r.levels()) {
                Color col = colours[k++ % colours.length];
                XYSeries s = c.addSeries("q_c " + Output.plain(100 * l.level()) + "% (toys)", plan.grid(), l.criticalValues(), l.criticalValueErrors());
                s.setLineColor(col);
                s.setMarkerColor(col);
                XYSeries a = Plots.horizontal(c, "chi2 " + Output.plain(100 * l.level()) + "%", l.asymptoticCritical(), plan.grid()[0],
                        plan.grid()[plan.grid().length - 1]);
                a.setLineColor(col);
            }
            out.figure(c, "neyman_belt_" + ScanCommand.safe(poi), "The observed statistic against the critical values from toys (with "
                    + "their Monte-Carlo errors) and the asymptotic chi-square levels; the interval is where the observed curve "
                    + "lies below the critical values.");
        }
        Map<String, Object> m = json(f, "scan");
        m.put("neyman", r);
        out.finish(m);
        boolean edge = r.notes().stream().anyMatch(n -> n.contains("grid"));
        return edge ? 3 : 0;
    }

    private static void notes(Output out, List<String> notes) {
        for (String n : notes) {
            out.paragraph("note: " + n);
        }
    }

    static int nearest(double[] grid, double x) {
        int best = 0;
        for (int i = 1; i < grid.length; i++) {
            if (Math.abs(grid[i] - x) < Math.abs(grid[best] - x)) {
                best = i;
            }
        }
        return best;
    }

    private static void halfChi2(XYChart c, double hi, String name) {
        ChiSquaredDistribution chi2 = new ChiSquaredDistribution(1);
        int n = 200;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = hi * (i + 0.5) / n;
            y[i] = 0.5 * chi2.density(x[i]);
        }
        XYSeries s = Plots.line(c, name, x, y);
        s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    }

    private static void plotCls(Output out, String poi, ToyCls.Result r) throws IOException {
        int n = r.points().size();
        double[] mu = new double[n];
        double[] cls = new double[n];
        double[] err = new double[n];
        double[] asym = new double[n];
        double[][] exp = new double[5][n];
        for (int i = 0; i < n; i++) {
            ToyCls.Point p = r.points().get(i);
            mu[i] = p.mu();
            cls[i] = Double.isFinite(p.cls()) ? p.cls() : 0;
            err[i] = Double.isFinite(p.clsError()) ? p.clsError() : 0;
            asym[i] = p.asymptoticCls();
            for (int k = 0; k < 5; k++) {
                exp[k][i] = Double.isFinite(p.expectedCls()[k]) ? p.expectedCls()[k] : 0;
            }
        }
        XYChart c = Output.chart("CLs versus " + poi + " (toys and asymptotic)", poi, "CLs");
        String[] names = {"expected -2 sigma (toys)", "expected -1 sigma (toys)", "expected median (toys)", "expected +1 sigma (toys)",
            "expected +2 sigma (toys)"};
        Color[] colours = {new Color(230, 190, 40), new Color(60, 170, 60), Color.DARK_GRAY, new Color(60, 170, 60), new Color(230, 190, 40)};
        for (int k = 0; k < 5; k++) {
            XYSeries s = Plots.line(c, names[k], mu, exp[k]);
            s.setLineColor(colours[k]);
        }
        XYSeries a = Plots.line(c, "observed (asymptotic)", mu, asym);
        a.setLineColor(Color.RED);
        a.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        XYSeries o = c.addSeries("observed (toys)", mu, cls, err);
        o.setMarker(SeriesMarkers.CIRCLE);
        o.setLineColor(Color.BLACK);
        o.setMarkerColor(Color.BLACK);
        Plots.horizontal(c, "CLs = " + Output.num4(1 - r.confidenceLevel()), 1 - r.confidenceLevel(), mu[0], mu[n - 1]);
        out.figure(c, "toys_cls_" + ScanCommand.safe(poi), "CLs versus " + poi + " from toys (points with their Monte-Carlo errors, "
                + "expected median and bands from the background-only toys) and from the asymptotic formulae (dashed red)");
    }

    private static void plotDistributions(Output out, ToyPlan plan, ToySamples s, int g) throws IOException {
        double mu = plan.grid()[g];
        double[] sb = s.ensembles().get(g).sortedValid(0);
        double[] b = s.ensembles().get(plan.grid().length).sortedValid(g);
        double top = Math.max(plan.observed()[g], Math.max(sb.length > 0 ? sb[sb.length - 1] : 0, b.length > 0 ? b[b.length - 1] : 0));
        double hi = top * 1.05 + 1e-9;
        XYChart c = Output.chart("toy distributions of " + Statistics.name(plan.statistic()) + " at " + plan.parameterOfInterest() + " = "
                + Output.plain(mu), Statistics.name(plan.statistic()), "density");
        XYSeries h1 = Plots.histogram(c, "s+b toys (" + sb.length + ")", Histogram.of(sb, null, 40, 0, hi), true);
        h1.setLineColor(new Color(60, 90, 200));
        XYSeries h2 = Plots.histogram(c, "b-only toys (" + b.length + ")", Histogram.of(b, null, 40, 0, hi), true);
        h2.setLineColor(new Color(200, 60, 60));
        halfChi2(c, hi, "asymptotic s+b: chi2(1)/2 above 0");
        // asymptotic b-only density of q_mu: 1/(2 sqrt(2 pi q)) exp(-(sqrt q - sqrt qA)^2 / 2)
        double qA = plan.asymptotic()[g].length > 8 ? plan.asymptotic()[g][8] : Double.NaN;
        if (Double.isFinite(qA) && qA > 0) {
            int n = 200;
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = hi * (i + 0.5) / n;
                double d = Math.sqrt(x[i]) - Math.sqrt(qA);
                y[i] = Math.exp(-0.5 * d * d) / (2 * Math.sqrt(2 * Math.PI * x[i]));
            }
            Plots.line(c, "asymptotic b-only (q_A = " + Output.num4(qA) + ")", x, y);
        }
        Plots.vertical(c, "observed = " + Output.num4(plan.observed()[g]), plan.observed()[g], 0, 1);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setYAxisMin(1e-4);
        out.figure(c, "toys_distribution_" + ScanCommand.safe(plan.parameterOfInterest()), "The toys' statistic at "
                + plan.parameterOfInterest() + " = " + Output.plain(mu) + " (the grid point nearest the limit) under s+b and "
                + "background only, against the asymptotic forms (Cowan et al.), and the observed value");
    }
}
