package org.ratiofit.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.ratiofit.likelihood.Model;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.multiclass.MulticlassData;
import org.ratiofit.ratio.training.multiclass.MulticlassDiagnostics;
import org.ratiofit.ratio.training.multiclass.MulticlassExport;
import org.ratiofit.ratio.training.multiclass.MulticlassTrainer;
import org.ratiofit.ratio.training.pnn.PnnData;
import org.ratiofit.ratio.training.pnn.PnnDiagnostics;
import org.ratiofit.ratio.training.pnn.PnnExport;
import org.ratiofit.ratio.training.pnn.PnnTrainer;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.Minos;
import org.ratiofit.samplers.fit.MinosError;
import org.ratiofit.validation.toys.ThreeClassNuisanceToy;

/**
 * GOLLUM's and nsbi's two model kinds made in Java on the exact toy {@link ThreeClassNuisanceToy}
 * (classes htt, ttbar, ztt = reference; nuisance parameters tes, jes moving the Gaussian means
 * linearly, so every ratio is known): a multiclass classifier for the per-class log-ratios and one
 * parametric-in-nuisance polynomial network (PNN) per class for Δ_A(x), with the inclusive yield
 * fits; then the fit of mu with tes and jes profiled, with the learned and with the exact
 * ratios, on the same data; and the closure at nuisance points not used in training.
 *
 * <pre>examples/run multiclass-pnn-toy [OUT_DIR] [--events N] [--point-events N] [--members N] [--epochs N] [--seed N]
 *     [--calibration none|temperature|isotonic] [--hidden W,W,...] [--patience N] [--train-fraction F] [--split-per-member] [--final-lr F]
 *     [--pnn-train-fraction F] [--pnn-split-per-member] [--pnn-final-lr F]</pre>
 */
public final class MulticlassPnnToy {

    /**
     * The PNNs' variance reducers (issue 18), set apart from the multiclass classifier's: {@code trainFraction} and
     * {@code validationFraction} of each PNN's events (the rest is the holdout of the PNN diagnostics, which use the
     * validation part when there is none), {@code splitPerMember} (each member draws its own split) and {@code finalLr}
     * (the cosine schedule's end as a fraction of the learning rate). {@link #DEFAULTS}: the trainer's 0.6 / 0.2, one
     * shared split, 5%.
     */
    public record PnnTraining(double trainFraction, double validationFraction, boolean splitPerMember, double finalLr) {
        public static final PnnTraining DEFAULTS = new PnnTraining(Settings.TRAIN_FRACTION_0_6, Settings.VALIDATION_FRACTION_0_2, false,
                Settings.FINAL_LR_0_05);

        /** Refuses values out of range, naming the command-line option and the value. */
        public PnnTraining {
            if (!(trainFraction > 0 && trainFraction < 1)) {
                throw new IllegalArgumentException("--pnn-train-fraction must lie in (0, 1), got " + trainFraction);
            }
            if (!(validationFraction > 0 && trainFraction + validationFraction <= 1 + 1e-12)) {
                throw new IllegalArgumentException("the PNN validation fraction must be positive and at most 1 - --pnn-train-fraction ("
                        + (1 - trainFraction) + "), got " + validationFraction);
            }
            if (!(finalLr > 0 && finalLr <= 1)) {
                throw new IllegalArgumentException("--pnn-final-lr must lie in (0, 1] (the cosine schedule's end as a fraction of the "
                        + "learning rate), got " + finalLr);
            }
        }

        /** --pnn-train-fraction F: validation all the rest (1 − F; the PNNs have no calibration needing a holdout). */
        public PnnTraining withTrainFraction(double train) {
            return new PnnTraining(train, 1 - train, splitPerMember, finalLr);
        }

        public PnnTraining withSplitPerMember(boolean perMember) {
            return new PnnTraining(trainFraction, validationFraction, perMember, finalLr);
        }

        public PnnTraining withFinalLr(double end) {
            return new PnnTraining(trainFraction, validationFraction, splitPerMember, end);
        }
    }

