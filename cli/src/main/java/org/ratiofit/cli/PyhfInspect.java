package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ratiofit.likelihood.histfactory.PyhfSummary;
import org.ratiofit.likelihood.histfactory.PyhfWorkspace;
import picocli.CommandLine;

/** {@code ratiofit inspect FILE.json}: what a pyhf workspace holds (channels, bins, samples, modifiers per type, parameters). */
final class PyhfInspect {

    private PyhfInspect() {
    }

    static int run(CommandLine cl, Path file, PyhfOptions pyhf, boolean json) throws IOException {
        PyhfWorkspace ws = pyhf.workspace(cl, file);
        PyhfSummary s = PyhfSummary.of(ws, pyhf.measurement, pyhf.codes(cl));
        OutputOptions oo = new OutputOptions();
        oo.json = json;
        Output out = new Output(cl.getOut(), oo, "ratiofit inspect " + file);
        out.paragraph("ratiofit inspect " + file + " (pyhf workspace, HistFactory JSON 1.0.0): measurement '" + s.measurement()
                + "' of " + s.measurements() + ", parameter of interest '" + s.poi() + "'; " + s.channels().size() + " channels, "
                + s.channels().stream().mapToInt(PyhfSummary.ChannelInfo::bins).sum() + " bins, " + s.parameters() + " parameters ("
                + s.freeParameters() + " free): " + s.parameterKinds());
        out.heading("Modifiers per type");
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, PyhfSummary.TypeCount> e : s.modifierTypes().entrySet()) {
            rows.add(List.of(e.getKey(), Integer.toString(e.getValue().names()), Integer.toString(e.getValue().occurrences())));
        }
        out.table(List.of("type", "names", "occurrences"), rows);
        out.heading("Channels and samples");
        rows = new ArrayList<>();
        for (PyhfSummary.ChannelInfo c : s.channels()) {
            for (PyhfSummary.SampleInfo sm : c.samples()) {
                rows.add(List.of(c.name(), Integer.toString(c.bins()), Output.num(c.observed()), sm.name(), Output.num(sm.nominal()),
                        String.join(", ", sm.modifiers())));
            }
        }
        out.table(List.of("channel", "bins", "observed", "sample", "nominal", "modifiers"), rows);
        Map<String, Object> result = Output.result("inspect", file);
        result.put("pyhf", s);
        out.finish(result);
        return 0;
    }
}
