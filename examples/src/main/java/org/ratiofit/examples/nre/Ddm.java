package org.ratiofit.examples.nre;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.BatchedThetaGradient;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.nuts.NutsSampler;
import org.ratiofit.samplers.nuts.NutsSettings;
import org.ratiofit.samplers.nuts.Prior;
import org.ratiofit.samplers.nuts.model.Model;
import org.ratiofit.samplers.nuts.model.ModelFit;
import org.ratiofit.validation.ddm.DdmSimulator;
import org.ratiofit.validation.ddm.WienerFpt;
import org.ratiofit.validation.report.Histogram;
import org.ratiofit.validation.report.Plots;
import org.ratiofit.workspace.nre.RatioLikelihood;
import org.ratiofit.workspace.nre.TrainingRange;

/**
 * The drift-diffusion model (DDM): 200 trials (rt, choice) simulated at (v, a, z, t) = (0.5, 1.5,
 * 0.5, 0.3) with Euler–Maruyama (dt = 0.001, the BayesFlow tutorial's simulator), the posterior
 * sampled by NUTS with the exact Wiener first-passage-time likelihood ({@link WienerFpt}, written
 * with the {@link Model} API and its closed-form gradient) and, given a trained neural ratio
 * estimator ({@code --nre-model}, or {@code --train} to train one with {@link ContrastiveNre}), with
 * the NRE; a table of the two posteriors (mean shift in posterior sd, sd ratio), overlay plots per
 * parameter and {@code summary.json}.
 *
 * <p>Priors: truncated normals within ssm-simulators' bounds, v ~ N(0.5, 1) on [−3, 3],
 * a ~ N(1.5, 0.5) on [0.3, 2.5], z ~ N(0.5, 0.1) on [0.1, 0.9], t ~ N(0.3, 0.2) on [0, 2]; t is
 * further bounded by the fastest response (the density is zero for t ≥ rt).
 */
public final class Ddm {
    private Ddm() {}

    static final List<String> PARAMS = List.of("v", "a", "z", "t");
    static final double[] TRUE = {0.5, 1.5, 0.5, 0.3};
    static final double[][] PRIOR = {{0.5, 1}, {1.5, 0.5}, {0.5, 0.1}, {0.3, 0.2}}; // mean, sd of the truncated normals

    /** One row of the comparison: the NRE posterior against the exact one. */
    public record Row(String parameter, double exactMean, double exactSd, double nreMean, double nreSd, double shiftInSd, double sdRatio) {}

    /** What a run produced. */
    public record Report(int formatVersion, String example, int trials, long dataSeed, double[] truth, Map<String, double[]> exact,
                         Map<String, double[]> nre, List<Row> rows, double exactSeconds, double nreSeconds, double nreSetupSeconds,
                         String nreModel, String nrePrecision, List<String> plots, Map<String, double[]> simulatorExact,
                         List<TrainingRange.Extrapolation> nreExtrapolation) {}

    /** The box the shipped NRE was trained on (θ uniform in ssm-simulators' bounds, {@link DdmTraining}). */
    static TrainingRange trainingRange() {
        return new TrainingRange(PARAMS, DdmSimulator.LOWER, DdmSimulator.UPPER);
    }

    static Map<String, Prior> priors(double tMax) {
        Map<String, Prior> p = new LinkedHashMap<>();
        for (int j = 0; j < 4; j++) {
            double hi = j == 3 ? Math.min(DdmSimulator.UPPER[j], tMax) : DdmSimulator.UPPER[j];
            p.put(PARAMS.get(j), Prior.truncatedNormal(PRIOR[j][0], PRIOR[j][1], DdmSimulator.LOWER[j], hi));
        }
        return p;
    }

    /** The exact-likelihood model: Model API, closed-form WFPT gradient. */
    static Model exactModel(double[] rt, double[] choice) {
        return exactModel(rt, choice, 0);
    }