    /**
     * What to run. The multiclass classifier's own training settings: {@code trainFraction} and {@code validationFraction}
     * of the events (the rest is the holdout, which only calibration needs), {@code splitPerMember} (each member draws its
     * own split) and {@code finalLr} (the cosine schedule's final learning rate as a fraction of the initial); the PNNs'
     * are {@code pnnTraining} ({@link PnnTraining#DEFAULTS} unless given).
     */
    public record Settings(Path out, int events, int pointEvents, int members, int epochs, long seed,
            org.ratiofit.ratio.training.multiclass.ClassCalibration calibration, List<Integer> hidden, int patience, double trainFraction,
            double validationFraction, boolean splitPerMember, double finalLr, PnnTraining pnnTraining) {
        /** The networks' hidden layers before issue 18's variance study (32×32) and its early-stopping patience (8). */
        public static final List<Integer> HIDDEN_32X32 = List.of(32, 32);
        public static final int PATIENCE_8 = 8;
        /** The multiclass training's split and cosine end before issue 18's variance reducers: 60 / 20 / 20, shared, 5%. */
        public static final double TRAIN_FRACTION_0_6 = 0.6;
        public static final double VALIDATION_FRACTION_0_2 = 0.2;
        public static final double FINAL_LR_0_05 = 0.05;

        public Settings {
            hidden = List.copyOf(hidden);
            checkMulticlassTraining(trainFraction, validationFraction, finalLr, calibration);
            java.util.Objects.requireNonNull(pnnTraining, "pnnTraining");
        }

        public Settings(Path out, int events, int pointEvents, int members, int epochs, long seed,
                org.ratiofit.ratio.training.multiclass.ClassCalibration calibration, List<Integer> hidden, int patience, double trainFraction,
                double validationFraction, boolean splitPerMember, double finalLr) {
            this(out, events, pointEvents, members, epochs, seed, calibration, hidden, patience, trainFraction, validationFraction,
                    splitPerMember, finalLr, PnnTraining.DEFAULTS);
        }

        public Settings(Path out, int events, int pointEvents, int members, int epochs, long seed,
                org.ratiofit.ratio.training.multiclass.ClassCalibration calibration, List<Integer> hidden, int patience) {
            this(out, events, pointEvents, members, epochs, seed, calibration, hidden, patience, TRAIN_FRACTION_0_6, VALIDATION_FRACTION_0_2,
                    false, FINAL_LR_0_05);
        }

        public Settings(Path out, int events, int pointEvents, int members, int epochs, long seed,
                org.ratiofit.ratio.training.multiclass.ClassCalibration calibration) {
            this(out, events, pointEvents, members, epochs, seed, calibration, HIDDEN_32X32, PATIENCE_8);
        }

        public Settings(Path out, int events, int pointEvents, int members, int epochs, long seed) {
            this(out, events, pointEvents, members, epochs, seed, org.ratiofit.ratio.training.multiclass.ClassCalibration.NONE);
        }

        public Settings withNetwork(List<Integer> layers, int pat) {
            return new Settings(out, events, pointEvents, members, epochs, seed, calibration, layers, pat, trainFraction, validationFraction,
                    splitPerMember, finalLr, pnnTraining);
        }

        /** The multiclass classifier's split fractions, split per member and cosine end. */
        public Settings withMulticlassTraining(double train, double validation, boolean perMember, double endFraction) {
            return new Settings(out, events, pointEvents, members, epochs, seed, calibration, hidden, patience, train, validation, perMember,
                    endFraction, pnnTraining);
        }

        /** The PNNs' split fractions, split per member and cosine end. */
        public Settings withPnnTraining(PnnTraining pnn) {
            return new Settings(out, events, pointEvents, members, epochs, seed, calibration, hidden, patience, trainFraction,
                    validationFraction, splitPerMember, finalLr, pnn);
        }

        /**
         * The validation fraction that goes with a training fraction: all the rest (1 − train) without calibration, which
         * is the only user of the holdout; half the rest with calibration (the other half its holdout).
         */
        public static double validationFor(double train, org.ratiofit.ratio.training.multiclass.ClassCalibration calibration) {
            return calibration == org.ratiofit.ratio.training.multiclass.ClassCalibration.NONE ? 1 - train : (1 - train) / 2;
        }

        /**
         * The quick check of the pipeline (20 000 events per class, 2 members, 30 epochs, the cosine schedule run to its
         * end): expect μ shifts of a few tenths of σ from seed to seed (README).
         */
        public static Settings defaults(Path out) {
            return new Settings(out, 20000, 5000, 2, 30, 1).withNetwork(HIDDEN_32X32, 30);
        }

        /**
         * The recommended setting for issue 18's 0.1σ criteria (examples/README.md, parts 5–7): 4·10⁶ events per class and
         * 100 000 per nuisance point, 2 members, 40 epochs with the cosine schedule run to its end at 1% of the learning
         * rate, training on 80% of the events with a split per member, for the multiclass classifier and the PNNs alike;
         * seed 1. The command line {@code --events 4000000 --point-events 100000 --members 2 --epochs 40 --patience 40
         * --train-fraction 0.8 --split-per-member --final-lr 0.01 --pnn-train-fraction 0.8 --pnn-split-per-member
         * --pnn-final-lr 0.01}.
         */
        public static Settings recommended(Path out) {
            return new Settings(out, 4_000_000, 100_000, 2, 40, 1).withNetwork(HIDDEN_32X32, 40)
                    .withMulticlassTraining(0.8, validationFor(0.8, org.ratiofit.ratio.training.multiclass.ClassCalibration.NONE), true, 0.01)
                    .withPnnTraining(PnnTraining.DEFAULTS.withTrainFraction(0.8).withSplitPerMember(true).withFinalLr(0.01));
        }
    }

