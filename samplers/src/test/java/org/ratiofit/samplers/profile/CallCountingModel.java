package org.ratiofit.samplers.profile;

import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;

/** A model with its likelihood calls (value, gradient, Hessian; its Asimov data sets' too) counted. */
final class CallCountingModel implements StatisticalModel {
    final StatisticalModel m;
    final AtomicLong calls;

    CallCountingModel(StatisticalModel m) {
        this(m, new AtomicLong());
    }

    private CallCountingModel(StatisticalModel m, AtomicLong calls) {
        this.m = m;
        this.calls = calls;
    }

    long calls() {
        return calls.get();
    }

    @Override
    public List<ParameterSpec> parameters() {
        return m.parameters();
    }

    @Override
    public double value(double[] x) {
        calls.incrementAndGet();
        return m.value(x);
    }

    @Override
    public boolean hasGradient() {
        return m.hasGradient();
    }

    @Override
    public double valueAndGradient(double[] x, double[] g) {
        calls.incrementAndGet();
        return m.valueAndGradient(x, g);
    }

    @Override
    public boolean hasHessian() {
        return m.hasHessian();
    }

    @Override
    public double valueGradientAndHessian(double[] x, double[] g, double[][] h) {
        calls.incrementAndGet();
        return m.valueGradientAndHessian(x, g, h);
    }

    @Override
    public String whyNotFinite(double[] x) {
        return m.whyNotFinite(x);
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
        return new CallCountingModel(m.asimov(point), calls);
    }
}
