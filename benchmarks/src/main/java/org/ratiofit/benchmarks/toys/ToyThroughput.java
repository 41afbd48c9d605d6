package org.ratiofit.benchmarks.toys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.profile.TestStatistic;
import org.ratiofit.samplers.toys.FitSettings;
import org.ratiofit.samplers.toys.LocalToyRunner;
import org.ratiofit.samplers.toys.ToyEnsemble;
import org.ratiofit.samplers.toys.ToyStudy;
import org.ratiofit.validation.toys.GaussianOnExponential;
import org.ratiofit.validation.toys.GaussianOnExponentialModel;
import org.ratiofit.validation.toys.ToyWorkspaces;

/**
 * Toy throughput: pseudo-experiment generation plus the two fits of t_mu (free, and mu held at its
 * true value), toys per second on {@code threads} threads, for (1) the Gaussian-on-exponential
 * toy's exact likelihood (what benchmarks/scripts/toy_throughput.py does with numpy + iminuit),
 * (2) the same toy as a workspace (the demo's model: exact log-ratios, 20,000 reference events
 * resampled), (3) a 10^5-event workspace with 10 nuisance parameters (9 per-event shape
 * systematics, one normalisation). Usage: ToyThroughput [toys] [threads] [largeToys].
 */
public final class ToyThroughput {

    private ToyThroughput() {
    }

    public static void main(String[] args) {
        int toys = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        int largeToys = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        GaussianOnExponential toy = new GaussianOnExponential(GaussianOnExponential.Config.standard());
        double[] truth = {1, 0, 0};
        GaussianOnExponentialModel exact = GaussianOnExponentialModel.generated(toy, truth, 1);
        Model ws = ToyWorkspaces.gaussianOnExponential(toy, toy.generate(truth, 1), 20_000, 2, false);
        System.out.printf(Locale.ROOT, "# threads %d, load %s%n", threads, load());
        report("exact Gaussian-on-exponential (1050 events)", exact, truth, toys, threads);
        report("workspace, Gaussian-on-exponential (20k reference events)", ws, truth, toys, threads);
        Model large = large(100_000, 9, 3);
        double[] lt = new double[large.dimension()];
        lt[0] = 1;
        report("workspace, 1e5 events, 10 nuisance parameters", large, lt, largeToys, threads);
    }

    static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    static void report(String name, StatisticalModel model, double[] truth, int toys, int threads) {
        // warm-up: JIT, then the timed study (other seeds)
        run(model, truth, Math.max(4, toys / 10), threads, 99);
        long t0 = System.nanoTime();
        run(model, truth, toys, threads, 1);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%-60s %6d toys %8.2f s %9.2f toys/s%n", name, toys, s, toys / s);
    }

    static void run(StatisticalModel model, double[] truth, int toys, int threads, long seed) {
        // warm start as the plans do: each toy's fit seeded with the data fit's covariance
        double[][] cov = FitSettings.defaults().migrad().minimise(model).covariance();
        ToyEnsemble e = new ToyEnsemble("bench", 0, truth, cov, TestStatistic.T_MU, new double[] {truth[0]});
        new LocalToyRunner(model, threads, 1).run(new ToyStudy(seed, FitSettings.defaults(), List.of(e), 0, toys), null);
    }

    /**
     * Signal (Gaussian in a feature x) on a flat-ish background, n data events and 2n reference
     * events; {@code shapes} background shape systematics (per-event up/down ratios 1 +- 0.05 sin)
     * and one background normalisation.
     */
    static Model large(int n, int shapes, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int nRef = 2 * n;
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, -2, 10)).pool(null);
        for (int k = 0; k < shapes; k++) {
            b.parameter(Parameter.constrained("alpha_shape" + k));
        }
        b.parameter(Parameter.constrained("alpha_norm"));
        double[] xData = new double[n];
        for (int i = 0; i < n; i++) {
            xData[i] = r.nextDouble() < 0.05 ? 0.5 + 0.05 * r.nextGaussian() : r.nextDouble();
        }
        double[] xRef = new double[nRef];
        for (int i = 0; i < nRef; i++) {
            xRef[i] = r.nextDouble();
        }
        SampleColumns[] dc = columns(xData, shapes);
        SampleColumns[] rc = columns(xRef, shapes);
        double[] w = new double[nRef];
        Arrays.fill(w, 1.0 / nRef);
        ModelBuilder.SampleBuilder sig = b.unbinned("SR", n).sample("signal", 0.05 * n, dc[0].logRatio()).normFactor("mu");
        ModelBuilder.UnbinnedBuilder u = sig.end();
        ModelBuilder.SampleBuilder bkg = u.sample("background", 0.95 * n, dc[1].logRatio());
        for (int k = 0; k < shapes; k++) {
            bkg.shapeSys("alpha_shape" + k, 4, dc[1].shapeUp().get(k), dc[1].shapeDown().get(k));
        }
        bkg.normSys("alpha_norm", 1, 1.05, 1 / 1.05);
        bkg.end().reference(new EventSet(nRef, w, Map.of("signal", rc[0], "background", rc[1]))).end();
        return b.build();
    }

    private static SampleColumns[] columns(double[] x, int shapes) {
        int n = x.length;
        double[] lrS = new double[n];
        double[] lrB = new double[n];
        List<double[]> up = new ArrayList<>();
        List<double[]> dn = new ArrayList<>();
        for (int k = 0; k < shapes; k++) {
            up.add(new double[n]);
            dn.add(new double[n]);
        }
        for (int i = 0; i < n; i++) {
            double z = (x[i] - 0.5) / 0.05;
            lrS[i] = -0.5 * z * z - Math.log(0.05 * Math.sqrt(2 * Math.PI));
            for (int k = 0; k < shapes; k++) {
                double s = 0.05 * Math.sin((k + 1) * Math.PI * x[i]);
                up.get(k)[i] = 1 + s;
                dn.get(k)[i] = 1 - s;
            }
        }
        return new SampleColumns[] {SampleColumns.of(lrS), new SampleColumns(lrB, up, dn, List.of())};
    }
}