    /** One fit of mu with tes and jes profiled. */
    public record Fit(String model, double mu, double muError, double minosLower, double minosUpper, double tes, double jes, boolean valid) {
    }

    /**
     * Everything measured (format version 3): the mean squared errors of the learned against the exact
     * log-ratios on held-out events, the fits, the differences in units of the exact fit's error and
     * the held-out closure. Version 2 adds each learned part alone (the other exact): muShiftPnn (exact
     * multiclass, learned PNN), and at the held-out ν heldOutMuShiftMulticlass and heldOutMuShiftPnn; version 3
     * the multiclass training's split fractions, split per member and cosine end in the settings; version 4 the PNNs'
     * (settings.pnnTraining).
     */
    public record Result(int formatVersion, Settings settings, double[] multiclassMse, double[][] deltaMse, double[] deltaVariance,
            List<Fit> fits, double muShiftMulticlass, double muShiftFull, double intervalShiftLower, double intervalShiftUpper,
            double heldOutMuShift, double muShiftPnn, double heldOutMuShiftMulticlass, double heldOutMuShiftPnn, double worstHeldOutClosurePValue,
            double worstYieldResidual, double seconds) {
    }

    /**
     * The PNNs' training points (tes, jes): ±1 and ±2 of each parameter and the mixed points of all four quadrants.
     * Until 2026-12-04 the example trained at the first ten only; (1, −1) and (−1, −1) were added because without a
     * point in a quadrant the tes·jes coefficient is extrapolated there (at a held-out ν̂ of (1.5, −1) the learned PNNs
     * moved μ by up to 0.31σ with ten points and ≤ 0.07σ with twelve for training seed 1; rms over seeds 1 and 2:
     * 0.16σ and 0.08σ; examples/README.md).
     */
    public static final List<double[]> POINTS = List.of(new double[] {1, 0}, new double[] {-1, 0}, new double[] {2, 0}, new double[] {-2, 0},
            new double[] {0, 1}, new double[] {0, -1}, new double[] {0, 2}, new double[] {0, -2}, new double[] {1, 1}, new double[] {-1, 1},
            new double[] {1, -1}, new double[] {-1, -1});
    public static final List<double[]> HELD_OUT = List.of(new double[] {0.5, -1.5}, new double[] {-1.5, 1.0});

    private MulticlassPnnToy() {
    }

    /**
     * The PNNs' training configuration: the settings' PNN split fractions and cosine end (by default the trainer's
     * 60 / 20 / 20 split, cosine to 5% of the learning rate); whether members share the split is
     * {@code s.pnnTraining().splitPerMember()}, passed to {@link PnnTrainer#train(PnnData, TrainingConfig, int, boolean,
     * org.ratiofit.ratio.training.DjlTrainer.EpochListener)}.
     */
    static TrainingConfig config(Settings s) {
        PnnTraining p = s.pnnTraining();
        return TrainingConfig.defaults().withNetwork(s.hidden(), TrainingConfig.Activation.SWISH)
                .withOptimizer(TrainingConfig.OptimizerKind.ADAM, 3e-3, TrainingConfig.Schedule.COSINE, p.finalLr())
                .withEpochs(s.epochs(), 512, s.patience()).withSeeds(s.seed() + 100, s.seed()).withSplit(p.trainFraction(), p.validationFraction())
                .withQuiet(true);
    }

