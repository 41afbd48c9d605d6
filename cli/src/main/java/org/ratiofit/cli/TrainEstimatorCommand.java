package org.ratiofit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ratiofit.ratio.training.param.ParamTrainer;
import org.ratiofit.workspace.config.EstimatorConfig;
import org.ratiofit.workspace.config.EstimatorConfigLoader;
import org.ratiofit.workspace.train.EstimatorTraining;
import org.ratiofit.workspace.train.EstimatorTrainingReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratiofit train-estimator}: a MadMiner-style estimator ensemble (CARL … ALICES, SALLY) from augmented data files. */
@Command(name = "train-estimator", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Train a MadMiner-style estimator ensemble (CARL, ROLR, ALICE, CASCAL, RASCAL, ALICES, SALLY; CARL2 ... ALICES2) from augmented data.",
        description = {
            "Train an ensemble of parametrised ratio estimators ln r(x|theta0, theta1)",
            "(theta1 fixed) or of SALLY score estimators t(x|theta_ref) from augmented",
            "data: per event the features x, theta0, the label y (0: drawn at theta0,",
            "1: drawn at theta1), the joint ratio r_xz and the joint score t_xz, read by",
            "column name from .csv, .npy, .npz or .h5 files (each column from the first",
            "file that has it). Settings come from the estimator configuration's",
            "Training block (Version: 1); the options below override it, or give",
            "everything without a configuration. Writes the ensemble folder",
            "(NAME-K.onnx, NAME-K.json, NAME-K.estimator.json, ensemble.json,",
            "NAME.training.json) whole or not at all, and prints per member the epochs,",
            "the best epoch and loss, and the expectation check on held-out events:",
            "E[r] = 1 over the events drawn at theta1 (ratio methods), E[t] = 0 (SALLY).",
            "The doubly parametrised methods carl2, rolr2, alice2, cascal2, rascal2,",
            "alices2 take theta1 as a network input too: they read theta1 per event",
            "(default theta1_NAME) and, for the score methods, the joint score at",
            "theta1 (default t_xz1_NAME)."},
        footer = {"", "Examples:",
            "  ratiofit train-estimator alices.yml",
            "  ratiofit train-estimator alices.yml --members 3 --seed 7 --overwrite",
            "  ratiofit train-estimator --method sally --data sally.csv \\",
            "      --features x1,x2 --parameters k,lambda \\",
            "      --reference-theta k=2,lambda=1 -o models/sally --json",
            "  ratiofit train-estimator --method alices2 --data doubly.npz \\",
            "      --features x1,x2 --parameters k,lambda -o models/alices2"})
