package org.ratiofit.examples.nre;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.ratiofit.validation.ddm.DdmSimulator;

/**
 * Trains the DDM's neural ratio estimator with {@link ContrastiveNre}: θ = (v, a, z, t) uniform in
 * ssm-simulators' box, one trial (rt, choice) per θ from the bridge-corrected Euler–Maruyama
 * simulator (dt = 0.001, {@code new DdmSimulator(0.001, true)}, trials that follow the exact Wiener
 * density; {@code --simulator tutorial}: the tutorial's plain scheme), a 3×64 swish classifier
 * against shuffled pairs; exported as {@code ddm-nre.onnx} +
 * {@code ddm-nre.json} into {@code --out}. The settings are printed and are the defaults below:
 * {@code examples/run ddm-training} reproduces the model in {@code examples/models/ddm/}.
 */
public final class DdmTraining {
    private DdmTraining() {}

    /** Trains on the bridge-corrected simulator with early-stopping patience 5 (the CLI's defaults). */
    public static ContrastiveNre.Result train(int pairs, int epochs, long seed, List<Integer> hidden, Path out, boolean quiet) {
        return train(pairs, epochs, 5, seed, hidden, new DdmSimulator(0.001, true), out, quiet);
    }

    /**
     * Trains with the early-stopping patience (epochs) and simulator given: {@code new
     * DdmSimulator(0.001, true)} (bridge-corrected) makes trials that follow the exact Wiener density,
     * so the estimator learns the continuous-time model; {@link DdmSimulator#tutorial()} the tutorial's
     * discretely monitored boundary, effectively widened by 0.58·√dt (examples/README.md, "ddm").
     */
    public static ContrastiveNre.Result train(int pairs, int epochs, int patience, long seed, List<Integer> hidden, DdmSimulator sim, Path out, boolean quiet) {
        ContrastiveNre.Problem problem = new ContrastiveNre.Problem(List.of("rt", "choice"), Ddm.PARAMS, DdmSimulator.LOWER, DdmSimulator.UPPER);
        ContrastiveNre.Simulator s = (theta, rng, o) -> sim.simulate(theta[0], theta[1], theta[2], theta[3], rng, o);
        return ContrastiveNre.train(problem, s, pairs, ContrastiveNre.defaultConfig(hidden, epochs, seed).withEpochs(epochs, 1024, patience).withQuiet(quiet), seed, out, "ddm-nre");
    }

    public static void main(String[] args) {
        ExampleArgs a = new ExampleArgs("ddm-training", "Trains the DDM neural ratio estimator (contrastive, DJL)")
                .option("pairs", "1000000", "simulated (trial, θ) pairs")
                .option("epochs", "40", "training epochs (Adam 2e-3, cosine decay over these epochs)")
                .option("patience", "5", "early stopping: epochs without a better validation loss")
                .option("hidden", "64,64,64", "hidden-layer widths")
                .option("seed", "19", "seed of the simulations and the network")
                .option("simulator", "bridge", "bridge: Euler–Maruyama, dt = 0.001, with the Brownian-bridge crossing test (trials follow the exact Wiener density; the committed model); tutorial: the tutorial's plain scheme")
                .option("out", "target/ddm-nre", "output folder");
        if (!a.parse(args)) return;
        String simName = a.string("simulator");
        DdmSimulator sim = switch (simName) {
            case "tutorial" -> DdmSimulator.tutorial();
            case "bridge" -> new DdmSimulator(0.001, true);
            default -> throw new IllegalArgumentException("--simulator must be tutorial or bridge, got '" + simName + "'");
        };
        ContrastiveNre.Result r = train(a.integer("pairs"), a.integer("epochs"), a.integer("patience"), a.integer("seed"), a.widths("hidden"), sim, Path.of(a.string("out")), false);
        System.out.printf(Locale.ROOT, "DDM NRE: %d pairs, simulator %s, seed %d, hidden %s, %d epochs (patience %d, best %d), validation loss %.4f (ln 2 = %.4f), %.1f s%nmodel: %s%n",
                r.pairs(), simName, a.integer("seed"), a.widths("hidden"), r.epochs(), a.integer("patience"), r.bestEpoch() + 1, r.validationLoss(), Math.log(2), r.seconds(), r.sidecar());
    }
}
