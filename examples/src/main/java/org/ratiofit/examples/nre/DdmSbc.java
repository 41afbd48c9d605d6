package org.ratiofit.examples.nre;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.BitmapEncoder;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.nuts.NutsSampler;
import org.ratiofit.samplers.nuts.NutsSettings;
import org.ratiofit.validation.ddm.DdmSimulator;
import org.ratiofit.validation.posterior.SamplerChecks;
import org.ratiofit.workspace.nre.RatioLikelihood;

/**
 * Simulation-based calibration (Talts et al. 2018) of the DDM posterior: each replicate draws
 * (v, a, z, t) from the prior (the truncated normals of {@link Ddm}), simulates trials (with the
 * tutorial's simulator for the NRE, which it was trained on; with the bridge-corrected one for the
 * exact density), samples the posterior with NUTS (one chain) using the trained neural
 * ratio estimator, or the exact Wiener likelihood as a check of the procedure itself, thins the
 * draws to L and records the rank of each true parameter among them. For a calibrated posterior
 * the ranks are uniform on 0..L; the χ² of their histogram and its p-value say how far they are,
 * per parameter, with a rank-histogram plot each and {@code sbc.json}. The check the BayesFlow
 * tutorial does not make.
 */
public final class DdmSbc {
    private DdmSbc() {}

    /** What a run produced. */
    public record Result(int formatVersion, String likelihood, int replicates, int trials, int rankDraws, int thin, int warmup, long seed,
                         int divergences, int failed, List<SamplerChecks.RankHistogram> ranks, double seconds, List<String> plots) {}

    /** A draw from the prior: truncated normals within ssm-simulators' bounds, by rejection. */
    static double[] priorDraw(SplittableRandom rng) {
        double[] theta = new double[4];
        for (int j = 0; j < 4; j++) {
            double x;
            do {
                x = Ddm.PRIOR[j][0] + Ddm.PRIOR[j][1] * gaussian(rng);
            } while (!(x > DdmSimulator.LOWER[j] && x < DdmSimulator.UPPER[j]));
            theta[j] = x;
        }
        return theta;
    }

    private static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * Runs the study. {@code nreSidecar} null: the exact likelihood. Replicates run in parallel on
     * {@code threads}, each seeded by {@code seed} and its index: the same ranks for any thread count.
     */
    public static Result run(int replicates, int trials, int rankDraws, int thin, int warmup, int bins, long seed, int threads,
                             Path nreSidecar, Path out, boolean quiet) {
        // the data come from the simulator the likelihood describes: Euler–Maruyama with the
        // Brownian-bridge correction, whose trials follow the exact Wiener density (plain dt = 0.001
        // responds late by O(√dt), which would show as miscalibrated t) and on which the committed NRE
        // was trained; an NRE trained on the tutorial's plain scheme needs that scheme's data instead
        return run(replicates, trials, rankDraws, thin, warmup, bins, seed, threads, nreSidecar, new DdmSimulator(0.001, true), out, quiet);
    }

