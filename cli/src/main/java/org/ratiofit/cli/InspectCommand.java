package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ratiofit.workspace.build.WorkspaceInspector;
import org.ratiofit.workspace.build.WorkspaceSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratiofit inspect}: what a workspace holds, with warnings. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Summarise a workspace, with warnings.",
        description = {
            "Summarise a workspace: parameters, channels, samples and their yields and modifiers, per-sample",
            "log-ratio statistics (min, quantiles, max, mean, NaN count), provenance, and warnings (events no",
            "sample explains, yields <= 0, models or inputs changed since the build, columns the likelihood refuses)."},
        footer = {"", "Examples:",
            "  ratiofit inspect my-workspace",
            "  ratiofit inspect my-workspace --json"})
public final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WORKSPACE_DIR", description = "The workspace folder, or a pyhf JSON workspace (.json, .json.gz).")
    Path workspace;

    @CommandLine.Mixin
    PyhfOptions pyhf = new PyhfOptions();

    @CommandLine.Mixin
    JsonOption.Summary json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (PyhfOptions.isPyhf(workspace)) {
            return PyhfInspect.run(spec.commandLine(), workspace, pyhf, json.json);
        }
        pyhf.refuseForDirectory(spec.commandLine(), workspace);
        WorkspaceSummary s = WorkspaceInspector.inspect(workspace);
        Output out = new Output(spec.commandLine().getOut(), json.outputOptions(), "ratiofit inspect " + workspace);
        out.paragraph("ratiofit inspect " + s.workspace() + " (workspace format " + s.workspaceFormat() + ")");
        out.heading("Parameters");
        List<List<String>> rows = new ArrayList<>();
        for (WorkspaceSummary.ParameterInfo p : s.parameters()) {
            rows.add(List.of(p.name(), p.kind(), Output.num(p.initial()), p.lower() == null ? "-inf" : Output.num(p.lower()),
                    p.upper() == null ? "inf" : Output.num(p.upper()), p.fixed() ? "fixed" : "",
                    p.sigma() == null ? "" : Output.num(p.aux()) + " ± " + Output.num(p.sigma())));
        }
        out.table(List.of("parameter", "kind", "initial", "lower", "upper", "", "constraint"), rows);
        out.heading("Channels and samples");
        rows = new ArrayList<>();
        for (WorkspaceSummary.ChannelInfo c : s.channels()) {
            for (WorkspaceSummary.SampleInfo sm : c.samples()) {
                WorkspaceSummary.ColumnStats d = sm.dataLogRatio();
                rows.add(List.of(c.name(), c.type(), Long.toString(c.dataEvents()), Output.num(c.observed()),
                        c.type().equals("unbinned") ? Long.toString(c.referenceEvents()) : "", sm.name(), Output.num(sm.yield()),
                        d == null ? "" : Output.num4(d.min()) + " / " + Output.num4(d.quantiles()[2]) + " / " + Output.num4(d.max()),
                        d == null ? "" : Long.toString(d.nanCount()), String.join(", ", sm.modifiers())));
            }
        }
        out.table(List.of("channel", "type", "events/bins", "observed", "reference", "sample", "yield", "ln r min/median/max", "NaN",
                "modifiers"), rows);
        if (s.provenance() != null) {
            WorkspaceSummary.ProvenanceInfo p = s.provenance();
            out.paragraph("");
            out.paragraph("built by ratiofit " + p.ratiofitVersion() + " at " + p.createdAt() + " from " + p.configFile() + "; "
                    + p.modelFiles() + " model files and " + p.inputFiles() + " input files checked, " + p.changedFiles().size() + " changed");
        }
        for (String w : s.warnings()) {
            out.paragraph("warning: " + w);
        }
        Map<String, Object> result = Output.result("inspect", workspace);
        result.put("summary", s);
        out.finish(result);
        return 0;
    }
}
