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
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleFisher;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.FisherEllipse;
import org.ratiofit.ratio.FisherInformation;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratiofit fisher}: the expected Fisher information of score estimators (SALLY) or parametrised ratio models. */
@Command(name = "fisher", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Fisher information from score estimators, with its uncertainty and the 68%% ellipse.",
        description = {
            "I_ij = n E[t_i t_j] over the events of a file, with t the model's score: the output of a SALLY",
            "(local_score) model, or d ln r(x|theta)/d theta of a parametrised ratio model at --theta. For an ensemble",
            "folder, MadMiner's two modes: --mode score averages the members' scores per event before squaring,",
            "--mode information averages the members' informations; the uncertainty is the members' spread.",
            "Prints I, its standard deviation, the covariance I^-1, the 1-sigma errors and, for two parameters,",
            "the 68.3%% ellipse (Delta chi2 = 2.30), plotted with --plots/--report."},
        footer = {"", "Examples:",
            "  ratiofit fisher models/sally --events ref.csv --expected-events 1000",
            "  ratiofit fisher models/alices-0.json --events ref.npz --theta k=2,lambda=1 --expected-events 500 --json"})
public final class FisherCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "A model sidecar (.json) or an ensemble folder (or its ensemble.json).")
    Path model;

    @Option(names = "--events", required = true, paramLabel = "FILE",
            description = "Events (.csv, .npy, .npz, .h5) at the reference point, with the model's feature columns.")
    Path events;

    @Option(names = "--theta", split = ",", paramLabel = "NAME=VALUE",
            description = "The parameter point (parametrised ratio models; for plots of SALLY models its centre).")
    List<String> theta = new ArrayList<>();

    @Option(names = "--expected-events", paramLabel = "N", description = "n, the expected number of events (default ${DEFAULT-VALUE}).")
    double expected = 1;

    @Option(names = "--weight", paramLabel = "COLUMN", description = "Event-weight column of the events file.")
    String weight;

    @Option(names = "--mode", paramLabel = "score|information",
            description = "Ensemble mode (default ${DEFAULT-VALUE}).")
    String mode = "information";

    @Option(names = "--beta", paramLabel = "BETA",
            description = "Fit expectation-based member weights first (E[t] = 0 on the events), with this beta.")
    Double beta;

    @Mixin
    OutputOptions output = new OutputOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        EnsembleFisher.Mode m = switch (mode.toLowerCase(java.util.Locale.ROOT)) {
            case "score" -> EnsembleFisher.Mode.SCORE;
            case "information" -> EnsembleFisher.Mode.INFORMATION;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--mode must be 'score' or 'information', not '" + mode + "'");
        };
        if (!(expected > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--expected-events must be positive: " + expected);
        }
        boolean isEnsemble = Files.isDirectory(model) || model.getFileName().toString().equals(EnsembleManifest.FILE_NAME);
        try (Ensemble ens = isEnsemble ? Ensemble.load(model) : single(model)) {
            List<String> params = ens.parameters();
            List<String> theta1Inputs = ens.members().get(0).denominatorParameters();
            if (!theta1Inputs.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "'" + model + "' is a doubly parametrised "
                        + "estimator r(x|θ0, θ1) (θ1 inputs " + theta1Inputs + "): fisher takes a SALLY score model or a "
                        + "singly parametrised ratio model (θ0 inputs only); its θ-derivative would mix θ0 and θ1");
            }
            double[] th = parseTheta(params);
            List<String> cols = new ArrayList<>(ens.features());
            if (weight != null) {
                cols.add(weight);
            }
            EventTable t = EventFiles.read(events, ReadOptions.DEFAULT, cols);
            double[][] x = new double[ens.features().size()][];
            for (int j = 0; j < x.length; j++) {
                x[j] = t.column(ens.features().get(j));
            }
            double[] w = weight == null ? null : t.column(weight);
            boolean sally = ens.members().get(0).sidecar().output() == org.ratiofit.ratio.ModelSidecar.OutputConvention.LOCAL_SCORE;
            if (!sally && th == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "a parametrised ratio model needs --theta with " + params);
            }
            EnsembleFisher.ScoreExpectation se = beta == null ? null
                    : EnsembleFisher.fitScoreExpectationWeights(ens, x, w, sally ? null : th, beta);
            EnsembleFisher.Result r = EnsembleFisher.of(ens, x, w, sally ? null : th, expected, m);
            FisherInformation fi = r.information();
            FisherEllipse el = FisherEllipse.of(fi.matrix());
            Output out = new Output(spec.commandLine().getOut(), output, "ratiofit fisher " + model);
            out.paragraph("ratiofit fisher " + model + ": " + ens.members().size() + " member(s), " + x[0].length
                    + " events from " + events + ", n = " + Output.num(expected) + ", scores: " + fi.method()
                    + (ens.members().size() > 1 ? ", mode " + m.name().toLowerCase(java.util.Locale.ROOT) : ""));
            out.heading("Fisher information I" + (ens.members().size() > 1 ? " (± member standard deviation)" : ""));
            List<List<String>> rows = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                List<String> row = new ArrayList<>();
                row.add(params.get(i));
                for (int j = 0; j < params.size(); j++) {
                    row.add(Output.num(fi.matrix()[i][j]) + (ens.members().size() > 1 ? " ± " + Output.num(fi.sd()[i][j]) : ""));
                }
                rows.add(row);
            }
            List<String> header = new ArrayList<>();
            header.add("");
            header.addAll(params);
            out.table(header, rows);
            out.heading("Implied covariance I^-1 and 1-sigma errors");
            rows = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                List<String> row = new ArrayList<>();
                row.add(params.get(i));
                for (int j = 0; j < params.size(); j++) {
                    row.add(Output.num(el.covariance()[i][j]));
                }
                row.add(Output.num(el.errors()[i]));
                rows.add(row);
            }
            List<String> h2 = new ArrayList<>(header);
            h2.add("error");
            out.table(h2, rows);
            if (el.semiAxes() != null) {
                out.paragraph(String.format(java.util.Locale.ROOT,
                        "68%% ellipse (Delta chi2 = %.3f): semi-axes %s and %s, major axis at %.1f degrees from %s",
                        el.deltaChi2(), Output.num(el.semiAxes()[0]), Output.num(el.semiAxes()[1]),
                        Math.toDegrees(el.angle()), params.get(0)));
                if (out.plotting()) {
                    double[] centre = th == null ? new double[2] : th;
                    double[][] xy = el.outline(centre, 120);
                    XYChart c = Output.chart("68% Fisher ellipse", params.get(0), params.get(1));
                    c.addSeries("68.3% (n = " + Output.num(expected) + ")", xy[0], xy[1]).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                    c.addSeries("point", new double[] {centre[0]}, new double[] {centre[1]})
                            .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                    out.figure(c, "fisher_ellipse", "The 68.3% region implied by the Fisher information");
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("formatVersion", Output.FORMAT_VERSION);
            result.put("command", "fisher");
            result.put("model", model.toString());
            result.put("events", events.toString());
            result.put("mode", m.name().toLowerCase(java.util.Locale.ROOT));
            result.put("fisher", fi);
            result.put("elementCovariance", r.covariance());
            result.put("ellipse", el);
            if (se != null) {
                result.put("scoreExpectation", se);
            }
            out.finish(result);
        }
        return 0;
    }

    private static Ensemble single(Path sidecar) {
        return new Ensemble(sidecar.getFileName().toString(), List.of(RatioModel.load(sidecar)),
                EnsembleManifest.Aggregation.MEAN_RATIO);
    }

    private double[] parseTheta(List<String> params) {
        if (theta.isEmpty()) {
            return null;
        }
        double[] th = new double[params.size()];
        boolean[] seen = new boolean[params.size()];
        for (String kv : theta) {
            int eq = kv.indexOf('=');
            int j = eq < 0 ? -1 : params.indexOf(kv.substring(0, eq).trim());
            if (j < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--theta '" + kv + "': expected NAME=VALUE with NAME one of " + params);
            }
            try {
                th[j] = Double.parseDouble(kv.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--theta '" + kv + "': not a number");
            }
            seen[j] = true;
        }
        for (int j = 0; j < seen.length; j++) {
            if (!seen[j]) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--theta misses " + params.get(j));
            }
        }
        return th;
    }
}
