package org.ratiofit.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.ratiofit.likelihood.Model;
import org.ratiofit.ratio.training.multiclass.ClassCalibration;
import org.ratiofit.ratio.training.multiclass.MulticlassData;
import org.ratiofit.ratio.training.multiclass.MulticlassTrainer;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.validation.toys.ThreeClassNuisanceToy;

/**
 * Variance or bias of the multiclass toy's μ shift (issue 18): for one fit data set (the
 * {@link MulticlassPnnToy} data of {@code --fit-seed}) and one training sample (its nominal samples
 * of {@code --training-seed}), K members trained, and μ(learned multiclass, exact polynomial) −
 * μ(exact) in units of the exact fit's HESSE error for every disjoint group of 1, 2, 4, … members.
 * Members of one training sample share its noise; other training seeds show the rest.
 *
 * <pre>examples/run multiclass-shift-study [OUT_DIR] [--events N] [--members K] [--epochs N] [--fit-seed N] [--training-seed N] [--init-seed N]
 *     [--train-fraction F] [--split-per-member] [--final-lr F]</pre>
 */
public final class MulticlassShiftStudy {

    /** The shifts of the disjoint groups of one size, with their mean and standard deviation. */
    public record Group(int size, double[] shifts, double mean, double sd) {
    }

    /**
     * One member's training: the epoch kept, the epochs run, its training throughput (events/s, the
     * trainer's own clock) and its held-out mean squared error of ln r̂ against the exact ln r (htt, ttbar;
     * on 5000 events of the class and 5000 of the reference, as {@link MulticlassPnnToy}).
     */
    public record MemberTraining(int bestEpoch, int epochsRun, double eventsPerSecond, double seconds, double[] mse) {
    }

    /** The same ensemble on the fit data of another seed: each member's shift and the whole ensemble's, in exact σ. */
    public record OtherFit(long fitSeed, double exactMu, double exactError, double[] memberShifts, double ensembleShift) {
    }

    /**
     * The same ensemble (exact polynomial) on the data of the fit seed generated at the held-out
     * nuisance point (tes, jes) = (1.5, −1.0) of {@link MulticlassPnnToy} (its "data at held-out ν").
     */
    public record HeldOutFit(double exactMu, double exactError, double[] memberShifts, double ensembleShift) {
    }

    /**
     * Everything measured (format version 4: hidden layers, patience, per-member training, the
     * ensemble's MSE and the fits of other seeds' data added in 2; the seed of the members'
     * initialisation and batch order, initSeed, in 3: the training seed unless --init-seed; the
     * multiclass training's split fractions, split per member and cosine end in 4).
     */
    public record Result(int formatVersion, int events, int members, int epochs, List<Integer> hidden, int patience, long fitSeed,
            long trainingSeed, long initSeed, double trainFraction, double validationFraction, boolean splitPerMember, double finalLr,
            double exactMu, double exactError, List<Group> groups, List<MemberTraining> training, double[] ensembleMse,
            List<OtherFit> otherFits, HeldOutFit heldOut, double seconds) {
    }

    /** The command line: what {@link #run(Options)} runs, and where its result.json goes (null: nowhere). */
    public record Options(Path out, int events, int members, int epochs, List<Integer> hidden, int patience, long fitSeed, long trainingSeed,
            long initSeed, List<Long> otherFitSeeds, double trainFraction, double validationFraction, boolean splitPerMember, double finalLr) {
        public Options {
            if (members < 1) {
                throw new IllegalArgumentException("--members must be at least 1, got " + members);
            }
            hidden = List.copyOf(hidden);
            otherFitSeeds = List.copyOf(otherFitSeeds);
            MulticlassPnnToy.checkMulticlassTraining(trainFraction, validationFraction, finalLr,
                    org.ratiofit.ratio.training.multiclass.ClassCalibration.NONE);
        }

        /** The settings that give the multiclass classifier's training configuration. */
        MulticlassPnnToy.Settings settings() {
            return new MulticlassPnnToy.Settings(null, events, 5000, members, epochs, initSeed).withNetwork(hidden, patience)
                    .withMulticlassTraining(trainFraction, validationFraction, splitPerMember, finalLr);
        }
    }

    private MulticlassShiftStudy() {
    }

    static double[] fitMu(Model m) {
        FitResult f = Hesse.compute(m, Migrad.defaults().minimise(m), 1, true);
        return new double[] {f.value("mu"), f.error("mu")};
    }

    public static Result run(int events, int members, int epochs, long fitSeed, long trainingSeed) {
        return run(events, members, epochs, MulticlassPnnToy.Settings.HIDDEN_32X32, MulticlassPnnToy.Settings.PATIENCE_8, fitSeed, trainingSeed,
                List.of());
    }

