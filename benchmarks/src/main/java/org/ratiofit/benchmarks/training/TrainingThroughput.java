package org.ratiofit.benchmarks.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ratiofit.ratio.training.DataSplit;
import org.ratiofit.ratio.training.DjlOffline;
import org.ratiofit.ratio.training.DjlTrainer;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.TrainingData;

/**
 * DJL training throughput: events per second per epoch for an 8-feature, 3×64 swish MLP on 10^6
 * events (two shifted 8-D Gaussians), Adam, weighted BCE. A plain timing main rather than JMH:
 * one epoch takes seconds, so the figure is the median over epochs after the first (warm-up).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     [-Dai.djl.pytorch.num_threads=N] org.ratiofit.benchmarks.training.TrainingThroughput \
 *     [events=1000000] [batch=1024] [epochs=4]
 * </pre>
 */
public final class TrainingThroughput {
    private TrainingThroughput() {
    }

    public static void main(String[] args) {
        DjlOffline.ensure();
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int d = 8;
        SplittableRandom rng = new SplittableRandom(1);
        Map<String, double[]> a = new LinkedHashMap<>();
        Map<String, double[]> b = new LinkedHashMap<>();
        List<String> features = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            double[] ca = new double[events / 2];
            double[] cb = new double[events - events / 2];
            for (int i = 0; i < ca.length; i++) {
                ca[i] = 0.2 * j / d + gaussian(rng) * (1 + 0.05 * j);
            }
            for (int i = 0; i < cb.length; i++) {
                cb[i] = gaussian(rng);
            }
            a.put("f" + j, ca);
            b.put("f" + j, cb);
            features.add("f" + j);
        }
        TrainingData data = TrainingData.ofSamples(a, null, b, null, features, features);
        // train on 90% so one epoch sees 9·10^5 events; 5% validation, 5% holdout
        TrainingConfig cfg = TrainingConfig.defaults().withNetwork(List.of(64, 64, 64), TrainingConfig.Activation.SWISH)
                .withEpochs(epochs, batch, epochs + 1).withSplit(0.9, 0.05).withQuiet(true);
        DataSplit split = DataSplit.draw(data.size(), cfg.splitSeed(), 0.9, 0.05);
        long[] stamps = new long[epochs + 1];
        stamps[0] = System.nanoTime();
        DjlTrainer.train(data, cfg, 0, split, (member, epoch, train, val) -> {
            stamps[epoch + 1] = System.nanoTime();
            System.out.printf("epoch %d: %.2f s, train loss %.5f, validation loss %.5f%n", epoch,
                    (stamps[epoch + 1] - stamps[epoch]) * 1e-9, train, val);
        });
        double[] perEpoch = new double[epochs - 1];
        for (int e = 1; e < epochs; e++) {
            perEpoch[e - 1] = (stamps[e + 1] - stamps[e]) * 1e-9;
        }
        Arrays.sort(perEpoch);
        double median = perEpoch[perEpoch.length / 2];
        int trainEvents = split.train().length;
        System.out.printf("TrainingThroughput: %d training events/epoch, batch %d, threads %s: median epoch %.2f s"
                + " -> %.0f events/s%n", trainEvents, batch, System.getProperty("ai.djl.pytorch.num_threads"),
                median, trainEvents / median);
    }

    private static double gaussian(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log1p(-rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
