package org.ratiofit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ratiofit.ratio.training.TrainingConfig;

/** The shift study run small: disjoint groups of 1, 2 and 4 of 4 members, finite shifts, the exact fit of the toy's data. */
class MulticlassShiftStudyTest {

    @Test
    void groupsPartitionTheMembersAndAverageToTheSameMean() {
        MulticlassShiftStudy.Result r = MulticlassShiftStudy.run(1500, 4, 2, 2, 5);
        assertEquals(3, r.groups().size());
        int[] sizes = {1, 2, 4};
        for (int g = 0; g < 3; g++) {
            MulticlassShiftStudy.Group grp = r.groups().get(g);
            assertEquals(sizes[g], grp.size());
            assertEquals(4 / sizes[g], grp.shifts().length);
            for (double v : grp.shifts()) {
                assertTrue(Double.isFinite(v), "shift " + v);
            }
        }
        // the exact fit of the MulticlassPnnToy data with seed 2: mu near its true value 1
        assertEquals(1.0, r.exactMu(), 3 * r.exactError());
        // members differ by their seeds: the single members' shifts are not all the same
        double[] one = r.groups().get(0).shifts();
        assertTrue(one[0] != one[1] || one[1] != one[2] || one[2] != one[3], java.util.Arrays.toString(one));
        assertTrue(r.groups().get(0).sd() > 0 && Double.isNaN(r.groups().get(2).sd()), "sd of one group is undefined");
    }

    /** Without the new options the multiclass training is as before issue 18's variance reducers: 60 / 20 / 20, shared split, cosine to 5%. */
    @Test
    void defaultsKeepTheOldMulticlassTraining() {
        MulticlassShiftStudy.Options o = MulticlassShiftStudy.parse(new String[] {"out", "--events", "1000", "--training-seed", "3"});
        assertEquals(0.6, o.trainFraction());
        assertEquals(0.2, o.validationFraction());
        assertFalse(o.splitPerMember());
        TrainingConfig c = MulticlassPnnToy.multiclassConfig(o.settings());
        assertEquals(0.6, c.trainFraction());
        assertEquals(0.2, c.validationFraction());
        assertEquals(0.05, c.scheduleParameter());
        assertEquals(3, o.initSeed(), "the init seed follows the training seed");
        assertEquals(java.nio.file.Path.of("out"), o.out());
    }

    /** --train-fraction F leaves 1 − F for validation (no unused holdout); --final-lr sets the cosine end; both reach the config. */
    @Test
    void newOptionsReachTheTrainingConfig() {
        MulticlassShiftStudy.Options o = MulticlassShiftStudy.parse(
                new String[] {"--train-fraction", "0.8", "--split-per-member", "--final-lr", "0.01", "--members", "4"});
        assertEquals(0.8, o.trainFraction());
        assertEquals(0.2, o.validationFraction(), 1e-12);
        assertTrue(o.splitPerMember());
        assertTrue(o.settings().splitPerMember());
        TrainingConfig c = MulticlassPnnToy.multiclassConfig(o.settings());
        assertEquals(0.8, c.trainFraction());
        assertEquals(0.2, c.validationFraction(), 1e-12);
        assertEquals(0.01, c.scheduleParameter());
        assertEquals(TrainingConfig.Schedule.COSINE, c.schedule());
        assertEquals(0.0, org.ratiofit.ratio.training.DataSplit.draw(1000, 1, c.trainFraction(), c.validationFraction()).holdout().length);
        // the PNNs' configuration keeps the old split and schedule end
        TrainingConfig p = MulticlassPnnToy.config(o.settings());
        assertEquals(0.6, p.trainFraction());
        assertEquals(0.05, p.scheduleParameter());
    }

    @ParameterizedTest
    @CsvSource({"--train-fraction,0,--train-fraction", "--train-fraction,1,--train-fraction", "--train-fraction,1.5,--train-fraction",
            "--train-fraction,-0.2,--train-fraction", "--train-fraction,abc,'abc'", "--final-lr,0,--final-lr", "--final-lr,1.01,--final-lr",
            "--final-lr,-0.1,--final-lr", "--final-lr,NaN,--final-lr", "--members,0,--members"})
    void outOfRangeValuesAreRefusedNamingTheOption(String option, String value, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MulticlassShiftStudy.parse(new String[] {option, value}));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    @Test
    void missingValueAndUnknownOptionAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MulticlassShiftStudy.parse(new String[] {"--final-lr"})).getMessage()
                .contains("--final-lr needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MulticlassShiftStudy.parse(new String[] {"--split-per-members"}))
                .getMessage().contains("--split-per-members"));
    }

    /** A small run with the new options: the result records them, the members differ, the shifts are finite. */
    @Test
    void smallRunWithSplitPerMember() {
        MulticlassShiftStudy.Result r = MulticlassShiftStudy.run(MulticlassShiftStudy.parse(new String[] {"--events", "1500", "--members", "2",
                "--epochs", "2", "--fit-seed", "2", "--training-seed", "5", "--train-fraction", "0.8", "--split-per-member", "--final-lr", "0.01"}));
        assertEquals(4, r.formatVersion());
        assertTrue(r.splitPerMember() && r.trainFraction() == 0.8 && r.finalLr() == 0.01);
        double[] one = r.groups().get(0).shifts();
        assertTrue(Double.isFinite(one[0]) && Double.isFinite(one[1]) && one[0] != one[1], java.util.Arrays.toString(one));
        assertEquals(List.of(), r.otherFits());
    }
}