    public static Result run(int events, int members, int epochs, List<Integer> hidden, int patience, long fitSeed, long trainingSeed,
            List<Long> otherFitSeeds) {
        return run(events, members, epochs, hidden, patience, fitSeed, trainingSeed, trainingSeed, otherFitSeeds);
    }

    /** MSE of ln r̂ against the exact ln r for htt and ttbar, on held-out events of the class and of the reference. */
    static double[] mse(ThreeClassNuisanceToy toy, MulticlassTrainer.Result mc, MulticlassTrainer.Member m, long seed) {
        double[] out = new double[2];
        double[][] refHeld = toy.sample(ThreeClassNuisanceToy.ZTT, new double[2], 5000, seed + 899);
        for (int k = 0; k < 2; k++) {
            double[][] own = toy.sample(k, new double[2], 5000, seed + 890 + k);
            for (double[][] x : List.of(own, refHeld)) {
                double[] lr = (m == null ? mc.logRatios(x) : mc.logRatios(m, x))[k];
                double[] ex = toy.logRatioColumn(k, x);
                for (int i = 0; i < ex.length; i++) {
                    out[k] += (lr[i] - ex[i]) * (lr[i] - ex[i]) / (2.0 * ex.length);
                }
            }
        }
        return out;
    }

    /** The shifts of the same ensemble on the data of MulticlassPnnToy with seed fitSeed. */
    static OtherFit otherFit(ThreeClassNuisanceToy toy, MulticlassTrainer.Result mc, long fitSeed) {
        long seed = fitSeed * 1_000_003L;
        Shifts s = shifts(toy, mc, toy.generate(new double[] {1, 0.3, -0.2}, seed + 1000), seed);
        return new OtherFit(fitSeed, s.exact()[0], s.exact()[1], s.members(), s.ensemble());
    }

    static HeldOutFit heldOutFit(ThreeClassNuisanceToy toy, MulticlassTrainer.Result mc, long fitSeed) {
        long seed = fitSeed * 1_000_003L;
        Shifts s = shifts(toy, mc, toy.generate(new double[] {1, 1.5, -1.0}, seed + 2000), seed);
        return new HeldOutFit(s.exact()[0], s.exact()[1], s.members(), s.ensemble());
    }

    /** The exact fit (μ, σ) and μ(learned) − μ(exact) in exact σ for each member alone and the whole ensemble. */
    private record Shifts(double[] exact, double[] members, double ensemble) {}

    /** Fits the data with the reference events of MulticlassPnnToy's seed (seed + 1001), exactly and with the learned ratios. */
    private static Shifts shifts(ThreeClassNuisanceToy toy, MulticlassTrainer.Result mc, double[][] data, long seed) {
        double[][] ref = toy.sample(ThreeClassNuisanceToy.ZTT, new double[2], 20000, seed + 1001);
        double[] exact = fitMu(toy.exactModel(data, ref));
        double[] sh = new double[mc.members().size()];
        for (int g = 0; g < sh.length; g++) {
            MulticlassTrainer.Result sub = new MulticlassTrainer.Result(mc.formatVersion(), mc.classes(), mc.reference(), mc.classWeights(),
                    mc.calibration(), mc.split(), mc.members().subList(g, g + 1));
            sh[g] = (fitMu(MulticlassPnnToy.model(toy, data, ref, sub, null))[0] - exact[0]) / exact[1];
        }
        double all = (fitMu(MulticlassPnnToy.model(toy, data, ref, mc, null))[0] - exact[0]) / exact[1];
        return new Shifts(exact, sh, all);
    }

    /**
     * The study with the training sample of trainingSeed and the members' initialisation, split and batch order from
     * initSeed (the configuration's seeds as {@code multiclass-pnn-toy --seed initSeed} sets them).
     */
    public static Result run(int events, int members, int epochs, List<Integer> hidden, int patience, long fitSeed, long trainingSeed,
            long initSeed, List<Long> otherFitSeeds) {
        return run(new Options(null, events, members, epochs, hidden, patience, fitSeed, trainingSeed, initSeed, otherFitSeeds,
                MulticlassPnnToy.Settings.TRAIN_FRACTION_0_6, MulticlassPnnToy.Settings.VALIDATION_FRACTION_0_2, false,
                MulticlassPnnToy.Settings.FINAL_LR_0_05));
    }

