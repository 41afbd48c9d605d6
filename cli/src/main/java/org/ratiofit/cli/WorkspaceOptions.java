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
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.ratio.BatchedThetaGradient;
import org.ratiofit.workspace.nre.EstimatorLikelihood;
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
                    + "(.json or .json.gz; see --measurement, --patch, --interp); fit, scan and sample also take an estimator "
                    + "likelihood (a .json file of format 'ratiofit-estimator-likelihood': a parametrised estimator, events and θ ranges).")
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
    private EstimatorLikelihood estimator;

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

    /** Whether the positional argument is an estimator-likelihood file rather than a workspace. */
    boolean isEstimatorLikelihood() {
        return workspace != null && EstimatorLikelihood.isEstimatorLikelihood(workspace);
    }

    /**
     * The workspace ({@link #load}) or, for an estimator-likelihood file, the likelihood over the
     * estimator's θ; --set and --fix apply to both, --float32 runs the estimator's layers in float.
     */
    StatisticalModel loadModel(CommandLine cl) throws IOException {
        if (!isEstimatorLikelihood()) {
            return load(cl);
        }
        pyhf.refuseForEstimatorLikelihood(cl, workspace);
        if (threads != null) {
            throw new CommandLine.ParameterException(cl, "--threads applies to workspaces; the estimator likelihood '" + workspace
                    + "' evaluates its networks on the common pool");
        }
        if (EstimatorLikelihood.KIND_SALLY_HISTOGRAM.equals(EstimatorLikelihood.kind(workspace))) {
            if (float32) {
                throw new CommandLine.ParameterException(cl, "--float32 applies to ratio estimators; the SALLY histogram likelihood '" + workspace
                        + "' runs its networks once, at load");
            }
            org.ratiofit.workspace.nre.SallyHistogramFile sally = org.ratiofit.workspace.nre.SallyHistogramFile.load(workspace);
            return sally.withParameters(setAndFix(cl, sally.parameters()));
        }
        EstimatorLikelihood lik = EstimatorLikelihood.load(workspace,
                float32 ? BatchedThetaGradient.Precision.FLOAT32 : BatchedThetaGradient.Precision.FLOAT64);
        estimator = lik;
        return lik.withParameters(setAndFix(cl, lik.parameters()));
    }

    /** The parameters with --set and --fix applied. */
    private List<ParameterSpec> setAndFix(CommandLine cl, List<ParameterSpec> specs) {
        List<ParameterSpec> params = new ArrayList<>(specs);
        List<String> names = params.stream().map(ParameterSpec::name).toList();
        for (Map.Entry<String, Double> e : set.entrySet()) {
            int i = find(cl, names, e.getKey(), "--set");
            params.set(i, withValue(cl, params.get(i), e.getValue(), "--set"));
        }
        for (Map.Entry<String, Double> e : fix.entrySet()) {
            int i = find(cl, names, e.getKey(), "--fix");
            params.set(i, withValue(cl, params.get(i), e.getValue(), "--fix").withFixed(true));
        }
        return params;
    }

    /** The same model started at {@code point}: a workspace's {@code withInitial}, or the estimator likelihood's. */
    static StatisticalModel withInitial(StatisticalModel model, double[] point) {
        if (model instanceof Model m) {
            return m.withInitial(point);
        }
        if (model instanceof EstimatorLikelihood e) {
            return e.withInitial(point);
        }
        if (model instanceof org.ratiofit.workspace.nre.SallyHistogramFile s) {
            return s.withInitial(point);
        }
        throw new IllegalStateException("no start values for " + model.getClass().getSimpleName());
    }

    /** A usage error when {@code option} (given) does not apply to an estimator likelihood. */
    static void refuseForEstimator(CommandLine cl, StatisticalModel model, boolean given, String option) {
        if (given && model instanceof EstimatorLikelihood e) {
            throw new CommandLine.ParameterException(cl, option + " applies to workspaces; '" + e.file()
                    + "' is an estimator likelihood (a likelihood over the estimator's θ, without yields or toys)");
        }
        if (given && model instanceof org.ratiofit.workspace.nre.SallyHistogramFile s) {
            throw new CommandLine.ParameterException(cl, option + " applies to workspaces; '" + s.file()
                    + "' is a SALLY histogram likelihood (a binned likelihood over θ in the estimated score, without yields or toys)");
        }
    }

    Model load(CommandLine cl) throws IOException {
        if (isEstimatorLikelihood()) {
            throw new CommandLine.ParameterException(cl, "'" + workspace + "' is an estimator likelihood (format '"
                    + EstimatorLikelihood.FORMAT + "'): fit, scan and sample take it; this command needs a workspace");
        }
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
        Model model = new Model(params, ws.channels(), pool, float32);
        // a large unbinned model: its kernels compiled on a 4096-event copy, not on the first full passes
        org.ratiofit.likelihood.KernelWarmUp.warmUp(model, WARM_UP_MILLIS);
        return model;
    }

    /** The longest the kernels' warm-up may take ({@link org.ratiofit.likelihood.KernelWarmUp}). */
    static final long WARM_UP_MILLIS = 3000;

    /** Ends the event loop's own pool, if --threads made one. */
    void close() {
        if (estimator != null) {
            estimator.close();
            estimator = null;
        }
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

    private static ParameterSpec withValue(CommandLine cl, ParameterSpec p, double v, String option) {
        if (!Double.isFinite(v) || v < p.lower() || v > p.upper()) {
            throw new CommandLine.ParameterException(cl, option + " " + p.name() + "=" + v + ": outside its bounds ["
                    + p.lower() + ", " + p.upper() + "]");
        }
        return p.withInitial(v);
    }

    private static Parameter withValue(CommandLine cl, Parameter p, double v, String option) {
        if (!Double.isFinite(v) || v < p.lower() || v > p.upper()) {
            throw new CommandLine.ParameterException(cl, option + " " + p.name() + "=" + v + ": outside its bounds ["
                    + p.lower() + ", " + p.upper() + "]");
        }
        return p.withInitial(v);
    }
}
