package org.ratiofit.validation.report;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.ratiofit.io.AtomicFiles;

/**
 * One HTML page per run ({@code --report DIR}) that collects the run's tables and plots: the page
 * is {@code DIR/index.html}, plots sit beside it as PNG (shown) and SVG (linked).
 */
public final class RunReport {

    private final Path dir;
    private final String title;
    private final List<String> sections = new ArrayList<>();

    public RunReport(Path dir, String title) {
        this.dir = dir;
        this.title = title;
    }

    public Path directory() {
        return dir;
    }

    public RunReport heading(String text) {
        sections.add("<h2>" + escape(text) + "</h2>");
        return this;
    }

    public RunReport paragraph(String text) {
        sections.add("<p>" + escape(text) + "</p>");
        return this;
    }

    /** Preformatted text, such as a fit result's table. */
    public RunReport preformatted(String text) {
        sections.add("<pre>" + escape(text) + "</pre>");
        return this;
    }

    /** A table with a header row; cells are shown as given. */
    public RunReport table(List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder("<table>\n<tr>");
        for (String h : header) {
            sb.append("<th>").append(escape(h)).append("</th>");
        }
        sb.append("</tr>\n");
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("report table row has " + row.size() + " cells, header has " + header.size());
            }
            sb.append("<tr>");
            for (String c : row) {
                sb.append("<td>").append(escape(c)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sections.add(sb.append("</table>").toString());
        return this;
    }

    /** Saves the chart as PNG and SVG beside the page and shows it. */
    public RunReport figure(XYChart chart, String name, String caption) throws IOException {
        Plots.save(chart, dir, name);
        sections.add("<figure><img src=\"" + name + ".png\" alt=\"" + escape(caption) + "\">"
                + "<figcaption>" + escape(caption) + " (<a href=\"" + name + ".svg\">SVG</a>)</figcaption></figure>");
        return this;
    }

    /** Shows a PNG already written beside the page (e.g. a category chart saved by its maker). */
    public RunReport image(String fileName, String caption) {
        if (!fileName.matches("[A-Za-z0-9._-]+\\.png")) {
            throw new IllegalArgumentException("report image '" + fileName + "' must be a PNG file name beside the page");
        }
        sections.add("<figure><img src=\"" + fileName + "\" alt=\"" + escape(caption) + "\"><figcaption>" + escape(caption)
                + "</figcaption></figure>");
        return this;
    }

    /** Writes {@code index.html} and returns its path. */
    public Path write() throws IOException {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(title)).append("</title>\n<style>")
                .append("body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .6em;text-align:right}")
                .append("th{background:#eee}pre{background:#f6f6f6;padding:.6em;overflow-x:auto}img{max-width:100%}")
                .append("figure{margin:1em 0}figcaption{font-size:.9em;color:#555}")
                .append("</style></head><body>\n<h1>").append(escape(title)).append("</h1>\n<p>Written ")
                .append(escape(Instant.now().toString())).append(" by ratiofit.</p>\n");
        for (String s : sections) {
            html.append(s).append('\n');
        }
        html.append("</body></html>\n");
        Path index = dir.resolve("index.html");
        AtomicFiles.writeString(index, html.toString());
        return index;
    }

    /** A number with a sensible number of significant digits for tables. */
    public static String format(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e6)) {
            return String.format(Locale.ROOT, "%.4e", v);
        }
        return String.format(Locale.ROOT, "%.5g", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
