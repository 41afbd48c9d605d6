package org.ratiofit.workspace.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.ratiofit.ratio.training.pnn.PnnData;
import org.ratiofit.ratio.training.pnn.PnnDiagnostics;
import org.ratiofit.ratio.training.pnn.PnnExport;
import org.ratiofit.ratio.training.pnn.PnnMonomials;
import org.ratiofit.ratio.training.pnn.PnnTrainer;
import org.ratiofit.ratio.training.pnn.YieldFit;
import org.ratiofit.workspace.config.ConfigException;
import org.ratiofit.workspace.config.ConfigProblem;
import org.ratiofit.workspace.config.FitConfig;
import org.ratiofit.workspace.io.AtomicDirectory;

/**
 * Polynomial systematics' ensembles: a {@code Models[]} entry with {@code Variations} (samples
 * simulated at nuisance points) is trained as a parametric-in-nuisance polynomial network on the
 * sample's nominal events and the variations not {@code HeldOut}; the folder gets the members
 * (outputs in the configuration's monomial order), the inclusive yield fit ({@code yield-fit.json},
 * with a natural cubic spline for each parameter the model's {@code YieldSpline} names; used by
 * {@code build} when {@code YieldCoefficients} is not given, and in the training report with its
 * residual at every point) and diagnostics at every
 * point (held-out ones included).
 */
final class PnnTraining {
    private PnnTraining() {
    }

    record Job(FitConfig.Systematic systematic, FitConfig.PolynomialModel model) {
        EnsembleJob asEnsembleJob(FitConfig c) {
            Path f = model.ensemble().getFileName();
            FitConfig.Sample s = c.sample(model.sampleName()).orElseThrow();
            return new EnsembleJob(model.yamlPath() + ".Ensemble", f == null ? model.ensemble().toString() : f.toString(),
                    model.sampleName() + " at " + model.variations().size() + " nuisance points",
                    model.variations().stream().map(FitConfig.PolynomialVariation::events).toList(), model.sampleName() + " nominal",
                    List.of(s.events()), model.ensemble());
        }
    }

    static List<Job> plan(FitConfig c) {
        List<Job> jobs = new ArrayList<>();
        for (FitConfig.Systematic sy : c.systematics()) {
            for (FitConfig.PolynomialModel m : sy.models()) {
                if (m.ensemble() != null && !m.variations().isEmpty()) {
                    jobs.add(new Job(sy, m));
                }
            }
        }
        return jobs;
    }

    /** output k = trained (likelihood-order) monomial order[k]; the configuration must list every linear and quadratic monomial. */
    static int[] outputOrder(FitConfig c, Job job) {
        List<String> params = job.systematic().parameters();
        List<String> trained = PnnMonomials.names(params);
        List<String> trainedKeys = trained.stream().map(n -> key(List.of(n.split("\\*")), params)).toList();
        List<List<String>> mono = job.systematic().monomials();
        int[] order = new int[mono.size()];
        java.util.Set<String> seen = new LinkedHashSet<>();
        for (int k = 0; k < mono.size(); k++) {
            String key = key(mono.get(k), params);
            order[k] = trainedKeys.indexOf(key);
            seen.add(key);
        }
        if (mono.size() != trained.size() || seen.size() != trained.size() || java.util.Arrays.stream(order).anyMatch(i -> i < 0)) {
            throw new ConfigException(c.configFile(), List.of(new ConfigProblem(job.systematic().yamlPath() + ".Monomials",
                    "training a polynomial model needs all " + trained.size() + " linear and quadratic monomials of " + params
                            + " (any order), e.g. " + trained + "; got " + mono.stream().map(m -> String.join("*", m)).toList())));
        }
        return order;
    }

    private static String key(List<String> factors, List<String> params) {
        return factors.stream().mapToInt(params::indexOf).sorted().mapToObj(Integer::toString).reduce((a, b) -> a + "*" + b).orElse("");
    }

    static double[] point(FitConfig.PolynomialVariation v, List<String> params) {
        double[] nu = new double[params.size()];
        for (int k = 0; k < nu.length; k++) {
            nu[k] = v.point().getOrDefault(params.get(k), 0.0);
        }
        return nu;
    }

    /**
     * A polynomial model's events read into its training data: the points not held out, those held
     * out (for the diagnostics), the yield fit (with the configuration's splines), the output order.
     */
    record Prepared(PnnData data, List<PnnData.Point> heldOut, YieldFit.Result yieldFit, int[] order, int varied, int nominal) {
    }

