package org.ratiofit.validation.report;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class RunReportTest {

    @TempDir
    Path dir;

    @Test
    void histogramKeepsEveryWeightAndHasUnitAreaDensity() {
        double[] v = {-1, 0.1, 0.2, 0.5, 0.99, 1.0, 7};
        double[] w = {2, 1, 1, 1, 1, 3, 4};
        Histogram h = Histogram.of(v, w, 4, 0, 1);
        assertEquals(2, h.underflow());
        assertEquals(7, h.overflow()); // 1.0 is at the upper edge: overflow, as the record says
        assertArrayEquals(new double[] {2, 0, 1, 1}, h.counts());
        assertEquals(13, h.total(), 0);
        double area = 0;
        double[] d = h.density();
        for (int i = 0; i < d.length; i++) {
            area += d[i] * (h.edges()[i + 1] - h.edges()[i]);
        }
        assertEquals(1.0, area, 1e-12);
    }

    @Test
    void writesPageWithPngAndSvgAndEscapesText() throws Exception {
        XYChart c = Plots.chart("q(mu)", "mu", "q");
        double[] x = {0, 0.5, 1, 1.5, 2};
        double[] y = {4, 1, 0, 1, 4};
        Plots.line(c, "profile", x, y);
        Plots.horizontal(c, "68.3%", 1.0, 0, 2);
        RunReport r = new RunReport(dir, "scan <test>");
        r.heading("Scan").table(List.of("a", "b"), List.of(List.of("1", "<2>"))).figure(c, "scan", "q(mu) & lines");
        Path index = r.write();
        String html = Files.readString(index);
        assertTrue(html.contains("scan &lt;test&gt;"), html);
        assertTrue(html.contains("&lt;2&gt;"), html);
        assertTrue(html.contains("src=\"scan.png\""), html);
        BufferedImage img = ImageIO.read(dir.resolve("scan.png").toFile());
        assertEquals(720, img.getWidth());
        assertTrue(Files.readString(dir.resolve("scan.svg")).contains("<svg"));
    }

    @Test
    void rejectsBadRowsAndNames() {
        RunReport r = new RunReport(dir, "t");
        assertThrows(IllegalArgumentException.class, () -> r.table(List.of("a", "b"), List.of(List.of("1"))));
        assertThrows(IllegalArgumentException.class, () -> Plots.save(Plots.chart("t", "x", "y"), dir, "bad name/x"));
    }

    @Test
    void formatsNumbersForTables() {
        assertEquals("1.2346", RunReport.format(1.23456789));
        assertEquals("1.0000e-05", RunReport.format(1e-5));
        assertEquals("inf", RunReport.format(Double.POSITIVE_INFINITY));
    }
}
