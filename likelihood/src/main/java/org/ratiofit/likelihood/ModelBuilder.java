package org.ratiofit.likelihood;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * Builds a {@link Model} in memory, fluently:
 *
 * <pre>{@code
 * ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, 0, 10)).parameter(Parameter.constrained("jes"));
 * b.unbinned("SR", n)
 *     .sample("signal", 50, lrSignal).normFactor("mu").shapeSys("jes", 4, upS, downS).end()
 *     .sample("background", 1000, lrBackground).normSys("jes", 4, 1.05, 0.96).end()
 *     .end();
 * Model model = b.build();
 * }</pre>
 * The same model can then be written with {@link org.ratiofit.likelihood.workspace.WorkspaceWriter}.
 */
public final class ModelBuilder {

    private final List<Parameter> parameters = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    private ForkJoinPool pool = ForkJoinPool.commonPool();
    private boolean float32;

    public ModelBuilder parameter(Parameter p) {
        parameters.add(p);
        return this;
    }

    public ModelBuilder channel(Channel c) {
        channels.add(c);
        return this;
    }

    /** The pool for the event loop (null: calling thread); the result does not depend on it. */
    public ModelBuilder pool(ForkJoinPool p) {
        pool = p;
        return this;
    }

    /** Float32 storage of the per-event shape columns in the event loop (see {@link Model}). */
    public ModelBuilder float32(boolean on) {
        float32 = on;
        return this;
    }

    public UnbinnedBuilder unbinned(String name, int events) {
        return new UnbinnedBuilder(name, events);
    }

    public BinnedBuilder binned(String name, double[] observed) {
        return new BinnedBuilder(name, observed);
    }

    public Model build() {
        return new Model(parameters, channels, pool, float32);
    }

    public List<Parameter> parameters() {
        return List.copyOf(parameters);
    }

    public List<Channel> channels() {
        return List.copyOf(channels);
    }

    /** Builds one unbinned channel. */
    public final class UnbinnedBuilder {
        private final String name;
        private final int events;
        private double[] weights;
        private final List<UnbinnedSample> samples = new ArrayList<>();
        private final Map<String, SampleColumns> columns = new LinkedHashMap<>();
        private EventSet reference;
        private ShapeNormalisation normalisation = ShapeNormalisation.REFERENCE;

        UnbinnedBuilder(String name, int events) {
            this.name = name;
            this.events = events;
        }

        public UnbinnedBuilder weights(double[] w) {
            weights = w;
            return this;
        }

        /** The reference sample's events and columns, for Asimov data. */
        public UnbinnedBuilder reference(EventSet ref) {
            reference = ref;
            return this;
        }

        /**
         * How the samples' per-event densities are normalised: {@link ShapeNormalisation#REFERENCE}
         * (default) or the legacy, biased {@link ShapeNormalisation#NONE} (see its warning).
         */
        public UnbinnedBuilder shapeNormalisation(ShapeNormalisation n) {
            normalisation = n;
            return this;
        }

        public SampleBuilder sample(String sample, double nominalYield, double[] logRatio) {
            return new SampleBuilder(this, sample, nominalYield, logRatio);
        }

        public ModelBuilder end() {
            channels.add(new UnbinnedChannel(name, samples, new EventSet(events, weights, columns), reference, normalisation));
            return ModelBuilder.this;
        }
    }

    /** Builds one sample of an unbinned channel. */
    public final class SampleBuilder {
        private final UnbinnedBuilder channel;
        private final String name;
        private final double yield;
        private final double[] logRatio;
        private final List<Modifier> modifiers = new ArrayList<>();
        private final List<double[]> up = new ArrayList<>();
        private final List<double[]> down = new ArrayList<>();
        private List<double[]> poly = List.of();
        private ParametrisedColumns parametrised;

        SampleBuilder(UnbinnedBuilder channel, String name, double yield, double[] logRatio) {
            this.channel = channel;
            this.name = name;
            this.yield = yield;
            this.logRatio = logRatio;
        }

        public SampleBuilder normFactor(String parameter) {
            modifiers.add(new Modifier.NormFactor(parameter));
            return this;
        }

        public SampleBuilder coefficient(String parameter, double[] c, double[] a) {
            modifiers.add(new Modifier.Coefficient(parameter, c, a));
            return this;
        }

        public SampleBuilder normSys(String parameter, int code, double upRatio, double downRatio) {
            modifiers.add(new Modifier.NormSys(parameter, code, upRatio, downRatio));
            return this;
        }

