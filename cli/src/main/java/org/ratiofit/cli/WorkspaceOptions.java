package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.workspace.Workspace;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The workspace a command works on and how to set it up: start values, fixed parameters, the
 * event loop's threads and the storage precision of the per-event columns.
 */
public final class WorkspaceOptions {

    @Parameters(index = "0", paramLabel = "WORKSPACE_DIR",
            description = "Workspace directory (holding workspace.json and the .npy columns), or a pyhf JSON workspace "
                    + "(.json or .json.gz; see --measurement, --patch, --interp).")
    Path workspace;

    @CommandLine.Mixin
    PyhfOptions pyhf = new PyhfOptions();

    @Option(names = "--fix", paramLabel = "NAME=VALUE", split = ",",
            description = "Hold a parameter fixed at a value (repeatable, or comma-separated).")
    Map<String, Double> fix = new LinkedHashMap<>();

    @Option(names = "--set", paramLabel = "NAME=VALUE", split = ",",
            description = "Start value of a parameter (repeatable, or comma-separated).")
    Map<String, Double> set = new LinkedHashMap<>();

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the event loop (default: all cores; 1 runs on the calling thread).")
    Integer threads;

    @Option(names = "--float32",
            description = "Hold the per-event shape columns as float32 in the event loop: half the memory traffic, "
                    + "about 1e-7 relative rounding per factor (for speed on large data sets).")
    boolean float32;

    private ForkJoinPool ownPool;

    /** Reads the workspace and applies --set, --fix, --threads and --float32. */
    /**
     * Index of the workspace's parameter of interest, which the command needs free; a usage error
     * saying {@code purpose} when there is none or it is fixed.
     */
    static int freeParameterOfInterest(CommandLine cl, Model model, String purpose) {
        int poi = model.parameterOfInterest().orElseThrow(() -> new CommandLine.ParameterException(cl,
                "the workspace has no parameter of interest (kind 'poi'), so " + purpose));
        String name = model.parameters().get(poi).name();
        if (model.parameters().get(poi).fixed()) {
            throw new CommandLine.ParameterException(cl, "the parameter of interest '" + name + "' is fixed (--fix)");
        }
        return poi;
    }

    Model load(CommandLine cl) throws IOException {
        boolean pyhfFile = PyhfOptions.isPyhf(workspace);
        if (!Files.exists(workspace)) {
            throw new IOException((pyhfFile ? "pyhf JSON file '" : "workspace directory '") + workspace + "' does not exist");
        }
        if (!pyhfFile && !Files.isDirectory(workspace)) {
            throw new IOException("'" + workspace + "' is not a directory (a workspace is a directory holding "
                    + Workspace.FILE + ") nor a pyhf JSON file (.json, .json.gz)");
        }
        if (threads != null && threads < 1) {
            throw new CommandLine.ParameterException(cl, "--threads must be at least 1, got " + threads);
        }
        if (!pyhfFile) {
            pyhf.refuseForDirectory(cl, workspace);
        }
        Workspace ws = pyhfFile ? pyhf.open(cl, workspace) : WorkspaceReader.read(workspace);
        List<Parameter> params = new ArrayList<>(ws.parameters());
        List<String> names = params.stream().map(Parameter::name).toList();
        for (Map.Entry<String, Double> e : set.entrySet()) {
            int i = find(cl, names, e.getKey(), "--set");
            params.set(i, withValue(cl, params.get(i), e.getValue(), "--set").withFixed(params.get(i).fixed()));
        }
        for (Map.Entry<String, Double> e : fix.entrySet()) {
            int i = find(cl, names, e.getKey(), "--fix");
            params.set(i, withValue(cl, params.get(i), e.getValue(), "--fix").withFixed(true));
        }
        ForkJoinPool pool;
        if (threads == null) {
            pool = ForkJoinPool.commonPool();
        } else if (threads == 1) {
            pool = null;
        } else {
            ownPool = new ForkJoinPool(threads);
            pool = ownPool;
        }
        return new Model(params, ws.channels(), pool, float32);
    }

    /** Ends the event loop's own pool, if --threads made one. */
    void close() {
        if (ownPool != null) {
            ownPool.shutdown();
        }
    }

    private static int find(CommandLine cl, List<String> names, String name, String option) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new CommandLine.ParameterException(cl, option + ": unknown parameter '" + name
                    + "'; the workspace has " + names);
        }
        return i;
    }

    private static Parameter withValue(CommandLine cl, Parameter p, double v, String option) {
        if (!Double.isFinite(v) || v < p.lower() || v > p.upper()) {
            throw new CommandLine.ParameterException(cl, option + " " + p.name() + "=" + v + ": outside its bounds ["
                    + p.lower() + ", " + p.upper() + "]");
        }
        return p.withInitial(v);
    }
}
