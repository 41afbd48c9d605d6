package org.ratiofit.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hipparchus.optim.univariate.UnivariatePointValuePair;
import org.hipparchus.random.RandomDataGenerator;
import org.hipparchus.random.Well19937c;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.histfactory.InterpCodes;
import org.ratiofit.likelihood.histfactory.PyhfWorkspace;
import org.ratiofit.likelihood.workspace.Combination;
import org.ratiofit.likelihood.workspace.Workspace;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.Minos;
import org.ratiofit.samplers.fit.MinosError;
import org.ratiofit.validation.toys.ExactProfile;
import org.ratiofit.validation.toys.GaussianOnExponential;
import org.ratiofit.validation.toys.ToyWorkspaces;

/**
 * The demo's unbinned NSBI signal region combined with a binned control region in pyhf JSON that
 * measures the background normalisation α_bkg.
 *
 * <ol>
 *   <li>The signal region: the demo's Gaussian-on-exponential toy (in the narrower window [110, 140], 50 signal and
 *       1000 background events at μ = 1) as a workspace of exact per-event log-ratios (no
 *       training): signal × μ, the peak shift α_shift, the background yield κ^α_bkg (κ = 1.1).</li>
 *   <li>The control region: a 3-bin pyhf JSON workspace (channel {@code CR}), background
 *       {@link #CR_BACKGROUND} with a normsys α_bkg (hi 1.1, lo 1/1.1: the same parameter, the same
 *       unit Gaussian constraint) and a small signal contamination × μ; observed counts drawn from
 *       Poisson at μ = 1, α_bkg = 0.</li>
 *   <li>The combination ({@link Combination}: what {@code ratiofit combine sr-workspace
 *       control-region.json --interp normsys=code1 -o combined} does): α_bkg and μ shared.</li>
 *   <li>MIGRAD + HESSE + MINOS on μ and α_bkg for the signal region alone and for the
 *       combination, against the exact answer: the toy's textbook likelihood (plus, for the
 *       combination, the control region's Poisson terms written out here) profiled by
 *       {@link ExactProfile}, independently of the workspace, the pyhf reader and the minimiser.</li>
 * </ol>
 */
public final class ControlRegionCombination {

    /** Control-region background per bin at α_bkg = 0. */
    static final double[] CR_BACKGROUND = {1200, 800, 500};
    /** Control-region signal per bin at μ = 1 (contamination). */
    static final double[] CR_SIGNAL = {1.5, 0.8, 0.3};

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ControlRegionCombination() {
    }

    /** One fit's numbers for a parameter, and the exact answer's. */
    public record Row(String fit, String parameter, double value, double hesse, double minosLower, double minosUpper,
                      double exactValue, double exactLower, double exactUpper) {

        /** The exact 68.3% interval's half width. */
        public double exactError() {
            return (exactUpper - exactLower) / 2;
        }
    }

    /** The rows (SR alone, combined; μ and α_bkg) and where the files are. */
    public record Result(List<Row> rows, Path out) {
        public Row row(String fit, String parameter) {
            return rows.stream().filter(r -> r.fit.equals(fit) && r.parameter.equals(parameter)).findFirst().orElseThrow();
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "ratiofit-control-region");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        run(out, seed, 4000, System.out);
    }

