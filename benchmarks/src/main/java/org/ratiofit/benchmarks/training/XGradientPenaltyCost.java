package org.ratiofit.benchmarks.training;

import java.util.List;
import java.util.Locale;
import org.ratiofit.ratio.training.DjlOffline;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.param.AugmentedData;
import org.ratiofit.ratio.training.param.EstimatorMethod;
import org.ratiofit.ratio.training.param.ParamTrainer;
import org.ratiofit.ratio.training.param.ParamTrainingConfig;

/**
 * Cost of the regulariser λ·mean |∇ₓ ln r̂|² per training step ({@link ParamTrainer#profileSteps}):
 * CARL and ALICES with the regulariser off and on, on the network and data of
 * {@link EstimatorThroughput} (6 features + 2 parameters θ, 3×64 SiLU, Adam, one PyTorch thread),
 * interleaved rounds so that load drifts hit every configuration alike; prints the median over
 * rounds of the ms per step and the ratios to the plain CARL step.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     org.ratiofit.benchmarks.training.XGradientPenaltyCost [steps=300] [batch=1024] [rounds=3]
 * </pre>
 */
public final class XGradientPenaltyCost {
    private XGradientPenaltyCost() {
    }

    public static void main(String[] args) {
        DjlOffline.ensure();
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        AugmentedData data = EstimatorThroughput.gaussians(Math.max(20_000, 4 * batch), 6, 2);
        EstimatorMethod[] methods = {EstimatorMethod.CARL, EstimatorMethod.CARL, EstimatorMethod.ALICES,
                EstimatorMethod.ALICES};
        double[] lambdas = {0, 1, 0, 1};
        double[][] ms = new double[methods.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < methods.length; k++) {
                ParamTrainingConfig c = ParamTrainingConfig.defaults(methods[k])
                        .withNetwork(List.of(64, 64, 64), TrainingConfig.Activation.SWISH)
                        .withOptimizer(ParamTrainingConfig.Optimizer.ADAM, 1e-3, 1e-3).withEpochs(1, batch, 2)
                        .withQuiet(true).withXGradientPenalty(lambdas[k]);
                ms[k][r] = ParamTrainer.profileSteps(data, c, 20, steps).totalMs();
            }
        }
        System.out.printf(Locale.ROOT, "6 x + 2 theta, 3x64 SiLU, Adam, batch %d, %d steps after 20 warm-up, %d rounds%n",
                batch, steps, rounds);
        System.out.println("| method | λ | ms per step (median) | rounds (ms) | × CARL λ=0 |");
        System.out.println("|---|---:|---:|---|---:|");
        double base = median(ms[0]);
        for (int k = 0; k < methods.length; k++) {
            double m = median(ms[k]);
            StringBuilder all = new StringBuilder();
            for (double v : ms[k]) {
                all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", v));
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %s | %.2f |%n", methods[k], lambdas[k] == 0 ? "0" : "1", m,
                    all, m / base);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }
}