    /** The study as the options say (the multiclass training's split, split per member and cosine end included). */
    public static Result run(Options o) {
        int events = o.events();
        int members = o.members();
        long fitSeed = o.fitSeed();
        long t0 = System.nanoTime();
        ThreeClassNuisanceToy toy = ThreeClassNuisanceToy.standard();
        long seed = fitSeed * 1_000_003L;
        long trainSeed = o.trainingSeed() * 1_000_003L;
        List<Map<String, double[]>> nominal = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            nominal.add(MulticlassPnnToy.table(toy.sample(c, new double[2], events, trainSeed + c)));
        }
        List<String> f = ThreeClassNuisanceToy.FEATURES;
        MulticlassData d = MulticlassData.of(ThreeClassNuisanceToy.CLASSES, "ztt", nominal, null, f, new LinkedHashSet<>(f));
        MulticlassPnnToy.Settings st = o.settings();
        MulticlassTrainer.Result mc = MulticlassTrainer.train(d, MulticlassPnnToy.multiclassConfig(st), members, MulticlassTrainer.ClassWeights.EQUAL,
                ClassCalibration.NONE, st.splitPerMember(), null);
        // the fit data and reference events of MulticlassPnnToy with seed fitSeed
        double[][] data = toy.generate(new double[] {1, 0.3, -0.2}, seed + 1000);
        double[][] ref = toy.sample(ThreeClassNuisanceToy.ZTT, new double[2], 20000, seed + 1001);
        double[] exact = fitMu(toy.exactModel(data, ref));
        List<MemberTraining> training = new ArrayList<>();
        for (MulticlassTrainer.Member m : mc.members()) {
            training.add(new MemberTraining(m.history().bestEpoch(), m.history().epochs(), m.history().eventsPerSecond(), m.history().seconds(),
                    mse(toy, mc, m, seed)));
        }
        List<Group> groups = new ArrayList<>();
        for (int k = 1; k <= members; k *= 2) {
            double[] sh = new double[members / k];
            for (int g = 0; g < sh.length; g++) {
                MulticlassTrainer.Result sub = new MulticlassTrainer.Result(mc.formatVersion(), mc.classes(), mc.reference(), mc.classWeights(),
                        mc.calibration(), mc.split(), mc.members().subList(g * k, (g + 1) * k));
                sh[g] = (fitMu(MulticlassPnnToy.model(toy, data, ref, sub, null))[0] - exact[0]) / exact[1];
            }
            double mean = java.util.Arrays.stream(sh).average().orElse(Double.NaN);
            double ss = 0;
            for (double v : sh) {
                ss += (v - mean) * (v - mean);
            }
            groups.add(new Group(k, sh, mean, sh.length > 1 ? Math.sqrt(ss / (sh.length - 1)) : Double.NaN));
        }
        List<OtherFit> others = new ArrayList<>();
        for (long f2 : o.otherFitSeeds()) {
            others.add(otherFit(toy, mc, f2));
        }
        return new Result(4, events, members, o.epochs(), o.hidden(), o.patience(), fitSeed, o.trainingSeed(), o.initSeed(), o.trainFraction(),
                o.validationFraction(), o.splitPerMember(), o.finalLr(), exact[0], exact[1], groups, training,
                mse(toy, mc, null, seed), List.copyOf(others), heldOutFit(toy, mc, fitSeed), (System.nanoTime() - t0) * 1e-9);
    }

    static final String HELP = "examples/run multiclass-shift-study [OUT_DIR] [--events N (20000)] [--members K (8)] [--epochs N (30)] "
            + "[--hidden W,W,... (32,32)] [--patience N (8; >= epochs: the schedule runs to its end)] "
            + "[--fit-seed N (1)] [--training-seed N (the fit seed)] [--init-seed N (the training seed: members' initialisation, split, batches)] "
            + "[--other-fit-seeds F,F,... (none: the same ensemble on those data too)] "
            + "[--train-fraction F (0.6 with validation 0.2; given: validation 1 - F, no unused holdout)] "
            + "[--split-per-member (each member draws its own train/validation split; default: one split shared)] "
            + "[--final-lr F (0.05: the cosine schedule's end as a fraction of the learning rate, in (0, 1])]";

    /** The command line as options; null for --help; IllegalArgumentException naming the option and value when out of range. */
    static Options parse(String[] args) {
        Path out = null;
        int events = 20000;
        int members = 8;
        int epochs = 30;
        long fitSeed = 1;
        Long trainingSeed = null;
        Long initSeed = null;
        List<Integer> hidden = MulticlassPnnToy.Settings.HIDDEN_32X32;
        int patience = MulticlassPnnToy.Settings.PATIENCE_8;
        List<Long> otherFitSeeds = new ArrayList<>();
        double trainFraction = MulticlassPnnToy.Settings.TRAIN_FRACTION_0_6;
        double validationFraction = MulticlassPnnToy.Settings.VALIDATION_FRACTION_0_2;
        boolean splitPerMember = false;
        double finalLr = MulticlassPnnToy.Settings.FINAL_LR_0_05;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(MulticlassPnnToy.value(args, ++i));
                case "--members" -> members = Integer.parseInt(MulticlassPnnToy.value(args, ++i));
                case "--epochs" -> epochs = Integer.parseInt(MulticlassPnnToy.value(args, ++i));
                case "--fit-seed" -> fitSeed = Long.parseLong(MulticlassPnnToy.value(args, ++i));
                case "--training-seed" -> trainingSeed = Long.parseLong(MulticlassPnnToy.value(args, ++i));
                case "--init-seed" -> initSeed = Long.parseLong(MulticlassPnnToy.value(args, ++i));
                case "--hidden" -> hidden = MulticlassPnnToy.parseHidden(MulticlassPnnToy.value(args, ++i), "multiclass-shift-study");
                case "--patience" -> patience = Integer.parseInt(MulticlassPnnToy.value(args, ++i));
                case "--other-fit-seeds" -> {
                    for (String v : MulticlassPnnToy.value(args, ++i).split(",")) {
                        otherFitSeeds.add(Long.parseLong(v.trim()));
                    }
                }
                case "--train-fraction" -> {
                    trainFraction = MulticlassPnnToy.parseFraction(MulticlassPnnToy.value(args, ++i), "--train-fraction");
                    validationFraction = MulticlassPnnToy.Settings.validationFor(trainFraction,
                            org.ratiofit.ratio.training.multiclass.ClassCalibration.NONE);
                }
                case "--split-per-member" -> splitPerMember = true;
                case "--final-lr" -> finalLr = MulticlassPnnToy.parseFraction(MulticlassPnnToy.value(args, ++i), "--final-lr");
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
        long ts = trainingSeed == null ? fitSeed : trainingSeed;
        return new Options(out, events, members, epochs, hidden, patience, fitSeed, ts, initSeed == null ? ts : initSeed, otherFitSeeds,
                trainFraction, validationFraction, splitPerMember, finalLr);
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("multiclass-shift-study: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (o == null) {
            System.out.println(HELP);
            return;
        }
        Path out = o.out();
        Result r = run(o);
        System.out.printf("multiclass training: train fraction %.2f, validation %.2f, %s split, cosine to %.3g of the learning rate%n",
                r.trainFraction(), r.validationFraction(), r.splitPerMember() ? "per-member" : "shared", r.finalLr());
        for (int k = 0; k < r.training().size(); k++) {
            MemberTraining t = r.training().get(k);
            System.out.printf("member %d: kept epoch %d of %d, %.0f events/s (%.1f s), ln r MSE htt %.4f ttbar %.4f%n", k, t.bestEpoch(),
                    t.epochsRun(), t.eventsPerSecond(), t.seconds(), t.mse()[0], t.mse()[1]);
        }
        System.out.printf("ensemble ln r MSE htt %.4f ttbar %.4f (hidden %s, patience %d)%n", r.ensembleMse()[0], r.ensembleMse()[1], r.hidden(),
                r.patience());
        System.out.printf("exact mu %.4f +- %.4f; mu(learned multiclass) - mu(exact) in exact sigmas, fit seed %d, training seed %d (init seed %d), %d events per class:%n",
                r.exactMu(), r.exactError(), r.fitSeed(), r.trainingSeed(), r.initSeed(), r.events());
        for (Group g : r.groups()) {
            StringBuilder b = new StringBuilder();
            for (double v : g.shifts()) {
                b.append(String.format(" %+.3f", v));
            }
            System.out.printf("  groups of %d member(s):%s   mean %+.3f  sd %.3f%n", g.size(), b, g.mean(), g.sd());
        }
        for (OtherFit of : r.otherFits()) {
            StringBuilder b = new StringBuilder();
            for (double v : of.memberShifts()) {
                b.append(String.format(" %+.3f", v));
            }
            System.out.printf("fit seed %d (exact mu %.4f +- %.4f): members%s, ensemble %+.3f%n", of.fitSeed(), of.exactMu(), of.exactError(), b,
                    of.ensembleShift());
        }
        StringBuilder hb = new StringBuilder();
        for (double v : r.heldOut().memberShifts()) {
            hb.append(String.format(" %+.3f", v));
        }
        System.out.printf("data of fit seed %d at held-out nu (1.5, -1.0) (exact mu %.4f +- %.4f): members%s, ensemble %+.3f%n", r.fitSeed(),
                r.heldOut().exactMu(), r.heldOut().exactError(), hb, r.heldOut().ensembleShift());
        System.out.printf("finished in %.0f s%n", r.seconds());
        if (out != null) {
            Files.createDirectories(out);
            Path tmp = Files.createTempFile(out, "result", ".json.tmp");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), r);
            Files.move(tmp, out.resolve("result.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