    /**
     * Runs the example into {@code out}.
     *
     * @param referencePoints points of the signal region's reference: a midpoint quadrature of the
     *                        background density over the window (for Asimov data and toys, and for
     *                        the default shape normalisation, which it makes exact: every reference
     *                        average is the window's integral to quadrature precision)
     */
    public static Result run(Path out, long seed, int referencePoints, PrintStream log)
            throws IOException {
        GaussianOnExponential toy = Toys.TOY;
        double[] truth = {1, 0, 0};
        Files.createDirectories(out);

        // 1. The signal region: the toy's events and its workspace of exact log-ratios.
        double[] events = toy.generate(truth, seed);
        Model sr = ToyWorkspaces.gaussianOnExponentialQuadrature(toy, events, referencePoints, true);
        Path srDir = out.resolve("sr-workspace");
        WorkspaceWriter.write(sr, srDir);
        log.printf(Locale.ROOT, "1. signal region: %d events (reference: %d-point quadrature of the background density), workspace %s%n",
                events.length, referencePoints, srDir);

        // 2. The control region in pyhf JSON.
        double[] observed = controlRegionData(toy, seed + 2);
        Path crFile = out.resolve("control-region.json");
        AtomicFiles.writeString(crFile, controlRegionJson(toy.config().kappa(), observed));
        log.printf(Locale.ROOT, "2. control region: %s, observed %s%n", crFile, java.util.Arrays.toString(observed));

        // 3. The combination: alpha_bkg and mu are one parameter each in both.
        Workspace crWs = PyhfWorkspace.read(crFile).workspace(null, new InterpCodes(1, "4p"));
        Combination.Result comb = Combination.combine(List.of(new Combination.Input("input 1 (" + srDir + ")", WorkspaceReader.read(srDir)),
                new Combination.Input("input 2 (" + crFile + ")", crWs)), null);
        Path combDir = out.resolve("combined");
        new WorkspaceWriter().write(comb.workspace(), combDir);
        Model combined = WorkspaceReader.readModel(combDir);
        log.printf(Locale.ROOT, "3. combined workspace %s; shared parameters %s%n   (the same as: ratiofit combine %s %s"
                + " --interp normsys=code1 -o %s)%n", combDir, comb.shared().stream().map(Combination.Shared::parameter).toList(), srDir,
                crFile, combDir);

        // 4. Fits and the exact answers.
        Objective exactSr = toy.exactNll(events, null);
        Objective exactComb = withControlRegion(exactSr, toy.config().kappa(), observed);
        List<Row> rows = new ArrayList<>();
        rows.addAll(fit("SR only", sr, exactSr));
        rows.addAll(fit("SR + CR", combined, exactComb));
        log.println();
        log.print(table(rows));
        Row a0 = rows.get(1);
        Row a1 = rows.get(3);
        Row m0 = rows.get(0);
        Row m1 = rows.get(2);
        log.printf(Locale.ROOT, "%nthe control region shrinks alpha_bkg's error %.3f -> %.3f (x%.2f) and mu's 68.3%% interval %.4f -> %.4f (x%.3f);"
                        + " exact: %.3f -> %.3f, %.4f -> %.4f%n",
                a0.hesse(), a1.hesse(), a1.hesse() / a0.hesse(), m0.minosUpper() - m0.minosLower(), m1.minosUpper() - m1.minosLower(),
                (m1.minosUpper() - m1.minosLower()) / (m0.minosUpper() - m0.minosLower()), a0.exactError(), a1.exactError(),
                m0.exactUpper() - m0.exactLower(), m1.exactUpper() - m1.exactLower());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("formatVersion", 1);
        summary.put("example", "control-region-combination");
        summary.put("seed", seed);
        summary.put("referencePoints", referencePoints);
        summary.put("controlRegionObserved", observed);
        summary.put("rows", rows);
        AtomicFiles.write(out.resolve("summary.json"), o -> JSON.writeValue(o, summary));
        return new Result(rows, out);
    }

    /** Observed control-region counts: Poisson at μ = 1, α_bkg = 0. */
    static double[] controlRegionData(GaussianOnExponential toy, long seed) {
        RandomDataGenerator rng = RandomDataGenerator.of(new Well19937c(seed));
        double[] n = new double[CR_BACKGROUND.length];
        for (int b = 0; b < n.length; b++) {
            n[b] = rng.nextPoisson(CR_SIGNAL[b] + CR_BACKGROUND[b]);
        }
        return n;
    }

    /** The control region as a pyhf workspace: the POI mu with the signal region's bounds [-2, 10]. */
    static String controlRegionJson(double kappa, double[] observed) throws IOException {
        Map<String, Object> sig = Map.of("name", "signal", "data", CR_SIGNAL,
                "modifiers", List.of(modifier("mu", "normfactor", null)));
        Map<String, Object> bkg = Map.of("name", "background", "data", CR_BACKGROUND,
                "modifiers", List.of(modifier("alpha_bkg", "normsys", Map.of("hi", kappa, "lo", 1 / kappa))));
        Map<String, Object> ws = new LinkedHashMap<>();
        ws.put("channels", List.of(Map.of("name", "CR", "samples", List.of(sig, bkg))));
        ws.put("observations", List.of(Map.of("name", "CR", "data", observed)));
        ws.put("measurements", List.of(Map.of("name", "background_normalisation", "config",
                Map.of("poi", "mu", "parameters", List.of(Map.of("name", "mu", "bounds", List.of(List.of(-2, 10))))))));
        ws.put("version", "1.0.0");
        return JSON.writeValueAsString(ws);
    }

