package org.ratiofit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.multiclass.ClassCalibration;

/**
 * The multiclass + PNN example on the exact three-class toy. The default test runs it small (the
 * pipeline, the files, the exact fit, the exact yield fits); the slow one at the settings that meet
 * issue 18's 0.1σ criteria checks the learned models against the exact ones.
 */
class MulticlassPnnToyTest {

    @TempDir
    Path dir;

    @Test
    void smallRunWritesEverythingAndTheExactPartsAreExact() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        MulticlassPnnToy.Result r = MulticlassPnnToy.run(new MulticlassPnnToy.Settings(dir, 1500, 400, 1, 3, 2), new PrintStream(log, true));
        String text = log.toString();
        assertTrue(r.fits().get(0).valid(), text);
        // the exact model at (mu, tes, jes) = (1, 0.3, -0.2): mu within 3 of its errors
        assertEquals(1.0, r.fits().get(0).mu(), 3 * r.fits().get(0).muError(), text);
        assertTrue(r.worstYieldResidual() < 1e-10, "yield fits reproduce the exact inclusive yields: " + r.worstYieldResidual());
        for (String f : new String[] {"models/multiclass/member-0.onnx", "models/multiclass/diagnostics/report.json",
                "models/htt_poly/member-0.json", "models/ztt_poly/yield-fit.json", "models/ttbar_poly/diagnostics/report.json", "result.json"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        assertTrue(text.contains("mu(learned multiclass + PNN) - mu(exact)"), text);
        // each learned part alone, the other exact: eight fits, finite shifts
        assertEquals(8, r.fits().size(), text);
        assertTrue(Double.isFinite(r.muShiftPnn()) && Double.isFinite(r.heldOutMuShiftMulticlass()) && Double.isFinite(r.heldOutMuShiftPnn()), text);
        assertTrue(text.contains("learned PNN alone"), text);
    }

    /**
     * Issue 18's criteria at its 0.1σ tolerance, at the recommended setting ({@link MulticlassPnnToy.Settings#recommended}:
     * 4·10⁶ events per class, 100 000 per nuisance point, 2 members to the end of a cosine schedule ending at 1%, 80%
     * training with a split per member for the multiclass classifier and the PNNs; seed 1; 37 min on the shared 2-core
     * machine). Measured with this setting (examples/README.md part 7): seed 1 +0.065σ (multiclass), +0.056σ (with the
     * PNNs; MINOS ends +0.059 / +0.053σ), −0.004σ at the held-out ν; seeds 2 and 3 within 0.1σ too (largest 0.086σ).
     */
    @Test
    @Tag("slow")
    void learnedModelsAgreeWithTheExactOnesWithinATenthOfASigmaAtTheRecommendedSetting() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        MulticlassPnnToy.Result r = MulticlassPnnToy.run(MulticlassPnnToy.Settings.recommended(dir), new PrintStream(log, true));
        String text = log.toString();
        assertTrue(r.multiclassMse()[0] < 0.05 && r.multiclassMse()[1] < 0.005, text);
        assertTrue(Math.abs(r.muShiftMulticlass()) < 0.1, text);
        assertTrue(Math.abs(r.muShiftFull()) < 0.1, text);
        assertTrue(Math.abs(r.intervalShiftLower()) < 0.1 && Math.abs(r.intervalShiftUpper()) < 0.1, text);
        assertTrue(Math.abs(r.heldOutMuShift()) < 0.1, text);
        assertTrue(r.worstHeldOutClosurePValue() > 1e-4, text);
    }

    /** The recommended setting is what the README's command line for it parses to. */
    @Test
    void theRecommendedSettingIsTheReadmesCommandLine() {
        MulticlassPnnToy.Settings parsed = MulticlassPnnToy.parse(new String[] {dir.toString(), "--events", "4000000", "--point-events",
                "100000", "--members", "2", "--epochs", "40", "--patience", "40", "--train-fraction", "0.8", "--split-per-member",
                "--final-lr", "0.01", "--pnn-train-fraction", "0.8", "--pnn-split-per-member", "--pnn-final-lr", "0.01", "--seed", "1"});
        assertEquals(MulticlassPnnToy.Settings.recommended(dir), parsed);
        assertEquals(0.2, parsed.pnnTraining().validationFraction(), 1e-12);
    }

    /** The example's quick defaults: the multiclass training as before (60 / 20 / 20, shared split, cosine to 5%). */
    @Test
    void defaultsParseToTheQuickSettings() {
        MulticlassPnnToy.Settings s = MulticlassPnnToy.parse(new String[0]);
        MulticlassPnnToy.Settings d = MulticlassPnnToy.Settings.defaults(s.out());
        assertEquals(d, s);
        TrainingConfig c = MulticlassPnnToy.multiclassConfig(s);
        assertEquals(0.6, c.trainFraction());
        assertEquals(0.2, c.validationFraction());
        assertEquals(0.05, c.scheduleParameter());
        assertFalse(s.splitPerMember());
        assertEquals(MulticlassPnnToy.PnnTraining.DEFAULTS, s.pnnTraining());
        TrainingConfig p = MulticlassPnnToy.config(s);
        assertEquals(0.6, p.trainFraction());
        assertEquals(0.2, p.validationFraction());
        assertEquals(0.05, p.scheduleParameter());
        assertNull(MulticlassPnnToy.parse(new String[] {"--help"}));
    }

