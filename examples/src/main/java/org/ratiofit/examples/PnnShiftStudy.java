package org.ratiofit.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ratiofit.likelihood.Model;
import org.ratiofit.ratio.training.pnn.PnnData;
import org.ratiofit.ratio.training.pnn.PnnTrainer;
import org.ratiofit.validation.toys.ThreeClassNuisanceToy;

/**
 * The PNN part of the multiclass toy's μ shift (issue 18), with the multiclass part exact: trains the three
 * per-class PNNs of {@link MulticlassPnnToy} for {@code --seed} (the same samples, configuration and seeds as
 * {@code multiclass-pnn-toy --seed S}) and fits μ with the exact multiclass log-ratios and the learned Δ_A(x) on the
 * data of each fit seed, at the nominal-fit point (tes, jes) = (0.3, −0.2) and at the held-out point (1.5, −1.0).
 * μ(exact log-ratios, learned Δ) − μ(exact) in the exact fit's HESSE σ, for the ensemble, each member (re-normalised
 * alone), and with the learned Δ of one class only or of one monomial only (the rest exact): which part moves μ.
 *
 * <pre>examples/run pnn-shift-study [OUT_DIR] [--events N] [--point-events N] [--members K] [--epochs N] [--patience N] [--seed N] [--fit-seeds F,F,...]
 *     [--extra-points tes,jes;tes,jes...] [--pnn-train-fraction F] [--pnn-split-per-member] [--pnn-final-lr F]</pre>
 */
public final class PnnShiftStudy {

    /** The shifts on one data set: ensemble, members, learned Δ of one class only (htt, ttbar, ztt), of one monomial only (all classes). */
    public record Shifts(String data, double exactMu, double exactError, double ensembleShift, double[] memberShifts, double[] classOnly,
            double[] monomialOnly, double tesHat, double jesHat) {
    }

    /**
     * Everything measured (format version 2): Δ MSE per class and monomial (5000 nominal events of the class), the fits, time;
     * version 2 adds the PNNs' training reducers (pnnTraining).
     */
    public record Result(int formatVersion, int events, int pointEvents, int members, int epochs, int patience, long seed,
            MulticlassPnnToy.PnnTraining pnnTraining, List<double[]> points, double[][] deltaMse, List<Long> fitSeeds, List<Shifts> shifts,
            double trainingSeconds, double seconds) {
        public static final int FORMAT_VERSION = 2;
    }

    /** The command line: output folder (null: none), settings, fit seeds and ν points. */
    record Options(Path out, MulticlassPnnToy.Settings settings, List<Long> fitSeeds, List<double[]> points) {
    }

    private PnnShiftStudy() {
    }

    /** The toy's model with the exact log-ratios and, where learned[c][a], the learned Δ_A of class c (else the exact one); exact yields. */
    static Model mixed(ThreeClassNuisanceToy toy, double[][] data, double[][] ref, double[][][] learnedData, double[][][] learnedRef,
            boolean[][] learned) {
        ThreeClassNuisanceToy.Columns[] d = new ThreeClassNuisanceToy.Columns[3];
        ThreeClassNuisanceToy.Columns[] rf = new ThreeClassNuisanceToy.Columns[3];
        double[][] yc = new double[3][];
        for (int c = 0; c < 3; c++) {
            double[][] dd = toy.deltaColumns(c, data);
            double[][] dr = toy.deltaColumns(c, ref);
            for (int a = 0; a < ThreeClassNuisanceToy.M; a++) {
                if (learned[c][a]) {
                    dd[a] = learnedData[c][a];
                    dr[a] = learnedRef[c][a];
                }
            }
            double[] ld = c == ThreeClassNuisanceToy.REFERENCE ? new double[data[0].length] : toy.logRatioColumn(c, data);
            double[] lf = c == ThreeClassNuisanceToy.REFERENCE ? new double[ref[0].length] : toy.logRatioColumn(c, ref);
            d[c] = new ThreeClassNuisanceToy.Columns(ld, dd);
            rf[c] = new ThreeClassNuisanceToy.Columns(lf, dr);
            yc[c] = toy.spec(c).yieldCoefficients().clone();
        }
        return toy.model(data[0].length, d, ref[0].length, rf, yc);
    }

