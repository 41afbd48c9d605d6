package org.ratiofit.ratio;

import java.util.List;
import java.util.stream.IntStream;
import org.ratiofit.ratio.onnx.DenseChain;

/**
 * Fast value and θ-gradient of a parametrised ratio model over a fixed set of observations, for
 * samplers that evaluate Σ_i w_i ln r(x_i | θ) and its gradient at many θ (NUTS: once per leapfrog
 * step). Works on models whose ONNX graph is a {@link DenseChain} (any MLP ratiofit exports, and
 * {@code nn.Sequential} MLPs from PyTorch) with a binary score, logit or log-ratio output.
 *
 * <p>What makes it fast:
 * <ul>
 *   <li>the observations do not change, so the feature part of the first layer, W₁ₓ z(x_i) + b₁,
 *       is computed once, at construction, where it fits the memory budget (8·width bytes per
 *       event, 4 in float; {@link #of(RatioModel, double[][], Precision, long)}), else per block
 *       of events from the feature columns (the same arithmetic: identical bits); per step only
 *       the θ part W₁θ z(θ) is added, one matrix-vector product for all events ({@link #sum}) or
 *       one small product per event ({@link #perEvent});</li>
 *   <li>the remaining layers run as matrix products over blocks of events on primitive arrays
 *       (row-major, inner loops over contiguous weights that the JIT vectorises), forward and
 *       reverse, with no per-event allocation (work arrays are kept per thread);</li>
 *   <li>for one θ the reverse pass stops at the first layer's pre-activations: their adjoints are
 *       summed over events first, then one product with W₁θ gives the θ-gradient.</li>
 * </ul>
 * Values agree with {@link RatioModel#logRatioGradient} (the double-precision graph interpreter)
 * to rounding (the same operations, summed in another order). Large sets (over
 * {@value #PARALLEL_THRESHOLD} events) are split into fixed blocks of {@value #BLOCK} evaluated in
 * parallel and summed in block order, so the result is the same for any thread count.
 *
 * <p>Two precisions, chosen when it is built ({@link Precision}): {@code FLOAT64} (the default)
 * does all arithmetic in double; {@code FLOAT32} runs the layers in float (the precision the
 * network was trained in) with twice the SIMD lanes and the bias, activation and derivative fused
 * into the matrix products ({@link FloatKernels}), in blocks of {@value #FLOAT_BLOCK} events, and
 * sums ln r and the first-layer adjoints in double. Its value and gradient differ from the double
 * ones by float rounding (on the DDM example's network, 200 trials, 200 θ near the posterior:
 * Σ ln r within 1.1e-5, the gradient within 6e-7 relative; the tests bound it on random networks).
 *
 * <p>Thread-safe.
 */
public final class BatchedThetaGradient {

    /** Arithmetic of the layers: double throughout, or float with double sums. */
    public enum Precision {
        FLOAT64, FLOAT32
    }

    static final int BLOCK = 256;
    static final int FLOAT_BLOCK = 64;
    static final int PARALLEL_THRESHOLD = 4096;

    private final RatioModel model;
    private final int n;
    private final int np;
    private final int nf;
    private final DenseChain.Layer[] layers;
    private final double[] wt1; // first-layer θ weights, [j][o] (j a model parameter)
    private final double[] ax; // first-layer pre-activation from the features and bias, [event][o] (FLOAT64 stored; else null)
    private final double[][] columns; // the feature columns [f][event] when the first layer is recomputed per block (streamed; else null)
    private final double[] w1x; // first-layer feature weights, [f][o]
    private final double[] b1; // first-layer bias
    private final int h1;
    private final int maxWidth;
    private final boolean separate;
    private final ThreadLocal<Work> work;
    private final double[][] transposed; // per layer, weights [in][out]
    private final Precision precision;
    private final int block; // events per block
    // FLOAT32: the layers in float — weights [in][out] and [out][in], biases, first-layer features part
    private final float[][] wtF;
    private final float[][] wF;
    private final float[][] bF;
    private final float[] axF; // FLOAT32 stored: the features part in float; else null

