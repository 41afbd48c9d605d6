package org.ratiofit.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ratiofit.likelihood.Model;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.profile.ProfileScan;
import org.ratiofit.samplers.profile.Scan1D;
import org.ratiofit.samplers.profile.Scan2D;
import org.ratiofit.validation.report.Plots;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ratiofit scan}: 1-D and 2-D profile-likelihood scans. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Profile-likelihood scan of one or two parameters, with the stat-only curve.",
        description = {
            "Profile-likelihood scan q = 2 (-ln L(x, profiled) + ln L(best fit)) of one parameter, with the",
            "stat-only curve (all other parameters frozen at the best fit) and the interval ends where q",
            "crosses the levels of --cl; or of two parameters on a grid (--poi2), with the joint regions."},
        footer = {"", "Examples:",
            "  ratiofit scan my-workspace --poi mu --range 0:3 --points 31 --report scan-report",
            "  ratiofit scan my-workspace --poi mu --range 0:3 --poi2 alpha_bkg --range2 -2:2 --plots plots",
            "  ratiofit scan my-workspace --neyman --toys 500 --range 0:3 --points 16 --report belt",
            "  ratiofit scan my-workspace --cl 0.9,0.99 --json"})
public final class ScanCommand implements Callable<Integer> {

    @Mixin
    WorkspaceOptions workspace;

    @Option(names = "--poi", paramLabel = "NAME",
            description = "Parameter to scan (default: the workspace's parameter of interest).")
    String poi;

    @Option(names = "--range", paramLabel = "FROM:TO", converter = Range.Converter.class,
            description = "Scan range (default: best fit +- 3 HESSE errors, inside the bounds).")
    Range range;

    @Option(names = "--points", paramLabel = "N", defaultValue = "31", description = "Scan points. Default: ${DEFAULT-VALUE}.")
    int points;

    @Option(names = "--poi2", paramLabel = "NAME", description = "Second parameter: scan both on a grid (2-D).")
    String poi2;

    @Option(names = "--range2", paramLabel = "FROM:TO", converter = Range.Converter.class,
            description = "Range of the second parameter (default: best fit +- 3 HESSE errors).")
    Range range2;

    @Option(names = "--points2", paramLabel = "N", defaultValue = "21",
            description = "Grid points of the second parameter; with --poi2 the first gets --points. Default: ${DEFAULT-VALUE}.")
    int points2;

    @Option(names = "--cl", paramLabel = "LEVEL", split = ",", defaultValue = "1sigma,2sigma", converter = Levels.Converter.class,
            description = "Confidence levels of the intervals (probability, percentage or N sigma). Default: ${DEFAULT-VALUE}.")
    List<ConfidenceLevel> levels;

    @Option(names = "--no-stat-only", description = "Skip the stat-only curve (1-D).")
    boolean noStatOnly;

    @Option(names = "--neyman", description = "Neyman construction with the profile-likelihood-ratio ordering "
            + "(Feldman-Cousins) on the scan grid, from --toys pseudo-experiments per point, beside the asymptotic interval.")
    boolean neyman;

    @Option(names = "--physical-boundary", description = "With --neyman: order by t~_mu (the best fit held at 0 when it "
            + "falls below 0, Feldman-Cousins' boundary) instead of t_mu.")
    boolean physicalBoundary;

    @Mixin
    ToyOptions toys;

    @Mixin
    MinimiserOptions minimiser;