public final class TrainEstimatorCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG",
            description = "The estimator configuration (YAML with Version and a Training block); optional when the options name everything.")
    Path config;

    @Option(names = "--method", paramLabel = "METHOD", description = "carl, rolr, alice, cascal, rascal, alices, sally, or the doubly parametrised carl2, rolr2, alice2, cascal2, rascal2, alices2 (Training.Method).")
    String method;

    @Option(names = "--data", split = ",", paramLabel = "FILE", description = "Data files, in look-up order (Training.Data).")
    List<Path> data;

    @Option(names = "--features", split = ",", paramLabel = "COLUMN", description = "The x columns, in input order (Training.Features).")
    List<String> features;

    @Option(names = "--parameters", split = ",", paramLabel = "NAME", description = "The parameter names, in order (Training.Parameters).")
    List<String> parameters;

    @Option(names = "--theta0", split = ",", paramLabel = "COLUMN", description = "The theta0 column per parameter (default theta0_NAME).")
    List<String> theta0;

    @Option(names = "--theta1", split = ",", paramLabel = "COLUMN", description = "The theta1 column per parameter: optional and constant for the singly parametrised methods; per event for the methods with suffix 2 (default theta1_NAME).")
    List<String> theta1;

    @Option(names = "--reference-theta", split = ",", paramLabel = "NAME=VALUE",
            description = "theta1 (ratio methods) or theta_ref (SALLY), recorded in the sidecars (Training.ReferenceTheta).")
    List<String> referenceTheta;

    @Option(names = "--label", paramLabel = "COLUMN", description = "The label column y (default y).")
    String label;

    @Option(names = "--joint-ratio", paramLabel = "COLUMN", description = "The joint ratio column (default r_xz).")
    String jointRatio;

    @Option(names = "--joint-score0", split = ",", paramLabel = "COLUMN", description = "The joint score column per parameter (default t_xz_NAME).")
    List<String> jointScore0;

    @Option(names = "--joint-score1", split = ",", paramLabel = "COLUMN",
            description = "The joint score at theta1 per parameter, for cascal2, rascal2, alices2 (default t_xz1_NAME; Training.JointScore1).")
    List<String> jointScore1;

    @Option(names = "--weight", paramLabel = "COLUMN", description = "An event-weight column.")
    String weight;

    @Option(names = "--alpha", paramLabel = "ALPHA", description = "Weight of the score term of CASCAL, RASCAL, ALICES (default 1).")
    Double alpha;

    @Option(names = "--hidden", paramLabel = "WIDTHS", split = ",", description = "Hidden layer widths, comma-separated (default 64,64,64).")
    List<Integer> hidden;

    @Option(names = "--activation", paramLabel = "NAME", description = "swish, tanh or relu (default swish).")
    String activation;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "adam, amsgrad or sgd_nesterov (default adam).")
    String optimizer;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Initial learning rate, exponential decay (default 0.001).")
    Double learningRate;

    @Option(names = "--final-learning-rate", paramLabel = "LR", description = "Learning rate at the last epoch (default 0.0001, or a tenth of --learning-rate).")
    Double finalLearningRate;

    @Option(names = "--momentum", paramLabel = "M", description = "Nesterov momentum of sgd_nesterov (default 0.9).")
    Double momentum;

    @Option(names = "--batch-size", paramLabel = "N", description = "Events per optimiser step (default 128).")
    Integer batchSize;

    @Option(names = "--validation-fraction", paramLabel = "F", description = "Early-stopping validation split of the training events (default 0.25).")
    Double validationFraction;

    @Option(names = "--patience", paramLabel = "N", description = "Epochs without a better validation loss before stopping (default 10).")
    Integer patience;

    @Option(names = "--no-input-scaling", description = "Feed x and theta unscaled (default: standard scaling fitted on the training events).")
    boolean noInputScaling;

    @Option(names = "--shuffle-labels", description = "Shuffle the labels y (the null test: r should come out 1).")
    boolean shuffleLabels;

    @Option(names = "--max-events", paramLabel = "N", description = "Use at most N training events (default 0: all).")
    Integer maxEvents;

    @Option(names = "--x-gradient-penalty", paramLabel = "LAMBDA", description = "lambda of the regulariser lambda*mean|grad_x ln r|^2 (default 0).")
    Double xGradientPenalty;

    @Option(names = "--holdout-fraction", paramLabel = "F", description = "Events kept out of training for the expectation check (default 0.1).")
    Double holdoutFraction;

    @Option(names = "--expectation-beta", paramLabel = "BETA",
            description = "Write beta of MadMiner's expectation-based member weights exp(-beta |E_i|) into ensemble.json (default: none, the plain committee).")
    Double expectationBeta;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "The ensemble folder to write (Training.Output).")
    Path output;

    @Option(names = "--name", paramLabel = "NAME", description = "File-name stem of the members (default: the method).")
    String name;

    /** --members, --epochs, --seed, --overwrite: shared with train. */
    @CommandLine.Mixin
    EnsembleTrainingOptions ensemble = new EnsembleTrainingOptions();

    @CommandLine.Mixin
    JsonOption.Results jsonOption;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Whether a YAML file is an estimator configuration: a Training block with Method, and no Samples. */
    static boolean isEstimatorConfig(Path file) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            return root != null && root.isObject() && !root.has("Samples") && root.path("Training").has("Method");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        boolean json = jsonOption.json;
        TrainCommand.quietDjlLog();
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, JsonNode> over = overrides(options);
        if (config == null && over.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "give an estimator configuration (CONFIG) or the options "
                    + "--method, --data, --features, --parameters and -o");
        }
        EstimatorConfig c = EstimatorConfigLoader.load(config, over, options);
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        int epochs = c.training().epochs();
        boolean lines = !json && System.console() == null;
        EstimatorTrainingReport r;
        try (Progress p = Progress.start(!json, "training " + c.name(), (long) c.members() * epochs)) {
            ParamTrainer.EpochListener listener = (member, epoch, train, val) -> {
                p.stepTo((long) member * epochs + epoch + 1);
                p.message(String.format(Locale.ROOT, "member %d/%d", member + 1, c.members()));
                if (lines) {
                    err.printf(Locale.ROOT, "%s member %d/%d epoch %d/%d: train loss %.5g, validation loss %.5g%n", c.name(),
                            member + 1, c.members(), epoch + 1, epochs, train, val);
                    err.flush();
                }
            };
            try {
                r = EstimatorTraining.run(c, ensemble.overwrite, config == null || output != null ? "-o" : "Training.Output",
                        listener);
            } catch (org.ratiofit.workspace.config.ConfigException e) {
                throw EstimatorConfigLoader.relabel(e, over, options);
            }
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("formatVersion", Output.FORMAT_VERSION);
            m.put("command", "train-estimator");
            m.put("training", r);
            out.println(Output.JSON.writeValueAsString(m));
        } else {
            print(out, r);
        }
        out.flush();
        return 0;
    }

    /** The options given, as values of the Training block's keys (paths absolute). */
    private Map<String, JsonNode> overrides(Map<String, String> options) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Map<String, JsonNode> o = new LinkedHashMap<>();
        put(o, options, "Method", "--method", method == null ? null : f.textNode(method));
        ArrayNode dataFiles = null;
        if (data != null) {
            dataFiles = f.arrayNode();
            for (Path d : data) {
                dataFiles.add(d.toAbsolutePath().normalize().toString());
            }
        }
        put(o, options, "Data", "--data", dataFiles);
        put(o, options, "Features", "--features", strings(features));
        put(o, options, "Parameters", "--parameters", strings(parameters));
        put(o, options, "Theta0", "--theta0", strings(theta0));
        put(o, options, "Theta1", "--theta1", strings(theta1));
        ObjectNode t = null;
        if (referenceTheta != null) {
            t = f.objectNode();
            for (String s : referenceTheta) {
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--reference-theta takes NAME=VALUE pairs, e.g. k=2,lambda=1; found '" + s + "'");
                }
                try {
                    t.put(s.substring(0, eq).strip(), Double.parseDouble(s.substring(eq + 1).strip()));
                } catch (NumberFormatException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--reference-theta: '" + s.substring(eq + 1) + "' is not a number");
                }
            }
        }
        put(o, options, "ReferenceTheta", "--reference-theta", t);
        put(o, options, "Label", "--label", label == null ? null : f.textNode(label));
        put(o, options, "JointRatio", "--joint-ratio", jointRatio == null ? null : f.textNode(jointRatio));
        put(o, options, "JointScore0", "--joint-score0", strings(jointScore0));
        put(o, options, "JointScore1", "--joint-score1", strings(jointScore1));
        put(o, options, "Weight", "--weight", weight == null ? null : f.textNode(weight));
        put(o, options, "Alpha", "--alpha", alpha == null ? null : f.numberNode(alpha));
        ArrayNode widths = null;
        if (hidden != null) {
            widths = f.arrayNode();
            for (Integer w : hidden) {
                widths.add(w);
            }
        }
        put(o, options, "HiddenLayers", "--hidden", widths);
        put(o, options, "Activation", "--activation", activation == null ? null : f.textNode(activation));
        put(o, options, "Optimizer", "--optimizer", optimizer == null ? null : f.textNode(optimizer));
        put(o, options, "LearningRate", "--learning-rate", learningRate == null ? null : f.numberNode(learningRate));
        put(o, options, "FinalLearningRate", "--final-learning-rate",
                finalLearningRate == null ? null : f.numberNode(finalLearningRate));
        put(o, options, "Momentum", "--momentum", momentum == null ? null : f.numberNode(momentum));
        put(o, options, "Epochs", "--epochs", ensemble.epochs == null ? null : f.numberNode(ensemble.epochs));
        put(o, options, "BatchSize", "--batch-size", batchSize == null ? null : f.numberNode(batchSize));
        put(o, options, "ValidationFraction", "--validation-fraction",
                validationFraction == null ? null : f.numberNode(validationFraction));
        put(o, options, "Patience", "--patience", patience == null ? null : f.numberNode(patience));
        put(o, options, "ScaleInputs", "--no-input-scaling", noInputScaling ? f.booleanNode(false) : null);
        put(o, options, "ShuffleLabels", "--shuffle-labels", shuffleLabels ? f.booleanNode(true) : null);
        put(o, options, "MaxEvents", "--max-events", maxEvents == null ? null : f.numberNode(maxEvents));
        put(o, options, "XGradientPenalty", "--x-gradient-penalty",
                xGradientPenalty == null ? null : f.numberNode(xGradientPenalty));
        put(o, options, "Members", "--members", ensemble.members == null ? null : f.numberNode(ensemble.members));
        put(o, options, "Seed", "--seed", ensemble.seed == null ? null : f.numberNode(ensemble.seed));
        put(o, options, "HoldoutFraction", "--holdout-fraction", holdoutFraction == null ? null : f.numberNode(holdoutFraction));
        put(o, options, "ExpectationBeta", "--expectation-beta", expectationBeta == null ? null : f.numberNode(expectationBeta));
        put(o, options, "Output", "-o", output == null ? null : f.textNode(output.toAbsolutePath().normalize().toString()));
        put(o, options, "Name", "--name", name == null ? null : f.textNode(name));
        return o;
    }

    /** Records the option of {@code key} (for messages) and its value when given. */
    private static void put(Map<String, JsonNode> o, Map<String, String> options, String key, String option, JsonNode v) {
        options.put(key, option);
        if (v != null) {
            o.put(key, v);
        }
    }

    private static ArrayNode strings(List<String> list) {
        if (list == null) {
            return null;
        }
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        list.forEach(a::add);
        return a;
    }

    static void print(PrintWriter out, EstimatorTrainingReport r) {
        boolean sally = "local_score".equals(r.output());
        out.printf(Locale.ROOT, "trained %s: %d member%s of %s (%s) on %d events (%d held out) in %.1f s -> %s%n", r.name(),
                r.members(), r.members() == 1 ? "" : "s", r.method().toUpperCase(Locale.ROOT),
                sally ? "score t(x|theta_ref)" : "ln r(x|theta0, theta1)", r.trainingEvents(), r.holdoutEvents(),
                r.seconds(), r.folder());
        boolean doubly = r.method().endsWith("2");
        out.printf(Locale.ROOT, "features %s, parameters %s%s%n", r.features(), r.parameters(),
                doubly ? ", theta1 a network input (theta1_NAME after theta0 in the ONNX input)"
                        : r.referenceTheta() == null ? "" : ", " + (sally ? "theta_ref " : "theta1 ")
                        + java.util.Arrays.toString(r.referenceTheta()));
        List<String> h = new ArrayList<>(List.of("member", "epochs", "best epoch", "stopped early", "final train loss",
                "best val. loss"));
        List<String> q = new ArrayList<>();
        if (sally) {
            r.parameters().forEach(p -> q.add("E[t_" + p + "]"));
        } else {
            q.add("E[r]-1");
        }
        q.forEach(x -> h.add(x + " (held out)"));
        List<List<String>> rows = new ArrayList<>();
        for (EstimatorTrainingReport.Member m : r.memberResults()) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(m.index()), Integer.toString(m.epochs()),
                    Integer.toString(m.bestEpoch() + 1), m.stoppedEarly() ? "yes" : "no",
                    Output.num4(m.trainLoss()[m.trainLoss().length - 1]), Output.num4(m.bestValidationLoss())));
            row.addAll(expectationCells(m.expectation(), q.size()));
            rows.add(row);
        }
        if (r.memberResults().size() > 1) {
            List<String> row = new ArrayList<>(List.of("ensemble", "", "", "", "", ""));
            row.addAll(expectationCells(r.ensemble(), q.size()));
            rows.add(row);
        }
        out.print(Tables.format(h, rows));
        if (r.expectationBeta() != null) {
            out.printf(Locale.ROOT, "ensemble.json: expectation-based member weights with beta = %s (build and validate fit "
                    + "them on their reference sample)%s%n", Output.num4(r.expectationBeta()), r.expectationWeights() == null ? ""
                    : "; on the held-out events: " + java.util.Arrays.stream(r.expectationWeights()).mapToObj(Output::num4)
                            .collect(java.util.stream.Collectors.joining(", ")));
        }
        for (EstimatorTrainingReport.Member m : r.memberResults()) {
            if (m.stoppedEarly() && m.bestEpoch() == 0 && m.epochs() > 1) {
                out.printf(Locale.ROOT, "warning: member %d never improved on its first epoch (early stopping after %d); "
                        + "it may be stuck (ratios near 1 pass the expectation check): train again with another --seed%n",
                        m.index(), m.epochs());
            }
        }
        if (r.ensemble() != null && r.ensemble().worstPull() > 3) {
            out.printf(Locale.ROOT, "warning: the ensemble's expectation check is %.1f standard errors off; train longer or on "
                    + "more events before using it%n", r.ensemble().worstPull());
        }
        out.println("best epoch counts from 1; the summary is in " + Path.of(r.folder()).resolve(EstimatorTraining.summaryFile(r.name())));
    }

    private static List<String> expectationCells(EstimatorTrainingReport.Expectation e, int n) {
        List<String> c = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            c.add(e == null ? "-" : Output.num4(e.deviation()[j]) + " +- " + Output.num4(e.standardError()[j]));
        }
        return c;
    }
}
