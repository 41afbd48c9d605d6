package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writing onto a full disk and a read-only file system: small tmpfs mounts (needs root and a
 * working {@code mount}; skipped with the reason otherwise). A full disk leaves no truncated file
 * and names the path and "no space left on device"; a read-only folder is refused before any work.
 */
class FullDiskTest {

    @TempDir
    static Path tmp;

    static ToyWorkspace ws;
    static Path full;
    static Path readOnly;
    static String skip;

    @BeforeAll
    static void mount() throws Exception {
        ws = ToyWorkspace.write(tmp.resolve("ws"), new double[] {1, 0, 0}, 3);
        full = Files.createDirectories(tmp.resolve("full"));
        readOnly = Files.createDirectories(tmp.resolve("ro"));
        skip = run("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", full.toString());
        if (skip == null) {
            skip = run("mount", "-t", "tmpfs", "-o", "ro,size=16k", "tmpfs", readOnly.toString());
        }
    }

    @AfterAll
    static void unmount() throws Exception {
        run("umount", full.toString());
        run("umount", readOnly.toString());
    }

    /** Runs a system command; null when it succeeded, else why not. */
    static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", cmd) + " did not finish";
            }
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.exitValue() == 0 ? null : String.join(" ", cmd) + " failed: " + out;
        } catch (IOException e) {
            return String.join(" ", cmd) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    static void assumeMounted() {
        Assumptions.assumeTrue(skip == null, () -> "no small file system to fill (needs root and tmpfs mounts): " + skip);
    }

    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    static void oneErrorLine(ToyWorkspace.Run r, String... fragments) {
        assertEquals(1, r.code(), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r::toString);
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "missing '" + f + "': " + r);
        }
    }

    @Test
    void reportOnAFullDiskLeavesNoTruncatedFile() throws IOException {
        assumeMounted();
        Path rep = full.resolve("rep");
        ToyWorkspace.Run r = ToyWorkspace.run("scan", ws.dir.toString(), "--points", "5", "--no-stat-only", "--report", rep.toString());
        oneErrorLine(r, "cannot write " + rep, "no space left on device");
        // only the folder's marker made it; no half-written PNG or SVG, no temporary file
        assertEquals(List.of("rep/ratiofit-output.json"), files(full), r::toString);
    }

    @Test
    void drawsOnAFullDiskStillPrintTheSummaryAndLeaveNoTruncatedCsv() throws IOException {
        assumeMounted();
        Path out = full.resolve("draws");
        ToyWorkspace.Run r = ToyWorkspace.run("sample", ws.dir.toString(), "--out", out.toString(), "--chains", "2", "--warmup", "100",
                "--draws", "300");
        oneErrorLine(r, "cannot write " + out, "no space left on device");
        assertTrue(r.out().contains("R-hat"), "the summary is printed: " + r);
        for (String f : files(full)) {
            assertFalse(f.endsWith(".csv") || f.contains(".tmp-"), "left behind: " + f);
        }
        org.ratiofit.workspace.io.AtomicDirectory.deleteTree(out);
    }

    @Test
    void aReadOnlyFolderIsRefusedBeforeAnyWork() throws IOException {
        assumeMounted();
        for (String[] a : List.of(
                new String[] {"sample", ws.dir.toString(), "--out", readOnly.resolve("draws").toString()},
                new String[] {"scan", ws.dir.toString(), "--plots", readOnly.resolve("plots").toString()},
                new String[] {"fit", ws.dir.toString(), "--report", readOnly.toString()})) {
            ToyWorkspace.Run r = ToyWorkspace.run(a);
            oneErrorLine(r, "cannot write " + readOnly, "read-only file system");
            assertEquals("", r.out(), "refused before any work: " + r);
        }
        assertEquals(List.of(), files(readOnly));
    }
}
