package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.InferenceOptions;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;
import org.ratiofit.validation.closure.ClosurePlots;
import org.ratiofit.validation.closure.ClosureSettings;
import org.ratiofit.validation.closure.EnsembleClosure;
import org.ratiofit.validation.closure.Normalisation;
import org.ratiofit.validation.closure.Reweighting;
import org.ratiofit.validation.closure.WorkspaceNormalisation;
import org.ratiofit.validation.salad.KFoldClassifier;
import org.ratiofit.validation.salad.SaladClosure;
import org.ratiofit.validation.salad.SaladConfig;
import org.ratiofit.validation.salad.SaladConfigLoader;
import org.ratiofit.validation.salad.SaladEvents;
import org.ratiofit.validation.salad.SaladWeights;
import org.ratiofit.validation.salad.SimulationReweighting;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;

/** {@code ratiofit validate}: closure and calibration checks of a ratio ensemble and/or a workspace. */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Closure and calibration checks of a ratio ensemble and/or a workspace.",
        description = {
            "Closure and calibration checks of a ratio ensemble on samples of its two hypotheses, and/or the",
            "normalisation closure of a workspace. Ensemble checks: normalisation (the weighted mean of r over the",
            "denominator sample is 1, per member and for the ensemble, within --tolerance + --n-sigma errors), the",
            "expectation per member E_i with the expectation-based weights, reweighting (the denominator weighted by",
            "r against the numerator per feature, chi2 in --bins equal-population bins, p >= --min-p) and",
            "calibration (observed numerator fraction against the predicted score s = r/(1+r), chi2, p >= --min-p).",
            "Workspace check: per unbinned channel and sample, the reference sample reweighted by the stored",
            "log-ratio gives back the stored yield. SALAD check (--salad CONFIG --weights FILE): any per-event weights",
            "of the configuration's simulation (the weights.npy of 'ratiofit reweight' with its sidecar, or a plain .npy",
            "of one weight per simulated event) get the closure checks and plots 'ratiofit reweight' reports: the",
            "sideband normalisation, per region a chi2 per feature over equal-population bins and a classifier",
            "two-sample test (AUC, 0.5 is closure); the configuration's Closure block sets bins and thresholds",
            "(--bins and --min-p override it), the sidecar's training settings (else the configuration's) the",
            "two-sample classifiers (one member per fold). Exit code 3 when a check fails (named in the output)."},
        footer = {"", "Examples:",
            "  ratiofit validate models/sig_vs_bkg --numerator sig.npz --denominator bkg.npz --report closure",
            "  ratiofit validate models/sig_vs_bkg --numerator sig.csv --denominator bkg.csv --weight-column weight --json",
            "  ratiofit validate --workspace my-workspace",
            "  ratiofit validate --salad toy/salad.yml --weights toy/salad/weights.npy --plots closure-plots"})
