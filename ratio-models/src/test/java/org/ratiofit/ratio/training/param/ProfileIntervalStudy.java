package org.ratiofit.ratio.training.param;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ratiofit.ratio.training.TrainingConfig;

/**
 * A study, not a check (tag {@code slow}, run by hand): why the ALICES ensemble's profile interval
 * of k is narrow. Trains members as {@link ProfileIntervalSlowTest} (settings from system
 * properties), measures the normalisation Z(θ) = E_{x~θ1}[r̂(x|θ)] on a reference sample across the
 * θ box, and prints the interval of the raw and of the self-normalised likelihood.
 */
@Tag("slow")
class ProfileIntervalStudy {
    static final GammaLatentSimulator SIM = ProfileIntervalSlowTest.SIM;

    static int prop(String k, int d) {
        return Integer.getInteger("study." + k, d);
    }

    static double dprop(String k, double d) {
        String s = System.getProperty("study." + k);
        return s == null ? d : Double.parseDouble(s);
    }

    @Test
    void study() {
        int events = prop("events", 100000), members = prop("members", 3), epochs = prop("epochs", 30);
        int patience = prop("patience", 5), width = prop("width", 64), depth = prop("depth", 2);
        int nRef = prop("ref", 200000), batch = prop("batch", 256);
        double lr0 = dprop("lr0", 1e-3), lr1 = dprop("lr1", 1e-4);
        long t0 = System.nanoTime();
        AugmentedData data = SIM.ratioTrainingData(events, ProfileIntervalSlowTest.LO, ProfileIntervalSlowTest.HI,
                ProfileIntervalSlowTest.TH1, new SplittableRandom(31));
        List<Integer> layers = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            layers.add(width);
        }
        ParamTrainingConfig c = ParamTrainingConfig.defaults(EstimatorMethod.ALICES)
                .withNetwork(layers, TrainingConfig.Activation.SWISH)
                .withOptimizer(ParamTrainingConfig.Optimizer.ADAM, lr0, lr1).withEpochs(epochs, batch, patience)
                .withQuiet(true);
        List<TrainedEstimator> ms = IntStream.range(0, members)
                .mapToObj(i -> ParamTrainer.train(data, c, i, ProfileIntervalSlowTest.TH1)).toList();
        System.out.printf("study: events %d members %d epochs %d patience %d net %dx%d batch %d lr %.0e->%.0e; training %.0f s%n",
                events, members, epochs, patience, depth, width, batch, lr0, lr1, (System.nanoTime() - t0) / 1e9);
        for (TrainedEstimator m : ms) {
            System.out.printf("  member %d: epochs run %d, best %d%n", m.index(), m.history().trainLoss().length,
                    m.history().bestEpoch());
        }
        double[][] x = SIM.sampleFeatures(1000, ProfileIntervalSlowTest.TRUE, new SplittableRandom(32));
        int n = x[0].length;
        // Z_m(θ) = ∫ r̂_m(x|θ) p(x|θ1) dx by the trapezoid rule on an x grid (p(x|θ1) by the simulator's quadrature): no Monte Carlo noise
        double hx = dprop("hx", 0.08);
        int n1 = (int) Math.round(10.5 / hx) + 1, n2 = (int) Math.round(7.5 / hx) + 1;
        double[][] grid = new double[2][n1 * n2];
        double[] pw = new double[n1 * n2];
        double[] th1 = ProfileIntervalSlowTest.TH1;
        IntStream.range(0, n1 * n2).parallel().forEach(g -> {
            grid[0][g] = -6 + hx * (g / n2);
            grid[1][g] = -2.5 + hx * (g % n2);
            pw[g] = Math.exp(SIM.logMarginal(grid[0][g], grid[1][g], th1, null)) * hx * hx;
        });
        double sumP = 0, sumR = 0;
        double[] thT = {2.6, 1.2};
        for (int g = 0; g < pw.length; g++) {
            sumP += pw[g];
            sumR += pw[g] * Math.exp(SIM.logMarginalRatio(grid[0][g], grid[1][g], thT, th1));
        }
        System.out.printf("  x grid %d×%d (h %.3f): Σ p(x|θ1) = %.8f, Σ r(x|2.6,1.2) p(x|θ1) = %.8f%n", n1, n2, hx, sumP, sumR);
        double[] ks = {1.6, 1.8, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0}, ls = {0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4};
        System.out.println("  n·ln Z(θ) of the ensemble mean ratio (rows k, columns λ " + java.util.Arrays.toString(ls) + "):");
        for (double k : ks) {
            StringBuilder sb = new StringBuilder(String.format("   k=%.1f", k));
            for (double l : ls) {
                sb.append(String.format(" %8.2f", n * logZ(ms, grid, pw, k, l)));
            }
            System.out.println(sb);
        }
        ProfileIntervalSlowTest.LogLikelihood raw = ensemble(ms, x, null);
        ProfileIntervalSlowTest.LogLikelihood norm = (k, l) -> raw.at(k, l) - n * logZ(ms, grid, pw, k, l);
        double[] ex = {2.2479, 2.3731, 2.5056};
        double sigma = 0.5 * (ex[2] - ex[0]);
        report("raw ensemble", ProfileIntervalSlowTest.interval(raw), ex, sigma);
        report("normalised ensemble (exact Z)", ProfileIntervalSlowTest.interval(norm), ex, sigma);
        if (Boolean.getBoolean("study.perMember")) {
            for (int m = 0; m < members; m++) {
                ProfileIntervalSlowTest.LogLikelihood one = ensemble(List.of(ms.get(m)), x, null);
                List<TrainedEstimator> single = List.of(ms.get(m));
                report("member " + m + " raw", ProfileIntervalSlowTest.interval(one), ex, sigma);
                report("member " + m + " normalised", ProfileIntervalSlowTest.interval((k, l) -> one.at(k, l) - n * logZ(single, grid, pw, k, l)), ex, sigma);
            }
        }
    }

    static double logZ(List<TrainedEstimator> ms, double[][] grid, double[] pw, double k, double l) {
        double[] th = {k, l};
        double s = 0;
        for (TrainedEstimator m : ms) {
            double[] lr = m.logRatios(grid, th);
            for (int g = 0; g < pw.length; g++) {
                s += pw[g] * Math.exp(lr[g]);
            }
        }
        return Math.log(s / ms.size());
    }

    static void report(String what, double[] le, double[] ex, double sigma) {
        System.out.printf("  %-28s k̂ = %.4f [%.4f, %.4f]  off (σ): %+.2f %+.2f %+.2f  width ratio %.3f%n", what, le[1],
                le[0], le[2], (le[1] - ex[1]) / sigma, (le[0] - ex[0]) / sigma, (le[2] - ex[2]) / sigma,
                (le[2] - le[0]) / (ex[2] - ex[0]));
    }

    static ProfileIntervalSlowTest.LogLikelihood ensemble(List<TrainedEstimator> ms, double[][] x, Object unused) {
        int n = x[0].length;
        return (k, l) -> {
            double[] th = {k, l};
            double[][] lr = new double[ms.size()][];
            for (int i = 0; i < lr.length; i++) {
                lr[i] = ms.get(i).logRatios(x, th);
            }
            double s = 0;
            for (int e = 0; e < n; e++) {
                double r = 0;
                for (double[] m : lr) {
                    r += Math.exp(m[e]) / lr.length;
                }
                s += Math.log(r);
            }
            return s;
        };
    }
}
