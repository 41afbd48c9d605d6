package org.ratiofit.workspace.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.param.EstimatorMethod;
import org.ratiofit.ratio.training.param.ParamTrainingConfig;
import org.ratiofit.workspace.config.FitConfigLoader.Reader;

/**
 * Reads an estimator configuration ({@link EstimatorConfig}): a YAML file with {@code Version: 1}
 * and one {@code Training} block, with command-line values laid over the block key by key. Every
 * problem (unknown key with a "did you mean", wrong type, bad value, a count of columns that does
 * not match the parameters) is collected with its YAML path, or with the command-line option when
 * the value came from there, into one {@link ConfigException}. Nothing is read but the YAML: the
 * data files are checked by {@code org.ratiofit.workspace.train.AugmentedFiles}.
 *
 * <pre>
 * Version: 1
 * Training:
 *   Method: alices
 *   Data: [train.npz]
 *   Features: [x1, x2]
 *   Parameters: [k, lambda]
 *   ReferenceTheta: {k: 2, lambda: 1}
 *   Output: models/alices
 * </pre>
 */
public final class EstimatorConfigLoader {

    /** Keys of the {@code Training} block, in the order the README lists them. */
    public static final List<String> KEYS = List.of("Method", "Data", "Features", "Parameters", "Theta0", "Theta1",
            "ReferenceTheta", "Label", "JointRatio", "JointScore0", "JointScore1", "Weight", "Alpha", "HiddenLayers",
            "Activation", "Optimizer", "LearningRate", "FinalLearningRate", "Momentum", "Epochs", "BatchSize",
            "ValidationFraction", "Patience", "ScaleInputs", "ShuffleLabels", "MaxEvents", "XGradientPenalty",
            "Members", "Seed", "HoldoutFraction", "ExpectationBeta", "Output", "Name");
    static final Set<String> TOP_KEYS = Set.of("Version", "Training");

    private static final Map<String, EstimatorMethod> METHODS = spellings(EstimatorMethod.values());
    private static final Map<String, TrainingConfig.Activation> ACTIVATIONS = spellings(TrainingConfig.Activation.values());
    private static final Map<String, ParamTrainingConfig.Optimizer> OPTIMIZERS = spellings(ParamTrainingConfig.Optimizer.values());

    private EstimatorConfigLoader() {
    }

