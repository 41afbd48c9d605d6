package org.ratiofit.benchmarks.toys;

import java.util.Locale;
import org.ratiofit.likelihood.Model;
import org.ratiofit.validation.toys.GaussianOnExponential;
import org.ratiofit.validation.toys.ToyWorkspaces;

/**
 * Pseudo-experiment generation alone (no fits), one thread: toys per second at one truth point on
 * the demo's workspace (Gaussian-on-exponential, 20,000 reference events) and on the 10^5-event,
 * 10-nuisance workspace of {@link ToyThroughput} (2·10^5 reference events). Shows what reusing the
 * reference events' resampling weights across the toys of a truth point saves. Arguments: toys
 * for the demo workspace (default 2000), toys for the large one (default 100).
 */
public final class ToyGeneration {

    private ToyGeneration() {
    }

    public static void main(String[] args) {
        int toys = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int largeToys = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        GaussianOnExponential toy = new GaussianOnExponential(GaussianOnExponential.Config.standard());
        double[] truth = {1, 0, 0};
        Model ws = ToyWorkspaces.gaussianOnExponential(toy, toy.generate(truth, 1), 20_000, 2, false);
        System.out.printf(Locale.ROOT, "# generation only, 1 thread, load %s%n", ToyThroughput.load());
        report("generation, demo workspace (20k reference events)", ws, truth, toys);
        Model large = ToyThroughput.large(100_000, 9, 3);
        double[] lt = new double[large.dimension()];
        lt[0] = 1;
        report("generation, 1e5 events, 10 nuisance parameters (2e5 ref.)", large, lt, largeToys);
    }

    static void report(String name, Model model, double[] truth, int toys) {
        long events = 0;
        for (int i = 0; i < Math.max(10, toys / 10); i++) {
            events += model.pseudoExperiment(truth, 1_000_000 + i).channels().size(); // warm-up (JIT)
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < toys; i++) {
            events += model.pseudoExperiment(truth, i).channels().size();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%-60s %6d toys %8.2f s %9.1f toys/s%s%n", name, toys, s, toys / s, events < 0 ? "!" : "");
    }
}
