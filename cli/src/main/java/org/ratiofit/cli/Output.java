package org.ratiofit.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.ratiofit.io.OutputGuard;
import org.ratiofit.validation.report.Plots;
import org.ratiofit.validation.report.RunReport;

/**
 * One run's output: tables on standard output (or nothing there but one JSON object with
 * {@code --json}), figures into the plot directory and the report page, and the report itself.
 */
final class Output {

    /** Version of the JSON layout the commands write; bumped when a field changes meaning. */
    static final int FORMAT_VERSION = 1;

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final PrintWriter out;
    private final OutputOptions options;
    private final RunReport report;
    private final List<String> files = new ArrayList<>();

    private final List<Path> inputs;
    private boolean prepared;

    /**
     * Checks the report and plot folders at once, before any long work: each must be absent, empty
     * or a folder ratiofit wrote, writable, and must neither hold nor lie inside the {@code inputs}
     * the command reads ({@link OutputGuard}).
     */
    Output(PrintWriter out, OutputOptions options, String title, Path... inputs) throws IOException {
        this.out = out;
        this.options = options;
        this.inputs = java.util.Arrays.stream(inputs).filter(java.util.Objects::nonNull).toList();
        if (options.report != null) {
            OutputGuard.check("--report", options.report, OutputGuard.Kind.REPORT, false, this.inputs);
        }
        if (options.plots != null) {
            OutputGuard.check("--plots", options.plots, OutputGuard.Kind.PLOTS, false, this.inputs);
        }
        this.report = options.report == null ? null : new RunReport(options.report, title);
    }

    /** Creates and marks the output folders at the first file written into them. */
    private void prepare() throws IOException {
        if (prepared) {
            return;
        }
        if (options.report != null) {
            OutputGuard.prepare("--report", options.report, OutputGuard.Kind.REPORT, inputs);
        }
        if (options.plots != null) {
            OutputGuard.prepare("--plots", options.plots, OutputGuard.Kind.PLOTS, inputs);
        }
        prepared = true;
    }

    boolean json() {
        return options.json;
    }

    /** Whether figures are wanted at all (a report or a plot directory). */
    boolean plotting() {
        return options.report != null || options.plots != null;
    }

    /** A line of text for the terminal (not in JSON mode) and a paragraph of the report. */
    void paragraph(String text) {
        if (!options.json) {
            out.println(text);
        }
        if (report != null) {
            report.paragraph(text);
        }
    }

    void heading(String text) {
        if (!options.json) {
            out.println();
            out.println(text);
        }
        if (report != null) {
            report.heading(text);
        }
    }

    /** Preformatted text, such as a correlation matrix. */
    void preformatted(String text) {
        if (!options.json) {
            out.print(text.endsWith("\n") ? text : text + "\n");
        }
        if (report != null) {
            report.preformatted(text);
        }
    }

    void table(List<String> header, List<List<String>> rows) {
        if (!options.json) {
            out.print(Tables.format(header, rows));
        }
        if (report != null) {
            report.table(header, rows);
        }
    }

    /** Saves the chart (PNG and SVG) into the plot directory and shows it on the report page. */
    void figure(XYChart chart, String name, String caption) throws IOException {
        prepare();
        if (options.plots != null) {
            for (Path p : Plots.save(chart, options.plots, name)) {
                files.add(p.toString());
            }
        }
        if (report != null) {
            report.figure(chart, name, caption);
            files.add(report.directory().resolve(name + ".png").toString());
            files.add(report.directory().resolve(name + ".svg").toString());
        }
    }

    /**
     * Writes the report page, then either the JSON object (with the written files added) or the
     * list of written files.
     */
    void finish(Map<String, Object> result) throws IOException {
        if (report != null) {
            prepare();
        }
        Path index = report == null ? null : report.write();
        if (options.json) {
            Map<String, Object> all = new LinkedHashMap<>(result);
            if (index != null) {
                all.put("report", index.toString());
            }
            if (!files.isEmpty()) {
                all.put("files", files);
            }
            try {
                out.println(JSON.writeValueAsString(all));
            } catch (JsonProcessingException e) {
                throw new IOException("cannot write the results as JSON: " + e.getOriginalMessage(), e);
            }
        } else {
            if (options.plots != null) {
                out.println();
                out.println("plots written to " + options.plots);
            }
            if (index != null) {
                if (options.plots == null) {
                    out.println();
                }
                out.println("report written to " + index);
            }
        }
        out.flush();
    }

    /** A new result object with the fields every command's JSON starts with. */
    static Map<String, Object> result(String command, Path workspace) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("formatVersion", FORMAT_VERSION);
        m.put("command", command);
        m.put("workspace", workspace.toString());
        return m;
    }

    /** A chart in the project's style with short tick labels. */
    static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart c = Plots.chart(title, xTitle, yTitle);
        c.getStyler().setXAxisDecimalPattern("0.###");
        c.getStyler().setYAxisDecimalPattern("0.###");
        return c;
    }

    /** A number for prose: up to six significant digits, no trailing zeros. */
    static String plain(double v) {
        if (!Double.isFinite(v)) {
            return num(v);
        }
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", v)).stripTrailingZeros().toPlainString();
    }

    /** Six significant digits; nan and inf spelled out. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-4 || a >= 1e7)) {
            return String.format(Locale.ROOT, "%.5e", v);
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /** Four significant digits, for errors and correlations. */
    static String num4(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-4 || a >= 1e7)) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
