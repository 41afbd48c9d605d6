package org.ratiofit.examples.nre;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.training.DjlTrainer;
import org.ratiofit.ratio.training.OnnxExport;
import org.ratiofit.ratio.training.TrainedMember;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.TrainingData;

/**
 * Contrastive (classifier) neural ratio estimation: a classifier learns to tell pairs (x, θ) drawn
 * from the joint p(θ) p(x | θ) from pairs drawn from the product of the marginals p(θ) p(x) (the
 * same simulations with θ shuffled). Its logit is then ln r(x | θ) = ln p(x | θ) − ln p(x), a
 * parametrised ratio whose θ-independent reference p(x) cancels in a posterior, so summed over
 * i.i.d. observations it is the log-likelihood up to a constant.
 *
 * <p>θ is drawn from a uniform prior on a box; the network (DJL, CPU) takes the features followed by
 * θ, all standard-scaled, and is exported as ONNX with a sidecar that declares θ as parameters, so
 * it loads as a parametrised {@link org.ratiofit.ratio.RatioModel}.
 */
public final class ContrastiveNre {

    /** Draws the features of one event at θ into {@code out}. */
    @FunctionalInterface
    public interface Simulator {
        void simulate(double[] theta, SplittableRandom rng, double[] out);
    }

    /**
     * The problem: feature and parameter names, and the box of the uniform prior on θ.
     *
     * @param features   names of the simulated features x
     * @param parameters names of θ
     * @param lower      lower edges of the prior box, one per parameter
     * @param upper      upper edges of the prior box
     */
    public record Problem(List<String> features, List<String> parameters, double[] lower, double[] upper) {
        public Problem {
            features = List.copyOf(features);
            parameters = List.copyOf(parameters);
            if (lower.length != parameters.size() || upper.length != parameters.size()) {
                throw new IllegalArgumentException("prior box needs " + parameters.size() + " lower and upper edges for " + parameters);
            }
            for (int j = 0; j < lower.length; j++) {
                if (!(lower[j] < upper[j]) || !Double.isFinite(lower[j]) || !Double.isFinite(upper[j])) {
                    throw new IllegalArgumentException("prior box of '" + parameters.get(j) + "' is [" + lower[j] + ", " + upper[j] + "]");
                }
            }
        }
    }

    /**
     * What training produced.
     *
     * @param sidecar          path of the exported sidecar (next to its ONNX file)
     * @param pairs            simulated (x, θ) pairs; the training set has twice as many events
     * @param epochs           epochs run
     * @param bestEpoch        epoch whose weights were kept
     * @param validationLoss   validation loss of the kept weights (ln 2 = no information)
     * @param seconds          training time
     */
    public record Result(Path sidecar, int pairs, int epochs, int bestEpoch, double validationLoss, double seconds) {}

    private ContrastiveNre() {}

    /** A small default network for low-dimensional problems: 3×64 swish, logit output, Adam 2e-3 with cosine decay, batches of 1024. */
    public static TrainingConfig defaultConfig(int epochs, long seed) {
        return defaultConfig(List.of(64, 64, 64), epochs, seed);
    }

    /** As {@link #defaultConfig(int, long)} with other hidden-layer widths. */
    public static TrainingConfig defaultConfig(List<Integer> hidden, int epochs, long seed) {
        return TrainingConfig.defaults()
                .withNetwork(hidden, TrainingConfig.Activation.SWISH)
                .withOptimizer(TrainingConfig.OptimizerKind.ADAM, 2e-3, TrainingConfig.Schedule.COSINE, 0.05)
                .withEpochs(epochs, 1024, 5)
                .withOutput(TrainingConfig.OutputConvention.LOGIT)
                .withSplit(0.8, 0.2)
                .withSeeds(seed, seed + 1);
    }

    /** The joint and shuffled pairs as training data (label 1: joint, 0: product of marginals). */
    public static TrainingData simulate(Problem problem, Simulator simulator, int pairs, long seed) {
        if (pairs < 10) throw new IllegalArgumentException("contrastive NRE needs at least 10 simulated pairs, got " + pairs);
        int d = problem.features().size();
        int p = problem.parameters().size();
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] theta = new double[p][pairs];
        double[][] x = new double[d][pairs];
        double[] t = new double[p];
        double[] out = new double[d];
        for (int i = 0; i < pairs; i++) {
            for (int j = 0; j < p; j++) {
                t[j] = problem.lower()[j] + (problem.upper()[j] - problem.lower()[j]) * rng.nextDouble();
                theta[j][i] = t[j];
            }
            simulator.simulate(t, rng, out);
            for (int f = 0; f < d; f++) x[f][i] = out[f];
        }
        // θ of another simulation: a pair from p(θ) p(x)
        int[] perm = new int[pairs];
        for (int i = 0; i < pairs; i++) perm[i] = i;
        for (int i = pairs - 1; i > 0; i--) {
            int k = rng.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[k];
            perm[k] = tmp;
        }
        Map<String, double[]> table = new LinkedHashMap<>();
        for (int f = 0; f < d; f++) {
            double[] col = new double[2 * pairs];
            System.arraycopy(x[f], 0, col, 0, pairs);
            System.arraycopy(x[f], 0, col, pairs, pairs);
            table.put(problem.features().get(f), col);
        }
        for (int j = 0; j < p; j++) {
            double[] col = new double[2 * pairs];
            System.arraycopy(theta[j], 0, col, 0, pairs);
            for (int i = 0; i < pairs; i++) col[pairs + i] = theta[j][perm[i]];
            table.put(problem.parameters().get(j), col);
        }
        int[] labels = new int[2 * pairs];
        java.util.Arrays.fill(labels, 0, pairs, 1);
        List<String> inputs = new ArrayList<>(problem.features());
        inputs.addAll(problem.parameters());
        return TrainingData.of(table, null, labels, inputs, inputs);
    }

    /**
     * Simulates {@code pairs} pairs, trains one classifier and exports it to {@code dir/name.onnx} and
     * {@code dir/name.json}, the sidecar declaring θ as the model's parameters.
     */
    public static Result train(Problem problem, Simulator simulator, int pairs, TrainingConfig config, long seed, Path dir, String name) {
        TrainingData data = simulate(problem, simulator, pairs, seed);
        TrainedMember member = DjlTrainer.train(data, config, 0);
        Path sidecar = OnnxExport.export(member, dir, name, "p(x | " + String.join(", ", problem.parameters()) + ")", "p(x)", null);
        // the exported sidecar lists every network input as a feature; θ become parameters
        ModelSidecar s = Sidecars.read(sidecar);
        ModelSidecar withTheta = new ModelSidecar(s.format(), s.formatVersion(), s.name(), s.onnx(), s.inputName(), s.outputName(),
                problem.features(), problem.parameters(), null, s.scaling(), s.output(), s.numerator(), s.denominator(),
                s.classPriors(), s.clip(), s.calibration(), s.multiclass());
        Sidecars.write(withTheta, sidecar);
        var h = member.history();
        return new Result(sidecar, pairs, h.epochs(), h.bestEpoch(), h.validationLoss()[h.bestEpoch()], h.seconds());
    }
}
