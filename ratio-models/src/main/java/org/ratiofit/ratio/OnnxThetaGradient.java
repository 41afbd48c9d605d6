package org.ratiofit.ratio;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.ratio.onnx.DenseChain;
import org.ratiofit.ratio.onnx.ThetaGradientGraph;

/**
 * Σ_i w_i ln r(x_i | θ) and its θ-gradient over a fixed set of observations by ONNX Runtime, on
 * the graph {@link ThetaGradientGraph} derives from the model's dense chain: one session run per
 * call evaluates the network and ∂y_i/∂z(θ) for all events (float32, as ONNX Runtime runs the
 * network); the output conversion (score or logit to ln r, clipping, calibration, prior shift),
 * the θ scaling's derivative and the weighted sums over events are done here in double, as in
 * {@link BatchedThetaGradient}. The alternative to {@link BatchedThetaGradient} that issue 19
 * asked to measure (BENCHMARKS.md); not thread-safe (one set of input buffers), close it after use.
 *
 * <p>The scaled features are written once into a direct buffer that ONNX Runtime reads in place;
 * per call only the θ columns are rewritten.
 */
public final class OnnxThetaGradient implements AutoCloseable {
    private final RatioModel model;
    private final int n;
    private final int np;
    private final int nf;
    private final boolean separate;
    private final OrtSession session;
    private final Map<String, OnnxTensor> feeds = new HashMap<>();
    private final FloatBuffer thetaBuf; // the buffer holding θ: [N, np] or the main input [N, nf + np]
    private final int thetaStride;
    private final int thetaOff;
    private final double[] dOut = new double[1];
    private final long[] clipped = new long[2];

    private OnnxThetaGradient(RatioModel model, DenseChain chain, double[][] featureColumns, int n, int intraOpThreads) {
        this.model = model;
        this.n = n;
        this.np = model.nParams();
        this.nf = model.nFeatures();
        this.separate = model.separateParams();
        int mainOff = chain.offset(model.inputName());
        int parOff = separate ? chain.offset(model.parameterInputName()) : mainOff + nf;
        int[] cols = new int[np];
        for (int j = 0; j < np; j++) cols[j] = parOff + j;
        byte[] graph = ThetaGradientGraph.derive(chain, cols).toByteArray();
        OrtEnvironment env = OnnxRuntimes.environment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (intraOpThreads > 0) so.setIntraOpNumThreads(intraOpThreads);
            so.setInterOpNumThreads(1);
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            this.session = env.createSession(graph, so);
        } catch (OrtException e) {
            throw new RatioModelException("ratio model '" + model.name() + "': ONNX Runtime rejects the derived θ-gradient graph: " + e.getMessage(), e);
        }
        try {
            int mainWidth = separate ? nf : nf + np;
            FloatBuffer main = direct(n * mainWidth);
            FeatureScaler ms = model.mainScaler();
            for (int i = 0; i < n; i++) {
                for (int f = 0; f < nf; f++) {
                    double x = featureColumns[f][i];
                    if (!Double.isFinite(x)) {
                        throw new RatioModelException("ratio model '" + model.name() + "': feature '" + model.features().get(f) + "' is " + x + " at row " + i);
                    }
                    main.put(i * mainWidth + f, (float) ms.apply(f, x));
                }
            }
            feeds.put(model.inputName(), OnnxTensor.createTensor(env, main, new long[] {n, mainWidth}));
            if (separate) {
                thetaBuf = direct(n * np);
                thetaStride = np;
                thetaOff = 0;
                feeds.put(model.parameterInputName(), OnnxTensor.createTensor(env, thetaBuf, new long[] {n, np}));
            } else {
                thetaBuf = main;
                thetaStride = mainWidth;
                thetaOff = nf;
            }
        } catch (OrtException e) {
            close();
            throw new RatioModelException("ratio model '" + model.name() + "': cannot create the ONNX Runtime inputs: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * The ONNX Runtime path for {@code model} over {@code featureColumns} ([feature][event]), with
     * {@code intraOpThreads} threads (0: ONNX Runtime's default), or null where
     * {@link BatchedThetaGradient#whyNot} gives a reason.
     */
    public static OnnxThetaGradient of(RatioModel model, double[][] featureColumns, int intraOpThreads) {
        if (BatchedThetaGradient.whyNot(model) != null) return null;
        DenseChain chain = DenseChain.parse(model.onnxPath());
        if (chain == null || !chain.inputs().contains(model.inputName())
                || (model.separateParams() && !chain.inputs().contains(model.parameterInputName()))) {
            return null;
        }
        int n = model.checkColumns(featureColumns, new double[model.nParams()]);
        return new OnnxThetaGradient(model, chain, featureColumns, n, intraOpThreads);
    }

    public int events() {
        return n;
    }

    /**
     * Σ_i w_i ln r(x_i | θ), with Σ_i w_i ∂ ln r/∂θ_j written into {@code gradient[j]} (model
     * parameter order); {@code weights} null means 1 for every event.
     */
    public double sum(double[] theta, double[] weights, double[] gradient) {
        if (theta.length != np || gradient.length != np) throw new IllegalArgumentException("θ and the gradient need " + np + " values, got " + theta.length + " and " + gradient.length);
        if (weights != null && weights.length != n) throw new IllegalArgumentException("weights have " + weights.length + " values for " + n + " events");
        FeatureScaler sc = separate ? model.paramScaler() : model.mainScaler();
        int off = separate ? 0 : nf;
        double[] dz = new double[np];
        for (int j = 0; j < np; j++) {
            if (!Double.isFinite(theta[j])) throw new RatioModelException("ratio model '" + model.name() + "': θ '" + model.parameters().get(j) + "' is " + theta[j]);
            float zt = (float) sc.apply(off + j, theta[j]);
            dz[j] = sc.derivative(off + j, theta[j]);
            for (int i = 0; i < n; i++) thetaBuf.put(i * thetaStride + thetaOff + j, zt);
        }
        java.util.Arrays.fill(gradient, 0);
        double total = 0;
        try (OrtSession.Result r = session.run(feeds)) {
            FloatBuffer y = ((OnnxTensor) r.get(ThetaGradientGraph.OUTPUT).orElseThrow()).getFloatBuffer();
            FloatBuffer g = ((OnnxTensor) r.get(ThetaGradientGraph.GRADIENT).orElseThrow()).getFloatBuffer();
            for (int i = 0; i < n; i++) {
                double lr = model.convertOne(y.get(i), i, clipped, dOut);
                double w = weights == null ? 1 : weights[i];
                total += w * lr;
                double s = w * dOut[0];
                for (int j = 0; j < np; j++) gradient[j] += s * g.get(i * np + j);
            }
        } catch (OrtException e) {
            throw new RatioModelException("ratio model '" + model.name() + "': ONNX Runtime failed on the θ-gradient graph: " + e.getMessage(), e);
        }
        for (int j = 0; j < np; j++) gradient[j] *= dz[j];
        return total;
    }

    /** The derived graph's outputs, in order (for tests and reports). */
    List<String> outputNames() {
        return List.copyOf(session.getOutputNames());
    }

    @Override
    public void close() {
        for (OnnxTensor t : feeds.values()) t.close();
        feeds.clear();
        if (session != null) ModelSession.closeQuietly(session);
    }
}
