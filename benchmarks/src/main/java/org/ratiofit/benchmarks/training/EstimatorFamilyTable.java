package org.ratiofit.benchmarks.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ratiofit.ratio.training.DjlOffline;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.param.AugmentedData;
import org.ratiofit.ratio.training.param.EstimatorMethod;
import org.ratiofit.ratio.training.param.GammaLatentSimulator;
import org.ratiofit.ratio.training.param.GammaLatentValidation;
import org.ratiofit.ratio.training.param.ParamTrainer;
import org.ratiofit.ratio.training.param.ParamTrainingConfig;
import org.ratiofit.ratio.training.param.TrainedEstimator;

/**
 * MadMiner's estimator family on the latent-variable simulator ({@link GammaLatentSimulator}): per
 * method and training size, the mean squared error of ln r̂(x|θ0) against the exact (quadrature)
 * ln r(x|θ0, θ1) over a 3×3 grid of θ0 in [1.5, 3] × [0.7, 1.4] on 2000 held-out events drawn at
 * θ1 = (2, 1), and of the score at θ_ref = θ1 against the exact marginal score. Prints a markdown
 * table.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     org.ratiofit.benchmarks.training.EstimatorFamilyTable [sizes=10000,100000] \
 *     [methods=CARL,ROLR,ALICE,CASCAL,RASCAL,ALICES,SALLY] [maxEpochs=30] [batch=256]
 * </pre>
 */
public final class EstimatorFamilyTable {
    private EstimatorFamilyTable() {
    }

    public static void main(String[] args) {
        DjlOffline.ensure();
        String[] sizes = (args.length > 0 ? args[0] : "10000,100000").split(",");
        String[] methods = (args.length > 1 ? args[1] : "CARL,ROLR,ALICE,CASCAL,RASCAL,ALICES,SALLY").split(",");
        int maxEpochs = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        GammaLatentSimulator sim = new GammaLatentSimulator();
        double[] lo = {1.5, 0.7}, hi = {3.0, 1.4}, th1 = {2.0, 1.0};
        GammaLatentValidation.Reference ref = GammaLatentValidation.Reference.of(sim, 2000,
                GammaLatentValidation.Reference.grid(lo, hi, 3), th1, 99);
        List<String> rows = new ArrayList<>();
        System.out.println("| method | training events | MSE ln r | MSE t (θ_ref) | epochs (best) | seconds | events/s |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (String s : sizes) {
            int n = Integer.parseInt(s.trim());
            AugmentedData ratioData = sim.ratioTrainingData(n, lo, hi, th1, new SplittableRandom(n + 1L));
            AugmentedData scoreData = sim.localScoreTrainingData(n, th1, new SplittableRandom(n + 2L));
            for (String m : methods) {
                EstimatorMethod method = EstimatorMethod.valueOf(m.trim());
                ParamTrainingConfig c = ParamTrainingConfig.defaults(method)
                        .withNetwork(List.of(64, 64), TrainingConfig.Activation.SWISH)
                        .withOptimizer(ParamTrainingConfig.Optimizer.ADAM, 1e-3, 1e-4)
                        .withEpochs(maxEpochs, batch, 5).withQuiet(true);
                TrainedEstimator est = ParamTrainer.train(method.localScore() ? scoreData : ratioData, c, 0, th1);
                GammaLatentValidation v = GammaLatentValidation.of(est, ref);
                String row = String.format(Locale.ROOT, "| %s | %d | %s | %.4f | %d (%d) | %.0f | %.2g |",
                        method.name(), n, Double.isNaN(v.mseLogRatio()) ? "—" : String.format(Locale.ROOT, "%.4f", v.mseLogRatio()),
                        v.mseScore(), est.history().epochs(), est.history().bestEpoch() + 1, est.history().seconds(),
                        est.history().eventsPerSecond());
                System.out.println(row);
                rows.add(row);
            }
        }
        System.out.printf(Locale.ROOT, "%nreference: r̂ ≡ 1 has MSE ln r = %.4f; t̂ ≡ 0 has MSE t = %.4f%n",
                trivial(ref)[0], trivial(ref)[1]);
    }

    private static double[] trivial(GammaLatentValidation.Reference ref) {
        double a = 0, b = 0;
        int n = ref.x()[0].length;
        for (double[] l : ref.logRatio()) {
            for (double v : l) {
                a += v * v;
            }
        }
        for (double[] t : ref.score()) {
            for (double v : t) {
                b += v * v;
            }
        }
        return new double[] {a / (n * ref.logRatio().length), b / n};
    }
}
