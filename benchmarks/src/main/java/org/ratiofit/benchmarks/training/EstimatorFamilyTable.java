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
 * table. The doubly parametrised methods (CARL2 … ALICES2) train on events with θ0 and θ1 drawn
 * per event in the box and are evaluated at θ1 = (2, 1) like the others (the score column: ∇θ0 ln r̂
 * at θ0 = θ1 = (2, 1)); their last column is the MSE of ln r̂(x|θ0, θ1) over the 3×3 grid of θ0
 * times the 3×3 grid of θ1 (the same points), 500 held-out events drawn at each θ1.
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
        System.out.println("| method | training events | MSE ln r | MSE t (θ_ref) | epochs (best) | seconds | events/s | MSE ln r over (θ0, θ1) (r̂ ≡ 1) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (String s : sizes) {
            int n = Integer.parseInt(s.trim());
            AugmentedData ratioData = sim.ratioTrainingData(n, lo, hi, th1, new SplittableRandom(n + 1L));
            AugmentedData scoreData = sim.localScoreTrainingData(n, th1, new SplittableRandom(n + 2L));
            AugmentedData doublyData = null;
            for (String m : methods) {
                EstimatorMethod method = EstimatorMethod.valueOf(m.trim());
                ParamTrainingConfig c = ParamTrainingConfig.defaults(method)
                        .withNetwork(List.of(64, 64), TrainingConfig.Activation.SWISH)
                        .withOptimizer(ParamTrainingConfig.Optimizer.ADAM, 1e-3, 1e-4)
                        .withEpochs(maxEpochs, batch, 5).withQuiet(true);
                if (method.doubly() && doublyData == null) {
                    doublyData = sim.doublyRatioTrainingData(n, lo, hi, new SplittableRandom(n + 3L));
                }
                AugmentedData train = method.localScore() ? scoreData : method.doubly() ? doublyData : ratioData;
                TrainedEstimator est = ParamTrainer.train(train, c, 0, th1);
                GammaLatentValidation v = GammaLatentValidation.of(est, ref);
                String pairs = "—";
                if (method.doubly()) {
                    double[][] grid = GammaLatentValidation.Reference.grid(lo, hi, 3);
                    GammaLatentValidation vp = GammaLatentValidation.ofDoubly(est, sim, 500, grid, grid, 199);
                    pairs = String.format(Locale.ROOT, "%.4f (%.4f)", vp.mseLogRatio(), vp.varianceLogRatio());
                }
                String row = String.format(Locale.ROOT, "| %s | %d | %s | %.4f | %d (%d) | %.0f | %.2g | %s |",
                        method.name(), n, Double.isNaN(v.mseLogRatio()) ? "—" : String.format(Locale.ROOT, "%.4f", v.mseLogRatio()),
                        v.mseScore(), est.history().epochs(), est.history().bestEpoch() + 1, est.history().seconds(),
                        est.history().eventsPerSecond(), pairs);
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