    /** β = −ζ(1/2)/√(2π): a boundary watched every dt acts as one moved outward by β√dt (Broadie–Glasserman–Kou). */
    static final double BGK_BETA = 0.5825971579390106;

    /**
     * The exact density of the continuous DDM as the likelihood of a simulator that sees crossings
     * only every {@code dt} (the tutorial's Euler–Maruyama; dt = 0: the plain exact density): the
     * boundaries moved outward by c = β√dt, so a' = a + 2c and z' = (za + c)/a', and the response
     * half a step earlier (rt − dt/2). Chain rule into (v, a, z, t) for the gradient.
     */
    static Model exactModel(double[] rt, double[] choice, double dt) {
        if (dt == 0) return plainExactModel(rt, choice);
        double minRt = java.util.Arrays.stream(rt).min().orElseThrow();
        Map<String, Prior> pr = priors(minRt);
        Model.Builder b = Model.builder();
        for (String n : PARAMS) b.bounded(n, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, pr.get(n));
        return b.logLikelihood((x, g) -> simulatorLogLikelihood(rt, choice, dt, x, g)).build();
    }

    /** Log-likelihood of {@link #exactModel(double[], double[], double)} at x = (v, a, z, t), its gradient into g. */
    static double simulatorLogLikelihood(double[] rt, double[] choice, double dt, double[] x, double[] g) {
        double c = BGK_BETA * Math.sqrt(dt);
        double a2 = x[1] + 2 * c, z2 = (x[2] * x[1] + c) / a2;
        double ll = 0;
        double[] gi = new double[4];
        java.util.Arrays.fill(g, 0, 4, 0);
        for (int i = 0; i < rt.length; i++) {
            ll += WienerFpt.logDensity(rt[i] - dt / 2, (int) choice[i], x[0], a2, z2, x[3], gi);
            g[0] += gi[0];
            g[1] += gi[1] + gi[2] * c * (2 * x[2] - 1) / (a2 * a2);
            g[2] += gi[2] * x[1] / a2;
            g[3] += gi[3];
        }
        return ll;
    }

    private static Model plainExactModel(double[] rt, double[] choice) {
        double minRt = java.util.Arrays.stream(rt).min().orElseThrow();
        for (int i = 0; i < rt.length; i++) {
            String bad = WienerFpt.check(i, rt[i], (int) choice[i], 0);
            if (bad != null) throw new IllegalArgumentException(bad);
        }
        Map<String, Prior> pr = priors(minRt);
        Model.Builder b = Model.builder();
        for (String n : PARAMS) b.bounded(n, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, pr.get(n));
        return b.logLikelihood((x, g) -> {
            double ll = 0;
            double[] gi = new double[4];
            java.util.Arrays.fill(g, 0, 4, 0);
            for (int i = 0; i < rt.length; i++) {
                ll += WienerFpt.logDensity(rt[i], (int) choice[i], x[0], x[1], x[2], x[3], gi);
                for (int j = 0; j < 4; j++) g[j] += gi[j];
            }
            return ll;
        }).build();
    }

    public static Report run(int trials, long dataSeed, NutsSettings nuts, Path nreSidecar, Path out) {
        return run(trials, dataSeed, nuts, nreSidecar, BatchedThetaGradient.Precision.FLOAT32, out);
    }

    /** {@link #run(int, long, NutsSettings, Path, Path)} with the NRE's layers in {@code precision}. */
    public static Report run(int trials, long dataSeed, NutsSettings nuts, Path nreSidecar, BatchedThetaGradient.Precision precision, Path out) {
        return run(trials, dataSeed, nuts, nreSidecar, precision, out, false);
    }

    /**
     * {@link #run(int, long, NutsSettings, Path, BatchedThetaGradient.Precision, Path)}; with
     * {@code simulatorExact} also NUTS with {@link #exactModel(double[], double[], double)} at the
     * tutorial's dt: the exact likelihood of the simulator the NRE was trained on (mean and sd in
     * the report's {@code simulatorExact}).
     */
    public static Report run(int trials, long dataSeed, NutsSettings nuts, Path nreSidecar, BatchedThetaGradient.Precision precision, Path out,
                             boolean simulatorExact) {
        return run(trials, dataSeed, nuts, nreSidecar, precision, out, simulatorExact, 0);
    }

