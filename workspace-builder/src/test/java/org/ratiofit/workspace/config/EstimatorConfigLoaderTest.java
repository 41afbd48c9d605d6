package org.ratiofit.workspace.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.param.EstimatorMethod;
import org.ratiofit.ratio.training.param.ParamTrainingConfig;

/** The estimator configuration: defaults, every key, command-line values over the file, and the messages. */
class EstimatorConfigLoaderTest {

    private static Path write(Path dir, String yaml) throws Exception {
        Path f = dir.resolve("est.yml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void defaultsAreMadMinersNamesAndTheTrainersSettings(@TempDir Path dir) throws Exception {
        EstimatorConfig c = EstimatorConfigLoader.load(write(dir, """
                Version: 1
                Training:
                  Method: ALICES
                  Data: [a.npz, b.csv]
                  Features: [x1, x2]
                  Parameters: [k, lambda]
                  Output: models/alices
                """), Map.of(), Map.of());
        assertEquals(EstimatorMethod.ALICES, c.method());
        assertEquals(List.of(dir.resolve("a.npz").toAbsolutePath(), dir.resolve("b.csv").toAbsolutePath()), c.data());
        assertEquals(List.of("theta0_k", "theta0_lambda"), c.theta0());
        assertEquals(List.of("t_xz_k", "t_xz_lambda"), c.jointScore0());
        assertEquals("y", c.label());
        assertEquals("r_xz", c.jointRatio());
        assertNull(c.referenceTheta());
        assertNull(c.expectationBeta());
        assertEquals(5, c.members());
        assertEquals(0.1, c.holdoutFraction());
        assertEquals("alices", c.name());
        assertEquals(dir.resolve("models/alices").toAbsolutePath(), c.output());
        ParamTrainingConfig d = ParamTrainingConfig.defaults(EstimatorMethod.ALICES);
        ParamTrainingConfig t = c.training();
        assertEquals(d.hiddenLayers(), t.hiddenLayers());
        assertEquals(d.initialLearningRate(), t.initialLearningRate());
        assertEquals(d.finalLearningRate(), t.finalLearningRate());
        assertEquals(d.epochs(), t.epochs());
        assertEquals(d.batchSize(), t.batchSize());
        assertEquals(d.seed(), t.seed());
        assertEquals(List.of("x1", "x2", "theta0_k", "theta0_lambda", "y", "r_xz", "t_xz_k", "t_xz_lambda"),
                c.neededColumns());
    }

    @Test
    void everySettingIsReadAndTheCommandLineWins(@TempDir Path dir) throws Exception {
        Path f = write(dir, """
                Version: 1
                Training:
                  Method: sally
                  Data: d.csv
                  Features: [a, b, c]
                  Parameters: [p]
                  JointScore0: [score_p]
                  ReferenceTheta: [0.5]
                  Weight: w
                  HiddenLayers: [16, 8]
                  Activation: tanh
                  Optimizer: sgd_nesterov
                  LearningRate: 0.01
                  FinalLearningRate: 0.002
                  Momentum: 0.8
                  Epochs: 7
                  BatchSize: 64
                  ValidationFraction: 0.3
                  Patience: 3
                  ScaleInputs: false
                  MaxEvents: 500
                  Members: 4
                  Seed: 11
                  HoldoutFraction: 0.2
                  ExpectationBeta: 1.5
                  Output: out
                  Name: s
                """);
        JsonNodeFactory n = JsonNodeFactory.instance;
        Map<String, JsonNode> over = Map.of("Epochs", n.numberNode(9), "Name", n.textNode("t"));
        EstimatorConfig c = EstimatorConfigLoader.load(f, over, Map.of("Epochs", "--epochs", "Name", "--name"));
        ParamTrainingConfig t = c.training();
        assertEquals(EstimatorMethod.SALLY, c.method());
        assertEquals(List.of("a", "b", "c"), c.features());
        assertEquals(List.of("score_p"), c.jointScore0());
        assertArrayEquals(new double[] {0.5}, c.referenceTheta());
        assertEquals("w", c.weight());
        assertEquals(List.of(16, 8), t.hiddenLayers());
        assertEquals(TrainingConfig.Activation.TANH, t.activation());
        assertEquals(ParamTrainingConfig.Optimizer.SGD_NESTEROV, t.optimizer());
        assertEquals(0.01, t.initialLearningRate());
        assertEquals(0.002, t.finalLearningRate());
        assertEquals(0.8, t.momentum());
        assertEquals(9, t.epochs(), "the option over the file");
        assertEquals(64, t.batchSize());
        assertEquals(0.3, t.validationFraction());
        assertEquals(3, t.patience());
        assertEquals(false, t.scaleInputs());
        assertEquals(500, t.maxEvents());
        assertEquals(11L, t.seed());
        assertEquals(4, c.members());
        assertEquals(0.2, c.holdoutFraction());
        assertEquals(1.5, c.expectationBeta());
        assertEquals("t", c.name());
        assertEquals(List.of("a", "b", "c", "score_p", "w"), c.neededColumns());
    }

    /** The doubly parametrised methods read θ1 and (score methods) t(x,z|θ1) per event, by default theta1_P and t_xz1_P. */
    @Test
    void doublyParametrisedMethodsReadTheta1AndJointScore1(@TempDir Path dir) throws Exception {
        EstimatorConfig c = EstimatorConfigLoader.load(write(dir, """
                Version: 1
                Training:
                  Method: alices2
                  Data: [a.npz]
                  Features: [x1, x2]
                  Parameters: [k, lambda]
                  Output: models/alices2
                """), Map.of(), Map.of());
        assertEquals(EstimatorMethod.ALICES2, c.method());
        assertEquals(List.of("theta1_k", "theta1_lambda"), c.theta1());
        assertEquals(List.of("t_xz1_k", "t_xz1_lambda"), c.jointScore1());
        assertEquals(List.of("x1", "x2", "theta0_k", "theta0_lambda", "y", "theta1_k", "theta1_lambda", "r_xz", "t_xz_k",
                "t_xz_lambda", "t_xz1_k", "t_xz1_lambda"), c.neededColumns());
        EstimatorConfig carl2 = EstimatorConfigLoader.load(write(dir, """
                Version: 1
                Training:
                  Method: carl2
                  Data: [a.npz]
                  Features: [x1]
                  Parameters: [k]
                  Theta1: [th1]
                  Output: models/carl2
                """), Map.of(), Map.of());
        assertEquals(List.of("x1", "theta0_k", "y", "th1"), carl2.neededColumns());
        assertEquals(List.of(), carl2.jointScore1());
    }

    @Test
    void everyProblemIsListedWithItsPathOrOption(@TempDir Path dir) throws Exception {
        Path f = write(dir, """
                Version: 2
                Training:
                  Method: alices
                  Data: [d.csv]
                  Features: [x1, x1]
                  Parameters: [k, lambda]
                  Theta0: [theta0_k]
                  ReferenceTheta: {k: 2, lamda: 1}
                  JointScore1: [t1_k, t1_lambda]
                  Epochs: 0
                  Patience: 2.5
                  Output: out
                """);
        JsonNodeFactory n = JsonNodeFactory.instance;
        ConfigException e = assertThrows(ConfigException.class, () -> EstimatorConfigLoader.load(f,
                Map.of("BatchSize", n.numberNode(-1)), Map.of("BatchSize", "--batch-size")));
        String m = e.getMessage();
        for (String s : List.of("Version: format version 2 is not supported", "Training.Features: 'x1' is listed twice",
                "Training.Theta0: 1 column for the 2 parameters [k, lambda]",
                "Training.ReferenceTheta.lamda: not one of the parameters [k, lambda] (did you mean 'lambda'?)",
                "Training.JointScore1: t(x,z|θ1) is used only by the doubly parametrised score methods",
                "Training.Epochs: must be at least 1, found 0", "Training.Patience: expected an integer, found 2.5",
                "--batch-size: must be at least 1, found -1")) {
            assertTrue(m.contains(s), "expected '" + s + "' in: " + m);
        }
        assertEquals(8, e.problems().size(), m);

        ConfigException fit = assertThrows(ConfigException.class, () -> EstimatorConfigLoader.load(
                write(dir, "Version: 1\nSamples: []\nTraining: {Members: 2}\n"), Map.of(), Map.of()));
        assertTrue(fit.getMessage().contains("this is a fit configuration") && fit.getMessage().contains("ratiofit train"),
                fit.getMessage());

        // without a file, the missing settings name their options
        ConfigException cli = assertThrows(ConfigException.class, () -> EstimatorConfigLoader.load(null,
                Map.of("Method", n.textNode("carl")), Map.of("Method", "--method", "Data", "--data", "Features",
                        "--features", "Parameters", "--parameters", "Output", "-o")));
        for (String s : List.of("--data: missing", "--features: missing", "--parameters: missing", "-o: missing")) {
            assertTrue(cli.getMessage().contains(s), "expected '" + s + "' in: " + cli.getMessage());
        }
    }
}
