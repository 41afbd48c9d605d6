package org.ratiofit.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.Minos;
import org.ratiofit.samplers.fit.MinosError;
import org.ratiofit.validation.report.Plots;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ratiofit fit}: MIGRAD, HESSE and optionally MINOS on a workspace. */
@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Fit a workspace: MIGRAD, HESSE and optionally MINOS.",
        description = {
            "Fit a workspace: minimise -ln L with MIGRAD, then the covariance with HESSE, and on request",
            "asymmetric errors with MINOS. Prints values, errors, status flags and correlations."},
        footer = {"", "Examples:",
            "  ratiofit fit my-workspace",
            "  ratiofit fit my-workspace --minos mu --fix alpha_bkg=0 --set mu=2",
            "  ratiofit fit my-workspace --minos --json > fit.json",
            "  ratiofit fit analysis.json --prefit-yields --postfit-yields --plots plots",
            "Name the workspace before --minos: --minos takes the words after it as parameter names."})
public final class FitCommand implements Callable<Integer> {

    @Mixin
    WorkspaceOptions workspace;

    @Option(names = "--minos", arity = "0..*", paramLabel = "PARAM",
            description = "MINOS errors of these parameters (of every free parameter when none is named).")
    List<String> minos;

    @Option(names = "--cl", paramLabel = "LEVEL", defaultValue = "1sigma", converter = Levels.Converter.class,
            description = "Confidence level of the MINOS errors: probability (0.95), percentage (95%%) or N sigma. Default: ${DEFAULT-VALUE}.")
    ConfidenceLevel level;

    @Option(names = "--eval",
            description = "Print -ln L and its gradient at the start point (the workspace's values with --set and --fix) instead of fitting;"
                    + " also what fit does when every parameter is fixed.")
    boolean eval;

    @Option(names = "--prefit-yields",
            description = "Print (and with --plots/--report plot) the binned channels' pre-fit yields per bin and sample with"
                    + " uncertainties from the constraint widths (cabinetry's convention: +-1 sigma variations, added in quadrature).")
    boolean prefitYields;

    @Option(names = "--postfit-yields",
            description = "Print (and plot) the post-fit yields per bin and sample with uncertainties propagated linearly from the"
                    + " HESSE covariance (cabinetry's convention: +-1 sigma variations combined with the correlation matrix).")
    boolean postfitYields;