        public SampleBuilder shapeSys(String parameter, int code, double[] upRatios, double[] downRatios) {
            modifiers.add(new Modifier.ShapeSys(parameter, code));
            up.add(upRatios);
            down.add(downRatios);
            return this;
        }

        public SampleBuilder polynomial(List<String> params, double[] yieldCoefficients, List<double[]> perEventCoefficients) {
            modifiers.add(new Modifier.Polynomial(params, yieldCoefficients));
            poly = List.copyOf(perEventCoefficients);
            return this;
        }

        /** ln of the yield gets s(parameter), the natural cubic spline through (knots, values) ({@link Modifier.YieldSpline}). */
        public SampleBuilder yieldSpline(String parameter, double[] knots, double[] values) {
            modifiers.add(new Modifier.YieldSpline(parameter, knots, values));
            return this;
        }

        /**
         * The sample's log-ratio is r(x|θ) from {@code columns} on this channel's data events (θ: its
         * parameters, fit parameters of the model), replacing the fixed column given to {@code sample}.
         */
        public SampleBuilder parametrisedRatio(ParametrisedColumns columns) {
            modifiers.add(new Modifier.ParametrisedRatio(columns.parameters()));
            parametrised = columns;
            return this;
        }

        public UnbinnedBuilder end() {
            channel.samples.add(new UnbinnedSample(name, yield, modifiers));
            channel.columns.put(name, parametrised != null ? SampleColumns.of(parametrised) : new SampleColumns(logRatio, up, down, poly));
            return channel;
        }
    }

    /** Builds one binned channel. */
    public final class BinnedBuilder {
        private final String name;
        private final double[] observed;
        private final List<BinnedSample> samples = new ArrayList<>();
        private List<String> gammas;

        BinnedBuilder(String name, double[] observed) {
            this.name = name;
            this.observed = observed;
        }

        public BinnedSampleBuilder sample(String sample, double[] nominal) {
            return new BinnedSampleBuilder(this, sample, nominal);
        }

        /**
         * Per-bin MC statistical uncertainty (Barlow-Beeston lite): adds the constrained parameters
         * {@code staterror_<channel>[b]} (initial 1, aux 1, width relative[b], bounds [1e-10, 10]).
         */
        public BinnedBuilder mcStat(double[] relative) {
            gammas = new ArrayList<>();
            for (int b = 0; b < relative.length; b++) {
                String g = "staterror_" + name + "[" + b + "]";
                gammas.add(g);
                parameters.add(Parameter.constrained(g, 1, 1e-10, 10, 1, relative[b]));
            }
            return this;
        }

        public ModelBuilder end() {
            channels.add(new BinnedChannel(name, observed, samples, gammas));
            return ModelBuilder.this;
        }
    }

    /** Builds one sample of a binned channel. */
    public final class BinnedSampleBuilder {
        private final BinnedBuilder channel;
        private final String name;
        private final double[] nominal;
        private final List<Modifier> modifiers = new ArrayList<>();
        private boolean mcStat = true;

        BinnedSampleBuilder(BinnedBuilder channel, String name, double[] nominal) {
            this.channel = channel;
            this.name = name;
            this.nominal = nominal;
        }

        public BinnedSampleBuilder normFactor(String parameter) {
            modifiers.add(new Modifier.NormFactor(parameter));
            return this;
        }

        public BinnedSampleBuilder coefficient(String parameter, double[] c, double[] a) {
            modifiers.add(new Modifier.Coefficient(parameter, c, a));
            return this;
        }

        public BinnedSampleBuilder normSys(String parameter, int code, double upRatio, double downRatio) {
            modifiers.add(new Modifier.NormSys(parameter, code, upRatio, downRatio));
            return this;
        }

        /** code "0" or "4p"; up and down are absolute per-bin yields. */
        public BinnedSampleBuilder histoSys(String parameter, String code, double[] up, double[] down) {
            modifiers.add(new Modifier.HistoSys(parameter, code, up, down));
            return this;
        }

        /** Whether the channel's MC-stat factors multiply this sample (default true). */
        public BinnedSampleBuilder mcStat(boolean on) {
            mcStat = on;
            return this;
        }

        public BinnedBuilder end() {
            channel.samples.add(new BinnedSample(name, nominal, modifiers, mcStat));
            return channel;
        }
    }
}