public final class ValidateCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "ENSEMBLE_DIR",
            description = "Ensemble folder (with ensemble.json) or manifest to check; needs --denominator (the checks that "
                    + "also need --numerator are skipped without it, and named).")
    Path ensemble;

    @Option(names = "--numerator", paramLabel = "FILE", description = "Events of the numerator hypothesis (.csv, .npy, .npz, .h5).")
    Path numerator;

    @Option(names = "--denominator", paramLabel = "FILE", description = "Events of the denominator hypothesis (.csv, .npy, .npz, .h5).")
    Path denominator;

    @Option(names = "--weight-column", paramLabel = "NAME",
            description = "Column of per-event weights in both event files (default: unit weights).")
    String weightColumn;

    @Option(names = "--group", paramLabel = "PATH", description = "HDF5 group holding the event columns (default: the root).")
    String group;

    @Option(names = "--workspace", paramLabel = "DIR", description = "Workspace directory whose normalisation closure to check.")
    Path workspace;

    @Option(names = "--tolerance", paramLabel = "TOL", defaultValue = "0.01",
            description = "Relative allowance beyond statistics in the normalisation checks. Default: ${DEFAULT-VALUE}.")
    double tolerance;

    @Option(names = "--n-sigma", paramLabel = "N", defaultValue = "3",
            description = "Statistical errors allowed in the normalisation checks. Default: ${DEFAULT-VALUE}.")
    double nSigma;

    @Option(names = "--bins", paramLabel = "N", defaultValue = "20",
            description = "Bins per feature (reweighting) and in the score (calibration). Default: ${DEFAULT-VALUE}.")
    int bins;

    @Option(names = "--theta-grid", paramLabel = "NAME=FROM:TO:N", split = ",",
            description = "For a parametrised ensemble (an NRE r(x|theta)): check the normalisation E[r(x|theta)] = 1 over the "
                    + "denominator sample at every point of this grid (one entry per parameter, e.g. mu=-2:2:5,sigma=0.5:2:4), "
                    + "since -sum ln r(x_i|theta) is a log-likelihood in theta only where it holds.")
    List<String> thetaGrid;

    /** The theta-grid normalisation rows of the last ensemble check (empty without --theta-grid). */
    private final List<Normalisation> thetaRows = new ArrayList<>();

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0.001",
            description = "Smallest chi2 p-value that passes (reweighting, calibration). Default: ${DEFAULT-VALUE}.")
    double minP;

    @Option(names = "--beta", paramLabel = "BETA", defaultValue = "2",
            description = "Beta of the expectation-based member weights when the manifest has none. Default: ${DEFAULT-VALUE}.")
    double beta;

    @Option(names = "--salad", paramLabel = "CONFIG",
            description = "SALAD configuration (YAML) whose simulation --weights reweights: run the SALAD closure checks.")
    Path salad;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "With --salad: per-event weights of the simulation (.npy, file order), or the folder 'ratiofit reweight' "
                    + "wrote (default: 'salad' beside the configuration).")
    Path saladWeights;

    @Option(names = "--no-two-sample", description = "With --salad: skip the classifier two-sample test (chi2 per feature only).")
    boolean noTwoSample;

    @Mixin
    SaladTrainingOptions saladTraining = new SaladTrainingOptions();

    @Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        if (saladWeights != null && salad == null) {
            throw new CommandLine.ParameterException(cl, "--weights needs --salad CONFIG: the configuration names the simulation they "
                    + "weight, the data and the regions");
        }
        if (ensemble == null && workspace == null && salad == null) {
            throw new CommandLine.ParameterException(cl, "nothing to validate: give ENSEMBLE_DIR (with --numerator and --denominator), "
                    + "--workspace and/or --salad CONFIG --weights FILE");
        }
        if (ensemble != null && denominator == null) {
            throw new CommandLine.ParameterException(cl, "ENSEMBLE_DIR needs --denominator: every check of an ensemble (the "
                    + "normalisation first) averages over the denominator sample; --numerator adds reweighting and calibration");
        }
        if (ensemble == null && (numerator != null || denominator != null)) {
            throw new CommandLine.ParameterException(cl, "--numerator and --denominator need an ENSEMBLE_DIR to evaluate");
        }
        ClosureSettings settings;
        try {
            settings = new ClosureSettings(tolerance, nSigma, bins, minP, beta);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        String title = "ratiofit validate" + (ensemble == null ? "" : " " + ensemble) + (workspace == null ? "" : " --workspace " + workspace)
                + (salad == null ? "" : " --salad " + salad);
        Output out = new Output(cl.getOut(), output, title, ensemble, numerator, denominator, workspace, salad, saladWeights);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("formatVersion", Output.FORMAT_VERSION);
        json.put("command", "validate");
        json.put("ensemble", ensemble == null ? null : ensemble.toString());
        json.put("workspace", workspace == null ? null : workspace.toString());
        List<String> failed = new ArrayList<>();
        List<String> notChecked = new ArrayList<>();
        int checked = 0;
        if (ensemble != null) {
            EnsembleClosure r = validateEnsemble(settings, out);
            if (r != null) {
                json.put("closure", r);
                json.put("skipped", r.skipped());
                failed.addAll(r.failed());
            }
            checked++;
            if (!thetaRows.isEmpty()) {
                out.heading("normalisation over the theta grid: weighted mean of r(x|theta) over the denominator sample");
                List<List<String>> rows = new ArrayList<>();
                for (Normalisation n : thetaRows) {
                    rows.add(List.of(n.name(), Output.num(n.mean()), Output.num4(n.error()), Output.num4(n.pull()), n.passed() ? "pass" : "FAIL"));
                    if (!n.passed()) {
                        failed.add("normalisation at " + n.name());
                    }
                }
                out.table(List.of("theta", "E[r]", "error", "pull", ""), rows);
                json.put("thetaGrid", thetaRows);
            }
        }
        if (workspace != null) {
            WorkspaceNormalisation w = validateWorkspace(settings, out);
            json.put("workspaceNormalisation", w);
            checked += w.samples().size();
            for (String c : w.channelsWithoutReference()) {
                notChecked.add("the normalisation of channel '" + c + "' (the workspace stores no reference events for it)");
            }
            for (WorkspaceNormalisation.Sample s : w.samples()) {
                if (!s.passed()) {
                    failed.add("workspace normalisation of channel '" + s.channel() + "' sample '" + s.sample() + "'"
                            + (s.variation().equals("nominal") ? "" : " (" + s.variation() + ")"));
                }
            }
            for (WorkspaceNormalisation.Interpolated k : w.interpolated()) {
                if (!k.passed()) {
                    failed.add("workspace normalisation of channel '" + k.channel() + "' sample '" + k.sample() + "' at " + k.parameter()
                            + " = " + Output.plain(k.alpha()) + " (K = " + Output.num4(k.factor()) + ", shape normalisation none)");
                }
            }
        }
        if (salad != null) {
            Map<String, Object> s = validateSalad(out);
            json.put("salad", s);
            checked++;
            @SuppressWarnings("unchecked")
            List<String> f = (List<String>) s.get("failed");
            failed.addAll(f);
            if (!f.isEmpty()) {
                cl.getErr().println("ratiofit validate: SALAD closure failed: " + String.join(", ", f));
            }
        }
        json.put("failed", failed);
        json.put("notChecked", notChecked);
        json.put("passed", failed.isEmpty() && checked > 0);
        if (!notChecked.isEmpty()) {
            out.paragraph("not checked: " + String.join("; ", notChecked));
        }
        boolean skipped = ensemble != null && numerator == null && thetaRows.isEmpty();
        // never "all checks passed" after checking nothing
        out.heading(!failed.isEmpty() ? "FAILED: " + String.join(", ", failed)
                : checked == 0 ? "NOTHING CHECKED: " + (notChecked.isEmpty() ? "the workspace has no unbinned channel" : String.join("; ", notChecked))
                : !notChecked.isEmpty() ? "the checks that could be made passed (" + notChecked.size() + " not checked, above)"
                : skipped ? "all checks run passed (reweighting and calibration skipped: no --numerator)"
                : "all checks passed");
        out.finish(json);
        return failed.isEmpty() && checked > 0 ? 0 : 3;
    }

    /**
     * For a doubly parametrised ensemble r(x|θ0, θ1): how to fix θ1 (the denominator sample must be
     * drawn at that θ1 for E[r] = 1 to hold).
     */
    private static String doublyHint(Ensemble e) {
        List<String> th1 = e.members().get(0).denominatorParameters();
        if (th1.isEmpty()) {
            return "";
        }
        return "; the ensemble is doubly parametrised (θ1 inputs " + th1 + "): fix θ1 at the point the denominator "
                + "sample was drawn at with a one-point axis per θ1 input, e.g. " + th1.get(0) + "=2:3:1 (N = 1 takes FROM)";
    }

    private EnsembleClosure validateEnsemble(ClosureSettings settings, Output out) throws IOException {
        if (!Files.exists(ensemble)) {
            throw new IOException("ensemble '" + ensemble + "' does not exist");
        }
        EnsembleClosure r;
        // inference over both files is the long part: a bar (with a terminal) naming member and events done
        try (Progress progress = Progress.start(!output.json, "validate: ensemble inference", -1);
             Ensemble e = Ensemble.load(ensemble, InferenceOptions.DEFAULT.withProgress(
                     (task, done, total) -> progress.message(task + " " + done + "/" + total + " events")))) {
            if (!e.parameters().isEmpty()) {
                // an NRE r(x|theta): the fixed-hypothesis checks do not apply; its normalisation over a theta grid does
                if (thetaGrid == null || thetaGrid.isEmpty()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "ensemble '" + e.name() + "' is parametrised by "
                            + e.parameters() + ": check its normalisation over a grid of theta with --theta-grid NAME=FROM:TO:N,... "
                            + "(one entry per parameter)" + doublyHint(e));
                }
                double[][] den = new double[e.features().size()][];
                double[] wDen = read(denominator, e.features(), den);
                thetaScan(e, den, wDen, settings);
                out.paragraph("ratiofit validate " + ensemble + ": parametrised ensemble '" + e.name() + "' (" + e.members().size()
                        + " members, features " + e.features() + ", parameters " + e.parameters() + ") on " + den[0].length
                        + " denominator events (" + denominator + "); the fixed-hypothesis checks (reweighting, calibration) do not apply");
                return null;
            }
            double[][] num = new double[e.features().size()][];
            double[][] den = new double[e.features().size()][];
            double[] wNum = numerator == null ? null : read(numerator, e.features(), num);
            double[] wDen = read(denominator, e.features(), den);
            r = EnsembleClosure.run(e, numerator == null ? null : num, wNum, den, wDen, settings);
            if (thetaGrid != null && !thetaGrid.isEmpty()) {
                thetaScan(e, den, wDen, settings);
            }
        }
        out.paragraph("ratiofit validate " + ensemble + ": ensemble '" + r.ensemble() + "' (" + r.members().size() + " members, features "
                + r.features() + ") on " + (numerator == null ? "no numerator sample" : r.numeratorEvents() + " numerator events ("
                + numerator + ")") + " and " + r.denominatorEvents() + " denominator events (" + denominator + ")");
        out.heading("normalisation: weighted mean of r over the denominator sample (passes within "
                + Output.plain(settings.tolerance()) + " + " + Output.plain(settings.nSigma()) + " errors of 1)");
        List<List<String>> rows = new ArrayList<>();
        List<Normalisation> all = new ArrayList<>(r.members());
        all.add(r.normalisation());
        for (int i = 0; i < all.size(); i++) {
            Normalisation n = all.get(i);
            rows.add(List.of(i < r.members().size() ? "member " + n.name() : "ensemble", Output.num(n.mean()), Output.num4(n.error()),
                    Output.num4(n.pull()), Output.num4(n.allowed()), n.passed() ? "pass" : "FAIL"));
        }
        out.table(List.of("", "E[r]", "error", "pull", "allowed |E[r]-1|", ""), rows);
        out.heading("expectation per member, weights exp(-beta |E_i|) normalised (beta = " + Output.plain(r.expectation().beta()) + ")");
        rows = new ArrayList<>();
        for (int i = 0; i < r.expectation().members().size(); i++) {
            rows.add(List.of(r.expectation().members().get(i), Output.num4(r.expectation().deviations()[i]),
                    Output.num4(r.expectation().errors()[i]), Output.num4(r.expectation().weights()[i])));
        }
        out.table(List.of("member", "E_i", "error", "weight"), rows);
        if (!r.skipped().isEmpty()) {
            out.paragraph("skipped: " + String.join("; ", r.skipped()) + ". Give --numerator FILE to run them.");
            if (out.plotting()) {
                out.figure(ClosurePlots.normalisation(r.members(), r.normalisation()), "normalisation",
                        "Weighted mean of r over the denominator sample per member (last: the ensemble), ±1 error.");
            }
            return r;
        }
        out.heading("reweighting: denominator x r against the numerator (p >= " + Output.plain(settings.minPValue()) + " passes)");
        rows = new ArrayList<>();
        for (Reweighting.Feature f : r.reweighting().features()) {
            rows.add(List.of(f.feature(), Output.num4(f.chi2()), Integer.toString(f.ndf()), Output.num4(f.pValue()),
                    Output.num4(f.chi2OriginalDenominator()), f.passed() ? "pass" : "FAIL"));
        }
        out.table(List.of("feature", "chi2", "ndf", "p-value", "chi2 before reweighting", ""), rows);
        out.heading("calibration: observed numerator fraction against s = r/(1+r)");
        out.table(List.of("", "chi2", "ndf", "p-value", ""), List.of(List.of(r.calibration().name(), Output.num4(r.calibration().chi2()),
                Integer.toString(r.calibration().ndf()), Output.num4(r.calibration().pValue()), r.calibration().passed() ? "pass" : "FAIL")));
        if (out.plotting()) {
            out.figure(ClosurePlots.normalisation(r.members(), r.normalisation()), "normalisation",
                    "Weighted mean of r over the denominator sample per member (last: the ensemble), ±1 error.");
            int k = 0;
            for (Reweighting.Feature f : r.reweighting().features()) {
                String safe = f.feature().replaceAll("[^A-Za-z0-9._-]", "_");
                out.figure(ClosurePlots.reweighting(f), "reweighting_" + (k++) + "_" + safe,
                        "Feature " + f.feature() + ": numerator, denominator and denominator reweighted by r (normalised).");
            }
            out.figure(ClosurePlots.calibration(r.calibration()), "calibration",
                    "Reliability curve: observed numerator fraction against the mean predicted score per bin.");
        }
        return r;
    }

    /** E[r(x|theta)] over the denominator sample at every point of the --theta-grid product. */
    private void thetaScan(Ensemble e, double[][] den, double[] wDen, ClosureSettings settings) {
        CommandLine cl = spec.commandLine();
        List<String> names = e.parameters();
        if (names.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "--theta-grid: ensemble '" + e.name() + "' has no parameters theta (it is not "
                    + "a parametrised ratio model)");
        }
        Map<String, double[]> axes = new LinkedHashMap<>();
        for (String entry : thetaGrid) {
            String[] kv = entry.split("=", 2);
            String[] parts = kv.length == 2 ? kv[1].split(":", -1) : new String[0];
            if (parts.length != 3) {
                throw new CommandLine.ParameterException(cl, "--theta-grid '" + entry + "' is not NAME=FROM:TO:N (e.g. mu=-2:2:5)");
            }
            if (!names.contains(kv[0].trim())) {
                throw new CommandLine.ParameterException(cl, "--theta-grid: '" + kv[0].trim() + "' is not a parameter of ensemble '" + e.name()
                        + "'; its parameters are " + names);
            }
            int n;
            Range range;
            try {
                n = Integer.parseInt(parts[2].trim());
                range = new Range.Converter().convert(parts[0] + ":" + parts[1]);
            } catch (NumberFormatException | CommandLine.TypeConversionException ex) {
                throw new CommandLine.ParameterException(cl, "--theta-grid '" + entry + "': " + ex.getMessage());
            }
            if (n < 1 || n > 1000) {
                throw new CommandLine.ParameterException(cl, "--theta-grid '" + entry + "': N must lie in [1, 1000], got " + n);
            }
            axes.put(kv[0].trim(), n == 1 ? new double[] {range.from()} : range.grid(n));
        }
        for (String name : names) {
            if (!axes.containsKey(name)) {
                throw new CommandLine.ParameterException(cl, "--theta-grid needs every parameter of ensemble '" + e.name() + "': " + names
                        + "; '" + name + "' is missing" + doublyHint(e));
            }
        }
        int[] idx = new int[names.size()];
        while (true) {
            double[] theta = new double[names.size()];
            StringBuilder label = new StringBuilder();
            for (int k = 0; k < theta.length; k++) {
                theta[k] = axes.get(names.get(k))[idx[k]];
                label.append(k == 0 ? "" : ", ").append(names.get(k)).append('=').append(Output.plain(theta[k]));
            }
            thetaRows.add(Normalisation.of(label.toString(), e.logRatios(den, theta), wDen, settings.tolerance(), settings.nSigma()));
            int k = 0;
            while (k < idx.length && ++idx[k] == axes.get(names.get(k)).length) {
                idx[k++] = 0;
            }
            if (k == idx.length) {
                break;
            }
        }
    }

    private double[] read(Path file, List<String> features, double[][] into) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("event file '" + file + "' does not exist");
        }
        List<String> cols = new ArrayList<>(features);
        if (weightColumn != null) {
            cols.add(weightColumn);
        }
        EventTable t = EventFiles.read(file, group == null ? ReadOptions.DEFAULT : ReadOptions.group(group), cols);
        if (t.size() == 0) {
            throw new IOException("event file '" + file + "' has no events");
        }
        for (int f = 0; f < features.size(); f++) {
            into[f] = t.column(features.get(f));
        }
        if (weightColumn == null) {
            return null;
        }
        double[] w = t.column(weightColumn);
        for (int i = 0; i < w.length; i++) {
            if (!Double.isFinite(w[i])) {
                throw new IOException(file + ": weight column '" + weightColumn + "' has the non-finite value " + w[i] + " at event " + i);
            }
        }
        return w;
    }

    /** The SALAD closure of --weights for the simulation of --salad: the sideband normalisation, then {@link SaladClosure}. */
    private Map<String, Object> validateSalad(Output out) throws IOException {
        ParseResult pr = spec.commandLine().getParseResult();
        SaladConfig c = SaladConfigLoader.load(salad);
        if (pr.hasMatchedOption("--bins") || pr.hasMatchedOption("--min-p")) {
            SaladConfig.Closure k = c.closure();
            c = new SaladConfig(c.version(), c.file(), c.resonantVariable(), c.features(), c.signalRegion(), c.sidebands(),
                    c.validationRegions(), c.data(), c.simulation(), c.simulationWeight(), c.truth(), c.training(),
                    new SaladConfig.Closure(pr.hasMatchedOption("--bins") ? bins : k.bins(),
                            pr.hasMatchedOption("--min-p") ? minP : k.minPValue(), k.aucSigma()));
        }
        SaladEvents ev = SaladEvents.load(c);
        Path wpath = saladWeights != null ? saladWeights : c.file().toAbsolutePath().getParent().resolve("salad");
        SaladWeights sw = SaladWeights.read(wpath, c, ev.simulation().size());
        double[] w = sw.weights();
        double sum = 0;
        double sum2 = 0;
        int[] sb = ev.simulation().indices("SB");
        for (int i : sb) {
            sum += w[i];
            sum2 += w[i] * w[i];
        }
        double nData = 0;
        for (int i : ev.data().indices("SB")) {
            nData += ev.data().weights()[i];
        }
        SimulationReweighting.Normalisation norm = SimulationReweighting.Normalisation.of(sum, sum2, nData, sb.length, c.file());
        out.paragraph("ratiofit validate --salad " + salad + ": " + w.length + " weights from " + sw.file()
                + (sw.sidecar() == null ? " (no sidecar: provenance not checked)" : " (sidecar " + sw.sidecar() + " matches the simulation "
                + c.simulation() + ")") + "; data " + c.data() + ", " + ev.data().size() + " events");
        out.heading("Yields per region (simulation weighted by the file)");
        List<List<String>> rows = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of("SB", "SR"));
        c.validationRegions().forEach(v -> names.add(v.name()));
        Map<String, Object> yields = new LinkedHashMap<>();
        for (String r : names) {
            double y = 0;
            double y2 = 0;
            int[] si = ev.simulation().indices(r);
            for (int i : si) {
                y += w[i];
                y2 += w[i] * w[i];
            }
            int nd = ev.data().indices(r).length;
            rows.add(List.of(r, Integer.toString(nd), Integer.toString(si.length), Output.num(y) + " ± " + Output.num(Math.sqrt(y2))));
            yields.put(r, Map.of("dataEvents", nd, "simulationEvents", si.length, "predicted", y, "statError", Math.sqrt(y2)));
        }
        out.table(List.of("region", "data events", "simulated events", "predicted (stat)"), rows);
        out.paragraph(String.format(java.util.Locale.ROOT, "sideband normalisation: sum w / data = %.4f ± %.4f (%s)",
                norm.ratio(), norm.error(), norm.passed() ? "ok" : "FAILED: " + norm.message()));
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("config", salad.toString());
        res.put("weights", sw.file().toString());
        res.put("sidecar", sw.sidecar() == null ? null : sw.sidecar().toString());
        res.put("sha256", Map.of("weights", sw.sha256(), "simulation", org.ratiofit.workspace.io.Checksums.sha256(c.simulation()),
                "data", org.ratiofit.workspace.io.Checksums.sha256(c.data())));
        res.put("regions", yields);
        res.put("normalisation", norm);
        List<String> failed = new ArrayList<>();
        if (!norm.passed()) {
            failed.add("SALAD sideband normalisation");
            res.put("failed", failed);
            return res;
        }
        boolean quiet = output.json || System.console() == null;
        saladTraining.check(spec.commandLine());
        KFoldClassifier.Settings base = sw.trained() != null ? sw.trained() : KFoldClassifier.Settings.of(c.training(), quiet);
        KFoldClassifier.Settings two = noTwoSample ? null : SaladTrainingOptions.twoSample(saladTraining.over(base, quiet));
        res.put("twoSampleSettings", two);
        SaladClosure closure = SaladClosure.of(ev, w, two);
        SaladClosureReport.show(out, closure, c.closure());
        res.put("closure", closure);
        closure.failed().forEach(r -> failed.add("closure in " + r));
        res.put("failed", failed);
        return res;
    }

    private WorkspaceNormalisation validateWorkspace(ClosureSettings settings, Output out) throws IOException {
        if (!Files.isDirectory(workspace)) {
            throw new IOException("workspace directory '" + workspace + "' does not exist");
        }
        WorkspaceNormalisation w = WorkspaceNormalisation.of(WorkspaceReader.readModel(workspace), settings.tolerance(), settings.nSigma());
        out.heading("workspace " + workspace + ": reference sample reweighted by each sample's log-ratio (and each shape variation) against the stored yield");
        List<List<String>> rows = new ArrayList<>();
        for (WorkspaceNormalisation.Sample s : w.samples()) {
            rows.add(List.of(s.channel(), s.sample(), s.variation(), Long.toString(s.referenceEvents()), Output.num(s.storedYield()),
                    Output.num(s.reweightedYield()), Output.num4(s.error()), Output.num4(s.referenceWeight()), s.passed() ? "pass" : "FAIL"));
        }
        out.table(List.of("channel", "sample", "variation", "reference events", "stored yield", "reweighted yield", "error", "sum of ref. weights", ""), rows);
        if (!w.interpolated().isEmpty()) {
            out.heading("interpolated points: K(alpha) = sum w r g(alpha) / sum w r, the factor the likelihood divides each sample's density by"
                    + " (information where the channel is normalised; with ShapeNormalisation none a K off 1 biases the fit and fails)");
            List<List<String>> krows = new ArrayList<>();
            for (WorkspaceNormalisation.Interpolated k : w.interpolated()) {
                krows.add(List.of(k.channel(), k.sample(), k.modifier(), k.parameter(), Output.num(k.alpha()), Output.num(k.factor()),
                        Output.num4(k.error()), k.normalised() ? "normalised" : (k.passed() ? "pass" : "FAIL")));
            }
            out.table(List.of("channel", "sample", "modifier", "parameter", "alpha", "K(alpha)", "error", ""), krows);
        }
        if (!w.code4().isEmpty()) {
            List<List<String>> crows = new ArrayList<>();
            for (var c : w.code4()) {
                crows.add(List.of(c.channel(), c.sample(), c.parameter(), c.dataNotPositive() + " of " + c.dataEvents(),
                        c.referenceNotPositive() + " of " + c.referenceEvents()));
            }
            out.heading("code-4 shape columns: events whose HistFactory code-4 polynomial would not be positive on [-1, 1] "
                    + "(ratiofit interpolates in log space, positive for every event)");
            out.table(List.of("channel", "sample", "parameter", "data events", "reference events"), crows);
        }
        if (!w.channelsWithoutReference().isEmpty()) {
            out.paragraph("not checked (no reference events stored): channels " + w.channelsWithoutReference());
        }
        return w;
    }
}
