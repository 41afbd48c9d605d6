package org.ratiofit.ratio.training;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A loss that is not finite is retried once with the same seed, then reported by its own exception. */
class NonFiniteLossTest {

    @Test
    void divergingTrainingIsRetriedOnceThenThrows() {
        TrainingData data = GaussianToy.data(2_000, 2_000, 91L);
        // a learning rate so large that the first steps overflow float32: the loss becomes NaN or infinite
        TrainingConfig cfg = TrainingConfig.defaults().withNetwork(List.of(16, 16), TrainingConfig.Activation.RELU)
                .withOptimizer(TrainingConfig.OptimizerKind.ADAM, 1e30, TrainingConfig.Schedule.CONSTANT, 0)
                .withEpochs(3, 256, 3).withQuiet(true);
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DjlTrainer.NonFiniteLossException e;
        try {
            System.setErr(new PrintStream(err, true));
            e = assertThrows(DjlTrainer.NonFiniteLossException.class, () -> DjlTrainer.train(data, cfg, 0));
        } finally {
            System.setErr(saved);
        }
        assertTrue(e.getMessage().contains("member 0: loss became"), e.getMessage());
        String said = err.toString();
        assertTrue(said.contains("retrying member 0 once with the same seed"), said);
        assertTrue(said.indexOf("retrying") == said.lastIndexOf("retrying"), "exactly one retry: " + said);
    }
}
