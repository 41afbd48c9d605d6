package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of a report page as a reader sees it: no raw Java {@code toString} output (a record's
 * {@code Name[field=...]}, an object's {@code pkg.Class@1f2e3d}, an array's {@code [D@1f2e3d}) in
 * the page (static HTML: what the browser shows is this text), and, where Debian's Chromium is
 * installed ({@code apt-get install chromium}), the page rendered by headless Chromium into a
 * screenshot beside it, {@code index.png} (one browser start per page). Without Chromium only the HTML is checked;
 * {@link #chromium()} says so for the caller's assumption.
 */
final class ReportPages {

    /** A record's toString, an Object's default toString, a primitive array's toString. */
    static final Pattern RAW_TO_STRING = Pattern.compile(
            "\\b[A-Z][A-Za-z0-9]*\\[[a-z][A-Za-z0-9]*=|\\b[a-z][a-z0-9_]*(\\.[A-Za-z0-9_$]+)+@[0-9a-f]{4,}\\b|\\[[BCDFIJSZ]@[0-9a-f]{4,}");

    private ReportPages() {
    }

    /** The Chromium executable, or null when none is installed. */
    static Path chromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    static final String NO_CHROMIUM = "headless Chromium is not installed (apt-get install chromium): the report pages were "
            + "checked as HTML only, not rendered";

    /** Fails on raw toString output in the page; renders it in Chromium when installed. Returns whether it was rendered. */
    static boolean check(Path page) throws IOException, InterruptedException {
        String html = Files.readString(page);
        assertNoRawToString(page + " (HTML)", html);
        Path chromium = chromium();
        if (chromium == null) {
            return false;
        }
        Path shot = page.resolveSibling(page.getFileName().toString().replaceFirst("\\.html$", "") + ".png");
        runChromium(chromium, page, "--screenshot=" + shot.toAbsolutePath(), "--window-size=1280,3000");
        assertTrue(Files.isRegularFile(shot), page + ": no screenshot " + shot);
        byte[] png = Files.readAllBytes(shot);
        assertTrue(png.length > 5000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', shot + ": not a PNG screenshot (" + png.length + " bytes)");
        return true;
    }

    /** Removes the browser profile this class created. */
    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    static void assertNoRawToString(String where, String text) {
        Matcher m = RAW_TO_STRING.matcher(text);
        List<String> hits = new ArrayList<>();
        while (m.find() && hits.size() < 5) {
            int a = Math.max(0, m.start() - 40);
            int b = Math.min(text.length(), m.end() + 40);
            hits.add(text.substring(a, b).replaceAll("\\s+", " "));
        }
        assertEquals(List.of(), hits, where + " shows raw Java toString output");
    }

    private static String runChromium(Path chromium, Path page, String... what) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("ratiofit-chromium");
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--hide-scrollbars"));
        cmd.addAll(List.of(what));
        cmd.add(page.toAbsolutePath().toUri().toString());
        byte[] out;
        boolean done;
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            out = p.getInputStream().readAllBytes();
            done = p.waitFor(60, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
        } finally {
            deleteTree(profile);
        }
        assertFalse(!done, "Chromium did not finish within 60 s on " + page);
        assertEquals(0, p.exitValue(), "Chromium failed on " + page);
        return new String(out, StandardCharsets.UTF_8);
    }
}