    /** The new options reach the multiclass configuration only; with calibration half the rest stays the holdout. */
    @Test
    void newOptionsReachTheMulticlassConfigOnly() {
        MulticlassPnnToy.Settings s = MulticlassPnnToy.parse(new String[] {"--train-fraction", "0.8", "--split-per-member", "--final-lr", "0.01"});
        TrainingConfig c = MulticlassPnnToy.multiclassConfig(s);
        assertEquals(0.8, c.trainFraction());
        assertEquals(0.2, c.validationFraction(), 1e-12);
        assertEquals(0.01, c.scheduleParameter());
        assertTrue(s.splitPerMember());
        TrainingConfig p = MulticlassPnnToy.config(s);
        assertEquals(0.6, p.trainFraction());
        assertEquals(0.2, p.validationFraction());
        assertEquals(0.05, p.scheduleParameter());
        assertEquals(MulticlassPnnToy.PnnTraining.DEFAULTS, s.pnnTraining());
        MulticlassPnnToy.Settings cal = MulticlassPnnToy.parse(new String[] {"--train-fraction", "0.7", "--calibration", "temperature"});
        assertEquals(0.15, cal.validationFraction(), 1e-12);
        assertEquals(ClassCalibration.TEMPERATURE, cal.calibration());
    }

    /** The PNN options reach the PNNs' configuration and split flag only; the multiclass keeps its defaults. */
    @Test
    void pnnOptionsReachThePnnConfigOnly() {
        MulticlassPnnToy.Settings s = MulticlassPnnToy.parse(new String[] {"--pnn-train-fraction", "0.8", "--pnn-split-per-member",
            "--pnn-final-lr", "0.01"});
        TrainingConfig p = MulticlassPnnToy.config(s);
        assertEquals(0.8, p.trainFraction());
        assertEquals(0.2, p.validationFraction(), 1e-12);
        assertEquals(0.01, p.scheduleParameter());
        assertTrue(s.pnnTraining().splitPerMember());
        TrainingConfig c = MulticlassPnnToy.multiclassConfig(s);
        assertEquals(0.6, c.trainFraction());
        assertEquals(0.2, c.validationFraction());
        assertEquals(0.05, c.scheduleParameter());
        assertFalse(s.splitPerMember());
        // both sets together: each reaches its own configuration
        MulticlassPnnToy.Settings both = MulticlassPnnToy.parse(new String[] {"--train-fraction", "0.7", "--final-lr", "0.02",
            "--pnn-train-fraction", "0.9", "--pnn-final-lr", "0.03"});
        assertEquals(0.7, MulticlassPnnToy.multiclassConfig(both).trainFraction());
        assertEquals(0.02, MulticlassPnnToy.multiclassConfig(both).scheduleParameter());
        assertEquals(0.9, MulticlassPnnToy.config(both).trainFraction());
        assertEquals(0.03, MulticlassPnnToy.config(both).scheduleParameter());
        assertFalse(both.pnnTraining().splitPerMember());
    }

    @ParameterizedTest
    @CsvSource({"--train-fraction,0", "--train-fraction,1", "--train-fraction,2", "--train-fraction,x", "--final-lr,0", "--final-lr,3",
            "--calibration,platt", "--pnn-train-fraction,0", "--pnn-train-fraction,1", "--pnn-train-fraction,-0.5", "--pnn-train-fraction,x",
            "--pnn-final-lr,0", "--pnn-final-lr,1.5", "--pnn-final-lr,y"})
    void outOfRangeValuesAreRefusedNamingTheOption(String option, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MulticlassPnnToy.parse(new String[] {option, value}));
        assertTrue(e.getMessage().contains(option), e.getMessage());
    }

    /** Calibration needs a holdout: settings whose train and validation fractions leave none are refused. */
    @Test
    void calibrationWithoutAHoldoutIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MulticlassPnnToy.Settings(dir, 1500, 400, 1, 3, 2, ClassCalibration.ISOTONIC, MulticlassPnnToy.Settings.HIDDEN_32X32, 3,
                        0.8, 0.2, false, 0.05));
        assertTrue(e.getMessage().contains("--calibration isotonic needs a holdout"), e.getMessage());
    }

    /**
     * A small run with split per member, train fraction 0.8 and final-lr 0.01 for the multiclass and the PNNs writes its
     * settings into result.json.
     */
    @Test
    void smallRunWithTheNewOptions() throws Exception {
        MulticlassPnnToy.Settings s = new MulticlassPnnToy.Settings(dir, 1500, 400, 2, 2, 3).withNetwork(MulticlassPnnToy.Settings.HIDDEN_32X32, 2)
                .withMulticlassTraining(0.8, 0.2, true, 0.01).withPnnTraining(new MulticlassPnnToy.PnnTraining(0.8, 0.2, true, 0.01));
        MulticlassPnnToy.Result r = MulticlassPnnToy.run(s, new PrintStream(new ByteArrayOutputStream(), true));
        assertEquals(4, r.formatVersion());
        assertTrue(Double.isFinite(r.muShiftMulticlass()));
        String json = Files.readString(dir.resolve("result.json"));
        assertTrue(json.contains("\"splitPerMember\" : true") && json.contains("\"finalLr\" : 0.01"), json);
        assertTrue(json.contains("\"pnnTraining\" : {"), json);
        assertTrue(Files.isRegularFile(dir.resolve("models/htt_poly/diagnostics/report.json")), "PNN diagnostics on member 0's validation part");
        assertTrue(Files.isRegularFile(dir.resolve("models/multiclass/diagnostics/report.json")), "diagnostics on the validation part");
    }
}
