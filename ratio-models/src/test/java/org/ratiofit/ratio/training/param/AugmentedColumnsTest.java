package org.ratiofit.ratio.training.param;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.ReadOptions;

/** Augmented data written to every event format and read back by column name, bit for bit. */
class AugmentedColumnsTest {
    @ParameterizedTest
    @ValueSource(strings = {"csv", "npz", "h5"})
    void roundTripThroughEventFiles(String ext, @TempDir Path dir) throws Exception {
        GammaLatentSimulator sim = new GammaLatentSimulator();
        AugmentedData d = sim.ratioTrainingData(50, new double[] {1.5, 0.7}, new double[] {3, 1.4},
                new double[] {2, 1}, new SplittableRandom(2));
        AugmentedColumns cols = AugmentedColumns.defaults(GammaLatentSimulator.FEATURE_NAMES,
                GammaLatentSimulator.PARAMETER_NAMES);
        Path f = dir.resolve("train." + ext);
        EventFiles.write(f, cols.toTable(d, "train"), ReadOptions.DEFAULT);
        AugmentedData back = cols.read(f, EstimatorMethod.ALICES);
        for (int j = 0; j < 2; j++) {
            assertArrayEquals(d.x()[j], back.x()[j]);
            assertArrayEquals(d.theta0()[j], back.theta0()[j]);
            assertArrayEquals(d.txz()[j], back.txz()[j]);
        }
        assertArrayEquals(d.y(), back.y());
        assertArrayEquals(d.rxz(), back.rxz());
        // CARL reads neither r_xz nor t_xz; SALLY neither θ0 nor y
        AugmentedData carl = cols.read(f, EstimatorMethod.CARL);
        assertNull(carl.rxz());
        assertNull(carl.txz());
        AugmentedData sally = cols.read(f, EstimatorMethod.SALLY);
        assertNull(sally.theta0());
        assertNull(sally.y());
        // a misspelt column is refused, naming it
        AugmentedColumns bad = new AugmentedColumns(List.of("x1", "x2"), List.of("k", "lambda"),
                List.of("theta0_k", "theta0_lambda"), "y", "r_xy", cols.txz(), null);
        Exception e = assertThrows(RuntimeException.class, () -> bad.read(f, EstimatorMethod.ALICE));
        assertTrue(e.getMessage().contains("r_xy"), e.getMessage());
    }
}
