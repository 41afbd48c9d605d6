package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.validation.salad.KFoldClassifier;
import org.ratiofit.validation.salad.SaladClosure;
import org.ratiofit.validation.salad.SaladConfig;
import org.ratiofit.validation.salad.SaladConfigLoader;
import org.ratiofit.validation.salad.SaladEvents;
import org.ratiofit.validation.salad.SimulationReweighting;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratiofit reweight}: SALAD's conditional reweighting of the simulation, with its closure checks. */
@Command(name = "reweight", mixinStandardHelpOptions = true, sortOptions = false,
        header = "SALAD: reweight the simulation to the data in the sidebands, conditioned on m; closure per region.",
        description = {
            "Trains a k-fold ensemble of classifiers between data and simulation in the sidebands of the resonant",
            "variable m (inputs: the features and m; weights normalised per class), and writes per-event weights",
            "w(x|m) = p_data/p_sim for the simulation in every region (weights.npy, normalised to the data in the",
            "sidebands), the ensemble spread per event (weights-spread.npy) and a sidecar (weights.json: settings,",
            "seed, input checksums, yields per region). Sideband events are weighted by models that did not train",
            "on them. With Training.Reweighting: Factorised (the default) w = rho(m) r(x|m): rho(m) = p_data(m)/",
            "p_sim(m) fitted in the sidebands and interpolated, the classifier trained against the rho-weighted",
            "simulation and its ratio normalised to mean 1 over the simulation in narrow m bins; Joint: the",
            "classifier alone. Then closure: per region (sidebands, validation regions, and the signal region against the",
            "data's true background when the configuration names a truth column) a chi2 per feature over",
            "equal-population bins and a classifier two-sample test (AUC, 0.5 is closure). Exit code 3 names the",
            "regions that fail, or a sideband normalisation far from the data/simulation ratio."},
        footer = {"", "Examples:",
            "  ratiofit salad-toy toy && ratiofit reweight toy/salad.yml",
            "  ratiofit reweight salad.yml -o weights --members 5 --folds 5 --report closure-report"})
public final class ReweightCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The SALAD configuration (YAML).")
    Path config;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR",
            description = "Folder for the weights (default: 'salad' beside the configuration).")
    Path out;

    @Option(names = "--no-two-sample", description = "Skip the classifier two-sample test (chi2 per feature only).")
    boolean noTwoSample;

    @Mixin
    SaladTrainingOptions training = new SaladTrainingOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        training.check(spec.commandLine());
        SaladConfig c = SaladConfigLoader.load(config);
        Path dir = out != null ? out : c.file().toAbsolutePath().getParent().resolve("salad");
        Output o = new Output(spec.commandLine().getOut(), output, "ratiofit reweight " + config, c.data(), c.simulation());
        SaladEvents ev = SaladEvents.load(c);
        boolean quiet = output.json || System.console() == null;
        KFoldClassifier.Settings s = training.settings(c, quiet);
        long t0 = System.nanoTime();
        SimulationReweighting rw = SimulationReweighting.of(ev, s);
        rw.write(dir);
        o.paragraph(String.format(java.util.Locale.ROOT,
                "ratiofit reweight %s: %d folds x %d members on %s in the sidebands (%.1f s); weights for %d simulated events in %s",
                config, s.folds(), s.members(), ev.inputs(), (System.nanoTime() - t0) * 1e-9, rw.weights().length, dir));
        o.heading("Yields per region (reweighted simulation, normalised to the data in the sidebands)");
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, SimulationReweighting.RegionYield> e : rw.regions().entrySet()) {
            var y = e.getValue();
            rows.add(List.of(e.getKey(), Integer.toString(y.dataEvents()), Integer.toString(y.simulationEvents()),
                    Output.num(y.predicted()) + " ± " + Output.num(y.statError()), Output.num(y.ensembleSpread())));
        }
        o.table(List.of("region", "data events", "simulated events", "predicted (stat)", "ensemble spread (rel.)"), rows);
        o.paragraph(String.format(java.util.Locale.ROOT, "sideband normalisation: sum w / data = %.4f ± %.4f (%s)",
                rw.normalisation().ratio(), rw.normalisation().error(), rw.normalisation().passed() ? "ok" : "FAILED"));
        Map<String, Object> result = new java.util.LinkedHashMap<>();
        result.put("formatVersion", Output.FORMAT_VERSION);
        result.put("command", "reweight");
        result.put("config", config.toString());
        result.put("weights", dir.resolve(SimulationReweighting.WEIGHTS_FILE).toString());
        result.put("regions", rw.regions());
        result.put("normalisation", rw.normalisation());
        result.put("provenance", rw.provenance());
        if (!rw.normalisation().passed()) {
            spec.commandLine().getErr().println("ratiofit reweight: " + rw.normalisation().message());
            result.put("passed", false);
            o.finish(result);
            return 3;
        }
        KFoldClassifier.Settings two = noTwoSample ? null : training.twoSample(c, quiet);
        SaladClosure cl = SaladClosure.of(ev, rw, two);
        AtomicFiles.writeString(dir.resolve("closure.json"), Output.JSON.writeValueAsString(cl));
        SaladClosureReport.show(o, cl, c.closure());
        result.put("closure", cl);
        result.put("passed", cl.passed());
        o.finish(result);
        if (!cl.passed()) {
            spec.commandLine().getErr().println("ratiofit reweight: closure failed in " + String.join(", ", cl.failed()));
            return 3;
        }
        return 0;
    }
}