    /** The multiclass classifier's: the PNNs' network, epochs and seeds with the settings' multiclass split fractions and cosine end. */
    static TrainingConfig multiclassConfig(Settings s) {
        return config(s).withSplit(s.trainFraction(), s.validationFraction())
                .withOptimizer(TrainingConfig.OptimizerKind.ADAM, 3e-3, TrainingConfig.Schedule.COSINE, s.finalLr());
    }

    /** Refuses multiclass training settings out of range, naming the option and value. */
    static void checkMulticlassTraining(double train, double validation, double finalLr,
            org.ratiofit.ratio.training.multiclass.ClassCalibration calibration) {
        if (!(train > 0 && train < 1)) {
            throw new IllegalArgumentException("--train-fraction must lie in (0, 1), got " + train);
        }
        if (!(validation > 0 && train + validation <= 1 + 1e-12)) {
            throw new IllegalArgumentException("the validation fraction must be positive and at most 1 - train fraction (" + (1 - train)
                    + "), got " + validation);
        }
        if (calibration != org.ratiofit.ratio.training.multiclass.ClassCalibration.NONE && !(1 - train - validation > 1e-9)) {
            throw new IllegalArgumentException("--calibration " + calibration.name().toLowerCase(java.util.Locale.ROOT)
                    + " needs a holdout: train fraction " + train + " + validation fraction " + validation + " leave none");
        }
        if (!(finalLr > 0 && finalLr <= 1)) {
            throw new IllegalArgumentException("--final-lr must lie in (0, 1] (the cosine schedule's end as a fraction of the learning rate), got "
                    + finalLr);
        }
    }

    static Map<String, double[]> table(double[][] x) {
        return Map.of("x1", x[0], "x2", x[1]);
    }

    public static Result run(Settings s, PrintStream log) throws Exception {
        long t0 = System.nanoTime();
        ThreeClassNuisanceToy toy = ThreeClassNuisanceToy.standard();
        List<String> features = ThreeClassNuisanceToy.FEATURES;
        Files.createDirectories(s.out());
        long seed = s.seed() * 1_000_003L;

        // 1. multiclass classifier on the nominal samples (balanced classes)
        List<Map<String, double[]>> nominal = new ArrayList<>();
        List<double[][]> nominalX = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            double[][] x = toy.sample(c, new double[2], s.events(), seed + c);
            nominalX.add(x);
            nominal.add(table(x));
        }
        MulticlassData mcData = MulticlassData.of(ThreeClassNuisanceToy.CLASSES, "ztt", nominal, null, features, new LinkedHashSet<>(features));
        MulticlassTrainer.Result mc = MulticlassTrainer.train(mcData, multiclassConfig(s), s.members(), MulticlassTrainer.ClassWeights.EQUAL,
                s.calibration(), s.splitPerMember(), null);
        MulticlassExport.write(mc, s.out().resolve("models/multiclass"), "multiclass");
        MulticlassDiagnostics.run(mc, mcData, s.out().resolve("models/multiclass/diagnostics"));
        log.printf("1. multiclass ensemble trained (%d members, %.0f s so far)%n", s.members(), (System.nanoTime() - t0) * 1e-9);

        // 2. one PNN per class from the samples at the nuisance points
        List<PnnTrainer.Result> pnns = new ArrayList<>();
        double worstP = 1;
        double worstYield = 0;
        for (int c = 0; c < 3; c++) {
            PnnData d = pnnData(toy, s, c, nominal.get(c));
            PnnTrainer.Result r = PnnTrainer.train(d, config(s), s.members(), s.pnnTraining().splitPerMember(), null);
            pnns.add(r);
            String name = ThreeClassNuisanceToy.CLASSES.get(c) + "_poly";
            PnnExport.write(r, s.out().resolve("models/" + name), name);
            List<PnnData.Point> held = new ArrayList<>();
            for (int h = 0; h < HELD_OUT.size(); h++) {
                double[] nu = HELD_OUT.get(h);
                held.add(new PnnData.Point(nu, toy.sample(c, nu, s.pointEvents(), seed + 500 + 10L * c + h), yieldWeights(toy, c, nu, s.pointEvents())));
            }
            PnnDiagnostics.Report rep = PnnDiagnostics.run(r, d, held, s.out().resolve("models/" + name + "/diagnostics"));
            for (PnnDiagnostics.PointCheck p : rep.points()) {
                worstP = Math.min(worstP, p.minPValue());
                worstYield = Math.max(worstYield, Math.abs(p.yieldResidual()));
            }
            log.printf("2. PNN of %s trained (%.0f s so far)%n", ThreeClassNuisanceToy.CLASSES.get(c), (System.nanoTime() - t0) * 1e-9);
        }

