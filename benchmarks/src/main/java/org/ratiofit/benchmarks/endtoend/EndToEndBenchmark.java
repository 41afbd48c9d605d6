package org.ratiofit.benchmarks.endtoend;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.Minos;
import org.ratiofit.samplers.fit.MinosError;
import org.ratiofit.samplers.profile.HypoTests;
import org.ratiofit.samplers.profile.LimitResult;
import org.ratiofit.samplers.profile.ProfileScan;
import org.ratiofit.samplers.profile.Scan1D;
import org.ratiofit.samplers.profile.TestStatistic;
import org.ratiofit.workspace.build.BuildOptions;
import org.ratiofit.workspace.build.BuildResult;
import org.ratiofit.workspace.build.WorkspaceBuilder;

/**
 * What a user waits for at the scale the likelihood kernel was built for (issue 21): a workspace of
 * 10^6 observed events, 3 basis samples (each given by its ONNX ensemble and its {@code Yield}), 10
 * per-event shape nuisance parameters (an up and a down ensemble per sample each) and 5 normsys,
 * against 10^5 reference events; then the steps of {@code ratiofit build}, {@code fit} (MIGRAD +
 * HESSE), MINOS on mu, a 31-point profile scan and an asymptotic CLs limit, each with its wall
 * time, the share of it spent inside the likelihood (value and gradient calls), and the peak Java
 * heap during the step (the heap pools' peaks, reset before each step) against the workspace's
 * column bytes. Events, models and configuration are generated into a temporary folder, deleted
 * at the end. A timing main, not JMH: one run takes minutes.
 *
 * <p>Arguments: data events (10^6), reference events (10^5), threads (2).
 */
public final class EndToEndBenchmark {

    static final int FEATURES = 4, SAMPLES = 3, SHAPES = 10, NORMS = 5, HIDDEN = 16, SCAN_POINTS = 31;