    private BatchedThetaGradient(RatioModel model, DenseChain chain, double[][] featureColumns, int n, Precision precision, boolean store) {
        this.model = model;
        this.precision = precision;
        this.block = precision == Precision.FLOAT32 ? FLOAT_BLOCK : BLOCK;
        this.n = n;
        this.np = model.nParams();
        this.nf = model.nFeatures();
        this.separate = model.separateParams();
        this.layers = chain.layers().toArray(new DenseChain.Layer[0]);
        DenseChain.Layer first = layers[0];
        this.h1 = first.out();
        int in = first.in();
        // first-layer column of each feature and each θ
        int[] featCol = new int[nf];
        int[] parCol = new int[np];
        int mainOff = chain.offset(model.inputName());
        for (int f = 0; f < nf; f++) featCol[f] = mainOff + f;
        int parOff = separate ? chain.offset(model.parameterInputName()) : mainOff + nf;
        for (int j = 0; j < np; j++) parCol[j] = parOff + j;
        wt1 = new double[np * h1];
        for (int j = 0; j < np; j++) {
            for (int o = 0; o < h1; o++) wt1[j * h1 + o] = first.w()[o * in + parCol[j]];
        }
        w1x = new double[h1 * nf];
        for (int o = 0; o < h1; o++) {
            for (int f = 0; f < nf; f++) w1x[f * h1 + o] = first.w()[o * in + featCol[f]];
        }
        b1 = first.b().clone();
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < nf; f++) {
                double x = featureColumns[f][i];
                if (!Double.isFinite(x)) {
                    throw new RatioModelException("ratio model '" + model.name() + "': feature '" + model.features().get(f) + "' is " + x + " at row " + i);
                }
            }
        }
        // the features part of the first layer: stored for every event, or recomputed per block from the columns
        // (the same function, featurePart, either way: identical bits)
        double[] z = new double[nf];
        if (!store) {
            double[][] cols = new double[nf][];
            for (int f = 0; f < nf; f++) cols[f] = java.util.Arrays.copyOf(featureColumns[f], n);
            columns = cols;
            ax = null;
            axF = null;
        } else if (precision == Precision.FLOAT32) {
            float[] t = new float[n * h1];
            double[] acc = new double[h1];
            for (int from = 0; from < n; from += BLOCK) featurePart(featureColumns, from, Math.min(BLOCK, n - from), null, t, from * h1, z, acc);
            columns = null;
            ax = null;
            axF = t;
        } else {
            double[] t = new double[n * h1];
            for (int from = 0; from < n; from += BLOCK) featurePart(featureColumns, from, Math.min(BLOCK, n - from), t, null, from * h1, z, null);
            columns = null;
            ax = t;
            axF = null;
        }
        int mw = 1;
        for (DenseChain.Layer l : layers) mw = Math.max(mw, Math.max(l.in(), l.out()));
        this.maxWidth = mw;
        this.transposed = new double[layers.length][];
        for (int l = 0; l < layers.length; l++) {
            DenseChain.Layer L = layers[l];
            double[] t = new double[L.in() * L.out()];
            for (int o = 0; o < L.out(); o++) for (int k = 0; k < L.in(); k++) t[k * L.out() + o] = L.w()[o * L.in() + k];
            transposed[l] = t;
        }
        if (precision == Precision.FLOAT32) {
            wtF = new float[layers.length][];
            wF = new float[layers.length][];
            bF = new float[layers.length][];
            for (int l = 0; l < layers.length; l++) {
                wtF[l] = toFloat(transposed[l]);
                wF[l] = toFloat(layers[l].w());
                bF[l] = toFloat(layers[l].b());
            }
        } else {
            wtF = wF = bF = null;
        }
        int[] outs = new int[layers.length];
        for (int l = 0; l < outs.length; l++) outs[l] = layers[l].out();
        int mwF = maxWidth, npF = np, nfF = nf, h1F = h1, blocksF = (n + block - 1) / block;
        Precision pF = precision;
        this.work = ThreadLocal.withInitial(() -> new Work(outs, mwF, pF, npF, nfF, h1F, blocksF)); // captures no reference to this
        if (precision == Precision.FLOAT32) warmUpFloat();
        else warmUpDouble();
    }

    /**
     * The features part of the first layer, W₁ₓ z(x_i) + b₁, of the events [from, from + b) of
     * {@code cols} into {@code out} (or, in float, {@code outF}) at [at + (i − from)·h1 + o];
     * {@code z} is work space of nf values. The stored and the streamed path both come here.
     */
    private void featurePart(double[][] cols, int from, int b, double[] out, float[] outF, int at, double[] z, double[] acc) {
        FeatureScaler ms = model.mainScaler();
        for (int i = 0; i < b; i++) {
            for (int f = 0; f < nf; f++) z[f] = ms.apply(f, cols[f][from + i]);
            // b₁[o] + w[o][0] z₀ + w[o][1] z₁ + … in that order for every o; the loops over o vectorise
            double[] t = out != null ? out : acc;
            int r = out != null ? at + i * h1 : 0;
            System.arraycopy(b1, 0, t, r, h1);
            for (int f = 0; f < nf; f++) {
                double zf = z[f];
                int wr = f * h1;
                for (int o = 0; o < h1; o++) t[r + o] += w1x[wr + o] * zf;
            }
            if (out == null) {
                int q = at + i * h1;
                for (int o = 0; o < h1; o++) outF[q + o] = (float) acc[o];
            }
        }
    }

    /** {@link #warmUpFloat} for the double kernels ({@link DenseKernels#warmUp}). */
    private void warmUpDouble() {
        int m = Math.min(n, 5);
        if (m == 0) return;
        double[] c = new double[h1];
        double[] g1 = new double[h1];
        long fmas = 0;
        for (int l = 1; l < layers.length; l++) fmas += 2L * layers[l].in() * layers[l].out();
        DenseKernels.warmUp(() -> block(0, m, c, null, null, null, g1, null, 0), m * fmas, WARM_UP_MILLIS);
    }

    /**
     * Has the JIT compile the float SIMD kernels on this network's shapes before the first real
     * call ({@link FloatKernels#warmUp}): value and θ-gradient over the first few events (a block
     * of 4 rows and a tail row) at θ's first-layer part 0, repeated.
     */
    private void warmUpFloat() {
        int m = Math.min(n, 5);
        if (m == 0) return;
        float[] c = new float[h1];
        double[] g1 = new double[h1];
        long fmas = 0;
        for (int l = 1; l < layers.length; l++) fmas += 2L * layers[l].in() * layers[l].out(); // forward and reverse
        FloatKernels.warmUp(() -> blockFloat(0, m, c, null, null, null, g1, null, 0), m * fmas, WARM_UP_MILLIS);
    }

    /** Upper bound of the SIMD warm-up's time (it ends sooner once the time per call stops improving). */
    static final long WARM_UP_MILLIS = 5000;

    /**
     * The fast path for {@code model} over the observations {@code featureColumns} ([feature][event]
     * in the model's feature order), or null where the model does not allow it ({@link #whyNot}).
     */
    public static BatchedThetaGradient of(RatioModel model, double[][] featureColumns) {
        return of(model, featureColumns, Precision.FLOAT64);
    }

    /** {@link #of(RatioModel, double[][])} with the layers' arithmetic in {@code precision}. */
    public static BatchedThetaGradient of(RatioModel model, double[][] featureColumns, Precision precision) {
        return of(model, featureColumns, precision, defaultFirstLayerBudget());
    }

    /**
     * {@link #of(RatioModel, double[][], Precision)} storing the first layer's features part for
     * every event only if it takes at most {@code firstLayerBudgetBytes} ({@link #firstLayerBytes});
     * otherwise it is recomputed per block of events from (a copy of) the feature columns, 8·nf
     * bytes per event. Both give identical bits; the streamed one costs nf·width multiply-adds per
     * event more and needs no memory in proportion to the width.
     */
    public static BatchedThetaGradient of(RatioModel model, double[][] featureColumns, Precision precision, long firstLayerBudgetBytes) {
        java.util.Objects.requireNonNull(precision, "precision");
        if (whyNotBeforeParsing(model) != null) return null;
        DenseChain chain = DenseChain.parse(model.onnxPath()); // parsed once per call
        if (chain == null) return null;
        if (!chain.inputs().contains(model.inputName()) || (model.separateParams() && !chain.inputs().contains(model.parameterInputName()))) {
            return null;
        }
        int n = model.checkColumns(featureColumns, new double[model.nParams()]);
        boolean store = firstLayerBytes(chain.layers().get(0).out(), n, precision) <= firstLayerBudgetBytes;
        return new BatchedThetaGradient(model, chain, featureColumns, n, precision, store);
    }

    /** Bytes that storing the first layer's features part takes: width · events · (8 in FLOAT64, 4 in FLOAT32). */
    public static long firstLayerBytes(int width, long events, Precision precision) {
        return (long) width * events * (precision == Precision.FLOAT32 ? 4 : 8);
    }

    /** System property: the default {@link #of} budget in bytes for one stored first layer. */
    public static final String BUDGET_PROPERTY = "ratiofit.firstLayer.maxBytes";

    /**
     * The default budget for one stored first layer: the system property {@value #BUDGET_PROPERTY}
     * (bytes) or, without it, a quarter of the maximum heap.
     */
    public static long defaultFirstLayerBudget() {
        String p = System.getProperty(BUDGET_PROPERTY);
        if (p != null && !p.isBlank()) {
            try {
                long v = Long.parseLong(p.trim());
                if (v >= 0) return v;
            } catch (NumberFormatException e) {
                // fall through to the error
            }
            throw new IllegalArgumentException("system property " + BUDGET_PROPERTY + " must be a number of bytes >= 0, got '" + p + "'");
        }
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /** Whether the features part of the first layer is stored for every event (else recomputed per block). */
    public boolean storesFirstLayer() {
        return ax != null || axF != null;
    }

    private static String whyNotBeforeParsing(RatioModel model) {
        if (!model.isParametrised()) return "the model has no parameters θ";
        if (model.isMulticlass()) return "the model is multiclass";
        if (model.sidecar().output() == ModelSidecar.OutputConvention.LOCAL_SCORE) return "the model outputs a local score";
        return null;
    }

    /** Why {@link #of} returns null for this model, or null if it does not. */
    public static String whyNot(RatioModel model) {
        String why = whyNotBeforeParsing(model);
        if (why != null) return why;
        DenseChain chain = DenseChain.parse(model.onnxPath());
        if (chain == null) return "the graph is not a chain of dense layers: " + DenseChain.problem();
        return null;
    }

    public int events() {
        return n;
    }

    public RatioModel model() {
        return model;
    }

    public Precision precision() {
        return precision;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /**
     * Σ_i w_i ln r(x_i | θ), with its gradient Σ_i w_i ∂ ln r/∂θ_j written into {@code gradient[j]}
     * (model parameter order). {@code weights} null means 1 for every event.
     *
     * @throws NonFiniteOutputException where the network's output is not finite
     */
    public double sum(double[] theta, double[] weights, double[] gradient) {
        return sum(theta, weights, gradient, true);
    }

    /** Σ_i w_i ln r(x_i | θ) alone: the forward pass, no reverse pass. */
    public double value(double[] theta, double[] weights) {
        return sum(theta, weights, null, false);
    }

    private double sum(double[] theta, double[] weights, double[] gradient, boolean withGradient) {
        if (theta.length != np) throw new IllegalArgumentException("θ needs " + np + " values, got " + theta.length);
        if (weights != null && weights.length != n) throw new IllegalArgumentException("weights have " + weights.length + " values for " + n + " events");
        // per-call arrays from the calling thread's work space: no allocation per step
        Work wk = work.get();
        double[] c = wk.c;
        double[] dz = wk.dzt;
        java.util.Arrays.fill(c, 0);
        FeatureScaler sc = separate ? model.paramScaler() : model.mainScaler();
        int off = separate ? 0 : nf;
        for (int j = 0; j < np; j++) {
            double zt = sc.apply(off + j, theta[j]);
            dz[j] = sc.derivative(off + j, theta[j]);
            for (int o = 0; o < h1; o++) c[o] += wt1[j * h1 + o] * zt;
        }
        int blocks = (n + block - 1) / block;
        double[] values = wk.values;
        double[][] g1 = withGradient ? wk.g1 : new double[blocks][];
        float[] cf = null;
        if (precision == Precision.FLOAT32) {
            cf = wk.cf;
            for (int o = 0; o < h1; o++) cf[o] = (float) c[o];
        }
        float[] cff = cf;
        if (n > PARALLEL_THRESHOLD) {
            IntStream.range(0, blocks).parallel().forEach(b -> sumBlock(b, c, cff, weights, values, g1));
        } else {
            for (int b = 0; b < blocks; b++) sumBlock(b, c, cff, weights, values, g1);
        }
        double total = 0;
        if (!withGradient) {
            for (int b = 0; b < blocks; b++) total += values[b];
            return total;
        }
        double[] g = wk.g;
        java.util.Arrays.fill(g, 0);
        for (int b = 0; b < blocks; b++) {
            total += values[b];
            for (int o = 0; o < h1; o++) g[o] += g1[b][o];
        }
        for (int j = 0; j < np; j++) {
            double s = 0;
            for (int o = 0; o < h1; o++) s += wt1[j * h1 + o] * g[o];
            gradient[j] = s * dz[j];
        }
        return total;
    }

    /** Block b of {@link #sum}: its value into values[b], its first-layer adjoint sums into g1[b] (zeroed first; g1[b] null: no gradient). */
    private void sumBlock(int b, double[] c, float[] cf, double[] weights, double[] values, double[][] g1) {
        int from = b * block;
        int count = Math.min(block, n - from);
        if (g1[b] != null) java.util.Arrays.fill(g1[b], 0);
        values[b] = cf != null ? blockFloat(from, count, cf, null, weights, null, g1[b], null, 0)
                : block(from, count, c, null, weights, null, g1[b], null, 0);
    }

    /**
     * ln r(x_i | θ_i) at a θ per event for the events [from, from + count): θ_j of event from + i is
     * {@code thetaColumns[j][i]}; writes {@code logRatio[i]} and {@code gradient[j][i]}, i in [0, count).
     */
    public void perEvent(double[][] thetaColumns, int from, int count, double[] logRatio, double[][] gradient) {
        if (thetaColumns.length != np) throw new IllegalArgumentException("θ needs " + np + " columns, got " + thetaColumns.length);
        if (from < 0 || count < 0 || from + count > n) throw new IllegalArgumentException("events [" + from + ", " + (from + count) + ") outside [0, " + n + ")");
        int blocks = (count + block - 1) / block;
        IntStream range = IntStream.range(0, blocks);
        if (count > PARALLEL_THRESHOLD) range = range.parallel();
        range.forEach(b -> {
            int s = b * block;
            int k = Math.min(block, count - s);
            if (precision == Precision.FLOAT32) blockFloat(from + s, k, null, thetaColumns, null, logRatio, null, gradient, s);
            else block(from + s, k, null, thetaColumns, null, logRatio, null, gradient, s);
        });
    }

    /**
     * Work arrays of one thread. A static class holding no reference to its evaluator: a thread's
     * ThreadLocal value must not keep the evaluator (and its stored first layer) reachable after
     * the evaluator is dropped.
     */
    private static final class Work {
        final double[][] act;
        final double[][] der;
        final double[] da;
        final double[] dz;
        final double[] seed = new double[BLOCK];
        final double[] dOut = new double[1];
        final double[] dzt;
        final double[] zx; // scaled features of one event (the streamed first layer)
        final double[] acc; // one event's first-layer features part in double before rounding to float (streamed FLOAT32)
        final long[] clipped = new long[2];
        // sum's per-call arrays: θ's first-layer part (double and float), per-block values and adjoint sums
        final double[] c;
        final float[] cf;
        final double[] values;
        final double[][] g1;
        final double[] g;
        // FLOAT32
        final float[][] actF;
        final float[][] derF;
        final float[] daF;
        final float[] dzF;

        Work(int[] outs, int maxWidth, Precision precision, int np, int nf, int h1, int blocks) {
            boolean f = precision == Precision.FLOAT32;
            int nl = outs.length;
            act = new double[nl][];
            der = new double[nl][];
            actF = new float[nl][];
            derF = new float[nl][];
            for (int l = 0; l < nl; l++) {
                if (f) {
                    actF[l] = new float[FLOAT_BLOCK * outs[l]];
                    derF[l] = new float[FLOAT_BLOCK * outs[l]];
                } else {
                    act[l] = new double[BLOCK * outs[l]];
                    der[l] = new double[BLOCK * outs[l]];
                }
            }
            da = f ? null : new double[BLOCK * maxWidth];
            dz = f ? null : new double[BLOCK * maxWidth];
            daF = f ? new float[FLOAT_BLOCK * maxWidth] : null;
            dzF = f ? new float[FLOAT_BLOCK * maxWidth] : null;
            dzt = new double[np];
            zx = new double[nf];
            acc = new double[h1];
            c = new double[h1];
            cf = new float[h1];
            values = new double[blocks];
            g1 = new double[blocks][h1];
            g = new double[h1];
        }
    }

    /**
     * One block of events [from, from + b). With {@code c} (one θ): returns Σ w ln r and adds the
     * summed first-layer adjoints into {@code g1}. With {@code thetaCols} (θ per event, indexed from
     * {@code rel}): writes ln r and the per-event gradient at [rel + i].
     */
    private double block(int from, int b, double[] c, double[][] thetaCols, double[] weights, double[] lrOut,
                         double[] g1, double[][] gradOut, int rel) {
        Work wk = work.get();
        FeatureScaler sc = separate ? model.paramScaler() : model.mainScaler();
        int off = separate ? 0 : nf;
        // layer 1 pre-activation
        double[] z0 = wk.act[0];
        if (ax != null) System.arraycopy(ax, from * h1, z0, 0, b * h1);
        else featurePart(columns, from, b, z0, null, 0, wk.zx, null);
        if (c != null) {
            for (int i = 0; i < b; i++) {
                int r = i * h1;
                for (int o = 0; o < h1; o++) z0[r + o] += c[o];
            }
        } else {
            for (int i = 0; i < b; i++) {
                int r = i * h1;
                for (int j = 0; j < np; j++) {
                    double t = thetaCols[j][rel + i];
                    if (!Double.isFinite(t)) {
                        throw new RatioModelException("ratio model '" + model.name() + "': θ '" + model.parameters().get(j) + "' is " + t + " at row " + (from + i));
                    }
                    double zt = sc.apply(off + j, t);
                    int wr = j * h1;
                    for (int o = 0; o < h1; o++) z0[r + o] += wt1[wr + o] * zt;
                }
            }
        }
        activate(layers[0], z0, wk.der[0], b);
        // hidden and output layers
        for (int l = 1; l < layers.length; l++) {
            DenseChain.Layer L = layers[l];
            double[] a = wk.act[l - 1];
            double[] z = wk.act[l];
            int in = L.in(), out = L.out();
            double[] w = L.w(), wt = transposed[l], bias = L.b();
            if (out == 1) {
                double b0 = bias[0];
                for (int i = 0; i < b; i++) {
                    int ri = i * in;
                    double s = 0;
                    for (int k = 0; k < in; k++) s += a[ri + k] * w[k];
                    z[i] = s + b0;
                }
            } else {
                DenseKernels.multiply(a, b, in, wt, out, bias, z);
            }
            activate(L, z, wk.der[l], b);
        }
        // output conversion: ln r and d ln r / d output
        int last = layers.length - 1;
        double[] y = wk.act[last];
        double[] seed = wk.seed;
        double total = 0;
        for (int i = 0; i < b; i++) {
            double lr = model.convertOne(y[i], from + i, wk.clipped, wk.dOut);
            double w = weights == null ? 1 : weights[from + i];
            if (lrOut != null) lrOut[rel + i] = lr;
            total += w * lr;
            seed[i] = (c != null ? w : 1) * wk.dOut[0] * wk.der[last][i];
        }
        if (g1 == null && gradOut == null) return total;
        // reverse: adjoint of each layer's pre-activation
        double[] dz = wk.dz, da = wk.da;
        System.arraycopy(seed, 0, dz, 0, b);
        for (int l = last; l >= 1; l--) {
            DenseChain.Layer L = layers[l];
            int in = L.in(), out = L.out();
            double[] w = L.w();
            DenseKernels.multiply(dz, b, out, w, in, null, da);
            double[] d = wk.der[l - 1];
            for (int q = 0; q < b * in; q++) dz[q] = da[q] * d[q];
        }
        if (c != null) {
            for (int i = 0; i < b; i++) {
                int r = i * h1;
                for (int o = 0; o < h1; o++) g1[o] += dz[r + o];
            }
        } else {
            for (int i = 0; i < b; i++) {
                int r = i * h1;
                for (int j = 0; j < np; j++) {
                    double s = 0;
                    int wr = j * h1;
                    for (int o = 0; o < h1; o++) s += wt1[wr + o] * dz[r + o];
                    gradOut[j][rel + i] = s * sc.derivative(off + j, thetaCols[j][rel + i]);
                }
            }
        }
        return total;
    }

    /**
     * {@link #block} in float ({@link Precision#FLOAT32}): {@code c} is the first layer's θ part in
     * float; ln r, its weighted sum and the first-layer adjoint sums are in double.
     */
    private double blockFloat(int from, int b, float[] c, double[][] thetaCols, double[] weights, double[] lrOut,
                              double[] g1, double[][] gradOut, int rel) {
        Work wk = work.get();
        FeatureScaler sc = separate ? model.paramScaler() : model.mainScaler();
        int off = separate ? 0 : nf;
        // layer 1: features part + θ part, activation
        float[] z0 = wk.actF[0];
        if (c != null && layers[0].act() == DenseChain.Act.SWISH) {
            firstFloat(from, b, z0, wk);
            FloatKernels.shiftSwish(z0, b, c, h1, z0, wk.derF[0]);
        } else {
            firstFloat(from, b, z0, wk);
            if (c != null) {
                for (int i = 0; i < b; i++) {
                    int r = i * h1;
                    for (int o = 0; o < h1; o++) z0[r + o] += c[o];
                }
            } else {
                for (int i = 0; i < b; i++) {
                    int r = i * h1;
                    for (int j = 0; j < np; j++) {
                        double t = thetaCols[j][rel + i];
                        if (!Double.isFinite(t)) {
                            throw new RatioModelException("ratio model '" + model.name() + "': θ '" + model.parameters().get(j) + "' is " + t + " at row " + (from + i));
                        }
                        float zt = (float) sc.apply(off + j, t);
                        int wr = j * h1;
                        for (int o = 0; o < h1; o++) z0[r + o] = Math.fma((float) wt1[wr + o], zt, z0[r + o]);
                    }
                }
            }
            activateFloat(layers[0], z0, wk.derF[0], b);
        }
        // hidden and output layers
        for (int l = 1; l < layers.length; l++) {
            DenseChain.Layer L = layers[l];
            boolean swish = L.act() == DenseChain.Act.SWISH;
            FloatKernels.product(wk.actF[l - 1], b, L.in(), wtF[l], L.out(), bF[l], swish ? FloatKernels.SWISH : FloatKernels.STORE, wk.actF[l], wk.derF[l]);
            if (!swish) activateFloat(L, wk.actF[l], wk.derF[l], b);
        }
        int last = layers.length - 1;
        float[] y = wk.actF[last];
        float[] dz = wk.dzF;
        boolean reverse = g1 != null || gradOut != null;
        double total = 0;
        for (int i = 0; i < b; i++) {
            double lr = model.convertOne(y[i], from + i, wk.clipped, wk.dOut);
            double w = weights == null ? 1 : weights[from + i];
            if (lrOut != null) lrOut[rel + i] = lr;
            total += w * lr;
            dz[i] = (float) ((c != null ? w : 1) * wk.dOut[0] * wk.derF[last][i]);
        }
        if (!reverse) return total;
        // reverse: adjoint of each layer's pre-activation, (dz · W) ⊙ activation derivative fused
        float[] da = wk.daF;
        for (int l = last; l >= 1; l--) {
            DenseChain.Layer L = layers[l];
            FloatKernels.product(dz, b, L.out(), wF[l], L.in(), null, FloatKernels.TIMES_DER, da, wk.derF[l - 1]);
            float[] t = dz;
            dz = da;
            da = t;
        }
        if (c != null) {
            for (int i = 0; i < b; i++) {
                int r = i * h1;
                for (int o = 0; o < h1; o++) g1[o] += dz[r + o];
            }
        } else {
            for (int i = 0; i < b; i++) {
                int r = i * h1;
                for (int j = 0; j < np; j++) {
                    double s = 0;
                    int wr = j * h1;
                    for (int o = 0; o < h1; o++) s += wt1[wr + o] * dz[r + o];
                    gradOut[j][rel + i] = s * sc.derivative(off + j, thetaCols[j][rel + i]);
                }
            }
        }
        return total;
    }

    /** The features part of the first layer in float for the events [from, from + b): stored or recomputed. */
    private void firstFloat(int from, int b, float[] z0, Work wk) {
        if (axF != null) System.arraycopy(axF, from * h1, z0, 0, b * h1);
        else featurePart(columns, from, b, null, z0, 0, wk.zx, wk.acc);
    }

    /** {@link #activate} on float values (the layers of {@link Precision#FLOAT32}). */
    private static void activateFloat(DenseChain.Layer L, float[] z, float[] der, int b) {
        int m = b * L.out();
        float alpha = (float) L.alpha();
        switch (L.act()) {
            case IDENTITY -> java.util.Arrays.fill(der, 0, m, 1f);
            case RELU -> {
                for (int q = 0; q < m; q++) {
                    float x = z[q];
                    der[q] = x > 0 ? 1 : 0;
                    z[q] = x > 0 ? x : 0;
                }
            }
            case LEAKY_RELU -> {
                for (int q = 0; q < m; q++) {
                    float x = z[q];
                    der[q] = x >= 0 ? 1 : alpha;
                    z[q] = x >= 0 ? x : alpha * x;
                }
            }
            case TANH -> {
                for (int q = 0; q < m; q++) {
                    float y = (float) Math.tanh(z[q]);
                    der[q] = 1 - y * y;
                    z[q] = y;
                }
            }
            case SIGMOID -> {
                for (int q = 0; q < m; q++) {
                    float y = (float) sigmoid(z[q]);
                    der[q] = y * (1 - y);
                    z[q] = y;
                }
            }
            case SOFTPLUS -> {
                for (int q = 0; q < m; q++) {
                    double x = z[q];
                    der[q] = (float) sigmoid(x);
                    z[q] = (float) (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
                }
            }
            case ELU -> {
                for (int q = 0; q < m; q++) {
                    double x = z[q];
                    double y = x >= 0 ? x : alpha * Math.expm1(x);
                    der[q] = (float) (x >= 0 ? 1 : y + alpha);
                    z[q] = (float) y;
                }
            }
            case SWISH -> {
                for (int q = 0; q < m; q++) z[q] = FloatKernels.swish(z[q], der, q);
            }
            default -> throw new IllegalStateException(L.act().name());
        }
    }

    /** Applies the activation in place, writing its derivative into {@code der}. */
    private static void activate(DenseChain.Layer L, double[] z, double[] der, int b) {
        int m = b * L.out();
        double alpha = L.alpha();
        switch (L.act()) {
            case IDENTITY -> java.util.Arrays.fill(der, 0, m, 1.0);
            case RELU -> {
                for (int q = 0; q < m; q++) {
                    double x = z[q];
                    der[q] = x > 0 ? 1 : 0;
                    z[q] = x > 0 ? x : 0;
                }
            }
            case LEAKY_RELU -> {
                for (int q = 0; q < m; q++) {
                    double x = z[q];
                    der[q] = x >= 0 ? 1 : alpha;
                    z[q] = x >= 0 ? x : alpha * x;
                }
            }
            case TANH -> {
                for (int q = 0; q < m; q++) {
                    double y = Math.tanh(z[q]);
                    der[q] = 1 - y * y;
                    z[q] = y;
                }
            }
            case SIGMOID -> {
                for (int q = 0; q < m; q++) {
                    double y = sigmoid(z[q]);
                    der[q] = y * (1 - y);
                    z[q] = y;
                }
            }
            case SOFTPLUS -> {
                for (int q = 0; q < m; q++) {
                    double x = z[q];
                    der[q] = sigmoid(x);
                    z[q] = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
                }
            }
            case ELU -> {
                for (int q = 0; q < m; q++) {
                    double x = z[q];
                    double y = x >= 0 ? x : alpha * Math.expm1(x);
                    der[q] = x >= 0 ? 1 : y + alpha;
                    z[q] = y;
                }
            }
            case SWISH -> DenseKernels.swish(z, der, m);
            default -> throw new IllegalStateException(L.act().name());
        }
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /** Whether the matrix products run on the SIMD kernel now (see {@code DenseKernels}); results are the same either way. */
    public static boolean simdInUse() {
        return DenseKernels.simdInUse();
    }

    /** Whether the float32 products run on the SIMD kernel now (see {@code FloatKernels}); results are the same either way. */
    public static boolean floatSimdInUse() {
        return FloatKernels.simdInUse();
    }

    /** Layer widths, input first (for reports). */
    public List<Integer> widths() {
        List<Integer> w = new java.util.ArrayList<>();
        w.add(layers[0].in());
        for (DenseChain.Layer l : layers) w.add(l.out());
        return w;
    }
}
