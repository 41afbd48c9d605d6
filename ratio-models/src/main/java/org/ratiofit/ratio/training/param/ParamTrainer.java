package org.ratiofit.ratio.training.param;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ratiofit.ratio.training.DjlOffline;
import org.ratiofit.ratio.training.DjlTrainer;

/**
 * Trains MadMiner's estimators ({@link EstimatorMethod}) with DJL's PyTorch engine on the CPU: a
 * θ-parametrised MLP ({@link ParamNetwork}, inputs x and θ0, output ln r̂) for CARL, ROLR, ALICE and
 * the score-augmented CASCAL, RASCAL, ALICES (whose loss contains the network's exact θ-derivative),
 * or a score regressor (inputs x, outputs t̂) for SALLY.
 *
 * <p>The optimiser (Adam, AMSGrad, SGD with Nesterov momentum) runs on the one flat parameter
 * tensor. Determinism: the split, the initial weights, the batch order and the label shuffle come
 * from Java generators seeded by the configuration; PyTorch's kernels run on one intra-op thread
 * ({@link DjlOffline}).
 */
public final class ParamTrainer {
    static {
        DjlOffline.ensure();
    }

    private static final int EVAL_BATCH = 8192;
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    /** Called after each epoch (for logs and tests). */
    @FunctionalInterface
    public interface EpochListener {
        void epochDone(int member, int epoch, double trainLoss, double validationLoss);
    }

    private ParamTrainer() {
    }

    /** A training or validation loss that became NaN or infinite. */
    public static final class NonFiniteLossException extends IllegalStateException {
        NonFiniteLossException(String message) {
            super(message);
        }
    }

    public static TrainedEstimator train(AugmentedData data, ParamTrainingConfig config, int index,
            double[] referenceTheta) {
        return train(data, config, index, referenceTheta, null);
    }

