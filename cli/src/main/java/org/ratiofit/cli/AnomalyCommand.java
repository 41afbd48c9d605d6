package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.io.Npy;
import org.ratiofit.validation.salad.AnomalySearch;
import org.ratiofit.validation.salad.KFoldClassifier;
import org.ratiofit.validation.salad.SaladConfig;
import org.ratiofit.validation.salad.SaladConfigLoader;
import org.ratiofit.validation.salad.SaladCrossFit;
import org.ratiofit.validation.salad.SaladEvents;
import org.ratiofit.validation.salad.SaladMassSpectrum;
import org.ratiofit.validation.salad.SaladSelection;
import org.ratiofit.validation.salad.SaladWeights;
import org.ratiofit.validation.salad.SidebandCalibration;
import org.ratiofit.validation.salad.SimulationReweighting;
import org.ratiofit.workspace.io.Checksums;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratiofit anomaly}: SALAD's weakly supervised search in the signal region. */
@Command(name = "anomaly", mixinStandardHelpOptions = true, sortOptions = false,
        header = "SALAD: weakly supervised anomaly score in the signal region (data vs reweighted simulation).",
        description = {
            "Trains k-fold classifiers between the signal-region data and the reweighted simulation (the weights of",
            "'ratiofit reweight') on the features, and writes each data event's held-out score ln r (scores.npy, NaN",
            "outside the signal region) with a sidecar (anomaly.json). The held-out AUC between data and the",
            "background estimate says whether anything was found (0.5 within errors: nothing). When the configuration",
            "has a Truth block with TestEvents, also the idealised (data vs TrueBackground) and supervised (Signal vs",
            "TrueBackground) classifiers, and the significance-improvement curves SIC = eps_S/sqrt(eps_B) of all of",
            "them on the test events (a point needs at least 20 test background events passing). From score to result:",
            "the selection (--select, chosen per fold on held-out scores) gives a one-bin workspace (salad-pyhf.json)",
            "and the m distribution in the sidebands and the SR after it (salad-m-pyhf.json, --m-bins per window):",
            "background the reweighted simulation with its Barlow-Beeston staterror, the sideband normalisation's error",
            "and the reweighting's statistical error (a jackknife over its folds) as systematics; fit, significance and",
            "limit read both. The prediction is cross-fitted (see --no-cross-fit): the classifier learns against a",
            "reweighting trained on half of the sideband events, the background after the selection is predicted by one",
            "trained on the other half (written to crossfit/ in the output folder). The sideband check after the selection",
            "is always reported: the fraction of the odd-index sideband data the selection keeps over the fraction of the",
            "reweighted sideband simulation it keeps (1 within its error: the prediction closes there too);",
            "--sideband-calibration scales the prediction by it."},
        footer = {"", "Examples:",
            "  ratiofit reweight toy/salad.yml && ratiofit anomaly toy/salad.yml --plots sic",
            "  ratiofit significance toy/salad/salad-m-pyhf.json"})
