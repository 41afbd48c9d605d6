package org.ratiofit.ratio.training.multiout;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
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
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ratiofit.ratio.training.DjlOffline;
import org.ratiofit.ratio.training.DjlTrainer;
import org.ratiofit.ratio.training.GraphConstants;
import org.ratiofit.ratio.training.MlpWeights;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.TrainingHistory;

/**
 * The training loop shared by the multi-output trainers (multiclass softmax, parametric-in-nuisance
 * polynomial networks): an MLP with K outputs on scaled rows, trained with DJL's PyTorch engine by
 * a loss the caller writes as NDArray operations on the outputs and per-event auxiliary values
 * (labels, weights), with the binary trainer's optimiser, learning-rate schedule, early stopping
 * on the validation loss (best epoch's weights restored) and zero-initialised output layer
 * (every output starts at 0). The batch order comes from a Java generator seeded by the caller
 * and PyTorch's initialisation from {@code Engine.setRandomSeed}, so a rerun with the same seed
 * gives the same weights.
 */
public final class MultiOutputTrainer {
    static {
        DjlOffline.ensure();
    }

    private static final int EVAL_BATCH = 8192;

    private MultiOutputTrainer() {
    }

    /** The loss: per event from the outputs z [m, K] and the event's auxiliary values aux [m, A]. */
    public interface LossFunction {
        /**
         * Per-event losses [m] (weights included); the trainer minimises their mean over the batch
         * times the number of training events, i.e. the sum over the training set.
         */
        NDArray perEvent(NDArray z, NDArray aux);

        /** The same loss summed over validation events, in double, from their outputs (row-major [n][K]). */
        double validation(double[] z);
    }

    /** What training returns: the network (last layer K outputs, identity) and its loss history. */
    public record Result(MlpWeights network, TrainingHistory history) {
    }

    /**
     * @param x        training rows, scaled, row-major [n][d]
     * @param aux      per-event auxiliary values, row-major [n][auxWidth]
     * @param xVal     validation rows, scaled, row-major
     * @param outputs  K
     * @param seed     the member's seed (batch order, initialisation)
     * @param task     name on the progress bar
     */
    public static Result train(float[] x, int d, float[] aux, int auxWidth, float[] xVal, int outputs, LossFunction loss,
            TrainingConfig config, long seed, int member, String task, DjlTrainer.EpochListener listener) {
        // one training at a time per JVM (DJL's PyTorch engine allows one gradient collector), as DjlTrainer's members
        return DjlTrainer.exclusively(() -> trainAlone(x, d, aux, auxWidth, xVal, outputs, loss, config, seed, member, task, listener));
    }

