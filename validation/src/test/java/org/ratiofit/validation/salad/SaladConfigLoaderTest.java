package org.ratiofit.validation.salad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.workspace.config.ConfigException;

/** The SALAD configuration: a good one reads; each kind of bad input is named with its field. */
class SaladConfigLoaderTest {

    private static Path toy(Path dir) throws Exception {
        return SaladToy.of(3000, 3000, 0.02).write(dir, 5);
    }

    private static String problems(Path cfg) {
        ConfigException e = assertThrows(ConfigException.class, () -> SaladEvents.load(SaladConfigLoader.load(cfg)));
        return e.getMessage();
    }

    private static void edit(Path cfg, String from, String to) throws Exception {
        String s = Files.readString(cfg);
        assertTrue(s.contains(from), from);
        Files.writeString(cfg, s.replace(from, to));
    }

    @Test
    void readsTheToysConfiguration(@TempDir Path dir) throws Exception {
        SaladConfig c = SaladConfigLoader.load(toy(dir));
        assertEquals("m", c.resonantVariable());
        assertEquals(2, c.sidebands().size());
        assertEquals(2, c.validationRegions().size());
        assertEquals("SR", c.regionOf(4.0));
        assertEquals("SB", c.regionOf(3.5));
        assertEquals("VR_high", c.regionOf(4.7));
        SaladEvents ev = SaladEvents.load(c);
        assertTrue(ev.data().indices("SB").length > 500);
        assertTrue(java.util.Arrays.stream(ev.data().truth()).sum() > 0);
    }

    @Test
    void theReweightingIsFactorisedUnlessTheTrainingBlockSaysJoint(@TempDir Path dir) throws Exception {
        Path cfg = toy(dir);
        assertEquals(SaladConfig.Reweighting.FACTORISED, SaladConfigLoader.load(cfg).training().reweighting());
        Files.writeString(cfg, Files.readString(cfg) + "Training: {Members: 2, Reweighting: joint}\n");
        SaladConfig c = SaladConfigLoader.load(cfg);
        assertEquals(SaladConfig.Reweighting.JOINT, c.training().reweighting());
        assertEquals(2, c.training().members());
        edit(cfg, "Reweighting: joint", "Reweighting: marginal");
        String m = problems(cfg);
        assertTrue(m.contains("Training.Reweighting") && m.contains("expected Joint or Factorised, not 'marginal'"), m);
    }

    @Test
    void patienceAndTheScheduleEndReachTheTrainerAndBadValuesAreNamed(@TempDir Path dir) throws Exception {
        Path cfg = toy(dir);
        SaladConfig.Training t = SaladConfigLoader.load(cfg).training();
        assertEquals(5, t.patience());
        assertEquals(0.05, t.finalLearningRate());
        var tc = KFoldClassifier.Settings.of(t, true).config(0);
        assertEquals(5, tc.patience());
        assertEquals(0.05, tc.scheduleParameter());
        // Patience 0: every epoch (the trainer's patience is the epoch count), the cosine schedule ending at 1%
        Files.writeString(cfg, Files.readString(cfg) + "Training: {Epochs: 30, Patience: 0, FinalLearningRate: 0.01}\n");
        t = SaladConfigLoader.load(cfg).training();
        tc = KFoldClassifier.Settings.of(t, true).config(0);
        assertEquals(30, tc.patience());
        assertEquals(0.01, tc.scheduleParameter());
        assertEquals(30, tc.epochs());
        edit(cfg, "Patience: 0, FinalLearningRate: 0.01", "Patience: -1, FinalLearningRate: 1.5");
        String m = problems(cfg);
        assertTrue(m.contains("Training.Patience") && m.contains("not -1"), m);
        assertTrue(m.contains("Training.FinalLearningRate") && m.contains("not 1.5"), m);
    }

    @Test
    void overlappingRegionsAreNamed(@TempDir Path dir) throws Exception {
        Path cfg = toy(dir);
        edit(cfg, "Sidebands: [[3.4, 3.8], [4.2, 4.6]]", "Sidebands: [[3.4, 3.9], [4.2, 4.6]]");
        String m = problems(cfg);
        assertTrue(m.contains("Sidebands[0] [3.4, 3.9) overlaps") || m.contains("overlaps Sidebands[0]"), m);
        assertTrue(m.contains("SignalRegion [3.8, 4.2)"), m);
    }

    @Test
    void noSidebandsIsAProblem(@TempDir Path dir) throws Exception {
        Path cfg = toy(dir);
        edit(cfg, "Sidebands: [[3.4, 3.8], [4.2, 4.6]]", "Sidebands: []");
        assertTrue(problems(cfg).contains("Sidebands: expected a non-empty list of windows [low, high]; there are no sidebands"));
    }

    @Test
    void resonantVariableMissingFromAFile(@TempDir Path dir) throws Exception {
        Path cfg = toy(dir);
        Files.writeString(dir.resolve("nom.csv"), "x1,x2\n1,2\n3,4\n");
        edit(cfg, "Simulation: simulation.csv", "Simulation: nom.csv");
        String m = problems(cfg);
        assertTrue(m.contains("Simulation: nom.csv has no column 'm' (the resonant variable)"), m);
    }

    @Test
    void featureMissingInSimulationButInData(@TempDir Path dir) throws Exception {
        Path cfg = toy(dir);
        Files.writeString(dir.resolve("nox2.csv"), "m,x1\n3.5,2\n4.5,4\n");
        edit(cfg, "Simulation: simulation.csv", "Simulation: nox2.csv");
        String m = problems(cfg);
        assertTrue(m.contains("Simulation: nox2.csv has no column 'x2' (feature)"), m);
        assertTrue(!m.contains("Data:"), m);
    }

    @Test
    void tooFewSidebandEventsSaysHowMany(@TempDir Path dir) throws Exception {
        Path cfg = toy(dir);
        Files.writeString(cfg, Files.readString(cfg) + "Training: {MinSidebandEvents: 100000}\n");
        String m = problems(cfg);
        int nd = SaladEvents.read(SaladConfigLoader.load(cfg), dir.resolve("data.csv"), null, null).indices("SB").length;
        assertTrue(m.contains("too few events to train: " + nd + " data and "), m);
        assertTrue(m.contains("at least 100000 of each"), m);
    }

    @Test
    void unknownKeysAndBadWindows(@TempDir Path dir) throws Exception {
        Path cfg = toy(dir);
        edit(cfg, "SignalRegion: [3.8, 4.2]", "SignalRegion: [4.2, 3.8]\nSignalRegoin: 1");
        String m = problems(cfg);
        assertTrue(m.contains("SignalRegion: low 4.2 is not below high 3.8"), m);
        assertTrue(m.contains("SignalRegoin: unknown key"), m);
    }
}
