package org.ratiofit.benchmarks.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ratiofit.ratio.training.DjlOffline;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.param.AugmentedData;
import org.ratiofit.ratio.training.param.EstimatorMethod;
import org.ratiofit.ratio.training.param.ParamTrainer;
import org.ratiofit.ratio.training.param.ParamTrainingConfig;

/**
 * Training throughput of {@link ParamTrainer} on the network of the PyTorch comparison
 * ({@code benchmarks/scripts/param_training_torch.py}): 8 inputs, 3×64 SiLU, Adam, one PyTorch
 * thread. Data: two shifted 8-D Gaussians (CARL; the same generator as the Python script), and for
 * the score-augmented methods 6 features + 2 parameters θ with synthetic joint ratios and scores
 * (the step's cost does not depend on their values). Prints, per method, the median epoch time over
 * epochs 2… and events/s, then the per-step phase breakdown ({@link ParamTrainer#profileSteps}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     org.ratiofit.benchmarks.training.EstimatorThroughput [events=200000] [batch=1024] [epochs=3]
 * </pre>
 */
public final class EstimatorThroughput {
    private EstimatorThroughput() {
    }

    public static void main(String[] args) {
        DjlOffline.ensure();
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        AugmentedData carl = gaussians(events, 8, 0);
        AugmentedData withTheta = gaussians(events, 6, 2);
        System.out.printf(Locale.ROOT, "events %d, batch %d, epochs %d, 3x64 SiLU, Adam, 1 PyTorch thread%n", events, batch, epochs);
        System.out.println("| method | inputs | median epoch (s) | events/s |");
        System.out.println("|---|---|---:|---:|");
        List<ParamTrainer.StepProfile> profiles = new ArrayList<>();
        for (EstimatorMethod m : new EstimatorMethod[] {EstimatorMethod.CARL, EstimatorMethod.ALICE,
                EstimatorMethod.CASCAL, EstimatorMethod.ALICES}) {
            for (AugmentedData data : m == EstimatorMethod.CARL ? List.of(carl, withTheta) : List.of(withTheta)) {
                ParamTrainingConfig c = ParamTrainingConfig.defaults(m)
                        .withNetwork(List.of(64, 64, 64), TrainingConfig.Activation.SWISH)
                        .withOptimizer(ParamTrainingConfig.Optimizer.ADAM, 1e-3, 1e-3)
                        .withEpochs(epochs, batch, epochs + 1).withQuiet(true);
                c = new ParamTrainingConfig(c.formatVersion(), m, c.alpha(), c.hiddenLayers(), c.activation(),
                        c.optimizer(), c.initialLearningRate(), c.finalLearningRate(), c.momentum(), epochs, batch,
                        0.05, epochs + 1, 1L, true, false, 0, true);
                long[] stamps = new long[epochs + 1];
                stamps[0] = System.nanoTime();
                ParamTrainer.train(data, c, 0, null, (member, epoch, tr, val) -> stamps[epoch + 1] = System.nanoTime());
                double[] secs = new double[epochs - 1];
                for (int e = 1; e < epochs; e++) {
                    secs[e - 1] = (stamps[e + 1] - stamps[e]) * 1e-9;
                }
                Arrays.sort(secs);
                double med = secs.length == 0 ? (stamps[1] - stamps[0]) * 1e-9 : secs[secs.length / 2];
                long perEpoch = events - Math.round(events * 0.05);
                System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.3g |%n", m, data.numParameters() == 0 ? "8 x" : "6 x + 2 θ",
                        med, perEpoch / med);
                if (data == withTheta) {
                    profiles.add(ParamTrainer.profileSteps(data, c, 20, 100));
                }
            }
        }
        System.out.println();
        System.out.println("per step (ms), batch " + batch + ":");
        System.out.println("| method | batch → NDArrays | forward + loss | backward | optimiser | total |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (ParamTrainer.StepProfile p : profiles) {
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f |%n", p.method(), p.inputMs(),
                    p.forwardMs(), p.backwardMs(), p.optimiserMs(), p.totalMs());
        }
    }

    /** Half the events from N(0.2 j/d, (1 + 0.05 j)²) per coordinate (y = 0), half from N(0, 1) (y = 1). */
    static AugmentedData gaussians(int n, int d, int p) {
        SplittableRandom rng = new SplittableRandom(1);
        double[][] x = new double[d][n];
        double[][] th = new double[p][n];
        double[][] t = new double[Math.max(p, 0)][n];
        int[] y = new int[n];
        double[] r = new double[n];
        for (int e = 0; e < n; e++) {
            y[e] = e % 2;
            for (int j = 0; j < d; j++) {
                double g = rng.nextGaussian();
                x[j][e] = y[e] == 0 ? 0.2 * j / d + g * (1 + 0.05 * j) : g;
            }
            for (int j = 0; j < p; j++) {
                th[j][e] = rng.nextDouble();
                t[j][e] = rng.nextGaussian();
            }
            r[e] = Math.exp(0.3 * rng.nextGaussian());
        }
        List<String> f = new ArrayList<>(), ps = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            f.add("f" + j);
        }
        for (int j = 0; j < p; j++) {
            ps.add("theta" + j);
        }
        return new AugmentedData(f, ps, x, th, y, r, p == 0 ? null : t, null);
    }
}
