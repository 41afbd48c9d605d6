package org.ratiofit.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;
import org.ratiofit.ratio.training.param.AugmentedColumns;
import org.ratiofit.ratio.training.param.AugmentedData;
import org.ratiofit.ratio.training.param.GammaLatentSimulator;

/**
 * A small augmented-data file set for {@code ratiofit train-estimator} (README, "Training
 * MadMiner-style estimators"), from the latent-variable simulator with exact answers
 * ({@link GammaLatentSimulator}: θ = (k, lambda), z ~ Gamma(k, lambda), x1 = ln z + 0.5 ε1,
 * x2 = √z + 0.5 ε2):
 * <ul>
 *   <li>{@code ratio.npz}: events half at θ0 (y = 0), half at θ1 = (2, 1) (y = 1), θ0 uniform in
 *       [1.5, 3] × [0.7, 1.4], with x1, x2, theta0_k, theta0_lambda, y, r_xz, t_xz_k, t_xz_lambda;</li>
 *   <li>{@code sally.csv}: events at θ_ref = (2, 1) with x1, x2, t_xz_k, t_xz_lambda;</li>
 *   <li>{@code reference.csv}, {@code theta1.csv}: features only, at θ_ref = θ1 (for {@code fisher}
 *       and {@code validate}), from other random numbers;</li>
 *   <li>{@code doubly.npz}: for the doubly parametrised methods (alices2 …): every event with its own
 *       θ0 and θ1, both uniform in the box, half drawn at θ0 (y = 0), half at θ1 (y = 1), with x1, x2,
 *       theta0_k, theta0_lambda, theta1_k, theta1_lambda, y, r_xz, t_xz_k, t_xz_lambda (the joint
 *       score at θ0), t_xz1_k, t_xz1_lambda (at θ1);</li>
 *   <li>{@code alices.yml}, {@code sally.yml}, {@code alices2.yml}: the estimator configurations.</li>
 * </ul>
 *
 * <pre>examples/run estimator-data [OUT_DIR [EVENTS]]</pre>
 */
public final class EstimatorData {
    public static final double[] THETA1 = {2, 1};
    public static final double[] LOW = {1.5, 0.7};
    public static final double[] HIGH = {3, 1.4};

    private EstimatorData() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "estimator-data");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        write(out, n, 1L, System.out);
    }

    /** Writes the file set into {@code out} (created if needed); files there of the same names are replaced. */
    public static void write(Path out, int n, long seed, PrintStream log) throws IOException {
        Files.createDirectories(out);
        GammaLatentSimulator sim = new GammaLatentSimulator();
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> features = GammaLatentSimulator.FEATURE_NAMES;
        List<String> params = GammaLatentSimulator.PARAMETER_NAMES;
        AugmentedColumns cols = AugmentedColumns.defaults(features, params);
        AugmentedData ratio = sim.ratioTrainingData(n, LOW, HIGH, THETA1, rng);
        EventFiles.write(out.resolve("ratio.npz"), cols.toTable(ratio, "ratio.npz"), ReadOptions.DEFAULT);
        AugmentedData sally = sim.localScoreTrainingData(n, THETA1, rng);
        EventFiles.write(out.resolve("sally.csv"), cols.toTable(sally, "sally.csv"), ReadOptions.DEFAULT);
        for (String f : List.of("reference.csv", "theta1.csv")) {
            double[][] x = sim.sampleFeatures(n / 2, THETA1, rng);
            java.util.Map<String, double[]> m = new java.util.LinkedHashMap<>();
            m.put(features.get(0), x[0]);
            m.put(features.get(1), x[1]);
            EventFiles.write(out.resolve(f), new EventTable(f, m), ReadOptions.DEFAULT);
        }
        AugmentedData doubly = sim.doublyRatioTrainingData(n, LOW, HIGH, rng);
        EventFiles.write(out.resolve("doubly.npz"), cols.toTable(doubly, "doubly.npz"), ReadOptions.DEFAULT);
        AtomicFiles.writeString(out.resolve("alices.yml"), """
                Version: 1
                Training:
                  Method: alices
                  Data: [ratio.npz]
                  Features: [x1, x2]
                  Parameters: [k, lambda]
                  Theta0: [theta0_k, theta0_lambda]
                  Label: y
                  JointRatio: r_xz
                  JointScore0: [t_xz_k, t_xz_lambda]
                  ReferenceTheta: {k: 2, lambda: 1}   # theta1: where the y = 1 events were drawn
                  Alpha: 1
                  HiddenLayers: [32, 32]
                  Epochs: 20
                  BatchSize: 128
                  Members: 3
                  Seed: 1
                  Output: models/alices
                """);
        AtomicFiles.writeString(out.resolve("sally.yml"), """
                Version: 1
                Training:
                  Method: sally
                  Data: [sally.csv]
                  Features: [x1, x2]
                  Parameters: [k, lambda]
                  JointScore0: [t_xz_k, t_xz_lambda]
                  ReferenceTheta: {k: 2, lambda: 1}   # theta_ref: where the events were drawn
                  HiddenLayers: [32, 32]
                  Epochs: 20
                  Members: 3
                  Output: models/sally
                """);
        AtomicFiles.writeString(out.resolve("alices2.yml"), """
                Version: 1
                Training:
                  Method: alices2             # doubly parametrised: theta1 is a network input
                  Data: [doubly.npz]
                  Features: [x1, x2]
                  Parameters: [k, lambda]
                  Theta0: [theta0_k, theta0_lambda]
                  Theta1: [theta1_k, theta1_lambda]
                  JointScore0: [t_xz_k, t_xz_lambda]
                  JointScore1: [t_xz1_k, t_xz1_lambda]
                  HiddenLayers: [32, 32]
                  Epochs: 20
                  BatchSize: 128
                  Members: 3
                  Seed: 1
                  Output: models/alices2
                """);
        log.printf("wrote %d-event augmented data (ratio.npz, sally.csv, doubly.npz), reference.csv, theta1.csv, alices.yml, sally.yml and alices2.yml to %s%n",
                n, out.toAbsolutePath());
        log.printf("next: cd %s && ratiofit train-estimator alices.yml && ratiofit train-estimator sally.yml%n", out);
    }
}
