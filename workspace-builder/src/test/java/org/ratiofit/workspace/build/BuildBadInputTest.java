package org.ratiofit.workspace.build;

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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.workspace.config.ConfigException;

/** Each bad input gives its error and leaves no workspace (nor a temporary folder) behind. */
class BuildBadInputTest {

    @TempDir
    Path dir;

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of("unknown key", "    Weight: w\n    Ensemble: models/S_vs_B", "    Wieght: w\n    Ensemble: models/S_vs_B",
                        "Samples[1].Wieght: unknown key (did you mean 'Weight'?)"),
                Arguments.of("missing file", "SamplePath: signal.npz", "SamplePath: signal_missing.npz", "no such file"),
                Arguments.of("unknown sample", "Samples: S\n", "Samples: Sig\n", "unknown sample 'Sig'"),
                Arguments.of("unknown parameter", "Parameters: {mu: 0.0}", "Parameters: {muu: 0.0}", "muu"),
                Arguments.of("feature missing from a file", "TrainingFeatures: [x]", "TrainingFeatures: [x, y]", "no column 'y'"),
                Arguments.of("model with other features", "Ensemble: models/S_shift_up}", "Ensemble: models/other_features}",
                        "differ from TrainingFeatures"),
                Arguments.of("model folder without ensemble.json", "Ensemble: models/S_shift_up}", "Ensemble: models/empty}",
                        "no ensemble.json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigurations")
    void badConfigurationIsRefusedBeforeAnyWork(String what, String from, String to, String message) throws IOException {
        Toy.writeInputs(dir, 3, 200, 500, 800);
        ToyModels.ratioEnsemble(dir.resolve("models/other_features"), "y", 0, 0.1, 0, 2);
        Files.createDirectories(dir.resolve("models/empty"));
        assertTrue(Toy.YAML.contains(from), what + ": the toy configuration has '" + from + "'");
        Path cfg = dir.resolve("fit.yml");
        Files.writeString(cfg, Toy.YAML.replace(from, to));
        ConfigException e = assertThrows(ConfigException.class, () -> WorkspaceBuilder.build(cfg, dir.resolve("ws"), BuildOptions.defaults()));
        assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
        assertNothingLeft();
    }

    void assertNothingLeft() throws IOException {
        assertFalse(Files.exists(dir.resolve("ws")), "no workspace folder");
        try (Stream<Path> s = Files.list(dir)) {
            List<String> partial = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".ws")).toList();
            assertEquals(List.of(), partial, "no temporary folder left");
        }
    }

    @Test
    void failureInTheMiddleOfInferenceLeavesNothing() throws IOException {
        Toy.writeInputs(dir, 3, 200, 500, 800);
        // a NaN feature in event 150 of the data: the chunk holding it fails inside the ensemble
        double[] x = EventFiles.read(dir.resolve("data.csv"), null, null).column("x");
        x[150] = Double.NaN;
        EventFiles.write(dir.resolve("data.csv"), Toy.events("data", x, null), null);
        Path cfg = dir.resolve("fit.yml");
        Files.writeString(cfg, Toy.YAML.replace("    Filter: \"x > 0.5\"\n", ""));
        IOException e = assertThrows(IOException.class,
                () -> WorkspaceBuilder.build(cfg, dir.resolve("ws"), BuildOptions.defaults().withThreads(2).withChunkSize(16)));
        assertTrue(e.getMessage().contains("data sample 'data'") && e.getMessage().contains("events 144 to 159"), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void existingOutputIsRefusedUnlessOverwriting() throws IOException {
        Toy.writeInputs(dir, 3, 200, 500, 800);
        Path cfg = dir.resolve("fit.yml");
        Files.writeString(cfg, Toy.YAML);
        Files.createDirectories(dir.resolve("ws"));
        Files.writeString(dir.resolve("ws/old.txt"), "old");
        IOException e = assertThrows(IOException.class, () -> WorkspaceBuilder.build(cfg, dir.resolve("ws"), BuildOptions.defaults()));
        assertTrue(e.getMessage().contains("exists"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("ws/old.txt")));
        // --overwrite replaces only a workspace ratiofit built: this folder is not one
        e = assertThrows(IOException.class,
                () -> WorkspaceBuilder.build(cfg, dir.resolve("ws"), BuildOptions.defaults().withOverwrite(true)));
        assertTrue(e.getMessage().contains("is not a ratiofit workspace"), e.getMessage());
        assertEquals("old", Files.readString(dir.resolve("ws/old.txt")));
        Files.delete(dir.resolve("ws/old.txt"));
        Files.delete(dir.resolve("ws"));
        WorkspaceBuilder.build(cfg, dir.resolve("ws"), BuildOptions.defaults());
        Files.writeString(dir.resolve("ws/note.txt"), "written into the built workspace");
        WorkspaceBuilder.build(cfg, dir.resolve("ws"), BuildOptions.defaults().withOverwrite(true));
        assertFalse(Files.exists(dir.resolve("ws/note.txt")));
        assertTrue(Files.exists(dir.resolve("ws/workspace.json")));
        // the input folder itself: refused, every input untouched
        e = assertThrows(IOException.class, () -> WorkspaceBuilder.build(cfg, dir, BuildOptions.defaults().withOverwrite(true)));
        assertTrue(e.getMessage().contains("input"), e.getMessage());
        assertTrue(Files.exists(cfg));
    }
}
