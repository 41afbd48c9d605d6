package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Never lose a user's files: {@code --overwrite} and every output folder ({@code -o},
 * {@code --report}, {@code --plots}, {@code --out}) aimed at an input or at a folder ratiofit did not
 * write is refused in one line, and every byte under the user's folders stays as it was.
 */
class DataSafetyTest {

    @TempDir
    static Path tmp;

    static Path analysis;
    static Path config;
    static ToyWorkspace ws;

    @BeforeAll
    static void inputs() throws IOException {
        analysis = tmp.resolve("analysis");
        config = Analysis.write(analysis);
        ws = ToyWorkspace.write(tmp.resolve("ws"), new double[] {1, 0, 0}, 3);
    }

    /** Runs the command, asserts one clear line with the fragments, and that nothing under tmp changed. */
    static ToyWorkspace.Run refused(int code, String[] args, String... fragments) throws IOException {
        Map<String, String> before = Analysis.fingerprint(tmp);
        ToyWorkspace.Run r = ToyWorkspace.run(args);
        BadInputTest.oneLine(r, code, fragments);
        assertEquals(before, Analysis.fingerprint(tmp), "a refused command wrote or deleted something: " + r);
        return r;
    }

    static String[] args(String... a) {
        return a;
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "models", "models/S_vs_B", "models/S_vs_B/m0", "data.csv", "fit.yml"})
    void buildOverwriteAimedAtAnInputLeavesEveryInputByteIdentical(String target) throws IOException {
        Path t = analysis.resolve(target);
        refused(1, args("build", config.toString(), "-o", t.toString(), "--overwrite"), "ratiofit build: error: -o "
                + t.toAbsolutePath().normalize(), "input this command reads");
    }

    @Test
    void buildOverwriteRefusesAFolderRatiofitDidNotWriteAndReplacesOneItBuilt() throws IOException {
        Path mine = Files.createDirectories(tmp.resolve("thesis"));
        Files.writeString(mine.resolve("thesis.tex"), "keep me");
        refused(1, args("build", config.toString(), "-o", mine.toString(), "--overwrite"), mine.toString(),
                "is not a ratiofit workspace", "workspace.json + build.json");
        // the parent of the analysis holds it: refused as well
        refused(1, args("build", config.toString(), "-o", tmp.toString(), "--overwrite"), "contains");

        Path out = tmp.resolve("built");
        assertEquals(0, ToyWorkspace.run("build", config.toString(), "-o", out.toString()).code());
        Files.writeString(out.resolve("stale.txt"), "from before");
        ToyWorkspace.Run again = ToyWorkspace.run("build", config.toString(), "-o", out.toString(), "--overwrite");
        assertEquals(0, again.code(), again::toString);
        assertFalse(Files.exists(out.resolve("stale.txt")), "a built workspace is replaced whole");
        assertTrue(Files.isRegularFile(out.resolve("build.json")));
    }

    @Test
    void trainOverwriteAimedAtTheAnalysisFolderIsRefusedBeforeTraining() throws IOException {
        Path cfg = analysis.resolve("train.yml");
        Map<String, String> before0 = Analysis.fingerprint(tmp);
        Files.writeString(cfg, BuildCommandTest.YAML.replace("Ensemble: models/S_vs_B", "Ensemble: ."));
        try {
            refused(1, args("train", cfg.toString(), "--overwrite", "--epochs", "1", "--members", "1"), "Samples[1].Ensemble",
                    "input this command reads");
            Files.writeString(cfg, BuildCommandTest.YAML.replace("Ensemble: models/S_vs_B", "Ensemble: models"));
            refused(1, args("train", cfg.toString(), "--overwrite", "--epochs", "1", "--members", "1"), "Samples[1].Ensemble",
                    "is not a ratio ensemble trained by ratiofit");
            // a folder of models the user exported (ensemble.json, no training records) is not replaced either
            Files.writeString(cfg, BuildCommandTest.YAML);
            refused(1, args("train", cfg.toString(), "--overwrite", "--epochs", "1", "--members", "1"), "Samples[1].Ensemble",
                    "is not a ratio ensemble trained by ratiofit");
        } finally {
            Files.delete(cfg);
        }
        assertEquals(before0, Analysis.fingerprint(tmp));
    }

    @Test
    void reportPlotsAndDrawsFoldersNeverTouchInputsOrForeignFolders() throws IOException {
        String w = ws.dir.toString();
        refused(1, args("fit", w, "--report", w), "--report " + ws.dir.toRealPath(), "is an input");
        refused(1, args("fit", w, "--plots", ws.dir.resolve("plots").toString()), "--plots", "lies inside");
        refused(1, args("sample", w, "--out", ws.dir.resolve("draws").toString(), "--draws", "10", "--warmup", "10"), "--out",
                "lies inside");
        refused(1, args("scan", w, "--report", tmp.toString()), "--report", "contains");
        Path mine = Files.createDirectories(tmp.resolve("my-pages"));
        Files.writeString(mine.resolve("index.html"), "my own page");
        refused(1, args("fit", w, "--report", mine.toString()), "--report " + mine.toRealPath(),
                "is not a ratiofit report folder (it has no ratiofit-output.json)");
        refused(1, args("sample", w, "--out", mine.toString(), "--draws", "10", "--warmup", "10"), "is not a ratiofit draws folder");

        // a report folder ratiofit made is written into again
        Path rep = tmp.resolve("rep");
        assertEquals(0, ToyWorkspace.run("fit", w, "--report", rep.toString()).code());
        ToyWorkspace.Run again = ToyWorkspace.run("fit", w, "--report", rep.toString(), "--plots", rep.toString());
        assertEquals(0, again.code(), again::toString);
        assertTrue(Files.isRegularFile(rep.resolve("index.html")) && Files.isRegularFile(rep.resolve("ratiofit-output.json")));
        List<String> hidden = new ArrayList<>();
        try (var s = Files.list(rep)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).forEach(hidden::add);
        }
        assertEquals(List.of(), hidden, "no temporary files left");
    }
}
