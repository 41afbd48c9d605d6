package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ratiofit.workspace.build.BuildOptions;
import org.ratiofit.workspace.build.BuildResult;
import org.ratiofit.workspace.build.WorkspaceBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratiofit build}: a workspace from a YAML fit configuration, event files and ratio ensembles. */
@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Build a workspace from a fit configuration, event files and ratio ensembles.",
        description = {
            "Build a workspace from a fit configuration (see workspace-builder/README.md): checks every field first,",
            "then evaluates the ratio ensembles on the data and reference events in chunks, in parallel, and writes",
            "the workspace into DIR in one step (a failed build leaves nothing there)."},
        footer = {"", "Examples:",
            "  ratiofit build analysis/fit.yml -o my-workspace",
            "  ratiofit build analysis/fit.yml -o my-workspace --threads 8 --overwrite --json"})
public final class BuildCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG.yml", description = "The fit configuration (YAML).")
    Path config;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The workspace folder to write.")
    Path output;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads evaluating the ensembles (default: every processor). The result does not depend on it.")
    Integer threads;

    @Option(names = "--chunk-size", paramLabel = "N",
            description = "Events per chunk (default: the configuration's General.ChunkSize, else 65536).")
    Integer chunkSize;

    @Option(names = "--overwrite", description = "Replace DIR if it exists (only once the new workspace is complete).")
    boolean overwrite;

    @Option(names = "--json", description = "Write the build summary as one JSON object on standard output instead of tables.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * The build step of {@code ratiofit build} (and of the demo): the workspace of {@code config}
     * written to {@code output}, with a progress bar by events on standard error when
     * {@code progress}. {@code threads} and {@code chunkSize} 0: the builder's defaults.
     */
    static BuildResult build(Path config, Path output, int threads, int chunkSize, boolean overwrite, boolean progress)
            throws IOException {
        try (Progress p = Progress.start(progress, "build (events)", -1)) {
            BuildOptions options = new BuildOptions(threads, chunkSize, (done, total) -> {
                p.maxHint(total);
                p.stepTo(done);
            }, overwrite);
            return WorkspaceBuilder.build(config, output, options);
        }
    }

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        if (org.ratiofit.workspace.nre.EstimatorLikelihood.isEstimatorLikelihood(config)) {
            throw new CommandLine.ParameterException(cl, "'" + config + "' is an estimator likelihood (format '"
                    + org.ratiofit.workspace.nre.EstimatorLikelihood.FORMAT + "'): it needs no build; fit, scan and sample read it directly");
        }
        if (threads != null && threads < 1) {
            throw new CommandLine.ParameterException(cl, "--threads must be at least 1, got " + threads);
        }
        if (chunkSize != null && (chunkSize < 1 || chunkSize > (1 << 26))) {
            throw new CommandLine.ParameterException(cl, "--chunk-size must be 1 ... 67108864 events, got " + chunkSize);
        }
        BuildResult r = build(config, output, threads == null ? 0 : threads, chunkSize == null ? 0 : chunkSize, overwrite, !json);
        OutputOptions oo = new OutputOptions();
        oo.json = json;
        Output out = new Output(cl.getOut(), oo, "ratiofit build " + config);
        out.paragraph("ratiofit build " + config + ": workspace written to " + r.workspace());
        List<List<String>> rows = new ArrayList<>();
        for (BuildResult.Channel c : r.channels()) {
            for (BuildResult.SampleYield s : c.samples()) {
                StringBuilder var = new StringBuilder();
                for (Map.Entry<String, double[]> v : s.variations().entrySet()) {
                    if (var.length() > 0) var.append(", ");
                    var.append(v.getKey()).append(' ').append(Output.num4(v.getValue()[0])).append('/').append(Output.num4(v.getValue()[1]));
                }
                rows.add(List.of(c.name(), c.type(), Long.toString(c.dataEvents()), Output.num(c.observed()),
                        c.type().equals("unbinned") ? Long.toString(c.referenceEvents()) : "", s.name(), Output.num(s.nominal()), var.toString()));
            }
        }
        out.table(List.of("region", "type", "data events", "observed", "reference events", "sample", "yield", "down/up yields"), rows);
        if (!r.memberWeights().isEmpty()) {
            List<List<String>> mw = new ArrayList<>();
            for (BuildResult.MemberWeights m : r.memberWeights()) {
                StringBuilder dev = new StringBuilder(), w = new StringBuilder();
                for (int i = 0; i < m.weights().length; i++) {
                    if (i > 0) {
                        dev.append(' ');
                        w.append(' ');
                    }
                    dev.append(String.format(java.util.Locale.ROOT, "%+.4f", m.deviations()[i]));
                    w.append(String.format(java.util.Locale.ROOT, "%.3f", m.weights()[i]));
                }
                mw.add(List.of(m.sample(), m.region(), Output.num(m.beta()), Long.toString(m.referenceEvents()), dev.toString(), w.toString()));
            }
            out.paragraph("Ensemble member weights from the manifests' beta (E_i: each member's closure on the region's reference events):");
            out.table(List.of("sample", "region", "beta", "reference events", "E_i", "weights"), mw);
        }
        BuildResult.Timings t = r.timings();
        out.paragraph(String.format(java.util.Locale.ROOT,
                "%d ensembles, %d evaluations; %.2f s in all (checks %.2f s, events %.2f s, writing %.2f s); %.2f thread-seconds in"
                        + " ensemble inference on %d threads (%.0f%% of the build's thread time)",
                r.ensembles(), r.evaluations(), t.total(), t.validation(), t.evaluation(), t.write(), t.inference(), r.threads(),
                100 * t.inferenceShare()));
        for (String w : r.warnings()) {
            out.paragraph("warning: " + w);
        }
        Map<String, Object> result = Output.result("build", Path.of(r.workspace()));
        result.put("build", r);
        out.finish(result);
        return 0;
    }
}