    @Option(names = "--sumw2",
            description = "Also give the sum-of-weights-squared corrected covariance V H(w^2) V of a fit to weighted unbinned data "
                    + "(RooFit's SumW2Error: V is HESSE's covariance, H(w^2) the Hessian with squared event weights); the main table "
                    + "keeps HESSE's. Not for Asimov data (their weights are expectations, not event weights).")
    boolean sumW2;

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
        org.ratiofit.objective.StatisticalModel model = workspace.loadModel(cl);
        try {
            WorkspaceOptions.refuseForEstimator(cl, model, prefitYields, "--prefit-yields");
            WorkspaceOptions.refuseForEstimator(cl, model, postfitYields, "--postfit-yields");
            WorkspaceOptions.refuseForEstimator(cl, model, sumW2, "--sumw2");
            List<String> minosNames = minosParameters(cl, model);
            Output out = new Output(cl.getOut(), output, "ratiofit fit " + workspace.workspace, workspace.workspace);
            if (eval || model.parameters().stream().allMatch(org.ratiofit.objective.ParameterSpec::fixed)) {
                return PointEvaluation.run(out, model, workspace.workspace, eval);
            }
            FitLog fits = new FitLog(migrad);
            Fitted fitted = fit(model, fits, minimiser.strategy);
            FitResult fit = fitted.migrad();
            FitResult hesse = fitted.hesse();
            List<MinosError> errors = minos(model, migrad, hesse, minosNames, level, !output.json);
            report(out, model, fit, hesse, errors);
            fits.report(out);
            Map<String, Object> json = Output.result("fit", workspace.workspace);
            if (model instanceof org.ratiofit.workspace.nre.EstimatorLikelihood est) {
                json.put("estimator", EstimatorFitReport.report(out, est, hesse, fitted.migrad(), minimiser.strategy, migrad, !output.json));
            }
            if (model instanceof org.ratiofit.workspace.nre.SallyHistogramFile sally) {
                json.put("scoreHistogram", SallyHistogramReport.report(out, sally, hesse, minimiser.strategy, migrad, !output.json));
            }
            if (sumW2) {
                double[][] c;
                try {
                    c = org.ratiofit.samplers.fit.SumW2Covariance.of(hesse, ((Model) model).withSquaredDataWeights());
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(cl, "--sumw2: " + e.getMessage());
                }
                List<List<String>> rows = new ArrayList<>();
                double[] err = new double[c.length];
                for (int i = 0; i < c.length; i++) {
                    err[i] = Math.sqrt(Math.max(0, c[i][i]));
                    if (!hesse.fixed()[i]) {
                        rows.add(List.of(hesse.names().get(i), Output.plain(hesse.values()[i]), Output.num4(hesse.errors()[i]), Output.num4(err[i])));
                    }
                }
                out.heading("sum-of-weights-squared corrected errors (V H(w^2) V, RooFit's SumW2Error); the table above shows HESSE's");
                out.table(List.of("parameter", "value", "HESSE error", "SumW2 error"), rows);
                Map<String, Object> sw = new java.util.LinkedHashMap<>();
                sw.put("method", "V H(w^2) V (RooFit SumW2Error); 'fit' holds HESSE's covariance V");
                sw.put("errors", err);
                sw.put("covariance", c);
                json.put("sumW2", sw);
            }
            if (prefitYields) {
                FitYields y = FitYields.prefit((Model) model);
                YieldReport.write(out, y);
                json.put("prefitYields", y);
            }
            if (postfitYields) {
                FitYields y = FitYields.postfit((Model) model, hesse);
                YieldReport.write(out, y);
                json.put("postfitYields", y);
            }
            json.put("fits", fits.json());
            if (workspace.pyhf.fullLogpdf) {
                double full = hesse.minimumValue() + org.ratiofit.likelihood.histfactory.LogPdf.constant((Model) model);
                out.paragraph("-ln L with every constant (pyhf's -logpdf) at the minimum: " + Output.plain(full));
                json.put("fullNll", full);
            }
            json.put("migrad", Map.of("functionCalls", fit.functionCalls(), "gradientCalls", fit.gradientCalls(),
                    "edm", fit.edm(), "validMinimum", fit.status().validMinimum()));
            json.put("fit", hesse);
            if (!errors.isEmpty()) {
                json.put("minos", errors);
            }
            out.finish(json);
            return fits.exitCode(hesse.status().validMinimum() && errors.stream().allMatch(MinosError::valid) ? 0 : 3);
        } finally {
            workspace.close();
        }
    }

    /** A fit: MIGRAD's result and HESSE's at its minimum (values, errors, covariance). */
    record Fitted(FitResult migrad, FitResult hesse) {
    }

    /**
     * The fit step of {@code ratiofit fit} (and of the demo): MIGRAD through the escalating
     * minimiser of {@code fits}, then HESSE with {@code strategy}.
     */
    static Fitted fit(org.ratiofit.objective.Objective model, FitLog fits, int strategy) {
        FitResult fit = fits.minimiser.minimise(model);
        return new Fitted(fit, Hesse.compute(model, fit, strategy, true));
    }

    /**
     * The MINOS step of {@code ratiofit fit --minos} (and of the demo): the errors of the named
     * parameters at {@code level} from the HESSE result {@code hesse}, with a progress bar on
     * standard error when {@code progress}.
     */
    static List<MinosError> minos(org.ratiofit.objective.Objective model, Migrad migrad, FitResult hesse, List<String> names, ConfidenceLevel level,
            boolean progress) {
        List<MinosError> errors = new ArrayList<>();
        if (names.isEmpty()) {
            return errors;
        }
        Minos m = new Minos(migrad.toBuilder().tolerance(0.01).build(), 1e-4, 0);
        try (Progress p = Progress.start(progress, "MINOS", names.size())) {
            for (String name : names) {
                p.message(name);
                errors.add(m.error(model, hesse, name, level));
                p.step();
            }
        }
        return errors;
    }

    private List<String> minosParameters(CommandLine cl, org.ratiofit.objective.Objective model) {
        if (minos == null) {
            return List.of();
        }
        List<String> names = model.parameterNames();
        if (minos.isEmpty()) {
            List<String> free = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                if (!model.parameters().get(i).fixed()) {
                    free.add(names.get(i));
                }
            }
            return free;
        }
        for (String n : minos) {
            int i = names.indexOf(n);
            if (i < 0) {
                throw new CommandLine.ParameterException(cl, "--minos: unknown parameter '" + n + "'; the workspace has " + names);
            }
            if (model.parameters().get(i).fixed()) {
                throw new CommandLine.ParameterException(cl, "--minos: parameter '" + n + "' is fixed, so it has no MINOS error");
            }
        }
        return List.copyOf(minos);
    }

    private void report(Output out, org.ratiofit.objective.Objective model, FitResult migrad, FitResult fit, List<MinosError> errors) throws IOException {
        out.paragraph("ratiofit fit " + workspace.workspace + ": MIGRAD (strategy " + minimiser.strategy + ") + HESSE"
                + (errors.isEmpty() ? "" : " + MINOS at " + Levels.label(level)));
        List<String> header = new ArrayList<>(List.of("parameter", "value", "error"));
        if (!errors.isEmpty()) {
            header.add("minos-");
            header.add("minos+");
        }
        header.add("global cc");
        header.add("note");
        List<List<String>> rows = new ArrayList<>();
        List<Parameter> params = model instanceof Model m ? m.modelParameters() : null;
        int poiIndex = model instanceof org.ratiofit.objective.StatisticalModel sm ? sm.parameterOfInterest().orElse(-1) : -1;
        for (int i = 0; i < fit.names().size(); i++) {
            String name = fit.names().get(i);
            List<String> row = new ArrayList<>(List.of(name, Output.num(fit.values()[i]),
                    fit.fixed()[i] ? "-" : Output.num4(fit.errors()[i])));
            if (!errors.isEmpty()) {
                MinosError me = errors.stream().filter(e -> e.parameter().equals(name)).findFirst().orElse(null);
                row.add(me == null ? "" : Output.num4(me.lower()) + (me.lowerAtLimit() ? " (limit)" : "") + (me.lowerValid() ? "" : " !"));
                row.add(me == null ? "" : "+" + Output.num4(me.upper()) + (me.upperAtLimit() ? " (limit)" : "") + (me.upperValid() ? "" : " !"));
            }
            row.add(fit.fixed()[i] ? "-" : String.format(java.util.Locale.ROOT, "%.3f", fit.globalCorrelation()[i]));
            row.add(note(model.parameters().get(i), params != null ? params.get(i).kind() == Parameter.Kind.POI : i == poiIndex, fit, i));
            rows.add(row);
        }
        out.table(header, rows);
        var s = fit.status();
        out.paragraph(String.format(java.util.Locale.ROOT,
                "-ln L at minimum %.10g, EDM %.3g (target %.3g); MIGRAD %d + %d calls with gradient, HESSE %d + %d",
                fit.minimumValue(), fit.edm(), s.edmTarget(), migrad.functionCalls(), migrad.gradientCalls(),
                fit.functionCalls(), fit.gradientCalls()));
        out.paragraph("status: valid minimum " + yes(s.validMinimum()) + ", accurate covariance " + yes(s.accurateCovariance())
                + ", forced positive-definite " + yes(s.forcedPositiveDefinite()) + ", parameter at limit " + yes(s.parameterAtLimit())
                + ", above max EDM " + yes(s.aboveMaxEdm()) + ", call limit reached " + yes(s.callLimitReached()));
        if (!errors.isEmpty() && !errors.stream().allMatch(MinosError::valid)) {
            out.paragraph("MINOS: '!' marks a crossing not found with valid conditional fits"
                    + (errors.stream().anyMatch(MinosError::newMinimumFound) ? "; a conditional fit found a new minimum (refit)" : ""));
        }
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < fit.names().size(); i++) {
            if (!fit.fixed()[i]) {
                free.add(i);
            }
        }
        if (free.size() >= 2) {
            out.heading("correlations");
            if (free.size() > 30) {
                out.paragraph(free.size() + " free parameters: the correlation matrix is in the --json output");
            } else {
                List<String> ch = new ArrayList<>();
                ch.add("");
                free.forEach(i -> ch.add(fit.names().get(i)));
                List<List<String>> cr = new ArrayList<>();
                for (int i : free) {
                    List<String> r = new ArrayList<>();
                    r.add(fit.names().get(i));
                    for (int j : free) {
                        r.add(String.format(java.util.Locale.ROOT, "%.3f", fit.correlation()[i][j]));
                    }
                    cr.add(r);
                }
                out.table(ch, cr);
            }
        }
        if (out.plotting() && params != null) {
            pulls(out, params, fit);
        }
    }

    /** Constrained nuisance parameters: (value - aux) / sigma with the post-fit error in the same units. */
    private static void pulls(Output out, List<Parameter> params, FitResult fit) throws IOException {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        List<Double> e = new ArrayList<>();
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (p.kind() == Parameter.Kind.CONSTRAINED && !fit.fixed()[i]) {
                x.add((double) x.size());
                y.add((fit.values()[i] - p.aux()) / p.sigma());
                e.add(fit.errors()[i] / p.sigma());
                names.append(names.length() == 0 ? "" : ", ").append(x.size() - 1).append(": ").append(p.name());
            }
        }
        if (x.isEmpty()) {
            return;
        }
        XYChart c = Output.chart("Pulls of the constrained nuisance parameters", "nuisance parameter (index)",
                "(value - aux) / sigma");
        double[] xs = x.stream().mapToDouble(Double::doubleValue).toArray();
        XYSeries s = c.addSeries("post-fit", xs, y.stream().mapToDouble(Double::doubleValue).toArray(),
                e.stream().mapToDouble(Double::doubleValue).toArray());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        Plots.horizontal(c, "+1", 1, -0.5, xs.length - 0.5);
        Plots.horizontal(c, "-1", -1, -0.5, xs.length - 0.5);
        out.figure(c, "pulls", "Pulls and post-fit errors of the constrained nuisance parameters (" + names + ")");
    }

    private static String note(org.ratiofit.objective.ParameterSpec p, boolean poi, FitResult fit, int i) {
        List<String> n = new ArrayList<>();
        if (poi) {
            n.add("poi");
        }
        if (fit.fixed()[i]) {
            n.add("fixed");
        } else {
            double v = fit.values()[i];
            double tol = Math.max(1e-8, 1e-3 * fit.errors()[i]);
            if (v - p.lower() < tol || p.upper() - v < tol) {
                n.add("at limit");
            }
        }
        return String.join(", ", n);
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