    private static Result trainAlone(float[] x, int d, float[] aux, int auxWidth, float[] xVal, int outputs, LossFunction loss,
            TrainingConfig config, long seed, int member, String task, DjlTrainer.EpochListener listener) {
        DjlOffline.intraOpThreadsOnThisThread();
        int n = x.length / d;
        if (n == 0 || xVal.length == 0) {
            throw new IllegalArgumentException(task + ": no training or validation events");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed((int) (seed ^ (seed >>> 32)));
        int batch = Math.min(config.batchSize(), n);
        int stepsPerEpoch = (n + batch - 1) / batch;
        Tracker lr = numUpdate -> (float) config.learningRateAt((numUpdate - 1) / (double) stepsPerEpoch);
        if (config.optimizer() != TrainingConfig.OptimizerKind.ADAM) {
            throw new IllegalArgumentException(task + ": the multi-output trainers use Adam; got " + config.optimizer());
        }
        Optimizer optimizer = Optimizer.adam().optLearningRateTracker(lr).build();
        double[] trainLoss = new double[config.epochs()];
        double[] valLoss = new double[config.epochs()];
        int bestEpoch = -1;
        double best = Double.POSITIVE_INFINITY;
        List<float[]> bestParams = null;
        int epochsRun = 0;
        boolean stoppedEarly = false;
        long t0 = System.nanoTime();
        try (Model model = Model.newInstance(task, Device.cpu(), "PyTorch")) {
            SequentialBlock net = network(config.hiddenLayers(), config.activation(), outputs);
            model.setBlock(net);
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer)
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(tc); ProgressBar bar = config.quiet() ? null : progressBar(task, config.epochs())) {
                trainer.initialize(new Shape(batch, d));
                zeroOutputLayer(net);
                NDManager manager = trainer.getManager();
                int[] order = new int[n];
                for (int k = 0; k < n; k++) {
                    order[k] = k;
                }
                float[] bx = new float[batch * d];
                float[] ba = new float[batch * auxWidth];
                for (int epoch = 0; epoch < config.epochs(); epoch++) {
                    shuffle(order, rng);
                    double sum = 0;
                    for (int s = 0; s < stepsPerEpoch; s++) {
                        int from = s * batch;
                        int m = Math.min(batch, n - from);
                        for (int k = 0; k < m; k++) {
                            int e = order[from + k];
                            System.arraycopy(x, e * d, bx, k * d, d);
                            System.arraycopy(aux, e * auxWidth, ba, k * auxWidth, auxWidth);
                        }
                        try (NDManager sub = manager.newSubManager()) {
                            NDArray xb = sub.create(m == batch ? bx : Arrays.copyOf(bx, m * d), new Shape(m, d));
                            NDArray ab = sub.create(m == batch ? ba : Arrays.copyOf(ba, m * auxWidth), new Shape(m, auxWidth));
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDArray z = trainer.forward(new NDList(xb)).singletonOrThrow();
                                NDArray l = loss.perEvent(z, ab).mean().mul(GraphConstants.scalar(z, n));
                                gc.backward(l);
                                sum += l.getFloat() * m / n;
                            }
                            trainer.step();
                        }
                    }
                    trainLoss[epoch] = sum;
                    valLoss[epoch] = loss.validation(forward(trainer, xVal, d, outputs));
                    epochsRun = epoch + 1;
                    if (!Double.isFinite(valLoss[epoch]) || !Double.isFinite(trainLoss[epoch])) {
                        throw new IllegalStateException(task + ": loss became NaN or infinite (" + trainLoss[epoch] + " train, "
                                + valLoss[epoch] + " validation) at epoch " + epoch + "; lower the learning rate or check the inputs' scale");
                    }
                    if (listener != null) {
                        listener.epochDone(member, epoch, trainLoss[epoch], valLoss[epoch]);
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
            TrainingHistory history = new TrainingHistory(Arrays.copyOf(trainLoss, epochsRun), Arrays.copyOf(valLoss, epochsRun),
                    bestEpoch, stoppedEarly, seconds, n);
            return new Result(weights, history);
        }
    }

    /** The network's outputs for scaled row-major rows, in Java (float32 weights, double sums): row-major [n][K]. */
    public static double[] outputs(MlpWeights w, float[] rows) {
        int d = w.inputs();
        int n = rows.length / d;
        int k = w.widths().get(w.layers() - 1);
        double[] out = new double[n * k];
        java.util.stream.IntStream.range(0, n).parallel().forEach(r -> {
            double[] h = new double[d];
            for (int j = 0; j < d; j++) {
                h[j] = rows[r * d + j];
            }
            for (int l = 0; l < w.layers(); l++) {
                int width = w.widths().get(l);
                float[] wt = w.weights().get(l);
                float[] b = w.biases().get(l);
                int in = h.length;
                double[] next = new double[width];
                for (int o = 0; o < width; o++) {
                    double s = b[o];
                    for (int i = 0; i < in; i++) {
                        s += wt[o * in + i] * h[i];
                    }
                    next[o] = l == w.layers() - 1 ? s : activate(w.activation(), s);
                }
                h = next;
            }
            System.arraycopy(h, 0, out, r * k, k);
        });
        return out;
    }

    private static double activate(TrainingConfig.Activation a, double x) {
        return switch (a) {
            case RELU -> Math.max(0, x);
            case TANH -> Math.tanh(x);
            case SWISH -> x / (1 + Math.exp(-x));
        };
    }

    /** softplus(z) = ln(1 + e^z), stable: max(z, 0) + ln(1 + e^{−|z|}). */
    public static NDArray softplus(NDArray z) {
        return GraphConstants.softplus(z);
    }

    /** softplus in double. */
    public static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    static SequentialBlock network(List<Integer> hidden, TrainingConfig.Activation act, int outputs) {
        SequentialBlock net = new SequentialBlock();
        for (int width : hidden) {
            net.add(Linear.builder().setUnits(width).build());
            switch (act) {
                case RELU -> net.add(Activation::relu);
                case TANH -> net.add(Activation::tanh);
                case SWISH -> net.add(list -> new NDList(GraphConstants.swish(list.singletonOrThrow())));
            }
        }
        net.add(Linear.builder().setUnits(outputs).build());
        return net;
    }

    private static double[] forward(Trainer trainer, float[] rows, int d, int k) {
        int n = rows.length / d;
        double[] out = new double[n * k];
        for (int from = 0; from < n; from += EVAL_BATCH) {
            int m = Math.min(EVAL_BATCH, n - from);
            try (NDManager sub = trainer.getManager().newSubManager()) {
                NDArray xb = sub.create(Arrays.copyOfRange(rows, from * d, (from + m) * d), new Shape(m, d));
                float[] z = trainer.evaluate(new NDList(xb)).singletonOrThrow().toFloatArray();
                for (int i = 0; i < m * k; i++) {
                    out[from * k + i] = z[i];
                }
            }
        }
        return out;
    }

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
            NDArray target = p.getValue().getArray();
            // PyTorch arithmetic, not NDArray.set (see DjlTrainer: set() broke reproducibility in DJL 0.35.1)
            try (NDArray src = target.getManager().create(params.get(k++), target.getShape())) {
                target.muli(0f).addi(src);
            }
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

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int k = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[k];
            a[k] = t;
        }
    }

    private static ProgressBar progressBar(String task, int epochs) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(epochs).setStyle(ProgressBarStyle.ASCII)
                .setUnit(" epochs", 1).continuousUpdate().build();
    }
}