    public static void main(String[] args) throws Exception {
        int nData = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int nRef = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path dir = Files.createTempDirectory("ratiofit-e2e-bench");
        try {
            long g0 = System.nanoTime();
            generate(dir, nData, nRef);
            System.out.printf(Locale.ROOT, "%d data + %d reference events, %d samples x (1 + 2 x %d) ensembles, %d normsys, %d threads; "
                    + "inputs generated in %.1f s%n", nData, nRef, SAMPLES, SHAPES, NORMS, threads, (System.nanoTime() - g0) * 1e-9);
            List<String[]> rows = new ArrayList<>();

            // build
            resetPeaks();
            long t0 = System.nanoTime();
            BuildResult built = WorkspaceBuilder.build(dir.resolve("fit.yml"), dir.resolve("ws"), BuildOptions.defaults().withThreads(threads));
            rows.add(row("build (events, ensembles, writing)", t0, Double.NaN, String.format(Locale.ROOT,
                    "ensemble inference %.0f%% of %d x wall", 100 * built.timings().inferenceShare(), threads)));
            long columnBytes = columnBytes(dir.resolve("ws"));

            resetPeaks();
            t0 = System.nanoTime();
            Model model = WorkspaceReader.readModel(dir.resolve("ws"));
            // as the command line does after reading a large workspace (-Dratiofit.noKernelWarmUp=true: not)
            int warmUpRounds = org.ratiofit.likelihood.KernelWarmUp.warmUp(model, 3000);
            rows.add(row("read the workspace (+ kernel warm-up)", t0, Double.NaN, warmUpRounds + " warm-up rounds"));
            Timed timed = new Timed(model, new AtomicLong(), new AtomicLong());

            // fit: MIGRAD + HESSE
            Migrad migrad = Migrad.builder().tolerance(0.01).strategy(Integer.getInteger("strategy", 1)).gradientCurvature(Boolean.getBoolean("curv")).build();
            resetPeaks();
            timed.reset();
            t0 = System.nanoTime();
            FitResult fitMigrad = migrad.minimise(timed);
            FitResult fit = Hesse.compute(timed, fitMigrad, 1, true);
            int mu = fit.indexOf("mu");
            System.out.printf(Locale.ROOT, "  MIGRAD: %d value + %d value-and-gradient calls, covariance from %s; HESSE %d + %d%n",
                    fitMigrad.functionCalls(), fitMigrad.gradientCalls(), fitMigrad.covarianceSource(), fit.functionCalls(), fit.gradientCalls());
            rows.add(row("fit (MIGRAD + HESSE)", t0, timed.seconds(), String.format(Locale.ROOT, "mu = %.4f +- %.4f, %s, -lnL %.4f, EDM %.2g, %s",
                    fit.values()[mu], fit.errors()[mu], timed.callText(), fit.minimumValue(), fit.edm(), fit.status())));

            System.out.println("  calls by kind: " + kindText());
            // -DfitRepeat=N: the same fit N - 1 times more in this JVM (its first run includes the JIT's compilation),
            // alternately without and with MIGRAD's coarse-to-fine start (warm, back to back: their ratio under the same load)
            for (int rep = 1; rep < Integer.getInteger("fitRepeat", 1); rep++) {
                boolean coarse = rep % 2 == 0;
                Migrad m = migrad.toBuilder().coarseToFine(coarse).build();
                resetPeaks();
                timed.reset();
                t0 = System.nanoTime();
                FitResult again = Hesse.compute(timed, m.minimise(timed), 1, true);
                rows.add(row("fit again (" + (rep + 1) + ", coarse to fine " + (coarse ? "on" : "off") + ")", t0, timed.seconds(),
                        String.format(Locale.ROOT, "mu = %.4f +- %.4f, %s, -lnL %.4f, EDM %.2g, valid %b",
                        again.values()[mu], again.errors()[mu], timed.callText(), again.minimumValue(), again.edm(), again.status().validMinimum())));
                System.out.println("  calls by kind: " + kindText());
            }
            if (Boolean.getBoolean("fitOnly")) {
                // -DfitOnly=true: the free fit alone (MIGRAD's call counts, for comparing minimiser changes)
                System.out.printf(Locale.ROOT, "workspace column bytes %.0f MiB; peak heap / columns per row:%n", columnBytes / 1048576.0);
                rows.forEach(r -> System.out.printf(Locale.ROOT, "  %s: %.2f%n", r[0], Double.parseDouble(r[3]) * 1048576.0 / columnBytes));
                rows.forEach(r -> System.out.println(String.join(" | ", r)));
                return;
            }
            // the same fit with the per-event shape columns held as float32 (half the bytes per pass)
            Model model32 = new Model(model.modelParameters(), model.channels(), java.util.concurrent.ForkJoinPool.commonPool(), true);
            Timed timed32 = new Timed(model32, new AtomicLong(), new AtomicLong());
            resetPeaks();
            t0 = System.nanoTime();
            FitResult fit32 = Hesse.compute(timed32, migrad.minimise(timed32), 1, true);
            rows.add(row("fit, float32 shape columns", t0, timed32.seconds(), String.format(Locale.ROOT,
                    "mu = %.4f +- %.4f, %s, valid %b", fit32.values()[mu], fit32.errors()[mu], timed32.callText(),
                    fit32.status().validMinimum())));
            model32 = null;
            timed32 = null;

            // MINOS on mu
            resetPeaks();
            timed.reset();
            t0 = System.nanoTime();
            MinosError minos = Minos.defaults().error(timed, fit, "mu", ConfidenceLevel.sigma(1));
            rows.add(row("MINOS on mu", t0, timed.seconds(), String.format(Locale.ROOT, "%+.4f %+.4f, %s",
                    minos.lower(), minos.upper(), timed.callText())));

            // 31-point profile scan over the best fit +- 3 errors (inside the bounds)
            double lo = Math.max(fit.parameters().get(mu).lower(), fit.values()[mu] - 3 * fit.errors()[mu]);
            double hi = Math.min(fit.parameters().get(mu).upper(), fit.values()[mu] + 3 * fit.errors()[mu]);
            resetPeaks();
            timed.reset();
            t0 = System.nanoTime();
            Scan1D scan = new ProfileScan(migrad).scan(timed, fit, "mu", ProfileScan.grid(lo, hi, SCAN_POINTS), false);
            double[] c68 = scan.crossings(ConfidenceLevel.sigma(1));
            rows.add(row(SCAN_POINTS + "-point profile scan", t0, timed.seconds(), String.format(Locale.ROOT,
                    "68%% [%.4f, %.4f], %s", c68[0], c68[1], timed.callText())));

            // asymptotic CLs limit (observed and expected bands)
            resetPeaks();
            timed.reset();
            t0 = System.nanoTime();
            LimitResult limit = new HypoTests(migrad).upperLimit(timed, TestStatistic.Q_TILDE_MU, 0.95,
                    Math.max(fit.values()[mu], 0) + 5 * fit.errors()[mu]);
            rows.add(row("asymptotic CLs limit (95%)", t0, timed.seconds(), String.format(Locale.ROOT,
                    "observed %.4f, median expected %.4f, %s", limit.observed(), limit.expected()[2], timed.callText())));
            System.out.printf(Locale.ROOT, "  limits: observed %.6f, expected -2..+2 sigma %s%n", limit.observed(),
                    java.util.Arrays.stream(limit.expected()).mapToObj(v -> String.format(Locale.ROOT, "%.6f", v)).toList());

            System.out.println("analytic Hessian: " + (model.hasHessian() ? "on" : "off (-D" + Model.NO_HESSIAN_PROPERTY + "=true)"));
            System.out.printf(Locale.ROOT, "workspace column bytes (float64 .npy files) %.0f MiB%n", columnBytes / 1048576.0);
            System.out.printf(Locale.ROOT, "%-36s %9s %11s %15s %9s  %s%n", "step", "wall (s)", "likelihood", "peak heap (MiB)",
                    "/ columns", "result");
            for (String[] r : rows) {
                double heap = Double.parseDouble(r[3]);
                System.out.printf(Locale.ROOT, "%-36s %9s %11s %15.0f %9.2f  %s%n", r[0], r[1], r[2], heap, heap * 1048576.0 / columnBytes, r[4]);
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** Calls and nanoseconds by kind over all Timed models: value, value + gradient, + Hessian (for -DfitOnly's breakdown). */
    static final java.util.concurrent.atomic.AtomicLongArray KINDS = new java.util.concurrent.atomic.AtomicLongArray(6);

    static final boolean CALL_TRACE = Boolean.getBoolean("callTrace");

    /** -DcallTrace=true: each likelihood call's kind (v value, g gradient, H Hessian) and milliseconds, on one line per fit. */
    static void trace(String kind, long t0) {
        if (CALL_TRACE) {
            System.out.printf(Locale.ROOT, "%s%.0f ", kind, (System.nanoTime() - t0) * 1e-6);
        }
    }

    /** Counters of the coarse copies' calls (their time is inside the fit's wall time, not in its likelihood share). */
    static final Timed COARSE = new Timed(null, new AtomicLong(), new AtomicLong());

    /** "value 12 in 0.41 s, gradient 30 in 1.7 s, Hessian 9 in 1.6 s" since the last reset of {@link #KINDS}. */
    static String kindText() {
        String t = String.format(Locale.ROOT, "value %d in %.2f s, gradient %d in %.2f s, Hessian %d in %.2f s (of which coarse: %s in %.2f s)",
                KINDS.get(0), KINDS.get(1) * 1e-9, KINDS.get(2), KINDS.get(3) * 1e-9, KINDS.get(4), KINDS.get(5) * 1e-9,
                COARSE.callText(), COARSE.seconds());
        COARSE.reset();
        for (int i = 0; i < 6; i++) KINDS.set(i, 0);
        return t;
    }

    /** A row: step, wall, likelihood share, peak heap MiB (of the step), result. */
    static String[] row(String step, long t0, double likelihoodSeconds, String result) {
        double wall = (System.nanoTime() - t0) * 1e-9;
        String share = Double.isNaN(likelihoodSeconds) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * likelihoodSeconds / wall);
        String[] r = {step, String.format(Locale.ROOT, "%.2f", wall), share, Double.toString(peakHeap() / 1048576.0), result};
        System.out.printf(Locale.ROOT, "  done: %s in %s s (likelihood %s) %s%n", r[0], r[1], r[2], r[4]);
        return r;
    }

    static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    static long peakHeap() {
        long s = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                s += p.getPeakUsage().getUsed();
            }
        }
        return s;
    }

    static long columnBytes(Path ws) throws IOException {
        try (Stream<Path> s = Files.walk(ws)) {
            return s.filter(p -> p.toString().endsWith(".npy")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** The model with the time spent in its value and gradient calls counted (its Asimov data sets count into the same clock). */
    record Timed(StatisticalModel m, AtomicLong nanos, AtomicLong calls, AtomicLong hessians) implements StatisticalModel {
        Timed(StatisticalModel m, AtomicLong nanos, AtomicLong calls) {
            this(m, nanos, calls, new AtomicLong());
        }

        /** "N calls" and, where the analytic Hessian was used, how many of them computed it. */
        String callText() {
            return calls.get() + " calls" + (hessians.get() > 0 ? " (" + hessians.get() + " with Hessian)" : "");
        }

        @Override
        public boolean hasHessian() {
            return m.hasHessian();
        }

        @Override
        public double valueGradientAndHessian(double[] x, double[] gradient, double[][] hessian) {
            long t = System.nanoTime();
            double v = m.valueGradientAndHessian(x, gradient, hessian);
            nanos.addAndGet(System.nanoTime() - t);
            calls.incrementAndGet();
            hessians.incrementAndGet();
            KINDS.addAndGet(4, 1);
            KINDS.addAndGet(5, System.nanoTime() - t);
            trace("H", t);
            return v;
        }

        void reset() {
            nanos.set(0);
            calls.set(0);
            hessians.set(0);
        }

        double seconds() {
            return nanos.get() * 1e-9;
        }

        @Override
        public List<ParameterSpec> parameters() {
            return m.parameters();
        }

        @Override
        public double value(double[] x) {
            long t = System.nanoTime();
            double v = m.value(x);
            nanos.addAndGet(System.nanoTime() - t);
            calls.incrementAndGet();
            KINDS.addAndGet(0, 1);
            KINDS.addAndGet(1, System.nanoTime() - t);
            trace("v", t);
            return v;
        }

        @Override
        public boolean hasGradient() {
            return m.hasGradient();
        }

        @Override
        public double valueAndGradient(double[] x, double[] gradient) {
            long t = System.nanoTime();
            double v = m.valueAndGradient(x, gradient);
            nanos.addAndGet(System.nanoTime() - t);
            calls.incrementAndGet();
            KINDS.addAndGet(2, 1);
            KINDS.addAndGet(3, System.nanoTime() - t);
            trace("g", t);
            return v;
        }

        @Override
        public double errorDef() {
            return m.errorDef();
        }

        @Override
        public OptionalInt parameterOfInterest() {
            return m.parameterOfInterest();
        }

        @Override
        public StatisticalModel asimov(double[] point) {
            return new Timed(m.asimov(point), nanos, calls, hessians);
        }

        /** The coarse copy (MIGRAD's coarse-to-fine start), its calls counted apart: {@link #COARSE}. */
        @Override
        public org.ratiofit.objective.Objective coarse() {
            return m.coarse() instanceof StatisticalModel c ? new Timed(c, COARSE.nanos, COARSE.calls, COARSE.hessians) : null;
        }
    }

    // ---------------------------------------------------------------- inputs

    static EventTable table(Random r, int n, double shift) {
        Map<String, double[]> cols = new LinkedHashMap<>();
        for (int j = 0; j < FEATURES; j++) {
            double[] c = new double[n];
            for (int i = 0; i < n; i++) c[i] = shift + r.nextGaussian();
            cols.put("f" + j, c);
        }
        return new EventTable("bench", cols);
    }

    /** Events, 3 x 21 one-member ensembles and the configuration (basis samples by Ensemble + Yield). */
    static void generate(Path dir, int nData, int nRef) throws IOException {
        Random r = new Random(2026);
        EventFiles.write(dir.resolve("data.npy"), table(r, nData, 0), null);
        EventFiles.write(dir.resolve("reference.npy"), table(r, nRef, 0), null);
        List<String> features = new ArrayList<>();
        for (int j = 0; j < FEATURES; j++) features.add("f" + j);
        double[] yields = {0.01 * nData, 0.6 * nData, 0.39 * nData};
        StringBuilder samples = new StringBuilder();
        samples.append("  - {Name: data, Data: true, SamplePath: data.npy}\n");
        samples.append("  - {Name: R, UseAsReference: true, SamplePath: reference.npy}\n");
        for (int s = 0; s < SAMPLES; s++) {
            ensemble(dir.resolve("models/s" + s), features, r, s == 0 ? 2.0 : 0.2);
            samples.append("  - {Name: S").append(s).append(", UseAsBasis: true, Ensemble: models/s").append(s)
                    .append(", Yield: ").append(yields[s]).append("}\n");
        }
        StringBuilder systematics = new StringBuilder();
        for (int k = 0; k < SHAPES; k++) {
            systematics.append("  - Name: shape").append(k).append("\n    Type: Shape\n    Up:\n");
            for (int s = 0; s < SAMPLES; s++) {
                ensemble(dir.resolve("models/s" + s + "_shape" + k + "_up"), features, r, 0.05);
                systematics.append("      - {SampleName: S").append(s).append(", Ensemble: models/s").append(s).append("_shape").append(k).append("_up}\n");
            }
            systematics.append("    Dn:\n");
            for (int s = 0; s < SAMPLES; s++) {
                ensemble(dir.resolve("models/s" + s + "_shape" + k + "_dn"), features, r, 0.05);
                systematics.append("      - {SampleName: S").append(s).append(", Ensemble: models/s").append(s).append("_shape").append(k).append("_dn}\n");
            }
        }
        for (int k = 0; k < NORMS; k++) {
            int s = k % SAMPLES;
            double up = 1.02 + 0.02 * k;
            systematics.append("  - Name: norm").append(k).append("\n    Type: Norm\n    Up: [{SampleName: S").append(s)
                    .append(", Yield: ").append(up).append("}]\n    Dn: [{SampleName: S").append(s).append(", Yield: ").append(1 / up)
                    .append("}]\n");
        }
        String yaml = "Version: 1\nGeneral:\n  Measurement: {Name: e2e, POI: mu}\n  ShapeNormalisation: reference_and_closure\nTrainingFeatures: " + features + "\nSamples:\n" + samples
                + "NormFactors:\n  - {Name: mu, Samples: [S0], Nominal: 1.0, Bounds: [-5.0, 20.0]}\nSystematics:\n" + systematics
                + "Regions:\n  - {Name: SR, Type: unbinned}\n";
        Files.writeString(dir.resolve("fit.yml"), yaml);
    }

    /** One member: a 4-16-16-1 tanh MLP ending in its logit, output weights scaled by {@code scale} (ratios near 1). */
    static void ensemble(Path folder, List<String> features, Random r, double scale) throws IOException {
        int[] w = {FEATURES, HIDDEN, HIDDEN, 1};
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l + 1 < w.length; l++) {
            double[][] wt = new double[w[l + 1]][w[l]];
            double sd = (l + 2 == w.length ? scale : 1) * Math.sqrt(1.0 / w[l]);
            for (double[] row : wt) for (int i = 0; i < row.length; i++) row[i] = r.nextGaussian() * sd;
            layers.add(new Layer(wt, new double[w[l + 1]], l + 2 == w.length ? Activation.IDENTITY : Activation.TANH));
        }
        double[] mean = new double[FEATURES];
        double[] sc = new double[FEATURES];
        Arrays.fill(sc, 1);
        OnnxMlpWriter.write(folder.resolve("net.onnx"), "x", "logit", layers);
        Sidecars.write(ModelSidecar.binary(folder.getFileName().toString(), "net.onnx", "x", features, ModelSidecar.OutputConvention.LOGIT,
                "A", "B").withScaling(List.of(new ModelSidecar.Standard(features, mean, sc))), folder.resolve("model.json"));
        Ensemble.writeManifest(EnsembleManifest.of(folder.getFileName().toString(), List.of("model.json"), EnsembleManifest.Aggregation.MEAN_RATIO),
                folder.resolve(EnsembleManifest.FILE_NAME));
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
