package org.ratiofit.benchmarks.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.ratiofit.ratio.training.DjlOffline;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.multiclass.ClassCalibration;
import org.ratiofit.ratio.training.multiclass.MulticlassData;
import org.ratiofit.ratio.training.multiclass.MulticlassTrainer;

/**
 * Training throughput of the multiclass trainer ({@link MulticlassTrainer}, on the multi-output loop the PNNs share) on the
 * network of issue 18's example: 4 features, 32×32 SiLU, 3 softmax outputs, Adam 3·10⁻³ with the cosine schedule, batch
 * 512, one member, one PyTorch thread; 80% of the events trained per epoch. Data: three 4-D Gaussian classes (the same
 * generator as {@code benchmarks/scripts/multiclass_training_torch.py}). Prints the median epoch time over epochs 2… and
 * the training events per second.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     org.ratiofit.benchmarks.training.MulticlassThroughput [events per class=200000] [batch=512] [epochs=4]
 * </pre>
 */
public final class MulticlassThroughput {
    private MulticlassThroughput() {
    }

    public static void main(String[] args) {
        DjlOffline.ensure();
        int perClass = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        if (epochs < 2) {
            throw new IllegalArgumentException("at least 2 epochs (the first holds the engine's start), got " + epochs);
        }
        List<String> features = List.of("x0", "x1", "x2", "x3");
        List<Map<String, double[]>> samples = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(1);
        for (int c = 0; c < 3; c++) {
            Map<String, double[]> cols = new LinkedHashMap<>();
            for (int j = 0; j < features.size(); j++) {
                double[] v = new double[perClass];
                for (int i = 0; i < perClass; i++) {
                    v[i] = 0.3 * c * (j + 1) / features.size() + (1 + 0.1 * c) * rng.nextGaussian();
                }
                cols.put(features.get(j), v);
            }
            samples.add(cols);
        }
        List<double[]> weights = Arrays.asList(null, null, null);
        MulticlassData data = MulticlassData.of(List.of("a", "b", "c"), "c", samples, weights, features, Set.copyOf(features));
        TrainingConfig cfg = TrainingConfig.defaults().withNetwork(List.of(32, 32), TrainingConfig.Activation.SWISH)
                .withEpochs(epochs, batch, epochs)
                .withOptimizer(TrainingConfig.OptimizerKind.ADAM, 3e-3, TrainingConfig.Schedule.COSINE, 0.01)
                .withSeeds(1, 1).withSplit(0.8, 0.2).withQuiet(true);
        long[] stamps = new long[epochs + 1];
        stamps[0] = System.nanoTime();
        MulticlassTrainer.Result r = MulticlassTrainer.train(data, cfg, 1, MulticlassTrainer.ClassWeights.EQUAL, ClassCalibration.NONE,
                (member, epoch, tr, val) -> stamps[epoch + 1] = System.nanoTime());
        double[] secs = new double[epochs - 1];
        for (int e = 1; e < epochs; e++) {
            secs[e - 1] = (stamps[e + 1] - stamps[e]) * 1e-9;
        }
        Arrays.sort(secs);
        double med = secs[secs.length / 2];
        long trained = Math.round(3L * perClass * 0.8);
        System.out.printf(Locale.ROOT, "ratiofit multiclass: %d events per class, batch %d, epochs %d, 32x32 SiLU, 3 outputs, 1 PyTorch thread%n",
                perClass, batch, epochs);
        System.out.printf(Locale.ROOT, "median epoch %.2f s (epochs 2..%d, with the validation pass), %.3g training events/s; "
                + "final validation loss %.5f%n", med, epochs, trained / med, r.members().get(0).history().validationLoss()[epochs - 1]);
    }
}
