package org.ratiofit.ratio;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.onnx.GraphEvaluator;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An ONNX ratio model with its sidecar: columns of features in, per-event log-ratios out.
 * Evaluation runs through ONNX Runtime on float32 tensors in chunks of
 * {@link InferenceOptions#chunkRows()} events. Loading checks the graph against the sidecar from
 * the ONNX file's declarations ({@link OnnxGraphCheck}); the ONNX Runtime session is opened at the
 * first evaluation that needs it (never, where {@link BatchedThetaGradient} evaluates the network).
 * Close it to release the session.
 * Not thread-safe: use one instance per thread.
 *
 * <p>The parts live in files of their own: {@link ModelInputs} (columns, θ and scaling),
 * {@link ModelSession} (the ONNX Runtime session and its checks against the sidecar),
 * {@link BinaryOutput} (score, logit or log-ratio output to ln r), {@link MulticlassOutput}
 * (softmax outputs to ln r per class), {@link ChunkedInference} (the plain chunk loop) and
 * {@link InferencePipeline} (the pipelined loop of an ensemble).
 */
public final class RatioModel implements AutoCloseable {
    /** ONNX metadata key under which {@link org.ratiofit.ratio.onnx.OnnxMlpWriter} records the input columns. */
    public static final String FEATURES_METADATA_KEY = "ratiofit.features";

    private final String name;
    private final Path sidecarPath;
    private final Path onnxPath;
    private final ModelSidecar sidecar;
    private final InferenceOptions options;
    private final ModelInputs inputs;
    /** Opened on first use (loading checks the graph's declarations without it): null until then. */
    private ModelSession session;
    private boolean closed;
    private final String outputName;
    private final int outWidth;
    private final BinaryOutput binary;
    /** Null unless a softmax model. */
    private final MulticlassOutput multiclass;
    private GraphEvaluator graphEvaluator;
    private boolean graphEvaluatorTried;
    private String graphEvaluatorProblem;

    private RatioModel(ModelSidecar sc, Path sidecarPath, Path onnxPath, InferenceOptions options) {
        this.sidecar = sc;
        this.name = sc.name() != null ? sc.name() : String.valueOf(sidecarPath);
        this.sidecarPath = sidecarPath;
        this.onnxPath = onnxPath;
        this.options = options;
        ModelInputs in = new ModelInputs(name, sc);
        OnnxGraphCheck.Result declared = null;
        if (java.nio.file.Files.isRegularFile(onnxPath)) {
            ai.onnx.proto.OnnxMl.ModelProto proto = null;
            try {
                proto = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(java.nio.file.Files.readAllBytes(onnxPath));
            } catch (java.io.IOException e) {
                // not readable as ONNX protobuf: ONNX Runtime, below, reports it
            }
            if (proto != null && proto.hasGraph()) declared = OnnxGraphCheck.check(proto, sc, in, name, where());
        }
        inputs = in;
        binary = new BinaryOutput(sc, name, where());
        multiclass = MulticlassOutput.of(sc, name, binary.clipLo(), binary.clipHi());
        if (declared == null) {
            session = openSession(); // the session's own checks and messages
            outputName = session.outputName;
            outWidth = session.outWidth;
        } else {
            outputName = declared.outputName();
            outWidth = declared.outWidth();
        }
    }

    /** Opens the ONNX Runtime session and checks it against the sidecar. */
    private ModelSession openSession() {
        var env = OnnxRuntimes.environment();
        OrtSession ort = ModelSession.open(env, onnxPath, options, name, where());
        try {
            return new ModelSession(env, ort, sidecar, inputs, name, where());
        } catch (RuntimeException | OrtException e) {
            ModelSession.closeQuietly(ort);
            if (e instanceof RatioModelException r) throw r;
            throw new RatioModelException("ratio model '" + name + "': cannot inspect ONNX graph " + onnxPath + ": " + e.getMessage(), e);
        }
    }

    /** Loads a model from its sidecar with default options. */
    public static RatioModel load(Path sidecar) {
        return load(sidecar, InferenceOptions.DEFAULT);
    }

    /** Loads a model from its sidecar; the ONNX path in the sidecar is relative to the sidecar's folder. */
    public static RatioModel load(Path sidecar, InferenceOptions options) {
        ModelSidecar sc = Sidecars.read(sidecar);
        Path dir = sidecar.toAbsolutePath().getParent();
        return new RatioModel(sc, sidecar, dir.resolve(sc.onnx()), options);
    }

    /** Builds a model from an in-memory sidecar whose ONNX path is relative to {@code baseDir}. */
    public static RatioModel of(ModelSidecar sc, Path baseDir, InferenceOptions options) {
        Sidecars.validate(sc, "(in memory, base " + baseDir + ")");
        return new RatioModel(sc, null, baseDir.resolve(sc.onnx()), options);
    }

    public String name() {
        return name;
    }

    public ModelSidecar sidecar() {
        return sidecar;
    }

    public Path onnxPath() {
        return onnxPath;
    }

    public List<String> features() {
        return sidecar.features();
    }

    /** Every θ input in order (for a doubly parametrised model θ0's names, then θ1's). */
    public List<String> parameters() {
        return sidecar.parameterList();
    }

    /**
     * Whether this is a doubly parametrised model r(x|θ0, θ1) (MadMiner's methods with suffix 2):
     * {@link #parameters()} then lists θ0's names followed by the θ1 inputs'
     * ({@link #denominatorParameters()}), and every θ given to it has θ0's values then θ1's.
     */
    public boolean isDoublyParametrised() {
        return !sidecar.denominatorParameterList().isEmpty();
    }

    /** The θ1 inputs of a doubly parametrised model, in input order (empty otherwise). */
    public List<String> denominatorParameters() {
        return sidecar.denominatorParameterList();
    }

    /** Whether θ is a network input (not the case for SALLY models, whose parameters label outputs). */
    public boolean isParametrised() {
        return inputs.nParams > 0;
    }

    public boolean isMulticlass() {
        return multiclass != null;
    }

    public InferenceOptions options() {
        return options;
    }

    /** Number of values the network outputs per event. */
    public int outputWidth() {
        return outWidth;
    }

    // ------------------------------------------------------------------ binary log-ratios

    /** ln r per event; columns in the order of {@link #features()}. */
    public double[] logRatios(double[][] featureColumns) {
        return evaluate(featureColumns, null).logRatio();
    }

    /** ln r(x|θ) per event for a parametrised model at one θ (order of {@link #parameters()}). */
    public double[] logRatios(double[][] featureColumns, double[] theta) {
        return evaluate(featureColumns, theta).logRatio();
    }

    /** ln r per event; columns by name (θ by name too, for a parametrised model evaluated per event). */
    public double[] logRatios(Map<String, double[]> columns) {
        return evaluate(columns, null).logRatio();
    }

    public Evaluation evaluate(Map<String, double[]> columns, double[] theta) {
        return evaluate(inputs.select(columns, theta), theta);
    }

    /**
     * ln r per event with clip counts. {@code theta} is one θ for every event, or null when the
     * model has no parameters (or when θ columns follow the feature columns, one per parameter).
     */
    public Evaluation evaluate(double[][] columns, double[] theta) {
        if (sidecar.output() == OutputConvention.LOCAL_SCORE) {
            throw new RatioModelException("ratio model '" + name + "' outputs the local score (SALLY), not a log-ratio: use localScores()");
        }
        if (isMulticlass()) {
            if (multiclass.numClass < 0) {
                throw new RatioModelException("ratio model '" + name + "' is multiclass " + sidecar.multiclass().classes()
                        + " without a 'numerator' class: use evaluateMulticlass() or set 'numerator' in " + where());
            }
            MulticlassEvaluation m = evaluateMulticlass(columns, theta);
            return new Evaluation(name, m.logRatio()[multiclass.numClass], m.clippedLow(), m.clippedHigh());
        }
        int n = checkColumns(columns, theta);
        return binary.convert(run(columns, theta, n), n);
    }

    /** Multiclass log-ratios of every class against the reference class. */
    public record MulticlassEvaluation(String model, List<String> classes, String reference, double[][] logRatio,
                                       long clippedLow, long clippedHigh) {}

    public MulticlassEvaluation evaluateMulticlass(double[][] columns, double[] theta) {
        if (!isMulticlass()) throw new RatioModelException("ratio model '" + name + "' is not a softmax model");
        int n = checkColumns(columns, theta);
        return multiclass.convert(run(columns, theta, n), n, outWidth);
    }

    /**
     * SALLY-style local scores t(x), [parameter][event], for a {@code local_score} model (whose
     * network takes the features only; the sidecar's parameters name the score components).
     */
    public double[][] localScores(double[][] columns) {
        if (sidecar.output() != OutputConvention.LOCAL_SCORE) {
            throw new RatioModelException("ratio model '" + name + "' does not output a local score (output is " + sidecar.output() + ")");
        }
        int n = checkColumns(columns, null);
        float[] raw = run(columns, null, n);
        double[][] t = new double[outWidth][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < outWidth; j++) {
                double v = raw[i * outWidth + j];
                if (!Double.isFinite(v)) throw new RatioModelException("ratio model '" + name + "': local score component " + j + " at row " + i + " (counted from 0)" + " is " + v);
                t[j][i] = v;
            }
        }
        return t;
    }

    /** The network's raw float32 outputs, row-major [event][output], after scaling the inputs. */
    public float[] rawOutputs(double[][] columns, double[] theta) {
        int n = checkColumns(columns, theta);
        return run(columns, theta, n);
    }

    // ------------------------------------------------------------------ θ-gradients

    /**
     * ln r(x|θ) and its gradient with respect to θ at one θ, through scaling, network, output
     * conversion, class-prior correction and calibration. Exact (reverse mode in double
     * precision) when every node of the graph is one {@link GraphEvaluator} supports, else central
     * finite differences through ONNX Runtime.
     */
    public ThetaGradient logRatioGradient(double[][] featureColumns, double[] theta) {
        if (!isParametrised()) throw new RatioModelException("ratio model '" + name + "' has no parameters θ");
        if (isMulticlass() || sidecar.output() == OutputConvention.LOCAL_SCORE) {
            throw new RatioModelException("ratio model '" + name + "': θ-gradients are implemented for binary score/logit/log_ratio models");
        }
        if (theta == null || theta.length != inputs.nParams) {
            throw new RatioModelException("ratio model '" + name + "': θ needs " + inputs.nParams + " values " + sidecar.parameterList());
        }
        int n = checkColumns(featureColumns, theta);
        GraphEvaluator ge = graphEvaluator();
        if (ge != null) return ThetaGradients.exact(this, ge, featureColumns, theta, n);
        return ThetaGradients.finiteDifferences(this, featureColumns, theta, n);
    }

    /**
     * ln r(x_i|θ_i) and its gradient with respect to θ at a θ per event: {@code thetaColumns[j][i]}
     * is parameter j (order of {@link #parameters()}) at event i, e.g. a parameter that is a linear
     * predictor of per-event covariates. Exact or finite differences as {@link #logRatioGradient};
     * the result's {@code theta()} is null.
     */
    public ThetaGradient logRatioGradientPerEvent(double[][] featureColumns, double[][] thetaColumns) {
        if (!isParametrised()) throw new RatioModelException("ratio model '" + name + "' has no parameters θ");
        if (isMulticlass() || sidecar.output() == OutputConvention.LOCAL_SCORE) {
            throw new RatioModelException("ratio model '" + name + "': θ-gradients are implemented for binary score/logit/log_ratio models");
        }
        if (thetaColumns == null || thetaColumns.length != inputs.nParams) {
            throw new RatioModelException("ratio model '" + name + "': per-event θ needs " + inputs.nParams + " columns " + sidecar.parameterList()
                    + ", got " + (thetaColumns == null ? "none" : thetaColumns.length));
        }
        if (featureColumns == null) {
            throw new RatioModelException("ratio model '" + name + "': feature columns are null");
        }
        int nParams = inputs.nParams;
        double[][] all = new double[featureColumns.length + nParams][];
        System.arraycopy(featureColumns, 0, all, 0, featureColumns.length);
        System.arraycopy(thetaColumns, 0, all, featureColumns.length, nParams);
        int n = checkColumns(all, null);
        for (int j = 0; j < nParams; j++) {
            double[] t = thetaColumns[j];
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(t[i])) {
                    throw new RatioModelException("ratio model '" + name + "': θ '" + sidecar.parameterList().get(j) + "' is " + t[i] + " at row " + i + " (counted from 0)");
                }
            }
        }
        GraphEvaluator ge = graphEvaluator();
        if (ge != null) return ThetaGradients.exact(this, ge, featureColumns, null, thetaColumns, n);
        return ThetaGradients.finiteDifferencesPerEvent(this, all, n);
    }

    /** The double-precision evaluator of this model's graph, or null if the graph has an unsupported node. */
    public synchronized GraphEvaluator graphEvaluator() {
        if (!graphEvaluatorTried) {
            graphEvaluatorTried = true;
            try {
                graphEvaluator = GraphEvaluator.load(onnxPath);
            } catch (GraphEvaluator.UnsupportedGraphException e) {
                graphEvaluatorProblem = e.getMessage();
            }
        }
        return graphEvaluator;
    }

    /** Why the exact evaluator is not available, or null. */
    public String graphEvaluatorProblem() {
        graphEvaluator();
        return graphEvaluatorProblem;
    }


    // ------------------------------------------------------------------ internals shared within the package

    ModelInputs inputs() {
        return inputs;
    }

    /** Whether the ONNX Runtime session has been opened (for tests). */
    synchronized boolean sessionOpen() {
        return session != null;
    }

    /** The ONNX Runtime session, opened on first use. */
    synchronized ModelSession session() {
        if (closed) throw new RatioModelException("ratio model '" + name + "' is closed");
        if (session == null) session = openSession();
        return session;
    }

    /** The output conversion of a binary (score, logit, log_ratio) model. */
    BinaryOutput binaryOutput() {
        return binary;
    }

    String inputName() {
        return sidecar.inputName();
    }

    String parameterInputName() {
        return sidecar.parameterInputName();
    }

    String outputName() {
        return outputName;
    }

    boolean separateParams() {
        return inputs.separateParams;
    }

    int nFeatures() {
        return inputs.nFeatures;
    }

    int nParams() {
        return inputs.nParams;
    }

    FeatureScaler mainScaler() {
        return inputs.mainScaler;
    }

    FeatureScaler paramScaler() {
        return inputs.paramScaler;
    }

    /** ln r from one raw binary output, with d ln r/d output; clip counted in {@code clipped}. */
    double convertOne(double v, int row, long[] clipped, double[] dOut) {
        return binary.convertOne(v, row, clipped, dOut);
    }

    /** See {@link BinaryOutput#convert(FloatBuffer, double[], int, int, long[], float[], double[])}. */
    boolean convertBinary(FloatBuffer raw, double[] out, int start, int rows, long[] clipped, float[] staging, double[] ratio) {
        return binary.convert(raw, out, start, rows, clipped, staging, ratio);
    }

    /** Checks the columns (count, length, θ) and returns the number of events. */
    int checkColumns(double[][] columns, double[] theta) {
        return inputs.checkColumns(columns, theta);
    }

    /**
     * Runs the network over all events: scales, converts to float32, feeds chunks to ONNX
     * Runtime. Columns: features, then θ columns when {@code theta} is null and the model has θ.
     */
    float[] run(double[][] columns, double[] theta, int n) {
        return ChunkedInference.run(List.of(this), columns, theta, n)[0];
    }

    /**
     * Whether {@code o} turns the same columns into the same input tensors (same input names,
     * columns and scaling), so an ensemble can scale and convert each chunk once for all members.
     */
    boolean sameInputs(RatioModel o) {
        return inputs.sameAs(o.inputs);
    }

    boolean isBinary() {
        return !isMulticlass() && sidecar.output() != OutputConvention.LOCAL_SCORE;
    }

    private String where() {
        return sidecarPath != null ? sidecarPath.toString() : "the sidecar";
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (session != null) session.close();
        session = null;
    }

    @Override
    public String toString() {
        return "RatioModel[" + name + ", " + onnxPath + "]";
    }
}