    /** As above with the simulator of the data sets: the one the likelihood (the NRE's training) describes. */
    public static Result run(int replicates, int trials, int rankDraws, int thin, int warmup, int bins, long seed, int threads,
                             Path nreSidecar, DdmSimulator simulator, Path out, boolean quiet) {
        if (replicates < 1 || trials < 1 || rankDraws < 1 || thin < 1 || warmup < 1 || bins < 1 || (rankDraws + 1) % bins != 0) {
            throw new IllegalArgumentException("replicates, trials, rank draws, thin and warm-up must be >= 1 and the bins must divide L + 1 = "
                    + (rankDraws + 1) + "; got replicates " + replicates + ", trials " + trials + ", rank draws " + rankDraws + ", thin " + thin
                    + ", warm-up " + warmup + ", bins " + bins);
        }
        int[][] ranks = new int[4][replicates];
        int[] div = new int[replicates];
        boolean[] failed = new boolean[replicates];
        AtomicInteger done = new AtomicInteger();
        long t0 = System.nanoTime();
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        try {
            pool.submit(() -> IntStream.range(0, replicates).parallel().forEach(i -> {
                SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + i);
                double[] theta = priorDraw(rng);
                double[][] data = simulator.simulate(theta[0], theta[1], theta[2], theta[3], trials, rng.nextLong());
                double minRt = java.util.Arrays.stream(data[0]).min().orElseThrow();
                NutsSettings nuts = NutsSettings.defaults().chains(1).warmup(warmup).samples(rankDraws * thin).seed(seed + 31L * i)
                        .threads(1).quiet(true);
                try {
                    double[][] draws = new double[4][];
                    if (nreSidecar == null) {
                        org.ratiofit.samplers.nuts.model.ModelFit fit = Ddm.exactModel(data[0], data[1]).sample(nuts);
                        for (int j = 0; j < 4; j++) draws[j] = SamplerChecks.thin(fit.draws(Ddm.PARAMS.get(j)), thin);
                        div[i] = fit.nuts().divergences();
                    } else {
                        try (RatioModel m = RatioModel.load(nreSidecar)) {
                            List<ParameterSpec> specs = new ArrayList<>();
                            for (int j = 0; j < 4; j++) {
                                double hi = j == 3 ? Math.min(DdmSimulator.UPPER[j], minRt) : DdmSimulator.UPPER[j];
                                // start at the prior mean (inside the data's bound on t), never at the truth
                                double start = j == 3 ? Math.min(Ddm.PRIOR[j][0], 0.5 * hi) : Ddm.PRIOR[j][0];
                                specs.add(ParameterSpec.bounded(Ddm.PARAMS.get(j), start, 0.1, DdmSimulator.LOWER[j], hi));
                            }
                            RatioLikelihood lik = RatioLikelihood.iid(m, data, null, specs);
                            NutsResult r = NutsSampler.sample(lik, Ddm.priors(minRt), nuts);
                            for (int j = 0; j < 4; j++) draws[j] = SamplerChecks.thin(r.draws(Ddm.PARAMS.get(j)), thin);
                            div[i] = r.divergences();
                        }
                    }
                    for (int j = 0; j < 4; j++) ranks[j][i] = rank(draws[j], theta[j]);
                } catch (RuntimeException e) {
                    // a replicate whose sampler stopped (a NaN from the network, say): counted, its ranks left out
                    failed[i] = true;
                    if (!quiet) System.err.printf(Locale.ROOT, "%nddm-sbc: replicate %d (theta %s) failed: %s%n", i, java.util.Arrays.toString(theta),
                            e.getMessage());
                }
                int d = done.incrementAndGet();
                if (!quiet && (d % 10 == 0 || d == replicates)) {
                    System.err.printf(Locale.ROOT, "\rddm-sbc: %d/%d replicates (%.0f s)", d, replicates, (System.nanoTime() - t0) * 1e-9);
                }
            })).join();
        } finally {
            pool.shutdown();
        }
        if (!quiet) System.err.println();
        int nFailed = 0;
        for (boolean f : failed) if (f) nFailed++;
        if (nFailed == replicates) {
            throw new IllegalStateException("every one of the " + replicates + " replicates failed; no ranks to histogram (see the messages above)");
        }
        List<SamplerChecks.RankHistogram> hist = new ArrayList<>();
        for (int j = 0; j < 4; j++) {
            int[] ok = new int[replicates - nFailed];
            int k = 0;
            for (int i = 0; i < replicates; i++) if (!failed[i]) ok[k++] = ranks[j][i];
            hist.add(SamplerChecks.rankHistogram(Ddm.PARAMS.get(j), ok, rankDraws, bins));
        }
        List<String> plots = plot(hist, nreSidecar == null ? "exact WFPT" : "NRE", out);
        Result res = new Result(1, nreSidecar == null ? "exact" : nreSidecar.toString(), replicates, trials, rankDraws, thin, warmup, seed,
                IntStream.of(div).sum(), nFailed, hist, (System.nanoTime() - t0) * 1e-9, plots);
        PosteriorCheck.writeJson(res, out.resolve("sbc.json"));
        return res;
    }

    private static int rank(double[] draws, double truth) {
        int r = 0;
        for (double d : draws) if (d < truth) r++;
        return r;
    }

    static List<String> plot(List<SamplerChecks.RankHistogram> hist, String what, Path out) {
        List<String> files = new ArrayList<>();
        try {
            Files.createDirectories(out);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot create the output folder " + out, ex);
        }
        for (SamplerChecks.RankHistogram h : hist) {
            int bins = h.counts().length;
            CategoryChart c = new CategoryChartBuilder().width(640).height(400)
                    .title(String.format(Locale.ROOT, "SBC ranks of %s (%s): chi2/ndf = %.1f/%d, p = %.3f", h.parameter(), what, h.chi2(), h.ndf(),
                            h.pValue()))
                    .xAxisTitle("rank bin (" + (h.maxRank() + 1) / bins + " ranks each)").yAxisTitle("replicates").build();
            List<Integer> x = new ArrayList<>();
            List<Integer> y = new ArrayList<>();
            for (int b = 0; b < bins; b++) {
                x.add(b);
                y.add(h.counts()[b]);
            }
            c.addSeries("ranks", x, y);
            double expected = (double) h.replicates() / bins;
            List<Double> e = new ArrayList<>();
            for (int b = 0; b < bins; b++) e.add(expected);
            c.addSeries("uniform", x, e);
            c.getStyler().setLegendVisible(true);
            c.getStyler().setOverlapped(true);
            Path file = out.resolve("sbc-" + h.parameter() + ".png");
            try {
                BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot write the SBC plot " + file, ex);
            }
            files.add(file.toString());
        }
        return files;
    }

    public static void main(String[] args) {
        ExampleArgs a = new ExampleArgs("ddm-sbc", "Simulation-based calibration of the DDM posterior (NRE or exact likelihood)")
                .option("replicates", "200", "prior draws, each a simulated data set and a posterior")
                .option("trials", "50", "trials per data set")
                .option("rank-draws", "99", "posterior draws per replicate after thinning (L; ranks 0..L)")
                .option("thin", "2", "thinning of the NUTS draws")
                .option("warmup", "300", "NUTS warm-up iterations (one chain per replicate)")
                .option("bins", "20", "rank-histogram bins (must divide L + 1)")
                .option("seed", "5", "seed of the study")
                .option("threads", "2", "replicates in parallel")
                .option("likelihood", "nre", "nre (the model of --nre-model) or exact (the Wiener likelihood: a check of the procedure)")
                .option("nre-model", "examples/models/ddm/ddm-nre.json", "sidecar of the DDM NRE")
                .option("simulator", "bridge", "simulator of the data sets: bridge (Euler–Maruyama with the Brownian-bridge test: the exact density's model, on which the committed NRE was trained) or tutorial (the plain scheme: for an NRE trained with ddm-training --simulator tutorial)")
                .option("out", "target/ddm-sbc", "output folder (rank plots, sbc.json)");
        try {
            if (!a.parse(args)) return;
            String lik = a.string("likelihood");
            if (!lik.equals("nre") && !lik.equals("exact")) throw new IllegalArgumentException("--likelihood must be nre or exact, got '" + lik + "'");
            Path nre = lik.equals("nre") ? Path.of(a.string("nre-model")) : null;
            if (nre != null && !Files.isRegularFile(nre)) {
                throw new IllegalArgumentException("--nre-model " + nre + " does not exist (train one with examples/run ddm-training)");
            }
            String simName = a.string("simulator");
            DdmSimulator sim = switch (simName) {
                case "bridge" -> new DdmSimulator(0.001, true);
                case "tutorial" -> DdmSimulator.tutorial();
                default -> throw new IllegalArgumentException("--simulator must be bridge or tutorial, got '" + simName + "'");
            };
            Path out = Path.of(a.string("out"));
            Files.createDirectories(out);
            Result r = run(a.integer("replicates"), a.integer("trials"), a.integer("rank-draws"), a.integer("thin"), a.integer("warmup"),
                    a.integer("bins"), a.integer("seed"), a.integer("threads"), nre, sim, out, false);
            System.out.printf(Locale.ROOT, "DDM SBC, %s likelihood, %s simulator: %d replicates (%d failed) of %d trials, L = %d, %d divergences, %.0f s%n%n",
                    lik, simName, r.replicates(), r.failed(), r.trials(), r.rankDraws(), r.divergences(), r.seconds());
            System.out.printf(Locale.ROOT, "%-4s %10s %5s %9s%n", "", "chi2", "ndf", "p-value");
            for (SamplerChecks.RankHistogram h : r.ranks()) {
                System.out.printf(Locale.ROOT, "%-4s %10.1f %5d %9.4f%n", h.parameter(), h.chi2(), h.ndf(), h.pValue());
            }
            System.out.println("plots: " + r.plots());
            System.out.println("summary: " + out.resolve("sbc.json"));
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            System.err.println("ddm-sbc: " + e.getMessage());
            System.exit(2);
        }
    }
}