    static Prepared prepare(FitConfig c, Job job) throws IOException {
        int[] order = outputOrder(c, job);
        List<String> features = c.trainingFeatures();
        List<String> params = job.systematic().parameters();
        FitConfig.PolynomialModel m = job.model();
        String at = m.yamlPath();
        FitConfig.Sample sample = c.sample(m.sampleName()).orElseThrow();
        ConfigTraining.Events nominal = ConfigTraining.read(List.of(sample.events()), features, at + " (nominal sample " + m.sampleName() + ")");
        List<double[]> nus = new ArrayList<>();
        List<Map<String, double[]>> samples = new ArrayList<>();
        List<double[]> weights = new ArrayList<>();
        List<PnnData.Point> heldOut = new ArrayList<>();
        int varied = 0;
        for (FitConfig.PolynomialVariation v : m.variations()) {
            ConfigTraining.Events ev = ConfigTraining.read(List.of(v.events()), features, v.yamlPath());
            double[] nu = point(v, params);
            if (v.heldOut()) {
                double[][] cols = new double[features.size()][];
                for (int j = 0; j < cols.length; j++) {
                    cols[j] = ev.columns().get(features.get(j));
                }
                heldOut.add(new PnnData.Point(nu, cols, ev.weights()));
            } else {
                nus.add(nu);
                samples.add(ev.columns());
                weights.add(ev.weights());
                varied += ev.size();
            }
        }
        List<String> scaled = c.trainingFeaturesToStandardize() == null ? List.of() : c.trainingFeaturesToStandardize();
        PnnData data;
        try {
            data = PnnData.of(features, new LinkedHashSet<>(scaled), params, nominal.columns(), nominal.weights(), nus, samples, weights);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(c.configFile(), List.of(new ConfigProblem(at + ".Variations", e.getMessage())));
        }
        // the yield fit first (with the configuration's splines): a bad spline request fails before any training
        YieldFit.Result yieldFit;
        try {
            yieldFit = YieldFit.fit(data, m.yieldSpline());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(c.configFile(), List.of(new ConfigProblem(at + (m.yieldSpline().isEmpty() ? ".Variations" : ".YieldSpline"),
                    e.getMessage())));
        }
        return new Prepared(data, heldOut, yieldFit, order, varied, nominal.size());
    }

    static TrainingReport.EnsembleResult train(FitConfig c, Job job, TrainingSettings settings, boolean overwrite, int index, int count,
            TrainingListener l) throws IOException {
        long t0 = System.nanoTime();
        Prepared p = prepare(c, job);
        EnsembleJob ej = job.asEnsembleJob(c);
        l.ensembleStarted(index, count, ej, p.varied(), p.nominal());
        PnnTrainer.Result result = PnnTrainer.train(p.data(), settings.toTrainingConfig(), settings.members(),
                (member, epoch, tl, vl) -> l.epochDone(ej, member, epoch, tl, vl)).withYieldFit(p.yieldFit());
        return write(c, job, settings, overwrite, p, result, System.nanoTime() - t0, l);
    }

    /**
     * Writes the model's folder, whole or not at all, and tells the listener.
     *
     * @param result the trained ensemble with the prepared yield fit
     * @param nanos  time spent on the ensemble before writing
     */
    static TrainingReport.EnsembleResult write(FitConfig c, Job job, TrainingSettings settings, boolean overwrite, Prepared p,
            PnnTrainer.Result result, double nanos, TrainingListener l) throws IOException {
        long t0 = System.nanoTime();
        FitConfig.PolynomialModel m = job.model();
        EnsembleJob ej = job.asEnsembleJob(c);
        List<PnnData.Point> heldOut = p.heldOut();
        double worst = Double.NaN;
        Path diagnostics = null;
        try (AtomicDirectory out = AtomicDirectory.create(m.ensemble(), overwrite)) {
            PnnExport.write(result, out.path(), ej.name(), p.order());
            if (settings.diagnostics()) {
                PnnDiagnostics.Report d = PnnDiagnostics.run(result, p.data(), heldOut, out.path().resolve("diagnostics"));
                worst = Math.max(d.worstChi2PerNdf(true), heldOut.isEmpty() ? Double.NEGATIVE_INFINITY : d.worstChi2PerNdf(false));
                diagnostics = m.ensemble().resolve("diagnostics");
            }
            out.commit();
        }
        List<TrainingReport.Member> members = result.members().stream().map(mm -> new TrainingReport.Member(mm.index(), mm.history().epochs(),
                mm.history().bestEpoch(), mm.history().validationLoss()[mm.history().bestEpoch()], mm.history().stoppedEarly())).toList();
        TrainingReport.EnsembleResult r = new TrainingReport.EnsembleResult(ej.yamlPath(), ej.name(), ej.numerator(), ej.denominator(),
                m.ensemble(), p.varied(), p.nominal(), settings.seed(), members, null, worst, diagnostics,
                (nanos + System.nanoTime() - t0) * 1e-9, result.yieldFit());
        l.ensembleDone(r);
        return r;
    }
}