        // 3. learned against exact on held-out events of every class
        // the multiclass ln r_c on held-out events of class c and of the reference (where ln r_c matters)
        double[] mcMse = new double[2];
        double[][] refHeld = toy.sample(ThreeClassNuisanceToy.ZTT, new double[2], 5000, seed + 899);
        for (int k = 0; k < 2; k++) {
            double[][] own = toy.sample(k, new double[2], 5000, seed + 890 + k);
            for (double[][] x : List.of(own, refHeld)) {
                double[] lr = mc.logRatios(x)[k];
                double[] ex = toy.logRatioColumn(k, x);
                for (int i = 0; i < ex.length; i++) {
                    mcMse[k] += (lr[i] - ex[i]) * (lr[i] - ex[i]) / (2.0 * ex.length);
                }
            }
        }
        double[][] dMse = new double[3][ThreeClassNuisanceToy.M];
        double[] dVar = new double[ThreeClassNuisanceToy.M];
        for (int c = 0; c < 3; c++) {
            double[][] x = toy.sample(c, new double[2], 5000, seed + 900 + c);
            double[][] learned = pnns.get(c).deltas(x);
            double[][] exact = toy.deltaColumns(c, x);
            for (int a = 0; a < ThreeClassNuisanceToy.M; a++) {
                double mean = 0;
                for (int i = 0; i < exact[a].length; i++) {
                    dMse[c][a] += (learned[a][i] - exact[a][i]) * (learned[a][i] - exact[a][i]) / exact[a].length;
                    mean += exact[a][i] / exact[a].length;
                }
                for (int i = 0; i < exact[a].length; i++) {
                    dVar[a] += (exact[a][i] - mean) * (exact[a][i] - mean) / (3.0 * exact[a].length);
                }
            }
        }

