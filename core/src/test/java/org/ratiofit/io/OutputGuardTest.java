package org.ratiofit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The one rule for output folders: never an input, never a folder ratiofit did not write. */
class OutputGuardTest {

    @TempDir
    Path dir;

    List<String> tree() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @EnumSource(OutputGuard.Kind.class)
    void inputsAreNeverTargets(OutputGuard.Kind kind) throws IOException {
        Path analysis = Files.createDirectories(dir.resolve("analysis"));
        Path data = Files.createDirectories(analysis.resolve("data"));
        Path events = Files.writeString(data.resolve("events.csv"), "x\n1\n");
        Path config = Files.writeString(analysis.resolve("fit.yml"), "Version: 1\n");
        Path models = Files.createDirectories(analysis.resolve("models/S"));
        List<Path> inputs = List.of(config, events, models);
        List<String> before = tree();
        for (Path target : List.of(analysis, data, events, config, dir, models, models.resolve("sub/ws"), analysis.resolve("models"))) {
            IOException e = assertThrows(OutputGuard.RefusedException.class,
                    () -> OutputGuard.check("-o", target, kind, true, inputs), target::toString);
            assertTrue(e.getMessage().contains("input"), e.getMessage());
            assertTrue(e.getMessage().startsWith("-o " + target.toAbsolutePath().normalize()), e.getMessage());
        }
        // a relative spelling and a symbolic link are resolved first
        Path link = Files.createSymbolicLink(dir.resolve("link"), analysis);
        assertThrows(OutputGuard.RefusedException.class, () -> OutputGuard.check("-o", link, kind, true, inputs));
        Files.delete(link);
        assertEquals(before, tree(), "nothing created or deleted");
    }

    @Test
    void overwriteReplacesOnlyWhatRatiofitWrote() throws IOException {
        Path ws = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(ws.resolve("thesis.tex"), "keep");
        IOException e = assertThrows(OutputGuard.RefusedException.class,
                () -> OutputGuard.check("-o", ws, OutputGuard.Kind.WORKSPACE, true, List.of()));
        assertTrue(e.getMessage().contains("is not a ratiofit workspace (it has no workspace.json + build.json or combine.json)"), e.getMessage());
        // without --overwrite an existing folder is refused whatever it holds
        e = assertThrows(OutputGuard.RefusedException.class, () -> OutputGuard.check("-o", ws, OutputGuard.Kind.WORKSPACE, false, List.of()));
        assertTrue(e.getMessage().contains("exists; remove it or add --overwrite"), e.getMessage());
        // workspace.json alone (hand-written) is not enough; with build.json it is a built workspace
        Files.writeString(ws.resolve("workspace.json"), "{}");
        assertThrows(OutputGuard.RefusedException.class, () -> OutputGuard.check("-o", ws, OutputGuard.Kind.WORKSPACE, true, List.of()));
        Files.writeString(ws.resolve("build.json"), "{}");
        assertEquals(ws.toRealPath(), OutputGuard.check("-o", ws, OutputGuard.Kind.WORKSPACE, true, List.of()));

        Path ens = Files.createDirectories(dir.resolve("ens"));
        Files.writeString(ens.resolve("ensemble.json"), "{}");
        Files.writeString(ens.resolve("member-0.onnx"), "my own export");
        e = assertThrows(OutputGuard.RefusedException.class, () -> OutputGuard.check("", ens, OutputGuard.Kind.ENSEMBLE, true, List.of()));
        assertTrue(e.getMessage().contains("training.json"), e.getMessage());
        Files.writeString(ens.resolve("member-0.training.json"), "{}");
        OutputGuard.check("", ens, OutputGuard.Kind.ENSEMBLE, true, List.of());
    }

    @Test
    void writeIntoFoldersAreAbsentEmptyOrMarked() throws IOException {
        Path rep = dir.resolve("rep");
        OutputGuard.check("--report", rep, OutputGuard.Kind.REPORT, false, List.of());
        assertFalse(Files.exists(rep), "check creates nothing");
        Path made = OutputGuard.prepare("--report", rep, OutputGuard.Kind.REPORT, List.of());
        assertTrue(Files.isRegularFile(made.resolve(OutputGuard.OUTPUT_MARKER)));
        Files.writeString(rep.resolve("index.html"), "<html>");
        OutputGuard.prepare("--report", rep, OutputGuard.Kind.REPORT, List.of()); // a rerun writes into it again

        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("index.html"), "my page");
        IOException e = assertThrows(OutputGuard.RefusedException.class,
                () -> OutputGuard.prepare("--plots", home, OutputGuard.Kind.PLOTS, List.of()));
        assertTrue(e.getMessage().startsWith("--plots " + home.toRealPath() + " exists and is not a ratiofit plots folder"), e.getMessage());
        assertEquals(List.of("index.html"), Files.list(home).map(p -> p.getFileName().toString()).toList());

        Path file = Files.writeString(dir.resolve("file"), "x");
        e = assertThrows(OutputGuard.RefusedException.class, () -> OutputGuard.check("--out", file, OutputGuard.Kind.DRAWS, false, List.of()));
        assertTrue(e.getMessage().contains("is a file, not a folder"), e.getMessage());
    }
}