    /**
     * Reads {@code file} (null: none, everything from {@code overrides}) with {@code overrides}
     * (keys of the Training block; paths in them absolute or relative to the working folder) on top.
     *
     * @param optionNames how the command line spells each key of {@code overrides}, for messages
     */
    public static EstimatorConfig load(Path file, Map<String, JsonNode> overrides, Map<String, String> optionNames)
            throws IOException {
        List<ConfigProblem> problems = new ArrayList<>();
        Path where = file != null ? file : Path.of("command line");
        ObjectNode block = JsonNodeFactory.instance.objectNode();
        int version = EstimatorConfig.FORMAT_VERSION;
        Path base = Path.of("").toAbsolutePath();
        Reader r = new Reader(base, problems);
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(file, List.of(new ConfigProblem("", "no such configuration file: " + file)));
            }
            base = file.toAbsolutePath().getParent();
            r = new Reader(base, problems);
            JsonNode root;
            try {
                YAMLFactory yaml = YAMLFactory.builder()
                        .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
                root = new ObjectMapper(yaml).readTree(YamlSpecialFloats.quote(Files.readString(file)));
            } catch (JsonProcessingException e) {
                var loc = e.getLocation();
                throw new ConfigException(file, List.of(new ConfigProblem("", "not valid YAML" + (loc != null ? " (line "
                        + loc.getLineNr() + ", column " + loc.getColumnNr() + ")" : "") + ": " + e.getOriginalMessage())));
            }
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new ConfigException(file, List.of(new ConfigProblem("", "the configuration file is empty")));
            }
            if (root.isObject() && root.has("Samples")) {
                throw new ConfigException(file, List.of(new ConfigProblem("Samples", "this is a fit configuration "
                        + "(it has Samples); train its ensembles with 'ratiofit train', estimators with an estimator "
                        + "configuration (Version and a Training block with Method, Data, Features, Parameters)")));
            }
            ObjectNode top = r.object(root, "", TOP_KEYS);
            if (top != null) {
                JsonNode v = top.get("Version");
                if (v == null || v.isNull()) {
                    r.problem("Version", "missing; this ratiofit reads estimator configuration version "
                            + EstimatorConfig.FORMAT_VERSION + " (add 'Version: " + EstimatorConfig.FORMAT_VERSION + "')");
                } else if (!v.canConvertToExactIntegral()) {
                    r.problem("Version", "expected an integer, found " + Reader.describe(v));
                } else if (v.asInt() != EstimatorConfig.FORMAT_VERSION) {
                    r.problem("Version", "format version " + v.asInt() + " is not supported; this ratiofit reads version "
                            + EstimatorConfig.FORMAT_VERSION);
                } else {
                    version = v.asInt();
                }
                JsonNode t = top.get("Training");
                if (t == null || t.isNull()) {
                    if (overrides.isEmpty()) {
                        r.problem("Training", "missing; the block names the data, the columns, the method and the output");
                    }
                } else if (!t.isObject()) {
                    r.problem("Training", "expected a mapping of keys to values, found " + Reader.describe(t));
                } else {
                    block = (ObjectNode) t;
                }
            }
        }
        // command-line values are absolute paths or plain values: resolving them against the file's folder leaves them
        block = block.deepCopy();
        for (Map.Entry<String, JsonNode> e : overrides.entrySet()) {
            block.set(e.getKey(), e.getValue());
        }
        int before = problems.size();
        EstimatorConfig c = read(r, block, version, file);
        if (!problems.isEmpty()) {
            List<ConfigProblem> named = new ArrayList<>(problems.subList(0, before));
            for (ConfigProblem p : problems.subList(before, problems.size())) {
                named.add(relabel(p, file == null, overrides, optionNames));
            }
            throw new ConfigException(where, named);
        }
        return c;
    }

    /**
     * {@code e} with each problem about a value from the command line (without a configuration file:
     * every problem) named by its option instead of its YAML path (for the data checks, which come
     * after loading).
     */
    public static ConfigException relabel(ConfigException e, Map<String, JsonNode> overrides,
            Map<String, String> optionNames) {
        boolean noFile = e.file() == null || e.file().equals(Path.of("command line"));
        List<ConfigProblem> named = new ArrayList<>();
        for (ConfigProblem p : e.problems()) {
            named.add(relabel(p, noFile, overrides, optionNames));
        }
        return new ConfigException(e.file(), named);
    }

    /**
     * A problem with a value from the command line (or, without a file, any problem) names the
     * option instead of the YAML path.
     */
    private static ConfigProblem relabel(ConfigProblem p, boolean noFile, Map<String, JsonNode> overrides,
            Map<String, String> options) {
        for (Map.Entry<String, String> e : options.entrySet()) {
            String yaml = "Training." + e.getKey();
            boolean ours = p.path().equals(yaml) || p.path().startsWith(yaml + "[") || p.path().startsWith(yaml + ".");
            if (ours && (noFile || overrides.containsKey(e.getKey()))) {
                return new ConfigProblem(e.getValue() + p.path().substring(yaml.length()), p.message());
            }
        }
        return p;
    }

    private static EstimatorConfig read(Reader r, ObjectNode b, int version, Path file) {
        String p = "Training";
        r.object(b, p, Set.copyOf(KEYS));
        EstimatorMethod method = r.enumValue(b, "Method", p, true, EstimatorMethod.class, EstimatorMethod.CARL, METHODS);
        List<Path> data = new ArrayList<>();
        for (String s : r.stringList(b, "Data", p, true, true)) {
            data.add(r.resolve(s));
        }
        List<String> features = r.stringList(b, "Features", p, true, true);
        List<String> parameters = r.stringList(b, "Parameters", p, true, true);
        unique(r, parameters, "Training.Parameters");
        unique(r, features, "Training.Features");
        List<String> theta0 = perParameter(r, b, "Theta0", parameters, "theta0_", !method.localScore());
        List<String> theta1 = method.doubly() ? perParameter(r, b, "Theta1", parameters, "theta1_", true)
                : r.stringList(b, "Theta1", p, false, true);
        if (!method.doubly() && !theta1.isEmpty() && theta1.size() != parameters.size()) {
            r.problem("Training.Theta1", countMessage(theta1.size(), parameters));
        }
        if (!theta1.isEmpty() && method.localScore()) {
            r.problem("Training.Theta1", "SALLY has no θ1 (it regresses the score at θ_ref); remove Theta1, or give "
                    + "θ_ref with ReferenceTheta");
        }
        double[] reference = referenceTheta(r, b, parameters);
        String label = orDefault(r.string(b, "Label", p, false), "y");
        String jointRatio = orDefault(r.string(b, "JointRatio", p, false), "r_xz");
        List<String> score0 = perParameter(r, b, "JointScore0", parameters, "t_xz_", method.usesJointScore());
        List<String> score1 = List.of();
        if (method.usesJointScore1()) {
            score1 = perParameter(r, b, "JointScore1", parameters, "t_xz1_", true);
        } else if (b.has("JointScore1") && !b.get("JointScore1").isNull()) {
            r.problem("Training.JointScore1", "t(x,z|θ1) is used only by the doubly parametrised score methods "
                    + "(cascal2, rascal2, alices2: θ1 a network input); " + method.label() + " does not read it: remove JointScore1");
        }
        String weight = r.string(b, "Weight", p, false);

        ParamTrainingConfig d = ParamTrainingConfig.defaults(method);
        double alpha = orDefault(nonNegative(r, b, "Alpha"), d.alpha());
        List<Integer> hidden = d.hiddenLayers();
        JsonNode h = b.get("HiddenLayers");
        if (h != null && !h.isNull()) {
            if (!h.isArray() || h.isEmpty()) {
                r.problem("Training.HiddenLayers", "expected a non-empty list of layer widths, found " + Reader.describe(h));
            } else {
                List<Integer> w = new ArrayList<>();
                for (int i = 0; i < h.size(); i++) {
                    JsonNode x = h.get(i);
                    if (!x.canConvertToExactIntegral() || x.asLong() < 1 || x.asLong() > Integer.MAX_VALUE) {
                        r.problem("Training.HiddenLayers[" + i + "]", "expected a positive integer width, found "
                                + Reader.describe(x));
                    } else {
                        w.add(x.asInt());
                    }
                }
                if (w.size() == h.size()) {
                    hidden = w;
                }
            }
        }
        TrainingConfig.Activation act = r.enumValue(b, "Activation", p, false, TrainingConfig.Activation.class,
                d.activation(), ACTIVATIONS);
        ParamTrainingConfig.Optimizer opt = r.enumValue(b, "Optimizer", p, false, ParamTrainingConfig.Optimizer.class,
                d.optimizer(), OPTIMIZERS);
        double lr = orDefault(positive(r, b, "LearningRate"), d.initialLearningRate());
        Double lrFinal = positive(r, b, "FinalLearningRate");
        if (lrFinal == null) {
            lrFinal = b.has("LearningRate") ? lr / 10 : d.finalLearningRate();
        }
        double momentum = orDefault(nonNegative(r, b, "Momentum"), d.momentum());
        if (momentum >= 1) {
            r.problem("Training.Momentum", "must be below 1, found " + momentum);
        }
        int epochs = orDefault(integer(r, b, "Epochs", 1), d.epochs());
        int batch = orDefault(integer(r, b, "BatchSize", 1), d.batchSize());
        int patience = orDefault(integer(r, b, "Patience", 1), d.patience());
        int maxEvents = orDefault(integer(r, b, "MaxEvents", 0), d.maxEvents());
        int members = orDefault(integer(r, b, "Members", 1), 5);
        Long seed = null;
        JsonNode sv = b.get("Seed");
        if (sv != null && !sv.isNull()) {
            if (!sv.canConvertToExactIntegral() || !sv.canConvertToLong()) {
                r.problem("Training.Seed", "expected an integer, found " + Reader.describe(sv));
            } else {
                seed = sv.asLong();
            }
        }
        double validation = orDefault(fraction(r, b, "ValidationFraction"), d.validationFraction());
        double holdout = orDefault(fraction(r, b, "HoldoutFraction"), 0.1);
        Double beta = nonNegative(r, b, "ExpectationBeta");
        boolean scale = !b.has("ScaleInputs") || b.get("ScaleInputs").isNull() || bool(r, b, "ScaleInputs");
        boolean shuffle = bool(r, b, "ShuffleLabels");
        double lambda = orDefault(nonNegative(r, b, "XGradientPenalty"), 0.0);
        if (lambda > 0 && method.localScore()) {
            r.problem("Training.XGradientPenalty", "applies to ratio methods (ln r̂); SALLY outputs a score: remove it");
        }
        if (lambda > 0 && method.doubly()) {
            r.problem("Training.XGradientPenalty", "is not implemented for the doubly parametrised method "
                    + method.label() + ": remove it");
            lambda = 0;
        }
        Path output = r.path(b, "Output", p, true);
        String name = orDefault(r.string(b, "Name", p, false), method.label());
        if (!name.matches("[A-Za-z0-9_.+-]+")) {
            r.problem("Training.Name", "'" + name + "' is not a file-name stem; use letters, digits, '_', '-', '.', '+'");
        }
        ParamTrainingConfig training = null;
        try {
            training = new ParamTrainingConfig(ParamTrainingConfig.FORMAT_VERSION, method, alpha, hidden, act, opt, lr,
                    lrFinal, momentum, epochs, batch, validation, patience, seed == null ? d.seed() : seed, scale, shuffle,
                    maxEvents, true, method.localScore() ? 0 : lambda);
        } catch (IllegalArgumentException e) {
            r.problem("Training", e.getMessage());
        }
        return new EstimatorConfig(version, file == null ? null : file.toAbsolutePath(), data, features, parameters,
                theta0, theta1, reference, label, jointRatio, score0, weight, training, members, holdout, beta, output, name,
                score1);
    }

    private static List<String> perParameter(Reader r, ObjectNode b, String key, List<String> parameters,
            String prefix, boolean needed) {
        List<String> given = r.stringList(b, key, "Training", false, true);
        if (given.isEmpty()) {
            List<String> def = new ArrayList<>();
            for (String q : parameters) {
                def.add(prefix + q);
            }
            return def;
        }
        if (given.size() != parameters.size()) {
            r.problem("Training." + key, countMessage(given.size(), parameters));
        }
        return given;
    }

    private static String countMessage(int n, List<String> parameters) {
        return n + " column" + (n == 1 ? "" : "s") + " for the " + parameters.size() + " parameter"
                + (parameters.size() == 1 ? "" : "s") + " " + parameters + "; give one column per parameter, in the order of Parameters";
    }

    private static double[] referenceTheta(Reader r, ObjectNode b, List<String> parameters) {
        JsonNode n = b.get("ReferenceTheta");
        String p = "Training.ReferenceTheta";
        if (n == null || n.isNull()) {
            return null;
        }
        double[] out = new double[parameters.size()];
        if (n.isArray()) {
            if (n.size() != parameters.size()) {
                r.problem(p, n.size() + " values for the " + parameters.size() + " parameters " + parameters);
                return null;
            }
            for (int i = 0; i < n.size(); i++) {
                if (!n.get(i).isNumber() || !Double.isFinite(n.get(i).asDouble())) {
                    r.problem(p + "[" + i + "]", "expected a number, found " + Reader.describe(n.get(i)));
                    return null;
                }
                out[i] = n.get(i).asDouble();
            }
            return out;
        }
        if (!n.isObject()) {
            r.problem(p, "expected the values per parameter, e.g. {k: 2, lambda: 1} or [2, 1], found " + Reader.describe(n));
            return null;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> {
            if (!parameters.contains(e.getKey())) {
                String hint = org.ratiofit.ratio.data.Names.closest(e.getKey(), parameters);
                r.problem(p + "." + e.getKey(), "not one of the parameters " + parameters
                        + (hint != null ? " (did you mean '" + hint + "'?)" : ""));
            } else if (!e.getValue().isNumber() || !Double.isFinite(e.getValue().asDouble())) {
                r.problem(p + "." + e.getKey(), "expected a number, found " + Reader.describe(e.getValue()));
            } else {
                m.put(e.getKey(), e.getValue().asDouble());
            }
        });
        for (int i = 0; i < parameters.size(); i++) {
            Double v = m.get(parameters.get(i));
            if (v == null) {
                if (m.size() == n.size()) {
                    r.problem(p, "no value for parameter '" + parameters.get(i) + "'; give every parameter of " + parameters);
                }
                return null;
            }
            out[i] = v;
        }
        return out;
    }

    private static void unique(Reader r, List<String> names, String path) {
        Set<String> seen = new java.util.HashSet<>();
        for (String s : names) {
            if (!seen.add(s)) {
                r.problem(path, "'" + s + "' is listed twice");
            }
        }
    }

    private static Integer integer(Reader r, ObjectNode b, String key, int min) {
        JsonNode n = b.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToExactIntegral() || !n.canConvertToInt()) {
            r.problem("Training." + key, "expected an integer, found " + Reader.describe(n));
            return null;
        }
        if (n.asInt() < min) {
            r.problem("Training." + key, "must be at least " + min + ", found " + n.asInt());
            return null;
        }
        return n.asInt();
    }

    private static Double positive(Reader r, ObjectNode b, String key) {
        Double v = r.number(b, key, "Training", false);
        if (v != null && !(v > 0)) {
            r.problem("Training." + key, "must be positive, found " + v);
            return null;
        }
        return v;
    }

    private static Double nonNegative(Reader r, ObjectNode b, String key) {
        Double v = r.number(b, key, "Training", false);
        if (v != null && !(v >= 0)) {
            r.problem("Training." + key, "must be zero or positive, found " + v);
            return null;
        }
        return v;
    }

    private static Double fraction(Reader r, ObjectNode b, String key) {
        Double v = r.number(b, key, "Training", false);
        if (v != null && !(v >= 0 && v < 1)) {
            r.problem("Training." + key, "must be in [0, 1), found " + v);
            return null;
        }
        return v;
    }

    private static boolean bool(Reader r, ObjectNode b, String key) {
        return r.bool(b, key, "Training");
    }

    private static <T> T orDefault(T v, T d) {
        return v == null ? d : v;
    }

    private static <E extends Enum<E>> Map<String, E> spellings(E[] values) {
        Map<String, E> m = new LinkedHashMap<>();
        for (E e : values) {
            m.put(e.name().toLowerCase(Locale.ROOT).replace("_", ""), e);
        }
        return m;
    }
}