        // 4. fits: data at (mu, tes, jes) = (1, 0.3, -0.2), reference events from ztt at nu = 0
        double[][] data = toy.generate(new double[] {1, 0.3, -0.2}, seed + 1000);
        double[][] ref = toy.sample(ThreeClassNuisanceToy.ZTT, new double[2], 20000, seed + 1001);
        List<Fit> fits = new ArrayList<>();
        Fit exact = fit("exact", toy.exactModel(data, ref));
        Fit mcOnly = fit("learned multiclass, exact polynomial", model(toy, data, ref, mc, null));
        Fit full = fit("learned multiclass + PNN + yield fit", model(toy, data, ref, mc, pnns));
        fits.add(exact);
        fits.add(mcOnly);
        fits.add(full);
        // held-out nuisance point: data generated at (tes, jes) = (1.5, -1.0), never a training point
        double[][] dataH = toy.generate(new double[] {1, 1.5, -1.0}, seed + 2000);
        Fit exactH = fit("exact, data at held-out nu", toy.exactModel(dataH, ref));
        Fit fullH = fit("learned, data at held-out nu", model(toy, dataH, ref, mc, pnns));
        fits.add(exactH);
        fits.add(fullH);
        // which part moves mu: each learned part alone, the other exact (nominal data and data at held-out nu)
        Fit pnnOnly = fit("exact multiclass, learned PNN + yield fit", model(toy, data, ref, null, pnns));
        Fit mcOnlyH = fit("learned multiclass, exact polynomial, held-out nu", model(toy, dataH, ref, mc, null));
        Fit pnnOnlyH = fit("exact multiclass, learned PNN, held-out nu", model(toy, dataH, ref, null, pnns));
        fits.add(pnnOnly);
        fits.add(mcOnlyH);
        fits.add(pnnOnlyH);
        double sigma = exact.muError();
        double sigmaH = exactH.muError();
        Result r = new Result(4, s, mcMse, dMse, dVar, fits, (mcOnly.mu() - exact.mu()) / sigma, (full.mu() - exact.mu()) / sigma,
                (full.mu() + full.minosLower() - exact.mu() - exact.minosLower()) / sigma,
                (full.mu() + full.minosUpper() - exact.mu() - exact.minosUpper()) / sigma, (fullH.mu() - exactH.mu()) / sigmaH,
                (pnnOnly.mu() - exact.mu()) / sigma, (mcOnlyH.mu() - exactH.mu()) / sigmaH, (pnnOnlyH.mu() - exactH.mu()) / sigmaH,
                worstP, worstYield, (System.nanoTime() - t0) * 1e-9);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(s.out().resolve("result.json").toFile(), r);
        print(r, log);
        return r;
    }

    /**
     * The PNN training data of class c for the settings' seed: its nominal sample (the multiclass's, s.events() events)
     * and s.pointEvents() events at each of {@link #POINTS}, weighted to the inclusive yields.
     */
    static PnnData pnnData(ThreeClassNuisanceToy toy, Settings s, int c, Map<String, double[]> nominal) {
        return pnnData(toy, s, c, nominal, POINTS);
    }

    /**
     * The same with other ν points: the first ten draw their samples with the seeds of {@link #POINTS}' first ten,
     * points beyond the tenth from seed + 600 + 10c + (j − 10) (so the example's twelve points give the samples that the
     * ten-point example and pnn-shift-study --extra-points '1,-1;-1,-1' drew).
     */
    static PnnData pnnData(ThreeClassNuisanceToy toy, Settings s, int c, Map<String, double[]> nominal, List<double[]> points) {
        long seed = s.seed() * 1_000_003L;
        List<String> features = ThreeClassNuisanceToy.FEATURES;
        List<Map<String, double[]>> samples = new ArrayList<>();
        List<double[]> weights = new ArrayList<>();
        for (int j = 0; j < points.size(); j++) {
            long ps = j < 10 ? seed + 100 + 10L * c + j : seed + 600 + 10L * c + (j - 10);
            samples.add(table(toy.sample(c, points.get(j), s.pointEvents(), ps)));
            weights.add(yieldWeights(toy, c, points.get(j), s.pointEvents()));
        }
        return PnnData.of(features, new LinkedHashSet<>(features), ThreeClassNuisanceToy.PARAMETERS, nominal,
                yieldWeights(toy, c, new double[2], s.events()), points, samples, weights);
    }

    /** Weights of n events of class c at nu whose total is the class's inclusive yield there. */
    static double[] yieldWeights(ThreeClassNuisanceToy toy, int c, double[] nu, int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, toy.yield(c, nu) / n);
        return w;
    }

    /**
     * The toy's workspace model with the learned multiclass log-ratios (the exact ones when mc is null) and, when pnns is
     * given, the learned Δ and fitted yields (else the exact ones).
     */
    static Model model(ThreeClassNuisanceToy toy, double[][] data, double[][] ref, MulticlassTrainer.Result mc, List<PnnTrainer.Result> pnns) {
        double[][] lrData = new double[3][];
        double[][] lrRef = new double[3][];
        if (mc != null) {
            lrData = mc.logRatios(data);
            lrRef = mc.logRatios(ref);
        } else {
            for (int c = 0; c < 3; c++) {
                if (c != ThreeClassNuisanceToy.REFERENCE) {
                    lrData[c] = toy.logRatioColumn(c, data);
                    lrRef[c] = toy.logRatioColumn(c, ref);
                }
            }
        }
        ThreeClassNuisanceToy.Columns[] d = new ThreeClassNuisanceToy.Columns[3];
        ThreeClassNuisanceToy.Columns[] rf = new ThreeClassNuisanceToy.Columns[3];
        double[][] yc = new double[3][];
        for (int c = 0; c < 3; c++) {
            double[] ld = c == ThreeClassNuisanceToy.REFERENCE ? new double[data[0].length] : lrData[c];
            double[] lf = c == ThreeClassNuisanceToy.REFERENCE ? new double[ref[0].length] : lrRef[c];
            if (pnns == null) {
                d[c] = new ThreeClassNuisanceToy.Columns(ld, toy.deltaColumns(c, data));
                rf[c] = new ThreeClassNuisanceToy.Columns(lf, toy.deltaColumns(c, ref));
                yc[c] = toy.spec(c).yieldCoefficients().clone();
            } else {
                d[c] = new ThreeClassNuisanceToy.Columns(ld, pnns.get(c).deltas(data));
                rf[c] = new ThreeClassNuisanceToy.Columns(lf, pnns.get(c).deltas(ref));
                yc[c] = pnns.get(c).yieldFit().coefficients().clone();
            }
        }
        return toy.model(data[0].length, d, ref[0].length, rf, yc);
    }

    static Fit fit(String name, Model model) {
        FitResult f = Hesse.compute(model, Migrad.defaults().minimise(model), 1, true);
        double lo = Double.NaN;
        double hi = Double.NaN;
        try {
            MinosError m = Minos.defaults().error(model, f, "mu", ConfidenceLevel.sigma(1));
            lo = m.lower();
            hi = m.upper();
        } catch (RuntimeException e) {
            System.err.println(name + ": MINOS failed: " + e.getMessage() + "\n" + f.table());
        }
        return new Fit(name, f.value("mu"), f.error("mu"), lo, hi, f.value("tes"), f.value("jes"), f.status().validMinimum());
    }

    static void print(Result r, PrintStream out) {
        out.println();
        out.printf("multiclass ln r MSE on held-out events (class and reference): htt %.4f, ttbar %.4f%n", r.multiclassMse()[0],
                r.multiclassMse()[1]);
        for (int c = 0; c < 3; c++) {
            out.printf("PNN %-6s Delta MSE per monomial %s (variance of the exact Delta: %s)%n", ThreeClassNuisanceToy.CLASSES.get(c),
                    fmt(r.deltaMse()[c]), fmt(r.deltaVariance()));
        }
        out.println();
        out.printf("%-40s %8s %8s %8s %8s %8s %8s %6s%n", "model", "mu", "HESSE", "MINOS-", "MINOS+", "tes", "jes", "valid");
        for (Fit f : r.fits()) {
            out.printf("%-40s %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %6s%n", f.model(), f.mu(), f.muError(), f.minosLower(), f.minosUpper(),
                    f.tes(), f.jes(), f.valid());
        }
        out.println();
        out.printf("mu(learned multiclass) - mu(exact): %+.3f sigma%n", r.muShiftMulticlass());
        out.printf("mu(learned multiclass + PNN) - mu(exact): %+.3f sigma; interval ends %+.3f, %+.3f sigma%n", r.muShiftFull(),
                r.intervalShiftLower(), r.intervalShiftUpper());
        out.printf("mu(exact multiclass + learned PNN) - mu(exact): %+.3f sigma%n", r.muShiftPnn());
        out.printf("data at held-out nu: mu(learned) - mu(exact): %+.3f sigma (learned multiclass alone %+.3f, learned PNN alone %+.3f)%n",
                r.heldOutMuShift(), r.heldOutMuShiftMulticlass(), r.heldOutMuShiftPnn());
        out.printf("closure: smallest p-value over features, training and held-out points: %.3g; largest |yield residual| %.2e%n",
                r.worstHeldOutClosurePValue(), r.worstYieldResidual());
        out.printf("finished in %.0f s%n", r.seconds());
    }

    /** "16,16" → [16, 16]; exits with a message naming the option's value when it is not a list of positive widths. */
    static List<Integer> parseHidden(String text, String tool) {
        try {
            List<Integer> out = new ArrayList<>();
            for (String w : text.split(",")) {
                int v = Integer.parseInt(w.trim());
                if (v < 1) {
                    throw new NumberFormatException();
                }
                out.add(v);
            }
            return out;
        } catch (NumberFormatException e) {
            System.err.println(tool + ": --hidden must be comma-separated positive widths such as 16,16, got '" + text + "'");
            System.exit(2);
            return null;
        }
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format("%.2g", v[i]));
        }
        return b.append("]").toString();
    }

    /** The value after option args[i − 1]; IllegalArgumentException naming the option when there is none. */
    static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** A number for an option (its range is checked by the settings); IllegalArgumentException naming option and text. */
    static double parseFraction(String text, String option) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, got '" + text + "'");
        }
    }

    /** The PNN reducers' help (multiclass-pnn-toy and pnn-shift-study). */
    static final String PNN_HELP = "  the PNNs' training (default: the trainer's 0.6 / 0.2, one shared split, 0.05): [--pnn-train-fraction F "
            + "(validation 1 - F)] [--pnn-split-per-member (each PNN member draws its own split)] [--pnn-final-lr F (in (0, 1])]";

    static final String HELP = "examples/run multiclass-pnn-toy [OUT_DIR] [--events N (20000)] [--point-events N (5000)] "
            + "[--members N (2)] [--epochs N (30)] [--patience N (the epochs: the cosine schedule runs to its end)] "
            + "[--hidden W,W,... (32,32)] [--seed N (1)] [--calibration none|temperature|isotonic (none)]\n"
            + "  the multiclass classifier's training: [--train-fraction F (0.6 with validation 0.2; "
            + "given: validation 1 - F, or (1 - F)/2 and a holdout of the same size with calibration)] "
            + "[--split-per-member (each member draws its own train/validation split; default: one split shared)] "
            + "[--final-lr F (0.05: the cosine schedule's end as a fraction of the learning rate, in (0, 1])]\n"
            + PNN_HELP + "\n"
            + "largest measured (0.1 sigma not met for every seed): --events 1000000 --point-events 50000 --members 2 --epochs 40 (README)";

    /**
     * The PNN reducer option at args[i] applied to {@code p}, or null when args[i] is not one; {@code at[0]} is advanced past a
     * value; IllegalArgumentException naming the option when its value is missing, not a number or out of range.
     */
    static PnnTraining pnnOption(String[] args, int[] at, PnnTraining p) {
        return switch (args[at[0]]) {
            case "--pnn-train-fraction" -> p.withTrainFraction(parseFraction(value(args, ++at[0]), "--pnn-train-fraction"));
            case "--pnn-split-per-member" -> p.withSplitPerMember(true);
            case "--pnn-final-lr" -> p.withFinalLr(parseFraction(value(args, ++at[0]), "--pnn-final-lr"));
            default -> null;
        };
    }

    /** The command line as settings; null for --help; IllegalArgumentException naming the option and value when out of range. */
    static Settings parse(String[] args) {
        Path out = Path.of("ratiofit-multiclass-pnn");
        Settings d = Settings.defaults(out);
        int events = d.events();
        int pointEvents = d.pointEvents();
        int members = d.members();
        int epochs = d.epochs();
        long seed = d.seed();
        List<Integer> hidden = d.hidden();
        Integer patience = null;
        Double trainFraction = null;
        boolean splitPerMember = d.splitPerMember();
        double finalLr = d.finalLr();
        org.ratiofit.ratio.training.multiclass.ClassCalibration calibration = d.calibration();
        PnnTraining pnn = d.pnnTraining();
        for (int i = 0; i < args.length; i++) {
            int[] at = {i};
            PnnTraining q = pnnOption(args, at, pnn);
            if (q != null) {
                pnn = q;
                i = at[0];
                continue;
            }
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(value(args, ++i));
                case "--point-events" -> pointEvents = Integer.parseInt(value(args, ++i));
                case "--members" -> members = Integer.parseInt(value(args, ++i));
                case "--epochs" -> epochs = Integer.parseInt(value(args, ++i));
                case "--seed" -> seed = Long.parseLong(value(args, ++i));
                case "--hidden" -> hidden = parseHidden(value(args, ++i), "multiclass-pnn-toy");
                case "--patience" -> patience = Integer.parseInt(value(args, ++i));
                case "--train-fraction" -> trainFraction = parseFraction(value(args, ++i), "--train-fraction");
                case "--split-per-member" -> splitPerMember = true;
                case "--final-lr" -> finalLr = parseFraction(value(args, ++i), "--final-lr");
                case "--calibration" -> {
                    String c = value(args, ++i);
                    try {
                        calibration = org.ratiofit.ratio.training.multiclass.ClassCalibration.valueOf(c.toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--calibration must be none, temperature or isotonic, got '" + c + "'");
                    }
                }
                case "--help" -> {
                    return null;
                }
                default -> {
                    if (args[i].startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + args[i]);
                    }
                    out = Path.of(args[i]);
                }
            }
        }
        double tf = trainFraction == null ? d.trainFraction() : trainFraction;
        double vf = trainFraction == null ? d.validationFraction() : Settings.validationFor(tf, calibration);
        return new Settings(out, events, pointEvents, members, epochs, seed, calibration, hidden, patience == null ? epochs : patience)
                .withMulticlassTraining(tf, vf, splitPerMember, finalLr).withPnnTraining(pnn);
    }

    public static void main(String[] args) throws Exception {
        Settings s;
        try {
            s = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("multiclass-pnn-toy: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (s == null) {
            System.out.println(HELP);
            return;
        }
        run(s, System.out);
    }
}