    static Shifts shifts(String name, ThreeClassNuisanceToy toy, double[][] data, double[][] ref, List<PnnTrainer.Result> pnns,
            List<PnnData> pnnData) {
        double[] exact = MulticlassShiftStudy.fitMu(toy.exactModel(data, ref));
        MulticlassPnnToy.Fit all = MulticlassPnnToy.fit(name, MulticlassPnnToy.model(toy, data, ref, null, pnns));
        int k = pnns.get(0).members().size();
        double[] members = new double[k];
        for (int g = 0; g < k; g++) {
            List<PnnTrainer.Result> one = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                PnnTrainer.Result r = pnns.get(c);
                one.add(PnnTrainer.result(pnnData.get(c), r.split(), r.members().subList(g, g + 1)));
            }
            members[g] = (MulticlassShiftStudy.fitMu(MulticlassPnnToy.model(toy, data, ref, null, one))[0] - exact[0]) / exact[1];
        }
        double[][][] ld = new double[3][][];
        double[][][] lr = new double[3][][];
        for (int c = 0; c < 3; c++) {
            ld[c] = pnns.get(c).deltas(data);
            lr[c] = pnns.get(c).deltas(ref);
        }
        int m = ThreeClassNuisanceToy.M;
        double[] classOnly = new double[3];
        for (int c = 0; c < 3; c++) {
            boolean[][] mask = new boolean[3][m];
            java.util.Arrays.fill(mask[c], true);
            classOnly[c] = (MulticlassShiftStudy.fitMu(mixed(toy, data, ref, ld, lr, mask))[0] - exact[0]) / exact[1];
        }
        double[] monoOnly = new double[m];
        for (int a = 0; a < m; a++) {
            boolean[][] mask = new boolean[3][m];
            for (int c = 0; c < 3; c++) {
                mask[c][a] = true;
            }
            monoOnly[a] = (MulticlassShiftStudy.fitMu(mixed(toy, data, ref, ld, lr, mask))[0] - exact[0]) / exact[1];
        }
        return new Shifts(name, exact[0], exact[1], (all.mu() - exact[0]) / exact[1], members, classOnly, monoOnly, all.tes(), all.jes());
    }

    public static Result run(MulticlassPnnToy.Settings s, List<Long> fitSeeds) {
        return run(s, fitSeeds, MulticlassPnnToy.POINTS);
    }

    /** The same with the PNNs trained at other ν points (the example's twelve, then any more: see {@link MulticlassPnnToy#pnnData}). */
    public static Result run(MulticlassPnnToy.Settings s, List<Long> fitSeeds, List<double[]> points) {
        long t0 = System.nanoTime();
        ThreeClassNuisanceToy toy = ThreeClassNuisanceToy.standard();
        long seed = s.seed() * 1_000_003L;
        List<PnnTrainer.Result> pnns = new ArrayList<>();
        List<PnnData> datas = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            Map<String, double[]> nominal = MulticlassPnnToy.table(toy.sample(c, new double[2], s.events(), seed + c));
            PnnData d = MulticlassPnnToy.pnnData(toy, s, c, nominal, points);
            datas.add(d);
            pnns.add(PnnTrainer.train(d, MulticlassPnnToy.config(s), s.members(), s.pnnTraining().splitPerMember(), null));
            System.out.printf("PNN of %s trained (%.0f s so far)%n", ThreeClassNuisanceToy.CLASSES.get(c), (System.nanoTime() - t0) * 1e-9);
        }
        double trainingSeconds = (System.nanoTime() - t0) * 1e-9;
        double[][] dMse = new double[3][ThreeClassNuisanceToy.M];
        for (int c = 0; c < 3; c++) {
            double[][] x = toy.sample(c, new double[2], 5000, seed + 900 + c);
            double[][] learned = pnns.get(c).deltas(x);
            double[][] exact = toy.deltaColumns(c, x);
            for (int a = 0; a < ThreeClassNuisanceToy.M; a++) {
                for (int i = 0; i < exact[a].length; i++) {
                    dMse[c][a] += (learned[a][i] - exact[a][i]) * (learned[a][i] - exact[a][i]) / exact[a].length;
                }
            }
        }
        List<Shifts> out = new ArrayList<>();
        for (long f : fitSeeds) {
            long fs = f * 1_000_003L;
            double[][] ref = toy.sample(ThreeClassNuisanceToy.ZTT, new double[2], 20000, fs + 1001);
            out.add(shifts("fit seed " + f + ", nominal data (0.3, -0.2)", toy, toy.generate(new double[] {1, 0.3, -0.2}, fs + 1000), ref, pnns,
                    datas));
            out.add(shifts("fit seed " + f + ", held-out nu (1.5, -1.0)", toy, toy.generate(new double[] {1, 1.5, -1.0}, fs + 2000), ref, pnns,
                    datas));
        }
        return new Result(Result.FORMAT_VERSION, s.events(), s.pointEvents(), s.members(), s.epochs(), s.patience(), s.seed(), s.pnnTraining(),
                List.copyOf(points), dMse, List.copyOf(fitSeeds), out, trainingSeconds, (System.nanoTime() - t0) * 1e-9);
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) {
            b.append(String.format(" %+.3f", x));
        }
        return b.toString();
    }

    static final String HELP = "examples/run pnn-shift-study [OUT_DIR] [--events N (20000: the nominal sample per class)] "
            + "[--point-events N (5000)] [--members K (2)] [--epochs N (30)] [--patience N (the epochs)] [--seed N (1)] "
            + "[--fit-seeds F,F,... (the seed)] [--extra-points 'tes,jes;tes,jes' (none: the example's twelve points; these are added)]\n"
            + MulticlassPnnToy.PNN_HELP;

    /** The command line; null for --help; IllegalArgumentException naming the option and value when one is bad. */
    static Options parse(String[] args) {
        Path out = null;
        int events = 20000;
        int pointEvents = 5000;
        int members = 2;
        int epochs = 30;
        Integer patience = null;
        long seed = 1;
        List<Long> fitSeeds = new ArrayList<>();
        List<double[]> points = new ArrayList<>(MulticlassPnnToy.POINTS);
        MulticlassPnnToy.PnnTraining pnn = MulticlassPnnToy.PnnTraining.DEFAULTS;
        for (int i = 0; i < args.length; i++) {
            int[] at = {i};
            MulticlassPnnToy.PnnTraining q = MulticlassPnnToy.pnnOption(args, at, pnn);
            if (q != null) {
                pnn = q;
                i = at[0];
                continue;
            }
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(MulticlassPnnToy.value(args, ++i));
                case "--point-events" -> pointEvents = Integer.parseInt(MulticlassPnnToy.value(args, ++i));
                case "--members" -> members = Integer.parseInt(MulticlassPnnToy.value(args, ++i));
                case "--epochs" -> epochs = Integer.parseInt(MulticlassPnnToy.value(args, ++i));
                case "--patience" -> patience = Integer.parseInt(MulticlassPnnToy.value(args, ++i));
                case "--seed" -> seed = Long.parseLong(MulticlassPnnToy.value(args, ++i));
                case "--fit-seeds" -> {
                    for (String v : MulticlassPnnToy.value(args, ++i).split(",")) {
                        fitSeeds.add(Long.parseLong(v.trim()));
                    }
                }
                case "--extra-points" -> {
                    String text = MulticlassPnnToy.value(args, ++i);
                    for (String p : text.split(";")) {
                        String[] v = p.split(",");
                        double[] nu;
                        try {
                            if (v.length != 2) {
                                throw new NumberFormatException();
                            }
                            nu = new double[] {Double.parseDouble(v[0].trim()), Double.parseDouble(v[1].trim())};
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--extra-points must be 'tes,jes;tes,jes;...', got '" + text + "'");
                        }
                        if (points.stream().anyMatch(q2 -> java.util.Arrays.equals(q2, nu))) {
                            throw new IllegalArgumentException("--extra-points: (" + v[0].trim() + ", " + v[1].trim()
                                    + ") is already a training point (the example's twelve: " + MulticlassPnnToy.POINTS.stream()
                                    .map(java.util.Arrays::toString).collect(java.util.stream.Collectors.joining(" ")) + ")");
                        }
                        points.add(nu);
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
        if (members < 1) {
            throw new IllegalArgumentException("--members must be at least 1, got " + members);
        }
        if (fitSeeds.isEmpty()) {
            fitSeeds.add(seed);
        }
        MulticlassPnnToy.Settings s = new MulticlassPnnToy.Settings(null, events, pointEvents, members, epochs, seed).withNetwork(
                MulticlassPnnToy.Settings.HIDDEN_32X32, patience == null ? epochs : patience).withPnnTraining(pnn);
        return new Options(out, s, fitSeeds, points);
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("pnn-shift-study: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (o == null) {
            System.out.println(HELP);
            return;
        }
        Path out = o.out();
        Result r = run(o.settings(), o.fitSeeds(), o.points());
        for (int c = 0; c < 3; c++) {
            StringBuilder b = new StringBuilder();
            for (double v : r.deltaMse()[c]) {
                b.append(String.format(" %.2g", v));
            }
            System.out.printf("PNN %-6s Delta MSE per monomial %s:%s%n", ThreeClassNuisanceToy.CLASSES.get(c), ThreeClassNuisanceToy.MONOMIALS, b);
        }
        MulticlassPnnToy.PnnTraining p = r.pnnTraining();
        System.out.printf("mu(exact log-ratios, learned PNN) - mu(exact) in exact sigmas; PNN seed %d, %d nominal + %d events per nu point, "
                + "%d members, %d epochs (patience %d), %d nu points; PNN train %.2f validation %.2f, %s split, cosine end %.3g:%n", r.seed(),
                r.events(), r.pointEvents(), r.members(), r.epochs(), r.patience(), r.points().size(), p.trainFraction(), p.validationFraction(),
                p.splitPerMember() ? "per-member" : "shared", p.finalLr());
        for (Shifts sh : r.shifts()) {
            System.out.printf("  %s (exact mu %.4f +- %.4f; learned tes %.3f jes %.3f): ensemble %+.3f, members%s; one class only (htt ttbar ztt)%s; "
                    + "one monomial only %s%s%n", sh.data(), sh.exactMu(), sh.exactError(), sh.tesHat(), sh.jesHat(), sh.ensembleShift(),
                    fmt(sh.memberShifts()), fmt(sh.classOnly()), ThreeClassNuisanceToy.MONOMIALS, fmt(sh.monomialOnly()));
        }
        System.out.printf("PNN training %.0f s, finished in %.0f s%n", r.trainingSeconds(), r.seconds());
        if (out != null) {
            Files.createDirectories(out);
            Path tmp = Files.createTempFile(out, "result", ".json.tmp");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), r);
            Files.move(tmp, out.resolve("result.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
