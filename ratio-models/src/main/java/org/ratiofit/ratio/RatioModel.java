package org.ratiofit.ratio;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.onnx.GraphEvaluator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An ONNX ratio model with its sidecar: columns of features in, per-event log-ratios out.
 * Evaluation runs through ONNX Runtime on float32 tensors in chunks of
 * {@link InferenceOptions#chunkRows()} events. Close it to release the ONNX Runtime session.
 * Not thread-safe: use one instance per thread.
 */
public final class RatioModel implements AutoCloseable {
    private final String name;
    private final Path sidecarPath;
    private final Path onnxPath;
    private final ModelSidecar sidecar;
    private final InferenceOptions options;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String outputName;
    private final int outWidth;
    private final int outRank;
    private final List<String> mainColumns; // features, then θ when appended
    private final int nFeatures;
    private final int nParams;
    private final boolean separateParams;
    private final FeatureScaler mainScaler;
    private final FeatureScaler paramScaler;
    private final double clipLo, clipHi;
    private final double logitLo, logitHi;
    private final double priorShift;
    private final Calibrator calibrator;
    // multiclass
    private final int refClass;
    private final int numClass;
    private final double[] classShift;
    private final Calibrator[] classCalibrators;
    private GraphEvaluator graphEvaluator;
    private boolean graphEvaluatorTried;
    private String graphEvaluatorProblem;

    private RatioModel(ModelSidecar sc, Path sidecarPath, Path onnxPath, InferenceOptions options) {
        this.sidecar = sc;
        this.name = sc.name() != null ? sc.name() : String.valueOf(sidecarPath);
        this.sidecarPath = sidecarPath;
        this.onnxPath = onnxPath;
        this.options = options;
        this.env = OnnxRuntimes.environment();
        if (!Files.isRegularFile(onnxPath)) {
            throw new RatioModelException("ratio model '" + name + "': ONNX file " + onnxPath + " (field 'onnx' of " + where() + ") does not exist");
        }
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (options.intraOpThreads() > 0) so.setIntraOpNumThreads(options.intraOpThreads());
            so.setInterOpNumThreads(1);
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            if (!options.spinning()) so.addConfigEntry("session.intra_op.allow_spinning", "0");
            this.session = env.createSession(onnxPath.toString(), so);
        } catch (OrtException e) {
            throw new RatioModelException("ratio model '" + name + "': ONNX file " + onnxPath + " is not a valid ONNX model: " + e.getMessage(), e);
        }
        try {
            nFeatures = sc.features().size();
            // a SALLY model's parameters only label its outputs; the network takes features alone
            nParams = sc.output() == OutputConvention.LOCAL_SCORE ? 0 : sc.parameterList().size();
            separateParams = sc.parameterInputName() != null;
            mainColumns = new ArrayList<>(sc.features());
            if (!separateParams && nParams > 0) mainColumns.addAll(sc.parameterList());
            mainScaler = new FeatureScaler(mainColumns, sc.scalingList());
            paramScaler = new FeatureScaler(separateParams ? sc.parameterList() : List.of(), sc.scalingList());
            checkInput(sc.inputName(), mainColumns);
            if (separateParams) checkInput(sc.parameterInputName(), sc.parameterList());
            if (session.getInputNames().size() != (separateParams ? 2 : 1)) {
                throw new RatioModelException("ratio model '" + name + "': the ONNX graph has inputs " + session.getInputNames()
                        + " but the sidecar feeds only " + (separateParams ? List.of(sc.inputName(), sc.parameterInputName()) : List.of(sc.inputName())));
            }
            outputName = sc.outputName() != null ? sc.outputName() : session.getOutputNames().iterator().next();
            outWidth = checkOutput();
            outRank = ((TensorInfo) session.getOutputInfo().get(outputName).getInfo()).getShape().length;
            checkFeatureMetadata();
            double[] clip = sc.clipBounds();
            clipLo = clip[0];
            clipHi = clip[1];
            logitLo = Math.log(clipLo / (1 - clipLo));
            logitHi = Math.log(clipHi / (1 - clipHi));
            priorShift = sc.classPriors() == null ? 0 : Math.log(sc.classPriors().denominator() / sc.classPriors().numerator());
            calibrator = Calibrator.of(sc.calibration());
            if (sc.multiclass() != null) {
                var m = sc.multiclass();
                int k = m.classes().size();
                refClass = m.classes().indexOf(m.reference());
                numClass = sc.numerator() != null ? m.classes().indexOf(sc.numerator()) : -1;
                classShift = new double[k];
                classCalibrators = new Calibrator[k];
                for (int c = 0; c < k; c++) {
                    classShift[c] = m.priors() == null ? 0 : Math.log(m.priors()[refClass] / m.priors()[c]);
                    classCalibrators[c] = Calibrator.of(m.calibration() == null ? null : m.calibration().get(m.classes().get(c)));
                }
            } else {
                refClass = -1;
                numClass = -1;
                classShift = null;
                classCalibrators = null;
            }
        } catch (RuntimeException | OrtException e) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // the original problem matters more
            }
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

    public List<String> parameters() {
        return sidecar.parameterList();
    }

    /** Whether θ is a network input (not the case for SALLY models, whose parameters label outputs). */
    public boolean isParametrised() {
        return nParams > 0;
    }

    public boolean isMulticlass() {
        return classShift != null;
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
        return evaluate(select(columns, theta), theta);
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
            if (numClass < 0) {
                throw new RatioModelException("ratio model '" + name + "' is multiclass " + sidecar.multiclass().classes()
                        + " without a 'numerator' class: use evaluateMulticlass() or set 'numerator' in " + where());
            }
            MulticlassEvaluation m = evaluateMulticlass(columns, theta);
            return new Evaluation(name, m.logRatio()[numClass], m.clippedLow(), m.clippedHigh());
        }
        int n = checkColumns(columns, theta);
        return convertBinary(run(columns, theta, n), n);
    }

    /** Multiclass log-ratios of every class against the reference class. */
    public record MulticlassEvaluation(String model, List<String> classes, String reference, double[][] logRatio,
                                       long clippedLow, long clippedHigh) {}

    public MulticlassEvaluation evaluateMulticlass(double[][] columns, double[] theta) {
        if (!isMulticlass()) throw new RatioModelException("ratio model '" + name + "' is not a softmax model");
        int n = checkColumns(columns, theta);
        float[] raw = run(columns, theta, n);
        int k = outWidth;
        double[][] lr = new double[k][n];
        long low = 0, high = 0;
        boolean probs = sidecar.output() == OutputConvention.SOFTMAX;
        double[] ls = new double[k];
        for (int i = 0; i < n; i++) {
            boolean lowHit = false, highHit = false;
            for (int c = 0; c < k; c++) {
                double v = raw[i * k + c];
                if (probs) {
                    if (!(v >= 0 && v <= 1)) {
                        throw new RatioModelException("ratio model '" + name + "': softmax output " + v + " of class '"
                                + sidecar.multiclass().classes().get(c) + "' at row " + i + " (counted from 0) is outside [0, 1]");
                    }
                    if (v < clipLo) { v = clipLo; lowHit = true; }
                    if (v > clipHi) { v = clipHi; highHit = true; }
                    ls[c] = Math.log(v);
                } else {
                    if (!Double.isFinite(v)) throw new RatioModelException("ratio model '" + name + "': logit of class '"
                            + sidecar.multiclass().classes().get(c) + "' at row " + i + " (counted from 0) is " + v);
                    ls[c] = v;
                }
            }
            if (lowHit) low++;
            if (highHit) high++;
            for (int c = 0; c < k; c++) {
                lr[c][i] = c == refClass ? 0 : classCalibrators[c].apply(ls[c] - ls[refClass] + classShift[c]);
            }
        }
        return new MulticlassEvaluation(name, sidecar.multiclass().classes(), sidecar.multiclass().reference(), lr, low, high);
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
        if (theta == null || theta.length != nParams) {
            throw new RatioModelException("ratio model '" + name + "': θ needs " + nParams + " values " + sidecar.parameterList());
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
        if (thetaColumns == null || thetaColumns.length != nParams) {
            throw new RatioModelException("ratio model '" + name + "': per-event θ needs " + nParams + " columns " + sidecar.parameterList()
                    + ", got " + (thetaColumns == null ? "none" : thetaColumns.length));
        }
        if (featureColumns == null) {
            throw new RatioModelException("ratio model '" + name + "': feature columns are null");
        }
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

    // ------------------------------------------------------------------ internals shared with ThetaGradients

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
        return separateParams;
    }

    int nFeatures() {
        return nFeatures;
    }

    int nParams() {
        return nParams;
    }

    FeatureScaler mainScaler() {
        return mainScaler;
    }

    FeatureScaler paramScaler() {
        return paramScaler;
    }

    /** ln r from one raw binary output, with d ln r/d output; clip counted in {@code clipped}. */
    double convertOne(double v, int row, long[] clipped, double[] dOut) {
        double l, d;
        if (!Double.isFinite(v)) {
            throw new NonFiniteOutputException("ratio model '" + name + "': " + sidecar.output().name().toLowerCase()
                    + " output is " + v + " at row " + row + " (counted from 0)", row, v);
        }
        switch (sidecar.output()) {
            case SCORE -> {
                if (!(v >= 0 && v <= 1)) {
                    throw new RatioModelException("ratio model '" + name + "': score output " + v + " at row " + row + " (counted from 0)"
                            + " is outside (0, 1); is the output really a sigmoid score (field 'output' of " + where() + ")?");
                }
                if (v < clipLo) { v = clipLo; clipped[0]++; d = 0; }
                else if (v > clipHi) { v = clipHi; clipped[1]++; d = 0; }
                else d = 1 / (v * (1 - v));
                l = Math.log(v / (1 - v)) + priorShift;
            }
            case LOGIT -> {
                if (Double.isNaN(v)) throw new RatioModelException("ratio model '" + name + "': logit output is NaN at row " + row + " (counted from 0)");
                if (v < logitLo) { v = logitLo; clipped[0]++; d = 0; }
                else if (v > logitHi) { v = logitHi; clipped[1]++; d = 0; }
                else d = 1;
                l = v + priorShift;
            }
            case LOG_RATIO -> {
                if (!Double.isFinite(v)) throw new RatioModelException("ratio model '" + name + "': log-ratio output is " + v + " at row " + row + " (counted from 0)");
                l = v;
                d = 1;
            }
            default -> throw new IllegalStateException();
        }
        double c = calibrator.apply(l);
        if (dOut != null) dOut[0] = d * calibrator.derivative(l);
        return c;
    }

    private void convertBinary(float[] raw, double[] out, long[] clipped, int from, int to) {
        if (isHotScore()) {
            double[] ratio = new double[to - from];
            scoreToLogRatio(raw, from, to - from, out, from, ratio, clipped);
            return;
        }
        for (int i = from; i < to; i++) out[i] = convertOne(raw[i], i, clipped, null);
    }

    /** Score output without calibration: the hot case, ln r = ln(s/(1 − s)) + prior shift. */
    boolean isHotScore() {
        return sidecar.output() == OutputConvention.SCORE && calibrator == Calibrator.IDENTITY;
    }

    /**
     * The hot case over {@code rows} scores raw[from...]: ln r into out[outOff...] and r = exp(ln r)
     * into ratio[0...]. One log per event, taken many at a time ({@link VectorLog}); 1 − s is exact
     * in double for a float32 s. Clipped scores go through {@link #convertOne} (counted).
     */
    void scoreToLogRatio(float[] raw, int from, int rows, double[] out, int outOff, double[] ratio, long[] clipped) {
        boolean anyClipped = false;
        for (int k = 0; k < rows; k++) {
            double v = raw[from + k];
            boolean inside = v > clipLo && v < clipHi;
            anyClipped |= !inside;
            ratio[k] = inside ? v / (1 - v) : 1;
        }
        VectorLog.log(ratio, 0, out, outOff, rows);
        if (priorShift != 0) {
            double f = Math.exp(priorShift);
            for (int k = 0; k < rows; k++) {
                out[outOff + k] += priorShift;
                ratio[k] *= f;
            }
        }
        if (anyClipped) {
            for (int k = 0; k < rows; k++) {
                double v = raw[from + k];
                if (!(v > clipLo && v < clipHi)) {
                    out[outOff + k] = convertOne(v, outOff + k, clipped, null);
                    ratio[k] = Math.exp(out[outOff + k]);
                }
            }
        }
    }

    /**
     * Binary log-ratios of {@code rows} raw outputs (in {@code raw} from index 0) into
     * out[start, start + rows), and the ratios r = exp(ln r) into ratio[0, rows) when the output is a
     * score without calibration (returns true); {@code staging} holds the floats.
     */
    boolean convertBinary(FloatBuffer raw, double[] out, int start, int rows, long[] clipped, float[] staging, double[] ratio) {
        raw.get(0, staging, 0, rows);
        if (isHotScore()) {
            scoreToLogRatio(staging, 0, rows, out, start, ratio, clipped);
            return true;
        }
        for (int i = 0; i < rows; i++) out[start + i] = convertOne(staging[i], start + i, clipped, null);
        return false;
    }

    /** Checks the columns (count, length, θ) and returns the number of events. */
    int checkColumns(double[][] columns, double[] theta) {
        boolean thetaCols = theta == null && nParams > 0;
        int expected = nFeatures + (thetaCols ? nParams : 0);
        if (columns == null || columns.length != expected) {
            throw new RatioModelException("ratio model '" + name + "' expects " + expected + " columns " + expectedColumns(thetaCols)
                    + ", got " + (columns == null ? "none" : columns.length)
                    + (nParams > 0 && theta == null ? " (θ not given as values, so θ columns must follow the features)" : ""));
        }
        if (theta != null && theta.length != nParams) {
            throw new RatioModelException("ratio model '" + name + "' has " + nParams + " parameters " + sidecar.parameterList()
                    + ", got θ with " + theta.length + " values");
        }
        if (theta != null) {
            for (int j = 0; j < nParams; j++) {
                if (!Double.isFinite(theta[j])) throw new RatioModelException("ratio model '" + name + "': θ '" + sidecar.parameterList().get(j) + "' is " + theta[j]);
            }
        }
        int n = columns.length == 0 ? 0 : columns[0].length;
        for (int j = 0; j < columns.length; j++) {
            String c = expectedColumns(thetaCols).get(j);
            if (columns[j] == null) throw new RatioModelException("ratio model '" + name + "': column '" + c + "' is null");
            if (columns[j].length != n) {
                throw new RatioModelException("ratio model '" + name + "': column '" + c + "' has " + columns[j].length + " rows, column '"
                        + expectedColumns(thetaCols).get(0) + "' has " + n);
            }
        }
        return n;
    }

    private List<String> expectedColumns(boolean withTheta) {
        List<String> l = new ArrayList<>(sidecar.features());
        if (withTheta) l.addAll(sidecar.parameterList());
        return l;
    }

    private double[][] select(Map<String, double[]> columns, double[] theta) {
        boolean thetaCols = theta == null && nParams > 0;
        List<String> want = expectedColumns(thetaCols);
        double[][] cols = new double[want.size()][];
        for (int j = 0; j < want.size(); j++) {
            cols[j] = columns.get(want.get(j));
            if (cols[j] == null) {
                throw new RatioModelException("ratio model '" + name + "' needs column '" + want.get(j) + "', which is not among "
                        + new java.util.TreeSet<>(columns.keySet()));
            }
        }
        return cols;
    }

    /**
     * Runs the network over all events: scales, converts to float32, feeds chunks to ONNX
     * Runtime. Columns: features, then θ columns when {@code theta} is null and the model has θ.
     */
    float[] run(double[][] columns, double[] theta, int n) {
        return runShared(List.of(this), columns, theta, n)[0];
    }

    /**
     * Whether {@code o} turns the same columns into the same input tensors (same input names,
     * columns and scaling), so an ensemble can scale and convert each chunk once for all members.
     */
    boolean sameInputs(RatioModel o) {
        return sidecar.inputName().equals(o.sidecar.inputName())
                && java.util.Objects.equals(sidecar.parameterInputName(), o.sidecar.parameterInputName())
                && mainColumns.equals(o.mainColumns) && nParams == o.nParams && separateParams == o.separateParams
                && Sidecars.MAPPER.valueToTree(sidecar.scalingList()).equals(Sidecars.MAPPER.valueToTree(o.sidecar.scalingList()));
    }

    /** Binary log-ratios from raw outputs, in parallel blocks. */
    Evaluation convertBinary(float[] raw, int n) {
        double[] out = new double[n];
        long[][] clipped = new long[Blocks.count(n)][2];
        Blocks.forEach(n, (b, from, to) -> convertBinary(raw, out, clipped[b], from, to));
        long low = 0, high = 0;
        for (long[] c : clipped) {
            low += c[0];
            high += c[1];
        }
        return new Evaluation(name, out, low, high);
    }

    boolean isBinary() {
        return !isMulticlass() && sidecar.output() != OutputConvention.LOCAL_SCORE;
    }

    /**
     * Runs the networks of models that share their inputs ({@link #sameInputs}) over all events:
     * each chunk is scaled, converted to float32 and fed to every model's session once. Columns:
     * features, then θ columns when {@code theta} is null and the models have θ. Returns the raw
     * outputs per model, row-major [event][output].
     */
    static float[][] runShared(List<RatioModel> models, double[][] columns, double[] theta, int n) {
        RatioModel p = models.get(0);
        int chunk = Math.max(1, Math.min(p.options.chunkRows(), n));
        int dMain = p.mainColumns.size();
        int nFeatures = p.nFeatures, nParams = p.nParams;
        boolean separateParams = p.separateParams;
        FeatureScaler mainScaler = p.mainScaler, paramScaler = p.paramScaler;
        float[][] outs = new float[models.size()][];
        for (int q = 0; q < outs.length; q++) outs[q] = new float[n * models.get(q).outWidth];
        if (n == 0) return outs;
        FloatBuffer mainBuf = ByteBuffer.allocateDirect(chunk * dMain * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        FloatBuffer paramBuf = separateParams
                ? ByteBuffer.allocateDirect(chunk * nParams * 4).order(ByteOrder.nativeOrder()).asFloatBuffer() : null;
        float[] stage = new float[chunk * dMain];
        float[] pstage = separateParams ? new float[chunk * nParams] : null;
        // θ given as values: scale once
        double[] zTheta = null;
        if (theta != null) {
            zTheta = new double[nParams];
            for (int j = 0; j < nParams; j++) {
                zTheta[j] = separateParams ? paramScaler.apply(j, theta[j]) : mainScaler.apply(nFeatures + j, theta[j]);
            }
        }
        RatioModel current = p;
        try {
            for (int start = 0; start < n; start += chunk) {
                int m = Math.min(chunk, n - start);
                for (int j = 0; j < dMain; j++) {
                    if (j >= nFeatures && theta != null) {
                        float z = (float) zTheta[j - nFeatures];
                        for (int i = 0; i < m; i++) stage[i * dMain + j] = z;
                        continue;
                    }
                    double[] src = columns[j];
                    for (int i = 0; i < m; i++) {
                        double x = src[start + i];
                        if (!Double.isFinite(x)) throw p.badInput(columns[j], j, start + i);
                        stage[i * dMain + j] = (float) mainScaler.apply(j, x);
                    }
                }
                mainBuf.clear();
                mainBuf.put(stage, 0, m * dMain);
                mainBuf.flip();
                Map<String, OnnxTensor> feed = new HashMap<>(4);
                OnnxTensor main = OnnxTensor.createTensor(p.env, mainBuf, new long[]{m, dMain});
                OnnxTensor par = null;
                try {
                    feed.put(p.sidecar.inputName(), main);
                    if (separateParams) {
                        for (int j = 0; j < nParams; j++) {
                            if (theta != null) {
                                float z = (float) zTheta[j];
                                for (int i = 0; i < m; i++) pstage[i * nParams + j] = z;
                            } else {
                                double[] src = columns[nFeatures + j];
                                for (int i = 0; i < m; i++) {
                                    double x = src[start + i];
                                    if (!Double.isFinite(x)) throw p.badInput(src, nFeatures + j, start + i);
                                    pstage[i * nParams + j] = (float) paramScaler.apply(j, x);
                                }
                            }
                        }
                        paramBuf.clear();
                        paramBuf.put(pstage, 0, m * nParams);
                        paramBuf.flip();
                        par = OnnxTensor.createTensor(p.env, paramBuf, new long[]{m, nParams});
                        feed.put(p.sidecar.parameterInputName(), par);
                    }
                    for (int q = 0; q < models.size(); q++) {
                        current = models.get(q);
                        int w = current.outWidth;
                        try (OrtSession.Result r = current.session.run(feed, Set.of(current.outputName))) {
                            OnnxTensor o = (OnnxTensor) r.get(0);
                            FloatBuffer ob = o.getFloatBuffer();
                            if (ob.remaining() != m * w) {
                                throw new RatioModelException("ratio model '" + current.name + "': output '" + current.outputName + "' has "
                                        + ob.remaining() + " values for " + m + " events, expected " + (m * w));
                            }
                            ob.get(outs[q], start * w, m * w);
                        }
                        current.options.progress().progress(current.name, start + m, n);
                    }
                } finally {
                    main.close();
                    if (par != null) par.close();
                }
            }
        } catch (OrtException e) {
            throw new RatioModelException("ratio model '" + current.name + "': ONNX Runtime failed: " + e.getMessage(), e);
        }
        return outs;
    }

    /** Receives one chunk's raw outputs, row-major, {@code outputs[q]} for model q from index 0. */
    interface ChunkSink {
        void accept(int start, int rows, FloatBuffer[] outputs);
    }

    /** Chunks run by one session before the next session's turn (switching sessions each call costs ~10%). */
    static final int GROUP = 4;
    /** Output slots of the pipeline: two groups, so ONNX Runtime runs one group while the other is converted. */
    static final int OUTPUT_SLOTS = 2 * GROUP;

    /**
     * As {@link #runShared}, but pipelined and without per-chunk allocation: the calling thread
     * scales and converts a group of {@value #GROUP} chunks into reused direct input buffers and
     * runs each session over the whole group (a session's threads stay warm), ONNX Runtime writing
     * straight into reused direct output buffers (pinned outputs); one worker thread hands finished
     * chunks to {@code sink} while ONNX Runtime runs the next group. The calling thread waits only
     * when the worker is a whole group behind. The sink sees chunks in order, one at a time; all
     * have been consumed when this returns.
     */
    static void runPipelined(List<RatioModel> models, double[][] columns, double[] theta, int n, ChunkSink sink) {
        if (n == 0) return;
        RatioModel p = models.get(0);
        int chunk = Math.max(1, Math.min(p.options.chunkRows(), n));
        int nChunks = (n + chunk - 1) / chunk;
        int nq = models.size();
        Pipeline pl = new Pipeline(models, columns, theta, chunk, GROUP, OUTPUT_SLOTS);
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ratiofit-inference-pipeline");
            t.setDaemon(true);
            return t;
        });
        Future<?>[] pending = new Future<?>[OUTPUT_SLOTS];
        RatioModel current = p;
        boolean failed = true;
        try {
            for (int g0 = 0; g0 < nChunks; g0 += GROUP) {
                int g1 = Math.min(nChunks, g0 + GROUP);
                for (int c = g0; c < g1; c++) {
                    int start = c * chunk;
                    pl.prepare(c - g0, start, Math.min(chunk, n - start));
                    int slot = c % OUTPUT_SLOTS;
                    if (pending[slot] != null) {
                        await(pending[slot]);
                        pending[slot] = null;
                    }
                }
                for (int q = 0; q < nq; q++) {
                    current = models.get(q);
                    for (int c = g0; c < g1; c++) {
                        int start = c * chunk, rows = Math.min(chunk, n - start);
                        pl.run(q, c - g0, c % OUTPUT_SLOTS, rows);
                    }
                    current.options.progress().progress(current.name, Math.min(n, g1 * chunk), n);
                }
                for (int c = g0; c < g1; c++) {
                    int start = c * chunk, rows = Math.min(chunk, n - start), slot = c % OUTPUT_SLOTS;
                    pending[slot] = worker.submit(() -> sink.accept(start, rows, pl.outputs(slot, rows)));
                }
            }
            for (int c = Math.max(0, nChunks - OUTPUT_SLOTS); c < nChunks; c++) {
                Future<?> f = pending[c % OUTPUT_SLOTS];
                pending[c % OUTPUT_SLOTS] = null;
                if (f != null) await(f);
            }
            failed = false;
        } catch (OrtException e) {
            throw new RatioModelException("ratio model '" + current.name + "': ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            if (failed) {
                // let queued conversions finish (or fail) before the buffers go
                for (Future<?> f : pending) {
                    if (f != null) {
                        try {
                            await(f);
                        } catch (RuntimeException ignored) {
                            // the first failure is the one being thrown
                        }
                    }
                }
            }
            worker.shutdownNow();
            pl.close();
        }
    }

    private static void await(Future<?> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new RatioModelException("inference pipeline failed: " + c, c);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** The reused buffers and tensors of {@link #runPipelined}: one input buffer per chunk of a group, two groups of output buffers. */
    private static final class Pipeline {
        final List<RatioModel> models;
        final RatioModel p;
        final double[][] columns;
        final double[] zTheta;
        final int chunk, dMain, nFeatures, nParams;
        final boolean separateParams;
        final float[] stage, pstage;
        final FloatBuffer[] in, pin;
        final FloatBuffer[][] out;
        final OnnxTensor[][] outT;
        final List<OnnxTensor> owned = new ArrayList<>();
        final List<Map<String, OnnxTensor>> fullFeeds = new ArrayList<>();
        /** Whether ONNX Runtime writes into our output buffers; off after a model refuses it. */
        final boolean[] pinned;

        Pipeline(List<RatioModel> models, double[][] columns, double[] theta, int chunk, int inSlots, int outSlots) {
            this.models = models;
            this.p = models.get(0);
            this.columns = columns;
            this.chunk = chunk;
            dMain = p.mainColumns.size();
            nFeatures = p.nFeatures;
            nParams = p.nParams;
            separateParams = p.separateParams;
            stage = new float[chunk * dMain];
            pstage = separateParams ? new float[chunk * nParams] : null;
            if (theta != null) {
                zTheta = new double[nParams];
                for (int j = 0; j < nParams; j++) {
                    zTheta[j] = separateParams ? p.paramScaler.apply(j, theta[j]) : p.mainScaler.apply(nFeatures + j, theta[j]);
                }
            } else {
                zTheta = null;
            }
            int nq = models.size();
            out = new FloatBuffer[outSlots][nq];
            outT = new OnnxTensor[outSlots][nq];
            pinned = new boolean[nq];
            Arrays.fill(pinned, true);
            in = new FloatBuffer[inSlots];
            pin = new FloatBuffer[inSlots];
            for (int j = 0; j < inSlots; j++) {
                in[j] = direct(chunk * dMain);
                if (separateParams) pin[j] = direct(chunk * nParams);
                fullFeeds.add(null);
            }
            for (int slot = 0; slot < outSlots; slot++) {
                for (int q = 0; q < nq; q++) out[slot][q] = direct(chunk * models.get(q).outWidth);
            }
        }

        static FloatBuffer direct(int floats) {
            return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        OnnxTensor tensor(FloatBuffer b, int rows, long[] shape) throws OrtException {
            OnnxTensor t = OnnxTensor.createTensor(p.env, b.slice(0, (int) java.util.Arrays.stream(shape).reduce(1, (a, c) -> a * c)), shape);
            owned.add(t);
            return t;
        }

        /** Scales and converts rows [start, start + rows) into input slot {@code j}. */
        void prepare(int j0, int start, int rows) {
            for (int j = 0; j < dMain; j++) {
                if (j >= nFeatures && zTheta != null) {
                    float z = (float) zTheta[j - nFeatures];
                    for (int i = 0; i < rows; i++) stage[i * dMain + j] = z;
                    continue;
                }
                double[] src = columns[j];
                FeatureScaler sc = p.mainScaler;
                for (int i = 0; i < rows; i++) {
                    double x = src[start + i];
                    if (!Double.isFinite(x)) throw p.badInput(columns[j], j, start + i);
                    stage[i * dMain + j] = (float) sc.apply(j, x);
                }
            }
            in[j0].put(0, stage, 0, rows * dMain);
            if (separateParams) {
                for (int j = 0; j < nParams; j++) {
                    if (zTheta != null) {
                        float z = (float) zTheta[j];
                        for (int i = 0; i < rows; i++) pstage[i * nParams + j] = z;
                    } else {
                        double[] src = columns[nFeatures + j];
                        for (int i = 0; i < rows; i++) {
                            double x = src[start + i];
                            if (!Double.isFinite(x)) throw p.badInput(src, nFeatures + j, start + i);
                            pstage[i * nParams + j] = (float) p.paramScaler.apply(j, x);
                        }
                    }
                }
                pin[j0].put(0, pstage, 0, rows * nParams);
            }
        }

        /** The feed of input slot j for a chunk of {@code rows}: full chunks reuse their tensors, the last one gets its own. */
        Map<String, OnnxTensor> feed(int j, int rows) throws OrtException {
            if (rows == chunk && fullFeeds.get(j) != null) return fullFeeds.get(j);
            Map<String, OnnxTensor> f = new HashMap<>(4);
            f.put(p.sidecar.inputName(), tensor(in[j], rows, new long[]{rows, dMain}));
            if (separateParams) f.put(p.sidecar.parameterInputName(), tensor(pin[j], rows, new long[]{rows, nParams}));
            if (rows == chunk) fullFeeds.set(j, f);
            return f;
        }

        OnnxTensor pinnedOutput(int slot, int q, int rows) throws OrtException {
            RatioModel m = models.get(q);
            if (rows == chunk && outT[slot][q] != null) return outT[slot][q];
            long[] shape = m.outRank == 1 ? new long[]{rows} : new long[]{rows, m.outWidth};
            OnnxTensor t = tensor(out[slot][q], rows, shape);
            if (rows == chunk) outT[slot][q] = t;
            return t;
        }

        /** Runs model q on input slot j; its outputs end in out[slot][q]. */
        void run(int q, int j, int slot, int rows) throws OrtException {
            RatioModel m = models.get(q);
            Map<String, OnnxTensor> feed = feed(j, rows);
            Set<String> want = Set.of(m.outputName);
            if (pinned[q]) {
                try {
                    OnnxTensor o = pinnedOutput(slot, q, rows);
                    try (OrtSession.Result r = m.session.run(feed, Set.of(), Map.of(m.outputName, o))) {
                        return;
                    }
                } catch (OrtException e) {
                    // a graph whose output shape differs from [rows(, width)]: fall back to copying
                    pinned[q] = false;
                }
            }
            try (OrtSession.Result r = m.session.run(feed, want)) {
                FloatBuffer ob = ((OnnxTensor) r.get(0)).getFloatBuffer();
                if (ob.remaining() != rows * m.outWidth) {
                    throw new RatioModelException("ratio model '" + m.name + "': output '" + m.outputName + "' has "
                            + ob.remaining() + " values for " + rows + " events, expected " + (rows * m.outWidth));
                }
                out[slot][q].put(0, ob, ob.position(), ob.remaining());
            }
        }

        FloatBuffer[] outputs(int slot, int rows) {
            FloatBuffer[] o = new FloatBuffer[models.size()];
            for (int q = 0; q < o.length; q++) o[q] = out[slot][q].slice(0, rows * models.get(q).outWidth);
            return o;
        }

        void close() {
            for (OnnxTensor t : owned) t.close();
        }
    }

    private RatioModelException badInput(double[] col, int j, int firstRow) {
        String cname = j < nFeatures ? "feature '" + sidecar.features().get(j) + "'" : "parameter '" + sidecar.parameterList().get(j - nFeatures) + "'";
        List<String> rows = new ArrayList<>();
        int count = 0;
        for (int i = firstRow; i < col.length; i++) {
            if (!Double.isFinite(col[i])) {
                if (rows.size() < 5) rows.add("row " + i + " = " + col[i]);
                count++;
            }
        }
        return new RatioModelException("ratio model '" + name + "': " + cname + " has " + count + " non-finite value(s) from row " + firstRow + " (counted from 0)"
                + " on: " + String.join(", ", rows) + (count > rows.size() ? ", ..." : ""));
    }

    private void checkInput(String inputName, List<String> cols) throws OrtException {
        Map<String, NodeInfo> info = session.getInputInfo();
        NodeInfo ni = info.get(inputName);
        if (ni == null) {
            throw new RatioModelException("ratio model '" + name + "': the ONNX graph has no input '" + inputName + "' (field 'input_name' or 'parameter_input_name' of "
                    + where() + "); its inputs are " + info.keySet());
        }
        if (!(ni.getInfo() instanceof TensorInfo ti)) {
            throw new RatioModelException("ratio model '" + name + "': ONNX input '" + inputName + "' is not a tensor");
        }
        if (ti.type != OnnxJavaType.FLOAT) {
            throw new RatioModelException("ratio model '" + name + "': ONNX input '" + inputName + "' has element type " + ti.type + ", expected float32");
        }
        long[] shape = ti.getShape();
        if (shape.length != 2) {
            throw new RatioModelException("ratio model '" + name + "': ONNX input '" + inputName + "' has shape " + Arrays.toString(shape)
                    + ", expected [batch, " + cols.size() + "]");
        }
        if (shape[1] >= 0 && shape[1] != cols.size()) {
            throw new RatioModelException("ratio model '" + name + "': ONNX input '" + inputName + "' takes " + shape[1] + " values per event but the sidecar "
                    + where() + " lists " + cols.size() + " " + cols);
        }
    }

    private int checkOutput() throws OrtException {
        Map<String, NodeInfo> info = session.getOutputInfo();
        NodeInfo ni = info.get(outputName);
        if (ni == null) {
            throw new RatioModelException("ratio model '" + name + "': the ONNX graph has no output '" + outputName + "' (field 'output_name' of "
                    + where() + "); its outputs are " + info.keySet());
        }
        if (!(ni.getInfo() instanceof TensorInfo ti) || ti.type != OnnxJavaType.FLOAT) {
            throw new RatioModelException("ratio model '" + name + "': ONNX output '" + outputName + "' is not a float32 tensor");
        }
        long[] shape = ti.getShape();
        int width = shape.length <= 1 ? 1 : (int) shape[shape.length - 1];
        int expected = switch (sidecar.output()) {
            case SCORE, LOGIT, LOG_RATIO -> 1;
            case SOFTMAX, SOFTMAX_LOGITS -> sidecar.multiclass().classes().size();
            case LOCAL_SCORE -> sidecar.parameterList().size();
        };
        if (shape.length > 2 || (width >= 0 && width != expected)) {
            throw new RatioModelException("ratio model '" + name + "': ONNX output '" + outputName + "' has shape " + Arrays.toString(shape)
                    + " but output '" + sidecar.output().name().toLowerCase() + "' needs " + expected + " value(s) per event");
        }
        return expected;
    }

    /** Writers may record the feature order in the ONNX metadata ("ratiofit.features"); compare it. */
    private void checkFeatureMetadata() throws OrtException {
        String meta = session.getMetadata().getCustomMetadata().get(FEATURES_METADATA_KEY);
        if (meta == null) return;
        List<String> graphCols = Arrays.asList(meta.split(",", -1));
        if (!graphCols.equals(mainColumns)) {
            throw new RatioModelException("ratio model '" + name + "': the ONNX file records input columns " + graphCols
                    + " but the sidecar " + where() + " lists " + mainColumns + " (first difference at " + Sidecars.listDiff(graphCols, mainColumns) + ")");
        }
    }

    /** ONNX metadata key under which {@link org.ratiofit.ratio.onnx.OnnxMlpWriter} records the input columns. */
    public static final String FEATURES_METADATA_KEY = "ratiofit.features";

    private String where() {
        return sidecarPath != null ? sidecarPath.toString() : "the sidecar";
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new RatioModelException("ratio model '" + name + "': closing the ONNX Runtime session failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "RatioModel[" + name + ", " + onnxPath + "]";
    }
}
