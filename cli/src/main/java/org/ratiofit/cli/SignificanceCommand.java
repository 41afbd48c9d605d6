package org.ratiofit.cli;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.ratiofit.likelihood.Model;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.profile.DiscoveryResult;
import org.ratiofit.samplers.profile.HypoTests;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ratiofit significance}: discovery significance from q_0. */
@Command(name = "significance", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Discovery significance from q0.",
        description = {
            "Discovery significance of the signal: q_0 = -2 ln lambda(0) of the background-only hypothesis,",
            "its p-value and Z = sqrt(q_0) (asymptotic), observed and the median expected for a signal at",
            "--expected-mu (Asimov data set). The workspace's unbinned channels need their reference events."},
        footer = {"", "Examples:",
            "  ratiofit significance my-workspace",
            "  ratiofit significance my-workspace --expected-mu 2 --json",
            "  ratiofit significance my-workspace --toys 5000 --seed 3"})
public final class SignificanceCommand implements Callable<Integer> {

    @Mixin
    WorkspaceOptions workspace;

    @Option(names = "--expected-mu", paramLabel = "MU", defaultValue = "1",
            description = "Signal strength of the Asimov data set for the expected significance. Default: ${DEFAULT-VALUE}.")
    double expectedMu;

    @Mixin
    ToyOptions toys;

    @Mixin
    MinimiserOptions minimiser;

    @Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        Migrad migrad = minimiser.migrad(cl, MinimiserOptions.DEFAULT_TOLERANCE);
        Model model = workspace.load(cl);
        try {
            int poi = WorkspaceOptions.freeParameterOfInterest(cl, model, "there is no signal to test");
            ParameterSpec p = model.parameters().get(poi);
            if (!(expectedMu >= p.lower() && expectedMu <= p.upper()) || 0 < p.lower() || 0 > p.upper()) {
                throw new CommandLine.ParameterException(cl, "--expected-mu " + expectedMu + " and 0 must both lie inside the bounds of '"
                        + p.name() + "' [" + p.lower() + ", " + p.upper() + "]");
            }
            if (toys.requested()) {
                return ToyCommands.significance(cl, workspace, toys, minimiser, output, model);
            }
            Output out = new Output(cl.getOut(), output, "ratiofit significance " + workspace.workspace, workspace.workspace);
            // the expected significance needs the Asimov data set, which unbinned channels make from their reference events
            boolean expected = model.supportsAsimov();
            DiscoveryResult r;
            FitLog fits = new FitLog(migrad);
            org.ratiofit.samplers.profile.AsimovClosure closure;
            try (Progress progress = Progress.start(!output.json, "significance (likelihood evaluations)", -1)) {
                HypoTests tests = new HypoTests(fits.minimiser);
                StatisticalModel counted = new CountingModel(model, progress);
                r = expected ? tests.discovery(counted, expectedMu) : tests.observedDiscovery(counted);
                closure = expected ? tests.asimovClosure(counted, expectedMu) : null;
            }
            if (!expected) {
                return observedOnly(out, p.name(), r);
            }
            double expectedP = new NormalDistribution(0, 1).cumulativeProbability(-r.expectedSignificance());
            out.paragraph("ratiofit significance " + workspace.workspace + ": discovery test of " + p.name()
                    + " = 0 with q_0 (asymptotic); expected for " + p.name() + " = " + Output.plain(expectedMu) + " (Asimov)");
            out.table(List.of("", "q_0", "p-value", "Z" + fits.mark()), List.of(
                    List.of("observed", Output.num(r.q0()), Output.num4(r.pValue()), Output.num4(r.significance())),
                    List.of("expected (median)", Output.num(r.expectedSignificance() * r.expectedSignificance()),
                            Output.num4(expectedP), Output.num4(r.expectedSignificance()))));
            AsimovCheck.report(out, closure);
            Map<String, Object> json = Output.result("significance", workspace.workspace);
            json.put("parameterOfInterest", p.name());
            json.put("significance", r);
            json.put("expectedPValue", expectedP);
            fits.report(out);
            json.put("fits", fits.json());
            json.put("asimovClosure", closure);
            out.finish(json);
            return fits.exitCode(0);
        } finally {
            workspace.close();
        }
    }

    static final String NO_EXPECTED = "the expected significance needs the Asimov data set, which an unbinned channel makes from its "
            + "reference events; this workspace has none (build it with the reference sample's events to get it)";

    /** The observed result of a workspace without reference events, and why the expected one is missing. */
    private int observedOnly(Output out, String poi, DiscoveryResult r) throws IOException {
        out.paragraph("ratiofit significance " + workspace.workspace + ": discovery test of " + poi + " = 0 with q_0 (asymptotic)");
        out.table(List.of("", "q_0", "p-value", "Z"), List.of(
                List.of("observed", Output.num(r.q0()), Output.num4(r.pValue()), Output.num4(r.significance()))));
        out.paragraph("expected: not computed: " + NO_EXPECTED + ".");
        Map<String, Object> json = Output.result("significance", workspace.workspace);
        json.put("parameterOfInterest", poi);
        Map<String, Object> observed = new java.util.LinkedHashMap<>();
        observed.put("formatVersion", r.formatVersion());
        observed.put("q0", r.q0());
        observed.put("pValue", r.pValue());
        observed.put("significance", r.significance());
        json.put("significance", observed);
        json.put("expected", null);
        json.put("expectedUnavailable", NO_EXPECTED);
        out.finish(json);
        return 0;
    }
}