    /**
     * As above; with {@code sbcReplicates} > 0 and an NRE also its simulation-based calibration
     * ({@link DdmSbc}, the study's default settings) on the report page ({@code index.html} in
     * {@code out}, {@link DdmReport}), which every run writes.
     */
    public static Report run(int trials, long dataSeed, NutsSettings nuts, Path nreSidecar, BatchedThetaGradient.Precision precision, Path out,
                             boolean simulatorExact, int sbcReplicates) {
        double[][] data = DdmSimulator.tutorial().simulate(TRUE[0], TRUE[1], TRUE[2], TRUE[3], trials, dataSeed);
        double[] rt = data[0], choice = data[1];
        double minRt = java.util.Arrays.stream(rt).min().orElseThrow();
        long t0 = System.nanoTime();
        ModelFit exact = exactModel(rt, choice).sample(nuts.copy());
        double exactSeconds = (System.nanoTime() - t0) * 1e-9;
        Map<String, double[]> exactDraws = new LinkedHashMap<>();
        for (String n : PARAMS) exactDraws.put(n, exact.pooled(n));
        Map<String, double[]> nreDraws = new LinkedHashMap<>();
        double nreSeconds = Double.NaN, nreSetupSeconds = Double.NaN;
        List<Row> rows = new ArrayList<>();
        List<TrainingRange.Extrapolation> extrapolation = null;
        if (nreSidecar != null) {
            long t1 = System.nanoTime(); // the NRE's own start-up counts: loading, the first layer's data part, the kernels' JIT warm-up
            try (RatioModel m = RatioModel.load(nreSidecar)) {
                List<ParameterSpec> specs = new ArrayList<>();
                for (int j = 0; j < 4; j++) {
                    double hi = j == 3 ? Math.min(DdmSimulator.UPPER[j], minRt) : DdmSimulator.UPPER[j];
                    specs.add(ParameterSpec.bounded(PARAMS.get(j), TRUE[j], 0.1, DdmSimulator.LOWER[j], hi));
                }
                // float32: the precision the network was trained in, about twice as fast as double
                RatioLikelihood lik = RatioLikelihood.iid(m, new double[][] {rt, choice}, null, specs).withPrecision(precision);
                long t2 = System.nanoTime();
                nreSetupSeconds = (t2 - t1) * 1e-9;
                NutsResult r = NutsSampler.sample(lik, priors(minRt), nuts.copy());
                nreSeconds = (System.nanoTime() - t2) * 1e-9;
                for (String n : PARAMS) nreDraws.put(n, r.pooled(n));
            }
            // the posterior draws against the box the NRE saw in training (the warm-up is not kept)
            extrapolation = trainingRange().check(nreDraws);
            for (String n : PARAMS) {
                double[] e = exactDraws.get(n), q = nreDraws.get(n);
                double em = mean(e), es = sd(e, em), qm = mean(q), qs = sd(q, qm);
                rows.add(new Row(n, em, es, qm, qs, (qm - em) / es, qs / es));
            }
        }
        Map<String, double[]> simExact = null;
        if (simulatorExact) {
            ModelFit f = exactModel(rt, choice, 0.001).sample(nuts.copy());
            Map<String, double[]> d = new LinkedHashMap<>();
            for (String n : PARAMS) d.put(n, f.pooled(n));
            simExact = summaryOf(d);
        }
        List<String> plots = plot(exactDraws, nreDraws, out);
        Report rep = new Report(1, "ddm", trials, dataSeed, TRUE.clone(), summaryOf(exactDraws), summaryOf(nreDraws), rows, exactSeconds, nreSeconds, nreSetupSeconds,
                nreSidecar == null ? null : nreSidecar.toString(), nreSidecar == null ? null : precision.name().toLowerCase(Locale.ROOT), plots, simExact, extrapolation);
        PosteriorCheck.writeJson(rep, out.resolve("summary.json"));
        DdmSbc.Result sbc = sbcReplicates > 0 && nreSidecar != null
                ? DdmSbc.run(sbcReplicates, 50, 99, 2, 300, 20, 5, Runtime.getRuntime().availableProcessors(), nreSidecar, out, nuts.isQuiet())
                : null;
        try {
            DdmReport.write(out, rep, exactDraws, nreDraws, nuts, sbc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report page into " + out, e);
        }
        return rep;
    }

    private static Map<String, double[]> summaryOf(Map<String, double[]> draws) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : draws.entrySet()) {
            double mu = mean(e.getValue());
            m.put(e.getKey(), new double[] {mu, sd(e.getValue(), mu)});
        }
        return m;
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s / x.length;
    }

    static double sd(double[] x, double m) {
        double s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return Math.sqrt(s / (x.length - 1));
    }

    static List<String> plot(Map<String, double[]> exact, Map<String, double[]> nre, Path out) {
        List<String> files = new ArrayList<>();
        for (String n : PARAMS) {
            double[] e = exact.get(n);
            double m = mean(e), s = sd(e, m);
            double lo = m - 5 * s, hi = m + 5 * s;
            XYChart chart = Plots.chart("DDM posterior of " + n + " (truth " + TRUE[PARAMS.indexOf(n)] + ")", n, "density");
            Plots.histogram(chart, "NUTS, exact WFPT", Histogram.of(e, null, 50, lo, hi), true);
            if (nre.containsKey(n)) Plots.histogram(chart, "NUTS, NRE", Histogram.of(nre.get(n), null, 50, lo, hi), true);
            try {
                for (Path p : Plots.save(chart, out, "ddm-" + n)) files.add(p.toString());
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot write the plot of " + n + " into " + out, ex);
            }
        }
        return files;
    }

    static String table(Report r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-4s %6s %12s %10s %12s %10s %12s %9s%n", "", "truth", "exact mean", "exact sd", "NRE mean", "NRE sd",
                "shift / sd", "sd ratio"));
        for (int j = 0; j < 4; j++) {
            String n = PARAMS.get(j);
            double[] e = r.exact().get(n);
            if (r.rows().isEmpty()) {
                b.append(String.format(Locale.ROOT, "%-4s %6.2f %12.4f %10.4f%n", n, TRUE[j], e[0], e[1]));
            } else {
                Row row = r.rows().get(j);
                b.append(String.format(Locale.ROOT, "%-4s %6.2f %12.4f %10.4f %12.4f %10.4f %12.3f %9.3f%n", n, TRUE[j], e[0], e[1], row.nreMean(),
                        row.nreSd(), row.shiftInSd(), row.sdRatio()));
            }
        }
        if (r.simulatorExact() != null) {
            b.append(String.format(Locale.ROOT, "%nexact density of the Euler–Maruyama simulator (boundaries moved out by 0.5826·√dt, rt − dt/2):%n"));
            for (int j = 0; j < 4; j++) {
                String n = PARAMS.get(j);
                double[] e = r.simulatorExact().get(n);
                b.append(String.format(Locale.ROOT, "%-4s %6.2f %12.4f %10.4f", n, TRUE[j], e[0], e[1]));
                if (!r.rows().isEmpty()) b.append(String.format(Locale.ROOT, "   NRE shift / sd %7.3f", (r.rows().get(j).nreMean() - e[0]) / e[1]));
                b.append('\n');
            }
        }
        return b.toString();
    }

    public static void main(String[] args) {
        ExampleArgs a = new ExampleArgs("ddm", "Drift-diffusion model: NUTS with the exact Wiener likelihood and with a neural ratio estimator")
                .option("trials", "200", "simulated trials at (v, a, z, t) = (0.5, 1.5, 0.5, 0.3)")
                .option("data-seed", "3", "seed of the trials")
                .option("chains", "4", "NUTS chains")
                .option("warmup", "1000", "NUTS warm-up iterations per chain")
                .option("samples", "1000", "NUTS draws per chain")
                .option("seed", "11", "NUTS seed")
                .option("nre-model", "examples/models/ddm/ddm-nre.json",
                        "sidecar of a trained DDM NRE (features rt, choice; parameters v, a, z, t; default: the committed model); none: exact only")
                .option("precision", "float32", "arithmetic of the NRE's layers: float32 (as trained; faster) or float64")
                .option("simulator-exact", "false", "also sample with the exact density of the tutorial's Euler–Maruyama simulator (boundaries moved out by 0.5826·√dt)")
                .option("sbc", "0", "also the NRE's simulation-based calibration with this many replicates (ddm-sbc's settings; 200 take about a minute) on the report page")
                .option("out", "target/ddm", "output folder (index.html, plots, summary.json)");
        try {
            if (!a.parse(args)) return;
            Path out = Path.of(a.string("out"));
            Files.createDirectories(out);
            NutsSettings nuts = NutsSettings.defaults().chains(a.integer("chains")).warmup(a.integer("warmup")).samples(a.integer("samples"))
                    .seed(a.integer("seed"));
            String nre = a.string("nre-model");
            if (nre.equals("none")) nre = "";
            if (!nre.isEmpty() && !Files.isRegularFile(Path.of(nre))) {
                throw new IllegalArgumentException("--nre-model " + nre + " does not exist (run from the repository root, train one with "
                        + "examples/run ddm-training, or pass --nre-model none for the exact likelihood alone)");
            }
            long t0 = System.nanoTime();
            BatchedThetaGradient.Precision precision = switch (a.string("precision")) {
                case "float32" -> BatchedThetaGradient.Precision.FLOAT32;
                case "float64" -> BatchedThetaGradient.Precision.FLOAT64;
                default -> throw new IllegalArgumentException("--precision " + a.string("precision") + ": expected float32 or float64");
            };
            if (a.integer("sbc") < 0) throw new IllegalArgumentException("--sbc " + a.integer("sbc") + ": expected a number of replicates >= 0");
            Report r = run(a.integer("trials"), a.integer("data-seed"), nuts, nre.isEmpty() ? null : Path.of(nre), precision, out,
                    a.flag("simulator-exact"), a.integer("sbc"));
            System.out.printf(Locale.ROOT, "DDM: %d trials (Euler–Maruyama, dt = 0.001) at v = 0.5, a = 1.5, z = 0.5, t = 0.3%n%n", r.trials());
            System.out.print(table(r));
            System.out.printf(Locale.ROOT, "%nNUTS (%d chains × %d + %d) seconds: exact WFPT %.2f%s; whole run %.1f s%n", a.integer("chains"), a.integer("warmup"),
                    a.integer("samples"), r.exactSeconds(), Double.isNaN(r.nreSeconds()) ? ""
                            : String.format(Locale.ROOT, ", NRE (%s) %.2f + %.2f loading and warm-up = %.2f (%.2f× the exact; NUTS alone %.2f×)", r.nrePrecision(),
                                    r.nreSeconds(), r.nreSetupSeconds(), r.nreSeconds() + r.nreSetupSeconds(),
                                    (r.nreSeconds() + r.nreSetupSeconds()) / r.exactSeconds(), r.nreSeconds() / r.exactSeconds()),
                    (System.nanoTime() - t0) * 1e-9);
            if (r.nreExtrapolation() != null) {
                for (String w : TrainingRange.warnings(r.nreExtrapolation())) System.out.println("warning: " + w);
            }
            System.out.println("plots: " + r.plots());
            System.out.println("summary: " + out.resolve("summary.json"));
            System.out.println("report: " + out.resolve("index.html"));
        } catch (IllegalArgumentException | org.ratiofit.samplers.nuts.NutsChainFailedException | IOException e) {
            System.err.println("ddm: " + e.getMessage());
            System.exit(2);
        }
    }
}