    private static Map<String, Object> modifier(String name, String type, Object data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("type", type);
        m.put("data", data);
        return m;
    }

    /**
     * The toy's exact −ln L plus the control region's Poisson terms, written out here:
     * Σ_b λ_b − n_b ln λ_b with λ_b = μ s_b + b_b κ^α_bkg (the constraint of α_bkg is already in the toy's).
     */
    static Objective withControlRegion(Objective sr, double kappa, double[] observed) {
        double lnKappa = Math.log(kappa);
        return new Objective() {
            @Override
            public List<ParameterSpec> parameters() {
                return sr.parameters();
            }

            @Override
            public double value(double[] p) {
                return valueAndGradient(p, new double[p.length]);
            }

            @Override
            public boolean hasGradient() {
                return true;
            }

            @Override
            public double valueAndGradient(double[] p, double[] g) {
                double v = sr.valueAndGradient(p, g);
                double mu = p[GaussianOnExponential.MU];
                double f = Math.pow(kappa, p[GaussianOnExponential.ALPHA_BKG]);
                for (int b = 0; b < observed.length; b++) {
                    double lambda = mu * CR_SIGNAL[b] + CR_BACKGROUND[b] * f;
                    if (!(lambda > 0)) {
                        return Double.POSITIVE_INFINITY;
                    }
                    v += lambda - observed[b] * Math.log(lambda);
                    double d = 1 - observed[b] / lambda;
                    g[GaussianOnExponential.MU] += d * CR_SIGNAL[b];
                    g[GaussianOnExponential.ALPHA_BKG] += d * CR_BACKGROUND[b] * f * lnKappa;
                }
                return v;
            }

            @Override
            public double errorDef() {
                return 0.5;
            }
        };
    }

    /** MIGRAD + HESSE + MINOS on mu and alpha_bkg, and the exact profiles of both. */
    static List<Row> fit(String label, Model model, Objective exact) {
        FitResult fit = Hesse.compute(model, Migrad.defaults().minimise(model), 1, true);
        if (!fit.status().validMinimum()) {
            throw new IllegalStateException(label + ": the fit did not converge: " + fit.status());
        }
        List<Row> rows = new ArrayList<>();
        String[] names = {"mu", "alpha_bkg"};
        int[] exactIndex = {GaussianOnExponential.MU, GaussianOnExponential.ALPHA_BKG};
        for (int k = 0; k < 2; k++) {
            MinosError me = Minos.defaults().error(model, fit, names[k], ConfidenceLevel.sigma(1));
            ExactProfile p = new ExactProfile(exact, exactIndex[k]);
            UnivariatePointValuePair best = p.bestFit(-1.9, 4);
            double lo = p.crossing(best.getPoint(), best.getValue(), 0.5, best.getPoint() - 3);
            double hi = p.crossing(best.getPoint(), best.getValue(), 0.5, best.getPoint() + 3);
            double v = fit.value(names[k]);
            rows.add(new Row(label, names[k], v, fit.error(names[k]), v + me.lower(), v + me.upper(), best.getPoint(), lo, hi));
        }
        return rows;
    }

    static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-8s %-10s %9s %8s %20s %9s %20s %12s%n", "fit", "parameter", "value", "HESSE", "MINOS 68.3%",
                "exact", "exact 68.3%", "diff/error"));
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%-8s %-10s %9.4f %8.4f   [%7.4f, %7.4f] %9.4f   [%7.4f, %7.4f] %+12.4f%n", r.fit(), r.parameter(),
                    r.value(), r.hesse(), r.minosLower(), r.minosUpper(), r.exactValue(), r.exactLower(), r.exactUpper(),
                    (r.value() - r.exactValue()) / r.exactError()));
        }
        return b.toString();
    }
}
