package org.ratiofit.examples.nre;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.knowm.xchart.XYChart;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.nuts.diagnostics.ParameterSummary;
import org.ratiofit.validation.report.Histogram;
import org.ratiofit.validation.report.Plots;

/** A NUTS posterior compared with an exact one, parameter by parameter: table rows, plots, JSON. */
public final class PosteriorCheck {

    private PosteriorCheck() {}

    /** An exact marginal posterior. */
    public record Exact(String parameter, DoubleUnaryOperator cdf, DoubleUnaryOperator density, double mean, double sd) {}

    /**
     * One parameter of one run.
     *
     * @param run       which ratio model the posterior came from
     * @param parameter parameter name
     * @param mean      NUTS posterior mean
     * @param mcse      its Monte Carlo standard error
     * @param exactMean exact posterior mean
     * @param sd        NUTS posterior standard deviation
     * @param exactSd   exact posterior standard deviation
     * @param ks        Kolmogorov-Smirnov distance between the pooled draws and the exact CDF
     * @param essBulk   bulk effective sample size
     * @param rhat      R-hat
     * @param draws     number of pooled draws
     */
    public record Row(String run, String parameter, double mean, double mcse, double exactMean, double sd, double exactSd,
                      double ks, double essBulk, double rhat, int draws) {

        /** (mean − exact mean) / MCSE. */
        public double pull() {
            return (mean - exactMean) / mcse;
        }

        /** (mean − exact mean) / exact sd. */
        public double shiftInSd() {
            return (mean - exactMean) / exactSd;
        }

        public double sdRatio() {
            return sd / exactSd;
        }

        /**
         * The KS distance expected from Monte Carlo noise alone: the 99% critical value 1.63/√n
         * with n the bulk ESS (correlated draws count as fewer independent ones).
         */
        public double ksCritical99() {
            return 1.63 / Math.sqrt(essBulk);
        }
    }

    /** Rows of one NUTS result against the exact marginals. */
    public static List<Row> compare(String run, NutsResult result, List<Exact> exact) {
        List<Row> rows = new ArrayList<>();
        for (Exact e : exact) {
            double[][] draws = result.draws(e.parameter());
            ParameterSummary s = ParameterSummary.of(e.parameter(), draws);
            double[] pooled = result.pooled(e.parameter());
            rows.add(new Row(run, e.parameter(), s.mean(), s.mcseMean(), e.mean(), s.sd(), e.sd(), ks(pooled, e.cdf()), s.essBulk(),
                    s.rhat(), pooled.length));
        }
        return rows;
    }

    /** sup |F_draws − F| over the pooled draws. */
    public static double ks(double[] draws, DoubleUnaryOperator cdf) {
        double[] x = draws.clone();
        java.util.Arrays.sort(x);
        int n = x.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = cdf.applyAsDouble(x[i]);
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        return d;
    }

    /** The comparison table as text. */
    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-12s %-9s %19s %10s %8s %8s %9s %8s %8s %7s %7s%n", "ratio model", "parameter",
                "NUTS mean ± MCSE", "exact mean", "pull", "NUTS sd", "exact sd", "sd ratio", "KS D", "ESS", "R-hat"));
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%-12s %-9s %10.4f ± %6.4f %10.4f %8.2f %8.4f %9.4f %8.3f %8.4f %7.0f %7.3f%n", r.run(),
                    r.parameter(), r.mean(), r.mcse(), r.exactMean(), r.pull(), r.sd(), r.exactSd(), r.sdRatio(), r.ks(), r.essBulk(),
                    r.rhat()));
        }
        b.append("pull = (NUTS mean − exact mean)/MCSE; KS D = largest distance between the draws' CDF and the exact CDF\n");
        return b.toString();
    }

    /**
     * One plot per parameter: the exact marginal density as a line, each run's draws as a
     * normalised histogram; saved as PNG and SVG ({@code prefix-PARAMETER}). Returns the files.
     */
    public static List<Path> plot(Map<String, NutsResult> runs, List<Exact> exact, Path dir, String prefix, String title) {
        List<Path> files = new ArrayList<>();
        for (Exact e : exact) {
            double lo = e.mean() - 4.5 * e.sd();
            double hi = e.mean() + 5 * e.sd();
            if (e.parameter().startsWith("sigma")) lo = Math.max(lo, 0);
            XYChart chart = Plots.chart(title + ": posterior of " + e.parameter(), e.parameter(), "density");
            int points = 400;
            double[] x = new double[points];
            double[] y = new double[points];
            for (int i = 0; i < points; i++) {
                x[i] = lo + (hi - lo) * i / (points - 1.0);
                y[i] = e.density().applyAsDouble(x[i]);
            }
            Plots.line(chart, "exact", x, y);
            for (Map.Entry<String, NutsResult> run : runs.entrySet()) {
                Histogram h = Histogram.of(run.getValue().pooled(e.parameter()), null, 50, lo, hi);
                Plots.histogram(chart, "NUTS, " + run.getKey(), h, true);
            }
            try {
                files.addAll(Plots.save(chart, dir, prefix + "-" + e.parameter()));
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot write the plot of " + e.parameter() + " into " + dir, ex);
            }
        }
        return files;
    }

    /** Writes {@code value} as indented JSON. */
    public static void writeJson(Object value, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), value);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }
}
