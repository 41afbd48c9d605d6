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
 * <pre>examples/run multiclass-shift-study [OUT_DIR] [--events N] [--members K] [--epochs N] [--fit-seed N] [--training-seed N]</pre>
 */
public final class MulticlassShiftStudy {

    /** The shifts of the disjoint groups of one size, with their mean and standard deviation. */
    public record Group(int size, double[] shifts, double mean, double sd) {
    }

    /** Everything measured (format version 1). */
    public record Result(int formatVersion, int events, int members, int epochs, long fitSeed, long trainingSeed, double exactMu,
            double exactError, List<Group> groups, double seconds) {
    }

    private MulticlassShiftStudy() {
    }

    static double[] fitMu(Model m) {
        FitResult f = Hesse.compute(m, Migrad.defaults().minimise(m), 1, true);
        return new double[] {f.value("mu"), f.error("mu")};
    }

    public static Result run(int events, int members, int epochs, long fitSeed, long trainingSeed) {
        long t0 = System.nanoTime();
        ThreeClassNuisanceToy toy = ThreeClassNuisanceToy.standard();
        long seed = fitSeed * 1_000_003L;
        long trainSeed = trainingSeed * 1_000_003L;
        List<Map<String, double[]>> nominal = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            nominal.add(MulticlassPnnToy.table(toy.sample(c, new double[2], events, trainSeed + c)));
        }
        List<String> f = ThreeClassNuisanceToy.FEATURES;
        MulticlassData d = MulticlassData.of(ThreeClassNuisanceToy.CLASSES, "ztt", nominal, null, f, new LinkedHashSet<>(f));
        MulticlassPnnToy.Settings st = new MulticlassPnnToy.Settings(null, events, 5000, members, epochs, trainingSeed);
        MulticlassTrainer.Result mc = MulticlassTrainer.train(d, MulticlassPnnToy.config(st), members, MulticlassTrainer.ClassWeights.EQUAL,
                ClassCalibration.NONE, null);
        // the fit data and reference events of MulticlassPnnToy with seed fitSeed
        double[][] data = toy.generate(new double[] {1, 0.3, -0.2}, seed + 1000);
        double[][] ref = toy.sample(ThreeClassNuisanceToy.ZTT, new double[2], 20000, seed + 1001);
        double[] exact = fitMu(toy.exactModel(data, ref));
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
        return new Result(1, events, members, epochs, fitSeed, trainingSeed, exact[0], exact[1], groups, (System.nanoTime() - t0) * 1e-9);
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        int events = 20000;
        int members = 8;
        int epochs = 30;
        long fitSeed = 1;
        Long trainingSeed = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--members" -> members = Integer.parseInt(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--fit-seed" -> fitSeed = Long.parseLong(args[++i]);
                case "--training-seed" -> trainingSeed = Long.parseLong(args[++i]);
                case "--help" -> {
                    System.out.println("examples/run multiclass-shift-study [OUT_DIR] [--events N (20000)] [--members K (8)] [--epochs N (30)] "
                            + "[--fit-seed N (1)] [--training-seed N (the fit seed)]");
                    return;
                }
                default -> out = Path.of(args[i]);
            }
        }
        if (members < 1) {
            System.err.println("multiclass-shift-study: --members must be at least 1, got " + members);
            System.exit(2);
        }
        Result r = run(events, members, epochs, fitSeed, trainingSeed == null ? fitSeed : trainingSeed);
        System.out.printf("exact mu %.4f +- %.4f; mu(learned multiclass) - mu(exact) in exact sigmas, fit seed %d, training seed %d, %d events per class:%n",
                r.exactMu(), r.exactError(), r.fitSeed(), r.trainingSeed(), r.events());
        for (Group g : r.groups()) {
            StringBuilder b = new StringBuilder();
            for (double v : g.shifts()) {
                b.append(String.format(" %+.3f", v));
            }
            System.out.printf("  groups of %d member(s):%s   mean %+.3f  sd %.3f%n", g.size(), b, g.mean(), g.sd());
        }
        System.out.printf("finished in %.0f s%n", r.seconds());
        if (out != null) {
            Files.createDirectories(out);
            Path tmp = Files.createTempFile(out, "result", ".json.tmp");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), r);
            Files.move(tmp, out.resolve("result.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
