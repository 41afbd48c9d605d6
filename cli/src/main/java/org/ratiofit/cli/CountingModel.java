package org.ratiofit.cli;

import java.util.List;
import java.util.OptionalInt;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;

/**
 * A statistical model that reports each evaluation to a progress bar, for work whose number of
 * steps is not known in advance (limits, significances). Asimov data sets and pseudo-experiments
 * derived from it report to the same bar.
 */
final class CountingModel implements StatisticalModel {

    private final StatisticalModel m;
    private final Progress progress;

    CountingModel(StatisticalModel model, Progress progress) {
        this.m = model;
        this.progress = progress;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return m.parameters();
    }

    @Override
    public double value(double[] x) {
        progress.step();
        return m.value(x);
    }

    @Override
    public boolean hasGradient() {
        return m.hasGradient();
    }

    @Override
    public double valueAndGradient(double[] x, double[] gradient) {
        progress.step();
        return m.valueAndGradient(x, gradient);
    }

    @Override
    public boolean hasHessian() {
        return m.hasHessian();
    }

    @Override
    public double valueGradientAndHessian(double[] x, double[] gradient, double[][] hessian) {
        progress.step();
        return m.valueGradientAndHessian(x, gradient, hessian);
    }

    @Override
    public double errorDef() {
        return m.errorDef();
    }

    @Override
    public OptionalInt parameterOfInterest() {
        return m.parameterOfInterest();
    }

    @Override
    public StatisticalModel asimov(double[] point) {
        return new CountingModel(m.asimov(point), progress);
    }

    /** The coarse copy of a fit's first iterations (MIGRAD's coarse to fine), reporting to the same bar. */
    @Override
    public org.ratiofit.objective.Objective coarse() {
        return m.coarse() instanceof StatisticalModel c ? new CountingModel(c, progress) : null;
    }

    @Override
    public boolean supportsAsimov() {
        return m.supportsAsimov();
    }

    @Override
    public boolean supportsPseudoExperiments() {
        return m.supportsPseudoExperiments();
    }

    @Override
    public StatisticalModel pseudoExperiment(double[] truth, long seed) {
        return new CountingModel(m.pseudoExperiment(truth, seed), progress);
    }
}