    /**
     * Trains member {@code index} (its seed is {@link DjlTrainer#memberSeed} of the configuration's seed).
     *
     * @param referenceTheta θ1 of the ratio methods or θ_ref of SALLY, recorded with the result (may be null)
     */
    public static TrainedEstimator train(AugmentedData data, ParamTrainingConfig config, int index,
            double[] referenceTheta, EpochListener listener) {
        DjlOffline.intraOpThreadsOnThisThread();
        EstimatorMethod method = config.method();
        checkData(data, method);
        long seed = DjlTrainer.memberSeed(config.seed(), index);
        SplittableRandom rng = new SplittableRandom(seed);
        int nAll = data.size();
        int[] events = permutation(nAll, new SplittableRandom(config.seed() ^ 0x5DEECE66DL));
        if (config.maxEvents() > 0 && config.maxEvents() < nAll) {
            events = java.util.Arrays.copyOf(events, config.maxEvents());
        }
        int nVal = (int) Math.round(events.length * config.validationFraction());
        int[] val = java.util.Arrays.copyOfRange(events, 0, nVal);
        int[] tr = java.util.Arrays.copyOfRange(events, nVal, events.length);
        if (tr.length == 0) {
            throw new IllegalArgumentException("no training events left after the validation split");
        }
        int d = data.numFeatures();
        int p = data.numParameters();
        int pIn = inputParameters(method, p);
        int in = d + pIn;
        double[] mean = new double[in];
        double[] scale = new double[in];
        fitScaling(data, tr, method, config.scaleInputs(), mean, scale);
        Batchable train = Batchable.of(data, tr, method, pIn, mean, scale);
        Batchable valid = nVal == 0 ? null : Batchable.of(data, val, method, pIn, mean, scale);
        if (config.shuffleLabels() && train.y != null) {
            shuffle(train.y, new SplittableRandom(seed ^ 0xA5A5A5A5L));
        }
        int n = tr.length;
        int batch = Math.min(config.batchSize(), n);
        int stepsPerEpoch = (n + batch - 1) / batch;
        int outputs = method.localScore() ? p : 1;
        float alpha = (float) config.alpha();
        float lambda = (float) config.xGradientPenalty();
        // the network's θ-derivative in raw θ units: ∂/∂θ = (1/scale_θ) ∂/∂θ_scaled
        // (doubly parametrised: θ0 and θ1 share one scaling, so p values serve both)
        int pScaled = Math.min(pIn, p);
        float[] invThetaScale = new float[Math.max(pScaled, 1)];
        for (int j = 0; j < pScaled; j++) {
            invThetaScale[j] = (float) (1 / scale[d + j]);
        }

        double[] trainLoss = new double[config.epochs()];
        double[] valLoss = new double[config.epochs()];
        int bestEpoch = -1;
        double best = Double.POSITIVE_INFINITY;
        float[] bestParams = null;
        int epochsRun = 0;
        boolean stoppedEarly = false;
        long steps = 0;
        long t0 = System.nanoTime();
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager root = engine.newBaseManager();
                ParamNetwork net = new ParamNetwork(root, d, pIn, config.hiddenLayers(), outputs, config.activation(), seed);
                ProgressBar bar = config.quiet() ? null : progressBar(index, method, config.epochs())) {
            Optim opt = new Optim(net, config);
            NDArray invScale = root.create(invThetaScale, new Shape(1, invThetaScale.length));
            int[] order = permutation(n, rng);
            float[] bx = new float[batch * in];
            float[] by = new float[batch];
            float[] br = new float[batch];
            float[] bt = new float[batch * p];
            float[] bt1 = method.usesJointScore1() ? new float[batch * p] : null;
            float[] bw = new float[batch];
            boolean y0First = method.scoreTerm() && !method.doubly();
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                shuffle(order, rng);
                double sum = 0;
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int from = s * batch;
                    int m = Math.min(batch, n - from);
                    int m0 = train.gather(order, from, m, bx, by, br, bt, bt1, bw, y0First);
                    double lr = config.learningRateAt((steps / (double) stepsPerEpoch));
                    try (NDManager sub = root.newSubManager()) {
                        NDArray loss;
                        try (GradientCollector gc = engine.newGradientCollector()) {
                            loss = perEvent(method.doubly()
                                    ? DoublyParametrised.batchLoss(sub, net, method, alpha, invScale, bx, by, br, bt, bt1, bw, m, in, p)
                                    : batchLoss(sub, net, method, alpha, lambda, invScale, bx, by, br, bt, bw, m, m0, in, p), m);
                            gc.backward(loss);
                        }
                        sum += loss.getFloat() * m;
                        opt.step(sub, (float) lr);
                    }
                    steps++;
                }
                trainLoss[epoch] = sum / n;
                valLoss[epoch] = valid == null ? trainLoss[epoch]
                        : evaluateLoss(root, net, valid, method, alpha, lambda, invScale, in, p);
                epochsRun = epoch + 1;
                if (!Double.isFinite(trainLoss[epoch]) || !Double.isFinite(valLoss[epoch])) {
                    throw new NonFiniteLossException(method.label() + " member " + index
                            + ": loss became " + trainLoss[epoch] + " (train) / " + valLoss[epoch]
                            + " (validation) at epoch " + epoch + "; lower the learning rate or check the inputs");
                }
                if (listener != null) {
                    listener.epochDone(index, epoch, trainLoss[epoch], valLoss[epoch]);
                }
                if (bar != null) {
                    bar.step();
                    bar.setExtraMessage(String.format(" train %.5g  val %.5g", trainLoss[epoch], valLoss[epoch]));
                }
                if (valLoss[epoch] < best) {
                    best = valLoss[epoch];
                    bestEpoch = epoch;
                    bestParams = net.snapshot();
                } else if (epoch - bestEpoch >= config.patience()) {
                    stoppedEarly = true;
                    break;
                }
            }
            if (bestParams != null) {
                net.assign(bestParams);
            }
            ParamMlp mlp = method.doubly() ? DoublyParametrised.toMlp(net, mean, scale, config) : toMlp(net, mean, scale, config);
            double seconds = (System.nanoTime() - t0) * 1e-9;
            ParamTrainingHistory history = new ParamTrainingHistory(java.util.Arrays.copyOf(trainLoss, epochsRun),
                    java.util.Arrays.copyOf(valLoss, epochsRun), bestEpoch, stoppedEarly, seconds, n, steps);
            return new TrainedEstimator(TrainedEstimator.FORMAT_VERSION, index, config, data.features(),
                    data.parameters(), referenceTheta == null ? null : referenceTheta.clone(), mlp, history);
        }
    }

    /**
     * Where one optimiser step's time goes, in milliseconds per step (means over {@code steps} steps
     * after {@code warmup}): gathering the batch (Java arrays), NDArrays plus forward pass with loss,
     * backward pass, optimiser update.
     */
    public record StepProfile(EstimatorMethod method, int batch, int steps, double inputMs, double forwardMs,
            double backwardMs, double optimiserMs) {
        public double totalMs() {
            return inputMs + forwardMs + backwardMs + optimiserMs;
        }
    }

    /** Times the phases of training steps on the first events of {@code data} (no validation, no early stopping). */
    public static StepProfile profileSteps(AugmentedData data, ParamTrainingConfig config, int warmup, int steps) {
        DjlOffline.ensure();
        EstimatorMethod method = config.method();
        if (method.doubly()) {
            throw new IllegalArgumentException("profileSteps does not profile the doubly parametrised method " + method);
        }
        checkData(data, method);
        int d = data.numFeatures(), p = data.numParameters();
        int pIn = method.localScore() ? 0 : p;
        int in = d + pIn;
        int n = data.size();
        int[] all = permutation(n, null);
        double[] mean = new double[in];
        double[] scale = new double[in];
        fitScaling(data, all, method, config.scaleInputs(), mean, scale);
        Batchable train = Batchable.of(data, all, method, pIn, mean, scale);
        int batch = Math.min(config.batchSize(), n);
        float[] inv = new float[Math.max(pIn, 1)];
        for (int j = 0; j < pIn; j++) {
            inv[j] = (float) (1 / scale[d + j]);
        }
        Engine engine = Engine.getEngine("PyTorch");
        long[] t = new long[4];
        try (NDManager root = engine.newBaseManager();
                ParamNetwork net = new ParamNetwork(root, d, pIn, config.hiddenLayers(), method.localScore() ? p : 1,
                        config.activation(), config.seed())) {
            Optim opt = new Optim(net, config);
            NDArray invScale = root.create(inv, new Shape(1, inv.length));
            float[] bx = new float[batch * in], by = new float[batch], br = new float[batch], bt = new float[batch * p],
                    bw = new float[batch];
            int[] order = permutation(n, new SplittableRandom(config.seed()));
            int stepsPerEpoch = Math.max(1, n / batch);
            for (int s = 0; s < warmup + steps; s++) {
                int from = (s % stepsPerEpoch) * batch;
                long a = System.nanoTime();
                int m0 = train.gather(order, from, batch, bx, by, br, bt, null, bw, method.scoreTerm());
                try (NDManager sub = root.newSubManager()) {
                    long b = System.nanoTime();
                    NDArray loss;
                    long c, e;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        loss = perEvent(batchLoss(sub, net, method, (float) config.alpha(), (float) config.xGradientPenalty(),
                                invScale, bx, by, br, bt, bw, batch, m0, in, p), batch);
                        loss.getFloat(); // forces the (lazy) computation into this phase
                        c = System.nanoTime();
                        gc.backward(loss);
                        e = System.nanoTime();
                    }
                    opt.step(sub, (float) config.initialLearningRate());
                    net.flat.getFloat(0); // waits for the update
                    long f2 = System.nanoTime();
                    if (s >= warmup) {
                        t[0] += b - a;
                        t[1] += c - b;
                        t[2] += e - c;
                        t[3] += f2 - e;
                    }
                }
            }
        }
        double k = 1e-6 / steps;
        return new StepProfile(method, batch, steps, t[0] * k, t[1] * k, t[2] * k, t[3] * k);
    }

    /**
     * The weighted loss summed over a batch held in the float arrays (first m rows; for the score
     * methods the m0 rows drawn at θ0 come first and only they carry θ-tangents), a scalar.
     */
    static NDArray batchLoss(NDManager sub, ParamNetwork net, EstimatorMethod method, float alpha, NDArray invScale,
            float[] bx, float[] by, float[] br, float[] bt, float[] bw, int m, int m0, int in, int p) {
        return batchLoss(sub, net, method, alpha, 0f, invScale, bx, by, br, bt, bw, m, m0, in, p);
    }

    /**
     * As above, plus {@code lambda} Σ w |∇ₓ ln r̂|² over the batch (the regulariser on the scaled
     * feature inputs, {@link EstimatorLoss#inputGradientTerm}); with {@code lambda} = 0 exactly the
     * computation without it.
     */
    static NDArray batchLoss(NDManager sub, ParamNetwork net, EstimatorMethod method, float alpha, float lambda,
            NDArray invScale, float[] bx, float[] by, float[] br, float[] bt, float[] bw, int m, int m0, int in, int p) {
        NDArray x = sub.create(head(bx, m * in), new Shape(m, in));
        boolean regularise = lambda > 0 && !method.localScore();
        int d = net.features;
        ParamNetwork.Forward f;
        NDArray xGradient = null;
        NDArray thetaTangent = null;
        if (regularise) {
            // one reverse sweep gives the derivative for every input column and row: the feature
            // columns for the regulariser and, for the score methods, the θ columns of the m0 rows from θ0
            f = net.forwardWithInputGradient(sub, x);
            xGradient = f.tangent().get(":, 0:" + d);
            if (method.scoreTerm() && m0 > 0) {
                thetaTangent = f.tangent().get("0:" + m0 + ", " + d + ":");
            }
        } else {
            f = net.forward(sub, x, method.scoreTerm() ? m0 : 0);
            thetaTangent = method.scoreTerm() && m0 > 0 ? f.tangent() : null;
        }
        NDArray y = sub.create(head(by, m), new Shape(m));
        NDArray w = sub.create(head(bw, m), new Shape(m));
        NDArray r = method.usesJointRatio() ? sub.create(head(br, m), new Shape(m)) : null;
        NDArray t = method.usesJointScore() ? sub.create(head(bt, m * p), new Shape(m, p)) : null;
        NDArray z = method.localScore() ? null : f.output().reshape(m);
        NDArray base = EstimatorLoss.perEvent(method.base(), alpha, z, method.localScore() ? f.output() : null, y, r, t);
        NDArray loss = base.mul(w).sum();
        if (method.scoreTerm() && m0 > 0) {
            NDArray tHat = thetaTangent.mul(invScale);
            NDArray t0 = m0 == m ? t : t.get("0:" + m0);
            NDArray w0 = m0 == m ? w : w.get("0:" + m0);
            loss = loss.add(EstimatorLoss.scoreTerm(alpha, tHat, t0).mul(w0).sum());
        }
        if (regularise) {
            loss = loss.add(EstimatorLoss.inputGradientTerm(lambda, xGradient).mul(w).sum());
        }
        return loss;
    }

    /**
     * The batch's summed loss divided by its event count, the count a PyTorch-owned tensor
     * ({@link org.ratiofit.ratio.training.GraphConstants}): autograd keeps a division's divisor for
     * the backward pass, and {@code NDArray.div(Number)} would put it in Java memory that a garbage
     * collection before {@code backward} frees (the estimator case of GarbageCollectionDuringTrainingTest).
     */
    static NDArray perEvent(NDArray summed, int events) {
        return summed.div(org.ratiofit.ratio.training.GraphConstants.scalar(summed, events));
    }

    static float[] head(float[] a, int m) {
        return m == a.length ? a : java.util.Arrays.copyOf(a, m);
    }

    /** Weighted mean loss over a whole sample (with the |∇ₓ ln r̂|² regulariser if on), in batches, without gradients. */
    private static double evaluateLoss(NDManager root, ParamNetwork net, Batchable b, EstimatorMethod method,
            float alpha, float lambda, NDArray invScale, int in, int p) {
        int n = b.size();
        int[] order = permutation(n, null);
        int batch = Math.min(EVAL_BATCH, n);
        float[] bx = new float[batch * in];
        float[] by = new float[batch];
        float[] br = new float[batch];
        float[] bt = new float[batch * p];
        float[] bt1 = method.usesJointScore1() ? new float[batch * p] : null;
        float[] bw = new float[batch];
        double sum = 0;
        for (int from = 0; from < n; from += batch) {
            int m = Math.min(batch, n - from);
            int m0 = b.gather(order, from, m, bx, by, br, bt, bt1, bw, method.scoreTerm() && !method.doubly());
            try (NDManager sub = root.newSubManager()) {
                sum += (method.doubly()
                        ? DoublyParametrised.batchLoss(sub, net, method, alpha, invScale, bx, by, br, bt, bt1, bw, m, in, p)
                        : batchLoss(sub, net, method, alpha, lambda, invScale, bx, by, br, bt, bw, m, m0, in, p)).getFloat();
            }
        }
        return sum / n;
    }

    /** Network θ inputs: none for SALLY, θ0 for the singly, θ0 and θ1 for the doubly parametrised methods. */
    static int inputParameters(EstimatorMethod method, int p) {
        return method.localScore() ? 0 : method.doubly() ? 2 * p : p;
    }

    private static void checkData(AugmentedData data, EstimatorMethod method) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("no training events");
        }
        if (method.doubly() && data.theta1() == null) {
            throw new IllegalArgumentException(method + " is doubly parametrised and needs the θ1 column per parameter");
        }
        if (method.usesJointScore1() && data.txz1() == null) {
            throw new IllegalArgumentException(method + " needs the joint score at θ1, t_xz1, per parameter");
        }
        if (!method.localScore() && (data.theta0() == null || data.y() == null)) {
            throw new IllegalArgumentException(method + " needs θ0 columns and labels y");
        }
        if (method.usesJointRatio() && data.rxz() == null) {
            throw new IllegalArgumentException(method + " needs the joint ratio column r_xz");
        }
        if (method.usesJointScore() && data.txz() == null) {
            throw new IllegalArgumentException(method + " needs the joint score columns t_xz");
        }
    }

    /**
     * Standard scaling of the inputs on the training events. Doubly parametrised: θ0_j and θ1_j share
     * one mean and scale, fitted on both columns together (as MadMiner), so that swapping θ0 and θ1
     * in the scaled inputs swaps them in raw units too.
     */
    private static void fitScaling(AugmentedData data, int[] tr, EstimatorMethod method, boolean on, double[] mean,
            double[] scale) {
        int d = data.numFeatures(), p = data.numParameters();
        int pIn = inputParameters(method, p);
        for (int j = 0; j < d + pIn; j++) {
            if (!on) {
                mean[j] = 0;
                scale[j] = 1;
                continue;
            }
            double[][] cs;
            if (j < d) {
                cs = new double[][] {data.x()[j]};
            } else if (!method.doubly()) {
                cs = new double[][] {data.theta0()[j - d]};
            } else {
                int q = (j - d) % p;
                cs = new double[][] {data.theta0()[q], data.theta1()[q]};
            }
            double s = 0;
            for (double[] c : cs) {
                for (int e : tr) {
                    s += c[e];
                }
            }
            double cnt = (double) tr.length * cs.length;
            double mu = s / cnt;
            double v = 0;
            for (double[] c : cs) {
                for (int e : tr) {
                    v += (c[e] - mu) * (c[e] - mu);
                }
            }
            double sd = Math.sqrt(v / cnt);
            mean[j] = mu;
            scale[j] = sd > 0 ? sd : 1;
        }
    }

    private static ParamMlp toMlp(ParamNetwork net, double[] mean, double[] scale, ParamTrainingConfig config) {
        float[] all = net.snapshot();
        List<float[]> w = new ArrayList<>();
        List<float[]> b = new ArrayList<>();
        for (int k = 0; k < net.widths.size(); k++) {
            int out = net.widths.get(k);
            w.add(java.util.Arrays.copyOfRange(all, net.wOffset[k], net.wOffset[k] + out * net.inWidth[k]));
            b.add(java.util.Arrays.copyOfRange(all, net.bOffset[k], net.bOffset[k] + out));
        }
        return new ParamMlp(ParamMlp.FORMAT_VERSION, net.features, net.parameters, net.widths, config.activation(), w,
                b, mean.clone(), scale.clone());
    }

    static int[] permutation(int n, SplittableRandom rng) {
        int[] a = new int[n];
        for (int k = 0; k < n; k++) {
            a[k] = k;
        }
        if (rng != null) {
            shuffle(a, rng);
        }
        return a;
    }

    static void shuffle(int[] a, SplittableRandom rng) {
        for (int k = a.length - 1; k > 0; k--) {
            int j = rng.nextInt(k + 1);
            int t = a[k];
            a[k] = a[j];
            a[j] = t;
        }
    }

    private static void shuffle(float[] a, SplittableRandom rng) {
        for (int k = a.length - 1; k > 0; k--) {
            int j = rng.nextInt(k + 1);
            float t = a[k];
            a[k] = a[j];
            a[j] = t;
        }
    }

    private static ProgressBar progressBar(int index, EstimatorMethod method, int epochs) {
        return new ProgressBarBuilder().setTaskName(method.label() + " member " + index).setInitialMax(epochs)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate().build();
    }

    /** The training events in float32, row-major, ready to gather into batches. */
    private static final class Batchable {
        final int in;
        final int p;
        final float[] x;
        final float[] y;
        final float[] r;
        final float[] t;
        final float[] t1;
        final float[] w;

        private Batchable(int in, int p, float[] x, float[] y, float[] r, float[] t, float[] t1, float[] w) {
            this.in = in;
            this.p = p;
            this.x = x;
            this.y = y;
            this.r = r;
            this.t = t;
            this.t1 = t1;
            this.w = w;
        }

        int size() {
            return w.length;
        }

        static Batchable of(AugmentedData data, int[] ev, EstimatorMethod method, int pIn, double[] mean, double[] scale) {
            int d = data.numFeatures(), p = data.numParameters(), in = d + pIn, n = ev.length;
            float[] x = new float[n * in];
            float[] y = new float[n];
            float[] r = new float[n];
            float[] t = new float[n * p];
            float[] t1 = method.usesJointScore1() ? new float[n * p] : null;
            float[] w = new float[n];
            double sw = 0;
            for (int k = 0; k < n; k++) {
                sw += data.weights() == null ? 1 : data.weights()[ev[k]];
            }
            for (int k = 0; k < n; k++) {
                int e = ev[k];
                for (int j = 0; j < in; j++) {
                    double v = j < d ? data.x()[j][e] : j < d + p ? data.theta0()[j - d][e] : data.theta1()[j - d - p][e];
                    x[k * in + j] = (float) ((v - mean[j]) / scale[j]);
                }
                if (t1 != null) {
                    for (int j = 0; j < p; j++) {
                        t1[k * p + j] = (float) data.txz1()[j][e];
                    }
                }
                y[k] = data.y() == null ? 0 : data.y()[e];
                r[k] = data.rxz() == null ? 1 : (float) data.rxz()[e];
                for (int j = 0; j < p; j++) {
                    t[k * p + j] = data.txz() == null ? 0 : (float) data.txz()[j][e];
                }
                // weights normalised to mean 1 over the sample
                w[k] = (float) ((data.weights() == null ? 1 : data.weights()[e]) * n / sw);
            }
            return new Batchable(in, p, x, y, r, t, t1, w);
        }

        /**
         * Copies events order[from … from + m) into the batch arrays; with {@code y0First} the events
         * with y = 0 come first (in their order), then the others. Returns how many have y = 0
         * ({@code m} when not partitioned).
         */
        int gather(int[] order, int from, int m, float[] bx, float[] by, float[] br, float[] bt, float[] bt1,
                float[] bw, boolean y0First) {
            int k = 0;
            for (int pass = 0; pass < (y0First ? 2 : 1); pass++) {
                for (int q = 0; q < m; q++) {
                    int e = order[from + q];
                    if (y0First && (y[e] == 0) != (pass == 0)) {
                        continue;
                    }
                    System.arraycopy(x, e * in, bx, k * in, in);
                    by[k] = y[e];
                    br[k] = r[e];
                    System.arraycopy(t, e * p, bt, k * p, p);
                    if (bt1 != null) {
                        System.arraycopy(t1, e * p, bt1, k * p, p);
                    }
                    bw[k] = w[e];
                    k++;
                }
                if (pass == 0 && y0First) {
                    m0 = k;
                }
            }
            return y0First ? m0 : m;
        }

        private int m0;
    }

    /** Adam, AMSGrad or SGD with Nesterov momentum on the flat parameter tensor. */
    private static final class Optim {
        final ParamNetwork net;
        final ParamTrainingConfig.Optimizer kind;
        final float momentum;
        final NDArray m;
        final NDArray v;
        final NDArray vMax;
        int t;

        Optim(ParamNetwork net, ParamTrainingConfig config) {
            this.net = net;
            this.kind = config.optimizer();
            this.momentum = (float) config.momentum();
            Shape s = new Shape(net.size);
            m = net.manager.zeros(s);
            v = kind == ParamTrainingConfig.Optimizer.SGD_NESTEROV ? null : net.manager.zeros(s);
            vMax = kind == ParamTrainingConfig.Optimizer.AMSGRAD ? net.manager.zeros(s) : null;
        }

        /** One update with the gradient accumulated in the flat tensor, which is then zeroed. */
        void step(NDManager sub, float lr) {
            NDArray g = net.flat.getGradient();
            g.attach(sub);
            t++;
            if (kind == ParamTrainingConfig.Optimizer.SGD_NESTEROV) {
                // PyTorch's convention: b ← μ b + g; θ ← θ − lr (g + μ b)
                m.muli(momentum).addi(g);
                NDArray upd = m.mul(momentum);
                upd.attach(sub);
                net.flat.subi(upd.addi(g).muli(lr));
            } else {
                m.muli(BETA1).addi(g.mul(1 - BETA1));
                v.muli(BETA2).addi(g.square().muli(1 - BETA2));
                NDArray second = v;
                if (vMax != null) {
                    NDArray up = v.sub(vMax);
                    up.attach(sub);
                    vMax.addi(up.maximum(0f)); // vMax ← max(vMax, v)
                    second = vMax;
                }
                double bc1 = 1 - Math.pow(BETA1, t), bc2 = 1 - Math.pow(BETA2, t);
                NDArray denom = second.sqrt();
                denom.attach(sub);
                denom.addi((float) (EPSILON * Math.sqrt(bc2)));
                NDArray upd = m.div(denom);
                upd.attach(sub);
                net.flat.subi(upd.muli((float) (lr * Math.sqrt(bc2) / bc1)));
            }
            g.muli(0f);
        }
    }
}