    @Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        Migrad migrad = minimiser.migrad(cl, MinimiserOptions.DEFAULT_TOLERANCE);
        if (points < 2 || points > 100_000) {
            throw new CommandLine.ParameterException(cl, "--points must lie in [2, 100000], got " + points);
        }
        if (poi2 != null && (points2 < 2 || points2 > 100_000)) {
            throw new CommandLine.ParameterException(cl, "--points2 must lie in [2, 100000], got " + points2);
        }
        if (poi2 == null && range2 != null) {
            throw new CommandLine.ParameterException(cl, "--range2 needs --poi2");
        }
        org.ratiofit.objective.StatisticalModel model = workspace.loadModel(cl);
        try {
            String x = poi != null ? poi : model.parameterOfInterest().stream()
                    .mapToObj(i -> model.parameterNames().get(i)).findFirst()
                    .orElseThrow(() -> new CommandLine.ParameterException(cl,
                            "the workspace has no parameter of interest: name the parameter with --poi"));
            int ix = parameter(cl, model, x, "--poi");
            Output out = new Output(cl.getOut(), output, "ratiofit scan " + workspace.workspace, workspace.workspace);
            FitResult best = Hesse.compute(model, migrad.minimise(model), minimiser.strategy, true);
            double[] gx = grid(cl, model, best, ix, range, points, "--range");
            if (neyman) {
                WorkspaceOptions.refuseForEstimator(cl, model, true, "--neyman");
                if (poi2 != null || model.parameterOfInterest().orElse(-1) != ix) {
                    throw new CommandLine.ParameterException(cl, "--neyman scans the parameter of interest alone (no --poi2)");
                }
                return ToyCommands.neyman(cl, workspace, toys, minimiser, output, (Model) model, gx,
                        levels.stream().mapToDouble(ConfidenceLevel::probability).toArray(), physicalBoundary);
            }
            if (poi2 == null) {
                return scan1(out, model, migrad, best, x, gx);
            }
            int iy = parameter(cl, model, poi2, "--poi2");
            if (iy == ix) {
                throw new CommandLine.ParameterException(cl, "--poi2 must differ from --poi ('" + x + "')");
            }
            double[] gy = grid(cl, model, best, iy, range2, points2, "--range2");
            return scan2(out, model, migrad, best, x, gx, poi2, gy);
        } finally {
            workspace.close();
        }
    }

    private static int parameter(CommandLine cl, org.ratiofit.objective.Objective model, String name, String option) {
        int i = model.parameterNames().indexOf(name);
        if (i < 0) {
            throw new CommandLine.ParameterException(cl, option + ": unknown parameter '" + name + "'; the workspace has "
                    + model.parameterNames());
        }
        if (model.parameters().get(i).fixed()) {
            throw new CommandLine.ParameterException(cl, option + ": parameter '" + name + "' is fixed");
        }
        return i;
    }

    private static double[] grid(CommandLine cl, org.ratiofit.objective.Objective model, FitResult best, int i, Range r, int n, String option) {
        ParameterSpec p = model.parameters().get(i);
        if (r == null) {
            return defaultGrid(model, best, i, n);
        }
        if (r.from() < p.lower() || r.to() > p.upper()) {
            throw new CommandLine.ParameterException(cl, option + " " + r.from() + ":" + r.to() + " leaves the bounds of '"
                    + p.name() + "' [" + p.lower() + ", " + p.upper() + "]");
        }
        return r.grid(n);
    }

    /** The scan's grid without --range: n points over the best fit +- 3 HESSE errors, inside the parameter's bounds. */
    static double[] defaultGrid(org.ratiofit.objective.Objective model, FitResult best, int i, int n) {
        ParameterSpec p = model.parameters().get(i);
        double e = best.errors()[i] > 0 && Double.isFinite(best.errors()[i]) ? best.errors()[i] : p.step();
        double lo = Math.max(p.lower(), best.values()[i] - 3 * e);
        double hi = Math.min(p.upper(), best.values()[i] + 3 * e);
        return new Range(lo, hi).grid(n);
    }

    /** A 1-D profile scan: q profiled, and with the nuisance parameters held at the best fit (null unless asked). */
    record Scans(Scan1D profiled, Scan1D statOnly) {
    }

    /**
     * The 1-D scan step of {@code ratiofit scan} (and of the demo): q(x) over {@code grid},
     * profiled and, when {@code statOnly}, stat-only, with a progress bar on standard error when
     * {@code progress}.
     */
    static Scans scan1D(org.ratiofit.objective.Objective model, Migrad migrad, FitResult best, String x, double[] grid, boolean statOnly, boolean progress) {
        Scan1D prof;
        Scan1D stat = null;
        try (Progress p = Progress.start(progress, "scan " + x, (statOnly ? 2L : 1L) * grid.length)) {
            ProfileScan scanner = new ProfileScan(migrad, p::stepTo);
            prof = scanner.scan(model, best, x, grid, false);
            if (statOnly) {
                p.nextStage();
                stat = scanner.scan(model, best, x, grid, true);
            }
        }
        return new Scans(prof, stat);
    }

    private int scan1(Output out, org.ratiofit.objective.Objective model, Migrad migrad, FitResult best, String x, double[] gx) throws IOException {
        Scans scans = scan1D(model, migrad, best, x, gx, !noStatOnly, !output.json);
        Scan1D prof = scans.profiled();
        Scan1D stat = scans.statOnly();
        int ix = best.indexOf(x);
        out.paragraph("ratiofit scan " + workspace.workspace + ": profile of " + x + " over [" + Output.plain(gx[0]) + ", "
                + Output.plain(gx[gx.length - 1]) + "], " + gx.length + " points; best fit " + x + " = "
                + Output.plain(best.values()[ix]) + " +- " + Output.num4(best.errors()[ix]) + " (HESSE)");
        List<String> header = new ArrayList<>(List.of(x, "q"));
        if (stat != null) {
            header.add("q stat-only");
        }
        header.add("note");
        List<List<String>> rows = new ArrayList<>();
        boolean lower = false;
        for (int i = 0; i < gx.length; i++) {
            List<String> r = new ArrayList<>(List.of(Output.num(prof.points()[i]), Output.num4(prof.q()[i])));
            if (stat != null) {
                r.add(Output.num4(stat.q()[i]));
            }
            boolean finite = Double.isFinite(prof.q()[i]) && (stat == null || Double.isFinite(stat.q()[i]));
            r.add(!finite ? "-ln L is not finite here (mixture density <= 0)" : prof.valid()[i] ? "" : "fit not valid");
            rows.add(r);
            lower |= prof.q()[i] < -0.01;
        }
        out.table(header, rows);
        if (lower) {
            out.paragraph("warning: q < 0 at some points: the scan found a lower minimum than the fit (start it elsewhere with --set)");
        }
        out.heading("intervals (where q crosses the level; nan: not reached in the scan range)");
        List<String> ih = new ArrayList<>(List.of("CL", "q level", "lower", "upper", "-error", "+error"));
        if (stat != null) {
            ih.addAll(List.of("stat-only lower", "stat-only upper"));
        }
        List<List<String>> irows = new ArrayList<>();
        List<Map<String, Object>> intervals = new ArrayList<>();
        double xhat = prof.bestFit();
        for (ConfidenceLevel c : levels) {
            double[] t = prof.crossings(c);
            double[] s = stat == null ? null : stat.crossings(c);
            List<String> r = new ArrayList<>(List.of(Levels.label(c), Output.num4(c.deltaChi2(1)), Output.num(t[0]), Output.num(t[1]),
                    Output.num4(t[0] - xhat), "+" + Output.num4(t[1] - xhat)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("confidenceLevel", c.probability());
            m.put("qLevel", c.deltaChi2(1));
            m.put("lower", t[0]);
            m.put("upper", t[1]);
            if (s != null) {
                r.add(Output.num(s[0]));
                r.add(Output.num(s[1]));
                m.put("statOnlyLower", s[0]);
                m.put("statOnlyUpper", s[1]);
            }
            irows.add(r);
            intervals.add(m);
        }
        out.table(ih, irows);
        if (out.plotting()) {
            XYChart c = Output.chart("Profile likelihood of " + x, x, "q = -2 ln lambda");
            double[][] fin = finite(prof.points(), prof.q());
            XYSeries sp = c.addSeries("profiled", fin[0], fin[1]);
            sp.setMarker(SeriesMarkers.CIRCLE);
            if (stat != null) {
                double[][] sf = finite(stat.points(), stat.q());
                Plots.line(c, "stat-only", sf[0], sf[1]);
            }
            for (ConfidenceLevel l : levels) {
                Plots.horizontal(c, Levels.label(l), l.deltaChi2(1), gx[0], gx[gx.length - 1]);
            }
            out.figure(c, "scan_" + safe(x), "q(" + x + ") profiled" + (stat != null ? " and stat-only" : "")
                    + ", with the levels of " + levelsText());
        }
        Map<String, Object> json = Output.result("scan", workspace.workspace);
        json.put("fit", best);
        json.put("scan", prof);
        if (stat != null) {
            json.put("statOnly", stat);
        }
        json.put("intervals", intervals);
        out.finish(json);
        return allValid(prof.valid()) && best.status().validMinimum() ? 0 : 3;
    }

    private int scan2(Output out, org.ratiofit.objective.Objective model, Migrad migrad, FitResult best, String x, double[] gx, String y, double[] gy)
            throws IOException {
        Scan2D s;
        try (Progress p = Progress.start(!output.json, "scan " + x + " x " + y, (long) gx.length * gy.length)) {
            s = new ProfileScan(migrad, p::stepTo).scan(model, best, x, gx, y, gy, false);
        }
        int ix = best.indexOf(x);
        int iy = best.indexOf(y);
        out.paragraph("ratiofit scan " + workspace.workspace + ": profile of (" + x + ", " + y + ") on " + gx.length + " x "
                + gy.length + " points; best fit " + x + " = " + Output.plain(best.values()[ix]) + ", " + y + " = "
                + Output.plain(best.values()[iy]));
        out.heading("joint regions (extent of the grid points inside; 2 parameters: q <= chi2 quantile with 2 dof)");
        List<List<String>> rows = new ArrayList<>();
        List<Map<String, Object>> regions = new ArrayList<>();
        for (ConfidenceLevel c : levels) {
            double level = Scan2D.level(c);
            double x0 = Double.NaN, x1 = Double.NaN, y0 = Double.NaN, y1 = Double.NaN;
            int inside = 0;
            boolean edge = false;
            for (int i = 0; i < gx.length; i++) {
                for (int j = 0; j < gy.length; j++) {
                    if (s.q()[i][j] <= level) {
                        inside++;
                        x0 = Double.isNaN(x0) ? gx[i] : Math.min(x0, gx[i]);
                        x1 = Double.isNaN(x1) ? gx[i] : Math.max(x1, gx[i]);
                        y0 = Double.isNaN(y0) ? gy[j] : Math.min(y0, gy[j]);
                        y1 = Double.isNaN(y1) ? gy[j] : Math.max(y1, gy[j]);
                        edge |= i == 0 || j == 0 || i == gx.length - 1 || j == gy.length - 1;
                    }
                }
            }
            rows.add(List.of(Levels.label(c), Output.num4(level), Integer.toString(inside), Output.num(x0), Output.num(x1),
                    Output.num(y0), Output.num(y1), edge ? "reaches the grid's edge" : ""));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("confidenceLevel", c.probability());
            m.put("qLevel", level);
            m.put("pointsInside", inside);
            m.put("contour", contour(s, level));
            regions.add(m);
        }
        out.table(List.of("CL", "q level", "points", x + " min", x + " max", y + " min", y + " max", "note"), rows);
        if (out.plotting()) {
            XYChart c = Output.chart("Profile likelihood of (" + x + ", " + y + ")", x, y);
            List<double[]> classes = new ArrayList<>();
            double[] bounds = new double[levels.size() + 1];
            for (int k = 0; k < levels.size(); k++) {
                bounds[k] = Scan2D.level(levels.get(k));
            }
            java.util.Arrays.sort(bounds, 0, levels.size());
            bounds[levels.size()] = Double.POSITIVE_INFINITY;
            for (int k = 0; k <= levels.size(); k++) {
                List<Double> px = new ArrayList<>();
                List<Double> py = new ArrayList<>();
                double lo = k == 0 ? Double.NEGATIVE_INFINITY : bounds[k - 1];
                for (int i = 0; i < gx.length; i++) {
                    for (int j = 0; j < gy.length; j++) {
                        if (s.q()[i][j] > lo && s.q()[i][j] <= bounds[k]) {
                            px.add(gx[i]);
                            py.add(gy[j]);
                        }
                    }
                }
                if (!px.isEmpty()) {
                    String name = k < levels.size() ? "q <= " + Output.num4(bounds[k]) : "outside";
                    XYSeries ser = Plots.scatter(c, name, px.stream().mapToDouble(Double::doubleValue).toArray(),
                            py.stream().mapToDouble(Double::doubleValue).toArray());
                    ser.setMarkerColor(shade(k, levels.size()));
                }
            }
            for (int m = 0; m < regions.size(); m++) {
                @SuppressWarnings("unchecked")
                List<double[]> pts = (List<double[]>) regions.get(m).get("contour");
                if (!pts.isEmpty()) {
                    XYSeries ser = Plots.scatter(c, Levels.label(levels.get(m)) + " contour",
                            pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray());
                    ser.setMarker(SeriesMarkers.DIAMOND);
                    ser.setMarkerColor(java.awt.Color.BLACK);
                }
            }
            XYSeries bf = Plots.scatter(c, "best fit", new double[] {best.values()[ix]}, new double[] {best.values()[iy]});
            bf.setMarker(SeriesMarkers.CROSS);
            bf.setMarkerColor(java.awt.Color.RED);
            c.getStyler().setMarkerSize(7);
            out.figure(c, "scan_" + safe(x) + "_" + safe(y), "q(" + x + ", " + y + ") on the grid, shaded by region, with "
                    + "the contours (interpolated along the grid lines) of " + levelsText());
        }
        Map<String, Object> json = Output.result("scan", workspace.workspace);
        json.put("fit", best);
        json.put("scan2d", s);
        json.put("regions", regions);
        out.finish(json);
        boolean valid = best.status().validMinimum();
        for (boolean[] row : s.valid()) {
            valid &= allValid(row);
        }
        return valid ? 0 : 3;
    }

    /** Points where q crosses {@code level}, by linear interpolation along the rows and columns of the grid. */
    static List<double[]> contour(Scan2D s, double level) {
        List<double[]> pts = new ArrayList<>();
        double[] x = s.x();
        double[] y = s.y();
        double[][] q = s.q();
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j + 1 < y.length; j++) {
                double a = q[i][j] - level;
                double b = q[i][j + 1] - level;
                if (a * b < 0) {
                    pts.add(new double[] {x[i], y[j] + a / (a - b) * (y[j + 1] - y[j])});
                }
            }
        }
        for (int j = 0; j < y.length; j++) {
            for (int i = 0; i + 1 < x.length; i++) {
                double a = q[i][j] - level;
                double b = q[i + 1][j] - level;
                if (a * b < 0) {
                    pts.add(new double[] {x[i] + a / (a - b) * (x[i + 1] - x[i]), y[j]});
                }
            }
        }
        return pts;
    }

    private static java.awt.Color shade(int k, int n) {
        float t = n == 0 ? 0 : (float) k / n;
        return new java.awt.Color(0.15f + 0.8f * t, 0.35f + 0.55f * t, 0.85f - 0.2f * t);
    }

    private String levelsText() {
        return String.join(", ", levels.stream().map(Levels::label).toList());
    }

    /** The points whose q is finite (a scan marks the points where -ln L is not finite with NaN). */
    static double[][] finite(double[] x, double[] q) {
        int n = 0;
        for (double v : q) {
            n += Double.isFinite(v) ? 1 : 0;
        }
        double[][] out = new double[2][n];
        for (int i = 0, k = 0; i < q.length; i++) {
            if (Double.isFinite(q[i])) {
                out[0][k] = x[i];
                out[1][k++] = q[i];
            }
        }
        return out;
    }

    static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static boolean allValid(boolean[] v) {
        for (boolean b : v) {
            if (!b) {
                return false;
            }
        }
        return true;
    }
}
