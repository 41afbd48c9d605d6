package org.ratiofit.ratio.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Trains one density-ratio classifier with DJL's PyTorch engine (CPU): an MLP on the scaled
 * features whose logit is ln r̂ = ln p_A/p_B, by weighted binary cross-entropy with per-class
 * normalised weights, Adam or NAdam with a learning-rate schedule and early stopping on the
 * validation loss (the best epoch's weights are restored).
 *
 * <p>Determinism: the split, the batch order and the bootstrap are drawn in Java from the seed;
 * parameter initialisation uses PyTorch's generator seeded through {@code Engine.setRandomSeed}.
 * Repeated runs in one JVM with the same seed give identical weights; PyTorch's CPU kernels may
 * reduce in a different order with a different number of intra-op threads, so results across
 * machines or thread settings agree only to rounding.
 */
public final class DjlTrainer {
    static {
        DjlOffline.ensure();
    }

    /** Called once per finished epoch (for logs or UIs); the progress bar is separate. */
    @FunctionalInterface
    public interface EpochListener {
        void epochDone(int member, int epoch, double trainLoss, double validationLoss);
    }

    private static final int EVAL_BATCH = 8192;

    /** Held while a member trains (see {@link #train(TrainingData, TrainingConfig, int, DataSplit, EpochListener)}). */
    private static final java.util.concurrent.locks.ReentrantLock TRAINING = new java.util.concurrent.locks.ReentrantLock();

    private DjlTrainer() {
    }

    /** Trains member {@code index} of an ensemble; the member's seed is derived from config.seed and the index. */
    public static TrainedMember train(TrainingData data, TrainingConfig config, int index) {
        return train(data, config, index, DataSplit.draw(data.size(), config.splitSeed(), config.trainFraction(),
                config.validationFraction()), null);
    }

    public static TrainedMember train(TrainingData data, TrainingConfig config, int index, DataSplit split,
            EpochListener listener) {
        // DJL's PyTorch engine allows one gradient collector per JVM, and PyTorch's generator is
        // global: members asked for at once (Spark tasks in one executor) train one after the other.
        TRAINING.lock();
        try {
            // PyTorch's grad mode is per thread: off, as on the thread that started the engine,
            // so that the in-place parameter updates outside the gradient collector work on any thread.
            Engine.getEngine("PyTorch");
            JniUtils.setGradMode(false);
            // so are OpenMP's and MKL's thread counts, which the engine set on its own thread only:
            // the same intra-op threads here, so the kernels reduce in the same order on any thread
            DjlOffline.intraOpThreadsOnThisThread();
            try {
                return trainOnce(data, config, index, split, listener);
            } catch (NonFiniteLossException first) {
                // PyTorch through DJL has, rarely and not reproducibly, returned a NaN loss at some epoch;
                // a rerun with the same seed then trains normally and gives the same member as an
                // undisturbed run, so one retry keeps the result reproducible. A second NaN is real.
                System.err.println("ratiofit: " + first.getMessage() + "; retrying member " + index + " once with the same seed");
                return trainOnce(data, config, index, split, listener);
            }
        } finally {
            TRAINING.unlock();
        }
    }

    /**
     * Runs {@code body} (a training with its own gradient collector: the multi-output trainers')
     * as a member's training runs: alone in this JVM, with PyTorch's grad mode off and the intra-op
     * threads set on this thread, so that trainings asked for at once (Spark tasks in one executor)
     * run one after the other and give what they give on the main thread.
     */
    public static <T> T exclusively(java.util.function.Supplier<T> body) {
        TRAINING.lock();
        try {
            Engine.getEngine("PyTorch");
            JniUtils.setGradMode(false);
            DjlOffline.intraOpThreadsOnThisThread();
            return body.get();
        } finally {
            TRAINING.unlock();
        }
    }

    /** A training or validation loss that is NaN or infinite. */
    public static final class NonFiniteLossException extends IllegalStateException {
        NonFiniteLossException(String message) {
            super(message);
        }
    }

    private static TrainedMember trainOnce(TrainingData data, TrainingConfig config, int index, DataSplit split,
            EpochListener listener) {
        DjlOffline.ensure();
        long seed = memberSeed(config.seed(), index);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] trainEvents = split.train();
        if (config.bootstrap()) {
            int[] boot = new int[trainEvents.length];
            for (int k = 0; k < boot.length; k++) {
                boot[k] = trainEvents[rng.nextInt(trainEvents.length)];
            }
            trainEvents = boot;
        }
        FittedScaler scaler = FittedScaler.fit(data, split.train(), config.scaler(), config.minMaxLow(),
                config.minMaxHigh());
        int d = data.numFeatures();
        int n = trainEvents.length;
        float[] x = scaler.transformRows(data, trainEvents);
        float[] y = new float[n];
        float[] w = new float[n];
        double[] wn = data.classNormalisedWeights(trainEvents);
        for (int k = 0; k < n; k++) {
            y[k] = data.labels()[trainEvents[k]];
            // mean over a batch of w·ℓ estimates ½Σ_A wℓ + ½Σ_B wℓ with class sums 1
            w[k] = (float) (wn[k] * n / 2.0);
        }
        float[] xVal = scaler.transformRows(data, split.validation());
        double[] wVal = data.classNormalisedWeights(split.validation());
        int[] yVal = new int[split.validation().length];
        for (int k = 0; k < yVal.length; k++) {
            yVal[k] = data.labels()[split.validation()[k]];
        }

        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed((int) (seed ^ (seed >>> 32)));
        int batch = Math.min(config.batchSize(), n);
        int stepsPerEpoch = (n + batch - 1) / batch;
        Tracker lr = numUpdate -> (float) config.learningRateAt((numUpdate - 1) / (double) stepsPerEpoch);
        Optimizer optimizer = switch (config.optimizer()) {
            case ADAM -> Optimizer.adam().optLearningRateTracker(lr).build();
            case NADAM -> Nadam.builder().optLearningRateTracker(lr).build();
        };
        double[] trainLoss = new double[config.epochs()];
        double[] valLoss = new double[config.epochs()];
        int bestEpoch = -1;
        double best = Double.POSITIVE_INFINITY;
        List<float[]> bestParams = null;
        int epochsRun = 0;
        boolean stoppedEarly = false;
        long t0 = System.nanoTime();
        try (Model model = Model.newInstance("ratio-member-" + index, Device.cpu(), "PyTorch")) {
            SequentialBlock net = buildNetwork(config);
            model.setBlock(net);
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
                    .optOptimizer(optimizer).optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(tc);
                    ProgressBar bar = config.quiet() ? null : progressBar(index, config.epochs())) {
                trainer.initialize(new Shape(batch, d));
                zeroOutputLayer(net);
                NDManager manager = trainer.getManager();
                int[] order = new int[n];
                for (int k = 0; k < n; k++) {
                    order[k] = k;
                }
                float[] bx = new float[batch * d];
                float[] by = new float[batch];
                float[] bw = new float[batch];
                for (int epoch = 0; epoch < config.epochs(); epoch++) {
                    shuffle(order, rng);
                    double sum = 0;
                    for (int s = 0; s < stepsPerEpoch; s++) {
                        int from = s * batch;
                        int m = Math.min(batch, n - from);
                        for (int k = 0; k < m; k++) {
                            int e = order[from + k];
                            System.arraycopy(x, e * d, bx, k * d, d);
                            by[k] = y[e];
                            bw[k] = w[e];
                        }
                        try (NDManager sub = manager.newSubManager()) {
                            NDArray xb = sub.create(m == batch ? bx : java.util.Arrays.copyOf(bx, m * d), new Shape(m, d));
                            NDArray yb = sub.create(m == batch ? by : java.util.Arrays.copyOf(by, m), new Shape(m, 1));
                            NDArray wb = sub.create(m == batch ? bw : java.util.Arrays.copyOf(bw, m), new Shape(m, 1));
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDArray z = trainer.forward(new NDList(xb)).singletonOrThrow();
                                NDArray loss = weightedLogitBce(z, yb, wb);
                                gc.backward(loss);
                                sum += loss.getFloat() * m;
                            }
                            trainer.step();
                        }
                    }
                    trainLoss[epoch] = sum / n;
                    double[] zVal = forward(trainer, xVal, d);
                    valLoss[epoch] = loss(zVal, yVal, wVal);
                    epochsRun = epoch + 1;
                    if (!Double.isFinite(valLoss[epoch]) || !Double.isFinite(trainLoss[epoch])) {
                        throw new NonFiniteLossException("member " + index + ": loss became " + trainLoss[epoch]
                                + " (train) / " + valLoss[epoch] + " (validation) at epoch " + epoch
                                + "; lower the learning rate or check the inputs' scale");
                    }
                    if (listener != null) {
                        listener.epochDone(index, epoch, trainLoss[epoch], valLoss[epoch]);
                    }
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(String.format(" train %.4f  val %.4f", trainLoss[epoch], valLoss[epoch]));
                    }
                    if (valLoss[epoch] < best - config.minDelta()) {
                        best = valLoss[epoch];
                        bestEpoch = epoch;
                        bestParams = snapshot(net);
                    } else if (epoch - bestEpoch >= config.patience()) {
                        stoppedEarly = true;
                        break;
                    }
                }
                restore(net, bestParams);
            }
            double seconds = (System.nanoTime() - t0) * 1e-9;
            MlpWeights weights = extract(net, d, config.activation());
            TrainingHistory history = new TrainingHistory(java.util.Arrays.copyOf(trainLoss, epochsRun),
                    java.util.Arrays.copyOf(valLoss, epochsRun), bestEpoch, stoppedEarly, seconds, n);
            return new TrainedMember(TrainedMember.FORMAT_VERSION, index, seed, config, split, scaler, weights, history);
        }
    }

    /** The seed of member {@code index}: a SplitMix64 mix of the base seed and the index. */
    public static long memberSeed(long baseSeed, int index) {
        long z = baseSeed + 0x9E3779B97F4A7C15L * (index + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** softplus(z) − y·z, stable for large |z|: max(z,0) − y·z + ln(1 + e^{−|z|}); weighted mean over the batch. */
    static NDArray weightedLogitBce(NDArray z, NDArray y, NDArray w) {
        NDArray l = z.maximum(GraphConstants.scalar(z, 0f)).sub(z.mul(y)).add(z.abs().neg().exp().add(1f).log());
        return l.mul(w).mean();
    }

    /** The exact weighted loss ½ Σ_A w ℓ + ½ Σ_B w ℓ (class weights each summing to 1), in double. */
    static double loss(double[] z, int[] y, double[] w) {
        double s = 0;
        for (int k = 0; k < z.length; k++) {
            double zk = z[k];
            double l = Math.max(zk, 0) - y[k] * zk + Math.log1p(Math.exp(-Math.abs(zk)));
            s += w[k] * l;
        }
        return 0.5 * s;
    }

    static SequentialBlock buildNetwork(TrainingConfig config) {
        SequentialBlock net = new SequentialBlock();
        for (int width : config.hiddenLayers()) {
            net.add(Linear.builder().setUnits(width).build());
            switch (config.activation()) {
                case RELU -> net.add(Activation::relu);
                case TANH -> net.add(Activation::tanh);
                case SWISH -> net.add(list -> new NDList(GraphConstants.swish(list.singletonOrThrow())));
            }
        }
        net.add(Linear.builder().setUnits(1).build());
        return net;
    }

    private static double[] forward(Trainer trainer, float[] rows, int d) {
        int n = rows.length / d;
        double[] out = new double[n];
        for (int from = 0; from < n; from += EVAL_BATCH) {
            int m = Math.min(EVAL_BATCH, n - from);
            try (NDManager sub = trainer.getManager().newSubManager()) {
                NDArray xb = sub.create(java.util.Arrays.copyOfRange(rows, from * d, (from + m) * d), new Shape(m, d));
                float[] z = trainer.evaluate(new NDList(xb)).singletonOrThrow().toFloatArray();
                for (int k = 0; k < m; k++) {
                    out[from + k] = z[k];
                }
            }
        }
        return out;
    }

    /**
     * Starts from r̂ ≡ 1: the output layer's weights and bias set to zero. With the default random
     * output layer the untrained network is a random function of RMS ~1 in ln r̂ that training
     * removes only slowly (seen as a validation loss far above ln 2 in the first epochs, and as
     * noise in the shuffled-label null test).
     */
    private static void zeroOutputLayer(SequentialBlock net) {
        List<Parameter> params = net.getParameters().values();
        for (int k = params.size() - 2; k < params.size(); k++) {
            params.get(k).getArray().muli(0f);
        }
    }

    private static List<float[]> snapshot(SequentialBlock net) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    private static void restore(SequentialBlock net, List<float[]> params) {
        if (params == null) {
            return;
        }
        int k = 0;
        for (Pair<String, Parameter> p : net.getParameters()) {
            assign(p.getValue().getArray(), params.get(k++));
        }
    }

    /**
     * Overwrites a parameter in place with PyTorch arithmetic. Not {@code NDArray.set(float[])}:
     * in DJL 0.35.1 that makes the tensor's storage a Java direct buffer, and after it training was
     * no longer reproducible and once produced NaN logits.
     */
    private static void assign(NDArray target, float[] values) {
        try (NDArray src = target.getManager().create(values, target.getShape())) {
            target.muli(0f).addi(src);
        }
    }

    private static MlpWeights extract(SequentialBlock net, int inputs, TrainingConfig.Activation act) {
        List<float[]> weights = new ArrayList<>();
        List<float[]> biases = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray a = p.getValue().getArray();
            if (p.getKey().endsWith("weight")) {
                weights.add(a.toFloatArray());
                widths.add((int) a.getShape().get(0));
            } else if (p.getKey().endsWith("bias")) {
                biases.add(a.toFloatArray());
            } else {
                throw new IllegalStateException("unexpected parameter " + p.getKey());
            }
        }
        return new MlpWeights(MlpWeights.FORMAT_VERSION, inputs, widths, act, weights, biases);
    }

    /**
     * The DJL forward pass of a trained member's network (a fresh block loaded with its weights),
     * returning the logits for row-major scaled rows: the reference the ONNX export must reproduce.
     */
    public static float[] djlLogits(MlpWeights weights, float[] scaledRows) {
        DjlOffline.ensure();
        List<Integer> hidden = weights.widths().subList(0, weights.layers() - 1);
        TrainingConfig cfg = TrainingConfig.defaults().withNetwork(hidden, weights.activation());
        int d = weights.inputs();
        int n = scaledRows.length / d;
        try (Model model = Model.newInstance("ratio-forward", Device.cpu(), "PyTorch");
                NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            SequentialBlock net = buildNetwork(cfg);
            model.setBlock(net);
            net.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, d));
            int wi = 0;
            int bi = 0;
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (p.getKey().endsWith("weight")) {
                    assign(p.getValue().getArray(), weights.weights().get(wi++));
                } else {
                    assign(p.getValue().getArray(), weights.biases().get(bi++));
                }
            }
            NDArray x = manager.create(scaledRows, new Shape(n, d));
            NDList out = net.forward(new ai.djl.training.ParameterStore(manager, false), new NDList(x), false);
            return out.singletonOrThrow().toFloatArray();
        }
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int k = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[k];
            a[k] = t;
        }
    }

    private static ProgressBar progressBar(int index, int epochs) {
        return new ProgressBarBuilder().setTaskName("member " + index).setInitialMax(epochs)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" epochs", 1).continuousUpdate().build();
    }
}