public final class AnomalyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The SALAD configuration (YAML).")
    Path config;

    @Option(names = "--weights", paramLabel = "DIR",
            description = "The folder 'ratiofit reweight' wrote (default: 'salad' beside the configuration).")
    Path weightsDir;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Folder for scores.npy and anomaly.json (default: the weights folder).")
    Path out;

    @Option(names = "--select", paramLabel = "EFFICIENCY",
            description = "Select the top EFFICIENCY of the SR data by anomaly score (per fold, on held-out scores) and write "
                    + "a one-bin pyhf workspace (salad-pyhf.json) for fit/significance/limit (default ${DEFAULT-VALUE}).")
    double select = 0.1;

    @Option(names = "--m-bins", paramLabel = "N",
            description = "Also write the m distribution after the selection as a binned pyhf workspace (salad-m-pyhf.json): each "
                    + "sideband and the SR in N equal bins, the background's staterror per bin and the reweighting's jackknife "
                    + "(one histosys per fold; the ensemble spread without replicas); when calibrated in the sidebands, their bins "
                    + "count the odd-index data only and fix a free normfactor background_level; 0: only the one-bin workspace "
                    + "(default ${DEFAULT-VALUE}).")
    int mBins = 4;

    @Option(names = "--no-cross-fit",
            description = "Train the classifier against the weights of 'ratiofit reweight' and predict the background after the "
                    + "selection with the same weights. Faster, but biased: the classifier learns where those weights are too "
                    + "low and the selection keeps those events (the toy's prediction came out 2-3%% low, +0.3 to +0.6 in pull). "
                    + "By default the prediction is cross-fitted: two reweightings on the even- and odd-index sideband events, the "
                    + "classifier against the first, the prediction from the second.")
    boolean noCrossFit;

    @Option(names = "--sideband-calibration",
            description = "Calibrate the cross-fitted prediction in the sidebands: multiply it by f_data/f_sim, the fractions of "
                    + "the sideband data (the odd-index events, which the classifier never learned from) and of the reweighted "
                    + "sideband simulation that the same selection keeps. This removes the reweighting's shape error that "
                    + "sidebands and SR share and that cross-fitting cannot (on the toy's 300 signal-free sets the mean pull "
                    + "after a 50%% selection went from +0.36 to +0.24), at the price of the sideband count's Poisson error "
                    + "(the one-bin workspace becomes an on/off measurement with a free background_level, the m-distribution "
                    + "workspace's sideband bins count the odd-index data and fix a free level; on the toy's end-to-end run "
                    + "the one-bin Z fell from 5.5 to 3.7). Needs the cross-fit.")
    boolean sidebandCalibration;

    /** Selections keeping more than this fraction of the SR data get a caution about the prediction's bias. */
    static final double LOOSE_SELECTION = 0.2;

    @Mixin
    SaladTrainingOptions training = new SaladTrainingOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (sidebandCalibration && noCrossFit) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--sideband-calibration calibrates the cross-fitted prediction: drop --no-cross-fit");
        }
        if (!(select > 0 && select <= 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--select must be a fraction of the SR data in (0, 1], not " + select);
        }
        training.check(spec.commandLine());
        SaladConfig c = SaladConfigLoader.load(config);
        Path wdir = weightsDir != null ? weightsDir : c.file().toAbsolutePath().getParent().resolve("salad");
        Path dir = out != null ? out : wdir;
        Path wfile = wdir.resolve(SimulationReweighting.WEIGHTS_FILE);
        Path side = wdir.resolve(SimulationReweighting.SIDECAR_FILE);
        if (!Files.isRegularFile(wfile) || !Files.isRegularFile(side)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no weights in " + wdir
                    + " (weights.npy and weights.json); run 'ratiofit reweight " + config + "' first or give --weights DIR");
        }
        Output o = new Output(spec.commandLine().getOut(), output, "ratiofit anomaly " + config, c.data(), c.simulation());
        SaladEvents ev = SaladEvents.load(c);
        // one weight per simulated event, finite and >= 0, the sidecar naming this simulation
        SaladWeights sw = SaladWeights.read(wfile, c, ev.simulation().size());
        double[] w = sw.weights();
        double[] spread = sw.spread();
        String simSum = Checksums.sha256(c.simulation());
        boolean quiet = output.json || System.console() == null;
        KFoldClassifier.Settings s = training.settings(c, quiet);
        long t0 = System.nanoTime();
        AnomalySearch a;
        double[] predictionWeights = w;
        SaladCrossFit cf = null;
        if (noCrossFit) {
            a = AnomalySearch.of(ev, w, spread, s);
        } else {
            if (!quiet) {
                spec.commandLine().getErr().println("ratiofit anomaly: cross-fitting: two reweightings, each on half of the "
                        + "sideband events (" + c.training().reweighting().name().toLowerCase(java.util.Locale.ROOT) + ")");
            }
            cf = SaladCrossFit.of(ev, s, c.training().reweighting());
            for (SimulationReweighting h : List.of(cf.selecting(), cf.predicting())) {
                if (!h.normalisation().passed()) {
                    spec.commandLine().getErr().println("ratiofit anomaly: a cross-fitting half: " + h.normalisation().message());
                    return 3;
                }
            }
            cf.selecting().write(dir.resolve("crossfit").resolve("selecting"));
            cf.predicting().write(dir.resolve("crossfit").resolve("predicting"));
            predictionWeights = cf.predicting().weights();
            a = AnomalySearch.of(ev, cf, s);
        }
        // the prediction also carries the sideband normalisation's statistical error
        SaladSelection sel = SaladSelection.of(a.heldOut(), select,
                SaladSelection.normalisationRelative(predictionWeights, ev.simulation().region(), ev.data().indices("SB").length));
        SaladSelection uncalibrated = sel;
        SidebandCalibration check = null;
        String checkMissing = null;
        if (cf != null) {
            // the sideband check after the selection (the even-index sideband data trained the selecting reweighting,
            // whose errors the classifier learned: only the odd-index ones count)
            try {
                check = SidebandCalibration.of(a.heldOut(), a.sidebands(),
                        SidebandCalibration.predictingHalf(ev.data().indices("SB")), select);
            } catch (IllegalArgumentException e) {
                if (sidebandCalibration) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage()
                            + " (drop --sideband-calibration, or choose a larger --select)");
                }
                checkMissing = e.getMessage();
            }
            if (sidebandCalibration) {
                sel = sel.withCalibration(check);
            }
        }
        Files.createDirectories(dir);
        AtomicFiles.writeBytes(dir.resolve("scores.npy"), Npy.toBytes(a.score(), new int[] {a.score().length}));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("formatVersion", Output.FORMAT_VERSION);
        result.put("command", "anomaly");
        result.put("config", config.toString());
        result.put("scores", dir.resolve("scores.npy").toString());
        result.put("settings", s);
        Map<String, String> sums = new LinkedHashMap<>();
        sums.put("config", Checksums.sha256(c.file()));
        sums.put("data", Checksums.sha256(c.data()));
        sums.put("simulation", simSum);
        sums.put("weights", sw.sha256());
        result.put("sha256", sums);
        result.put("dataVsBackground", a.dataVsBackground());
        result.put("maxSic", a.maxSic());
        result.put("methods", a.methods());
        result.put("crossFit", cf != null);
        if (cf != null) {
            Map<String, Object> halves = new LinkedHashMap<>();
            halves.put("selecting", dir.resolve("crossfit").resolve("selecting").resolve(SimulationReweighting.WEIGHTS_FILE).toString());
            halves.put("predicting", dir.resolve("crossfit").resolve("predicting").resolve(SimulationReweighting.WEIGHTS_FILE).toString());
            halves.put("selectingNormalisation", cf.selecting().normalisation());
            halves.put("predictingNormalisation", cf.predicting().normalisation());
            result.put("crossFitWeights", halves);
        }
        result.put("selection", sel);
        result.put("sidebandCheck", check);
        // measured on the toy (README, SALAD results): the cross-fitted prediction keeps part of the reweighting's shape error
        // after loose selections; the sideband calibration removes the part the sidebands see
        String caution = cf != null && sel.calibration() == null && select > LOOSE_SELECTION
                ? String.format(java.util.Locale.ROOT, "a selection this loose (top %.3g) keeps part of the reweighting's shape error "
                        + "in the prediction (on the toy: mean pull +0.36 at 0.5 against -0.12 at 0.1, over 300 signal-free sets); "
                        + "compare the sideband check below, or rerun with --sideband-calibration (+0.24 at 0.5 on the toy)", select)
                : null;
        if (caution != null) {
            result.put("caution", caution);
        }
        Path pyhf = dir.resolve("salad-pyhf.json");
        result.put("workspace", pyhf.toString());
        SaladMassSpectrum spectrum = null;
        Path mPyhf = dir.resolve("salad-m-pyhf.json");
        if (mBins > 0) {
            // calibrated like the one-bin prediction: the odd-index sideband data fix a free level after the selection
            spectrum = SaladMassSpectrum.of(a, c, select, mBins, sel.calibration() == null ? null
                    : SidebandCalibration.predictingHalf(ev.data().indices("SB")));
            result.put("massSpectrum", spectrum);
            result.put("massWorkspace", mPyhf.toString());
        }
        AtomicFiles.writeString(dir.resolve("anomaly.json"), Output.JSON.writeValueAsString(result));
        sel.writePyhf(pyhf);
        if (spectrum != null) {
            spectrum.writePyhf(mPyhf);
        }
        o.paragraph(String.format(java.util.Locale.ROOT,
                "ratiofit anomaly %s: %d signal-region data events scored (%.1f s) into %s",
                config, ev.data().indices("SR").length, (System.nanoTime() - t0) * 1e-9, dir.resolve("scores.npy")));
        o.paragraph(String.format(java.util.Locale.ROOT,
                "held-out AUC, SR data vs reweighted simulation: %.4f ± %.4f (%+.1f sigma from 0.5)",
                a.dataVsBackground().value(), a.dataVsBackground().error(), a.dataVsBackground().pull()));
        SidebandCalibration cal = sel.calibration();
        o.paragraph(String.format(java.util.Locale.ROOT,
                "selection (top %.3g of the SR data per fold): observed %d, predicted background %.1f ± %.1f (stat) ± %.1f%%"
                        + " (%s) ± %.1f%% (reweighting, %s)%s; pull %+.2f; one-bin workspace %s", select,
                sel.observed(), sel.background(), sel.backgroundStatError(), 100 * sel.levelRelative(),
                cal != null ? "sideband calibration" : "sideband normalisation", 100 * sel.reweightingNormsys(),
                (cal != null ? cal.reweightingRelative() : sel.reweightingRelative()) > 0 ? "fold jackknife" : "ensemble bound",
                cf == null ? ", NOT cross-fitted: the prediction after a selection is biased low"
                        : cal == null ? ", cross-fitted, not calibrated in the sidebands" : ", cross-fitted and calibrated in the sidebands",
                sel.pull(), pyhf));
        if (caution != null) {
            o.paragraph("caution: " + caution);
        }
        if (check != null) {
            double err = check.factor() * check.relativeError();
            o.paragraph(String.format(java.util.Locale.ROOT,
                    "sideband check after the selection: %d of %d odd-index sideband data events pass (%.4f) against %.4f of the "
                            + "reweighted sideband simulation: f_data/f_sim = %.4f ± %.4f (%+.1f sigma from 1)%s",
                    check.dataPassing(), check.dataEvents(), (double) check.dataPassing() / check.dataEvents(),
                    check.simulatedFraction(), check.factor(), err, (check.factor() - 1) / err,
                    cal != null ? String.format(java.util.Locale.ROOT, "; the prediction is calibrated by it (uncalibrated %.1f, pull %+.2f)",
                            uncalibrated.predicted(), uncalibrated.pull())
                            : Math.abs(check.factor() - 1) > 3 * err
                                    ? "; the prediction does not close in the sidebands after the selection: consider --sideband-calibration"
                                    : ""));
        } else if (checkMissing != null) {
            o.paragraph("sideband check after the selection: not possible (" + checkMissing + ")");
        }
        if (spectrum != null) {
            o.heading("m after the selection (binned workspace " + mPyhf + (spectrum.freeLevel()
                    ? "; sideband bins: the odd-index data, the level free)" : ")"));
            List<List<String>> rows = new ArrayList<>();
            double[] pulls = spectrum.pulls();
            for (int b = 0; b < spectrum.observed().length; b++) {
                rows.add(List.of(String.format(java.util.Locale.ROOT, "[%.4g, %.4g)", spectrum.edges()[b][0], spectrum.edges()[b][1]),
                        spectrum.signalRegion()[b] ? "SR" : "SB", Integer.toString(spectrum.observed()[b]),
                        Output.num(spectrum.predicted()[b]) + " ± " + Output.num(spectrum.statError()[b]),
                        Output.num(spectrum.ensembleSpread()[b]), String.format(java.util.Locale.ROOT, "%+.2f", pulls[b])));
            }
            o.table(List.of("m bin", "region", "observed", "predicted (stat)", "ensemble spread", "pull"), rows);
        }
        if (!a.methods().isEmpty()) {
            o.heading("Classifiers on the labelled test events");
            List<List<String>> rows = new ArrayList<>();
            for (AnomalySearch.Method m : a.methods()) {
                rows.add(List.of(m.name(), Output.num4(m.maxSic()), Output.num4(m.epsSAtMax()),
                        String.format(java.util.Locale.ROOT, "%.4f ± %.4f", m.auc().value(), m.auc().error())));
            }
            o.table(List.of("method", "max SIC", "eps_S at max", "AUC (S vs B)"), rows);
            if (o.plotting()) {
                XYChart ch = Output.chart("Significance improvement", "signal efficiency eps_S", "SIC = eps_S / sqrt(eps_B)");
                for (AnomalySearch.Method m : a.methods()) {
                    ch.addSeries(m.name() + String.format(java.util.Locale.ROOT, " (max %.2f)", m.maxSic()), m.epsS(), m.sic())
                            .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line).setMarker(
                                    org.knowm.xchart.style.markers.SeriesMarkers.NONE);
                }
                o.figure(ch, "sic", "SIC curves of SALAD, the idealised and the supervised classifier");
            }
        }
        o.finish(result);
        return 0;
    }
}
