package org.ratiofit.workspace.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.multiclass.ClassCalibration;
import org.ratiofit.workspace.config.ConfigException;
import org.ratiofit.workspace.config.ConfigProblem;

/**
 * How the ensembles of a fit configuration are trained: members per ensemble, the network and the
 * optimiser's length, the seed, PyTorch's threads, and whether the diagnostics are written. It can
 * come from the configuration's optional {@code Training} block (format version
 * {@value #FORMAT_VERSION}); command-line options override single fields.
 *
 * @param members      ensemble members per ensemble (each with its own seed)
 * @param epochs       maximum epochs per member (early stopping may end it sooner)
 * @param hiddenLayers widths of the hidden layers
 * @param batchSize    events per optimiser step
 * @param learningRate initial learning rate (cosine decay to 5% of it)
 * @param patience     epochs without a validation-loss improvement before stopping
 * @param seed         seed of the split and of the members (member i gets a seed derived from it)
 * @param threads      PyTorch intra-op threads (applies when the engine starts; null: the default of 1)
 * @param diagnostics  write the training diagnostics beside each ensemble
 * @param multiclassCalibration per-class calibration of shared multiclass ensembles, fitted on the holdout: none,
 *                     temperature or isotonic (format version 1 had no such field: none)
 */
public record TrainingSettings(int formatVersion, int members, int epochs, List<Integer> hiddenLayers, int batchSize,
        double learningRate, int patience, long seed, Integer threads, boolean diagnostics, ClassCalibration multiclassCalibration) {

    public static final int FORMAT_VERSION = 2;

    /** The settings without a multiclass calibration (as format version 1 had them). */
    public TrainingSettings(int formatVersion, int members, int epochs, List<Integer> hiddenLayers, int batchSize,
            double learningRate, int patience, long seed, Integer threads, boolean diagnostics) {
        this(formatVersion, members, epochs, hiddenLayers, batchSize, learningRate, patience, seed, threads, diagnostics,
                ClassCalibration.NONE);
    }

    /** Keys of the {@code Training} block. */
    static final Set<String> KEYS = Set.of("Members", "Epochs", "HiddenLayers", "BatchSize", "LearningRate", "Patience",
            "Seed", "Threads", "Diagnostics", "MulticlassCalibration");

    public TrainingSettings {
        if (members < 1) {
            throw new IllegalArgumentException("members must be at least 1, got " + members);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (hiddenLayers == null || hiddenLayers.isEmpty() || hiddenLayers.stream().anyMatch(w -> w == null || w < 1)) {
            throw new IllegalArgumentException("hidden layers must be a non-empty list of positive widths, got " + hiddenLayers);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1, got " + patience);
        }
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        hiddenLayers = List.copyOf(hiddenLayers);
        if (multiclassCalibration == null) {
            multiclassCalibration = ClassCalibration.NONE;
        }
    }

    /** 5 members, up to 50 epochs of a 3×32 network, batches of 1024, learning rate 3e-3, patience 8, seed 1. */
    public static TrainingSettings defaults() {
        return new TrainingSettings(FORMAT_VERSION, 5, 50, List.of(32, 32, 32), 1024, 3e-3, 8, 1L, null, true);
    }

    public TrainingSettings withMembers(int n) {
        return new TrainingSettings(formatVersion, n, epochs, hiddenLayers, batchSize, learningRate, patience, seed,
                threads, diagnostics, multiclassCalibration);
    }

    public TrainingSettings withEpochs(int n) {
        return new TrainingSettings(formatVersion, members, n, hiddenLayers, batchSize, learningRate, patience, seed,
                threads, diagnostics, multiclassCalibration);
    }

    public TrainingSettings withHiddenLayers(List<Integer> widths) {
        return new TrainingSettings(formatVersion, members, epochs, widths, batchSize, learningRate, patience, seed,
                threads, diagnostics, multiclassCalibration);
    }

    public TrainingSettings withBatchSize(int n) {
        return new TrainingSettings(formatVersion, members, epochs, hiddenLayers, n, learningRate, patience, seed,
                threads, diagnostics, multiclassCalibration);
    }

    public TrainingSettings withLearningRate(double lr) {
        return new TrainingSettings(formatVersion, members, epochs, hiddenLayers, batchSize, lr, patience, seed,
                threads, diagnostics, multiclassCalibration);
    }

    public TrainingSettings withPatience(int n) {
        return new TrainingSettings(formatVersion, members, epochs, hiddenLayers, batchSize, learningRate, n, seed,
                threads, diagnostics, multiclassCalibration);
    }

    public TrainingSettings withSeed(long s) {
        return new TrainingSettings(formatVersion, members, epochs, hiddenLayers, batchSize, learningRate, patience, s,
                threads, diagnostics, multiclassCalibration);
    }

    public TrainingSettings withThreads(Integer n) {
        return new TrainingSettings(formatVersion, members, epochs, hiddenLayers, batchSize, learningRate, patience, seed,
                n, diagnostics, multiclassCalibration);
    }

    public TrainingSettings withDiagnostics(boolean on) {
        return new TrainingSettings(formatVersion, members, epochs, hiddenLayers, batchSize, learningRate, patience, seed,
                threads, on, multiclassCalibration);
    }

    public TrainingSettings withMulticlassCalibration(ClassCalibration c) {
        return new TrainingSettings(formatVersion, members, epochs, hiddenLayers, batchSize, learningRate, patience, seed,
                threads, diagnostics, c);
    }

    /**
     * The ratio-models training configuration: these settings on top of its defaults (swish, Adam
     * with cosine decay, split 60/20/20, standard scaling of the listed features, score output).
     * The split seed is the same for every ensemble member so that they share the holdout.
     */
    public TrainingConfig toTrainingConfig() {
        return TrainingConfig.defaults()
                .withNetwork(hiddenLayers, TrainingConfig.Activation.SWISH)
                .withOptimizer(TrainingConfig.OptimizerKind.ADAM, learningRate, TrainingConfig.Schedule.COSINE, 0.05)
                .withEpochs(epochs, batchSize, patience)
                .withSeeds(seed * 1_000_003L + 17, seed)
                .withQuiet(true);
    }

    /**
     * The settings of the configuration file's optional {@code Training} block on top of
     * {@code base}; {@code base} itself when the file has no such block. Every problem (unknown key,
     * wrong type, bad value) is reported with its YAML path in one {@link ConfigException}.
     */
    public static TrainingSettings fromConfigFile(Path configFile, TrainingSettings base) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(configFile.toFile());
        JsonNode block = root == null ? null : root.get("Training");
        if (block == null || block.isNull()) {
            return base;
        }
        List<ConfigProblem> problems = new ArrayList<>();
        if (!block.isObject()) {
            problems.add(new ConfigProblem("Training", "expected a mapping of training settings, found " + block.getNodeType()));
            throw new ConfigException(configFile, problems);
        }
        TrainingSettings s = base;
        for (Iterator<Map.Entry<String, JsonNode>> it = block.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            String path = "Training." + key;
            try {
                s = switch (key) {
                    case "Members" -> s.withMembers(integer(v, path));
                    case "Epochs" -> s.withEpochs(integer(v, path));
                    case "BatchSize" -> s.withBatchSize(integer(v, path));
                    case "Patience" -> s.withPatience(integer(v, path));
                    case "Threads" -> s.withThreads(integer(v, path));
                    case "Seed" -> s.withSeed(integer(v, path));
                    case "LearningRate" -> {
                        if (!v.isNumber()) {
                            throw new IllegalArgumentException("expected a number, found " + v);
                        }
                        yield s.withLearningRate(v.asDouble());
                    }
                    case "MulticlassCalibration" -> {
                        if (!v.isTextual()) {
                            throw new IllegalArgumentException("expected none, temperature or isotonic, found " + v);
                        }
                        yield s.withMulticlassCalibration(ClassCalibration.parse(v.asText()));
                    }
                    case "Diagnostics" -> {
                        if (!v.isBoolean()) {
                            throw new IllegalArgumentException("expected true or false, found " + v);
                        }
                        yield s.withDiagnostics(v.asBoolean());
                    }
                    case "HiddenLayers" -> {
                        if (!v.isArray()) {
                            throw new IllegalArgumentException("expected a list of layer widths, found " + v);
                        }
                        List<Integer> w = new ArrayList<>();
                        for (JsonNode x : v) {
                            w.add(integer(x, path));
                        }
                        yield s.withHiddenLayers(w);
                    }
                    default -> throw new IllegalArgumentException("unknown key; allowed keys here: "
                            + new java.util.TreeSet<>(KEYS));
                };
            } catch (IllegalArgumentException ex) {
                problems.add(new ConfigProblem(path, ex.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(configFile, problems);
        }
        return s;
    }

    private static int integer(JsonNode v, String path) {
        if (!v.canConvertToExactIntegral() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("expected an integer, found " + v);
        }
        return v.asInt();
    }
}
