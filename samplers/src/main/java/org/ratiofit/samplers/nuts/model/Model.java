package org.ratiofit.samplers.nuts.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.hipparchus.analysis.differentiation.Gradient;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.samplers.nuts.ChainResult;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.nuts.NutsSampler;
import org.ratiofit.samplers.nuts.NutsSettings;
import org.ratiofit.samplers.nuts.PosteriorDensity;
import org.ratiofit.samplers.nuts.Prior;

/**
 * A model for NUTS written the way PyMC and Stan users write one: declare the parameters with
 * their types and priors, give the log-likelihood as a function, optionally add generated
 * quantities, and sample.
 *
 * <pre>{@code
 * Model m = Model.builder()
 *         .real("mu", Prior.normal(0, 10))
 *         .positive("sigma", Priors.halfCauchy(2))
 *         .logLikelihood(p -> {                      // Hipparchus automatic derivatives
 *             Gradient mu = p.get("mu"), sigma = p.get("sigma"), ll = p.constant(0);
 *             for (double y : data) {
 *                 Gradient z = mu.negate().add(y).divide(sigma);
 *                 ll = ll.subtract(z.multiply(z).multiply(0.5)).subtract(sigma.log());
 *             }
 *             return ll;
 *         })
 *         .generated("cv", d -> d.get("sigma") / d.get("mu"))
 *         .build();
 * ModelFit fit = m.sample(NutsSettings.defaults().stanInit());
 * System.out.println(fit.summary(0.025, 0.5, 0.975).toText());
 * }</pre>
 *
 * <p>Parameter types and their maps to the unconstrained space (Jacobians added to the log-density,
 * as Stan does): {@link Builder#real} (identity), {@link Builder#positive} (x = L + eʸ),
 * {@link Builder#bounded} (x = a + (b − a)·logistic(y)), {@link Builder#ordered} (x₀ = y₀,
 * x_k = x_{k−1} + e^{y_k}), {@link Builder#simplex} (Stan's stick-breaking: K − 1 unconstrained
 * coordinates for K components summing to 1, with an optional Dirichlet prior). A scalar's prior
 * with bounded support bounds it too ({@code real("p", Priors.beta(2, 2))} is a bounded parameter).
 * Vector components are named {@code name[0]}, {@code name[1]}, ...
 *
 * <p>The log-likelihood is either a function of {@link Vars} returning a Hipparchus
 * {@link Gradient} (derivatives automatic), or a {@link LogDensity} with a hand-written gradient
 * with respect to the constrained parameters (in {@link #names()} order). Thread-safe as long as
 * that function is (chains call it concurrently).
 */
public final class Model {

    /** A log-density with its gradient with respect to the constrained parameters x (order of {@link Model#names()}). */
    @FunctionalInterface
    public interface LogDensity {
        double logDensity(double[] x, double[] gradient);
    }

    /** The parameters as Hipparchus {@link Gradient}s, for a log-likelihood with automatic derivatives. */
    public interface Vars {
        Gradient get(String name);

        Gradient[] vector(String name);

        /** A constant with the right number of derivative slots. */
        Gradient constant(double value);
    }

    /** The constrained parameters and earlier generated quantities of one draw, as doubles. */
    public interface Draw {
        double get(String name);

        double[] vector(String name);
    }

    enum Kind { REAL, ORDERED, SIMPLEX }

    /** One declared parameter (scalar or vector). */
    record Block(String name, Kind kind, int size, double lower, double upper, Prior prior, double[] dirichlet) {
        int unconstrained() {
            return kind == Kind.SIMPLEX ? size - 1 : size;
        }

        boolean vector() {
            return kind != Kind.REAL;
        }
    }

    private final List<Block> blocks;
    private final List<String> names = new ArrayList<>();
    private final List<String> unconstrainedNames = new ArrayList<>();
    private final Map<String, int[]> index = new LinkedHashMap<>(); // name → {offset, size} in x
    private final java.util.function.Function<Vars, Gradient> auto;
    private final LogDensity manual;
    private final LinkedHashMap<String, ToDoubleFunction<Draw>> generated;
    private final int dx;
    private final int dy;

    private Model(Builder b) {
        this.blocks = List.copyOf(b.blocks);
        this.auto = b.auto;
        this.manual = b.manual;
        this.generated = new LinkedHashMap<>(b.generated);
        int off = 0;
        for (Block bl : blocks) {
            index.put(bl.name(), new int[] {off, bl.size()});
            for (int i = 0; i < bl.size(); i++) names.add(bl.vector() ? bl.name() + "[" + i + "]" : bl.name());
            for (int i = 0; i < bl.unconstrained(); i++) unconstrainedNames.add(bl.vector() ? bl.name() + "__u[" + i + "]" : bl.name() + "__u");
            off += bl.size();
        }
        this.dx = off;
        this.dy = unconstrainedNames.size();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Names of the constrained parameters (vector components as name[i]), in order. */
    public List<String> names() {
        return List.copyOf(names);
    }

    /** Names of the generated quantities, in order. */
    public List<String> generatedNames() {
        return List.copyOf(generated.keySet());
    }

    /** Number of unconstrained coordinates NUTS samples. */
    public int unconstrainedDimension() {
        return dy;
    }

    /**
     * The constrained point and the log-Jacobian + log-priors for unconstrained y (as Gradients
     * over y); x written into {@code x}.
     */
    Gradient transform(Gradient[] y, Gradient[] x) {
        Gradient extra = y.length == 0 ? Gradient.constant(0, 0) : y[0].getField().getZero();
        int iy = 0, ix = 0;
        for (Block b : blocks) {
            switch (b.kind()) {
                case REAL -> {
                    Gradient yk = y[iy++];
                    Gradient xk;
                    boolean lo = b.lower() != Double.NEGATIVE_INFINITY, hi = b.upper() != Double.POSITIVE_INFINITY;
                    if (lo && hi) {
                        // x = a + (b − a) σ(y); log J = ln(b − a) + ln σ + ln(1 − σ) = ln(b − a) − |y| − 2 ln(1 + e^{−|y|})
                        Gradient s = yk.negate().exp().add(1).reciprocal();
                        xk = s.multiply(b.upper() - b.lower()).add(b.lower());
                        Gradient absY = yk.getValue() >= 0 ? yk : yk.negate();
                        extra = extra.add(Math.log(b.upper() - b.lower())).subtract(absY).subtract(absY.negate().exp().log1p().multiply(2));
                    } else if (lo) {
                        xk = yk.exp().add(b.lower());
                        extra = extra.add(yk);
                    } else if (hi) {
                        xk = yk.exp().negate().add(b.upper());
                        extra = extra.add(yk);
                    } else {
                        xk = yk;
                    }
                    x[ix++] = xk;
                    extra = extra.add(prior(b.prior(), xk));
                }
                case ORDERED -> {
                    Gradient prev = y[iy++];
                    x[ix++] = prev;
                    extra = extra.add(prior(b.prior(), prev));
                    for (int k = 1; k < b.size(); k++) {
                        Gradient yk = y[iy++];
                        prev = prev.add(yk.exp());
                        extra = extra.add(yk);
                        x[ix++] = prev;
                        extra = extra.add(prior(b.prior(), prev));
                    }
                }
                case SIMPLEX -> {
                    int kk = b.size();
                    Gradient stick = extra.getField().getOne();
                    int first = ix;
                    for (int k = 0; k < kk - 1; k++) {
                        Gradient yk = y[iy++].subtract(Math.log(kk - k - 1));
                        Gradient z = yk.negate().exp().add(1).reciprocal();
                        Gradient xk = stick.multiply(z);
                        // log J term: ln z + ln(1 − z) + ln(stick)
                        Gradient absY = yk.getValue() >= 0 ? yk : yk.negate();
                        extra = extra.subtract(absY).subtract(absY.negate().exp().log1p().multiply(2)).add(stick.log());
                        x[ix++] = xk;
                        stick = stick.subtract(xk);
                    }
                    x[ix++] = stick;
                    if (b.dirichlet() != null) {
                        for (int k = 0; k < kk; k++) extra = extra.add(x[first + k].log().multiply(b.dirichlet()[k] - 1));
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        return extra;
    }

    private static Gradient prior(Prior p, Gradient x) {
        if (p == null || p instanceof Prior.Flat) return x.getField().getZero();
        double v = x.getValue();
        return x.compose(p.logDensity(v), p.dLogDensity(v));
    }

    /** ln posterior (Jacobian included) at unconstrained y, gradient into grad; −∞ where undefined. */
    double logPosterior(double[] y, double[] grad) {
        Gradient[] gy = new Gradient[dy];
        for (int k = 0; k < dy; k++) gy[k] = Gradient.variable(dy, k, y[k]);
        Gradient[] gx = new Gradient[dx];
        Gradient lp = transform(gy, gx);
        if (auto != null) {
            lp = lp.add(auto.apply(vars(gx)));
        } else {
            double[] x = new double[dx];
            for (int i = 0; i < dx; i++) x[i] = gx[i].getValue();
            double[] gX = new double[dx];
            double ll = manual.logDensity(x, gX);
            double[] g = new double[dy];
            for (int i = 0; i < dx; i++) {
                double[] d = gx[i].getGradient();
                for (int k = 0; k < dy; k++) g[k] += gX[i] * d[k];
            }
            lp = lp.add(new Gradient(ll, g));
        }
        double v = lp.getValue();
        if (!Double.isFinite(v)) return Double.NEGATIVE_INFINITY;
        double[] g = lp.getGradient();
        System.arraycopy(g, 0, grad, 0, dy);
        return v;
    }

    private Vars vars(Gradient[] gx) {
        int n = dy;
        return new Vars() {
            public Gradient get(String name) {
                int[] at = at(name);
                if (at[1] != 1 || blockOf(name).vector()) throw new IllegalArgumentException("'" + name + "' is a vector of " + at[1] + ": use vector(\"" + name + "\")");
                return gx[at[0]];
            }

            public Gradient[] vector(String name) {
                int[] at = at(name);
                return java.util.Arrays.copyOfRange(gx, at[0], at[0] + at[1]);
            }

            public Gradient constant(double value) {
                return Gradient.constant(n, value);
            }
        };
    }

    private int[] at(String name) {
        int[] at = index.get(name);
        if (at == null) throw new IllegalArgumentException("no parameter '" + name + "'; declared: " + index.keySet());
        return at;
    }

    private Block blockOf(String name) {
        for (Block b : blocks) if (b.name().equals(name)) return b;
        throw new IllegalArgumentException("no parameter '" + name + "'");
    }

    /** Constrained values of unconstrained y. */
    public double[] constrain(double[] y) {
        Gradient[] gy = new Gradient[dy];
        for (int k = 0; k < dy; k++) gy[k] = Gradient.constant(0, y[k]);
        Gradient[] gx = new Gradient[dx];
        transform(gy, gx);
        double[] x = new double[dx];
        for (int i = 0; i < dx; i++) x[i] = gx[i].getValue();
        return x;
    }

    /** The posterior over the unconstrained coordinates as an {@link Objective} (errorDef 0.5: value = −ln posterior). */
    public Objective objective() {
        List<ParameterSpec> specs = new ArrayList<>();
        for (String n : unconstrainedNames) specs.add(ParameterSpec.free(n, 0, 1));
        return new Objective() {
            public List<ParameterSpec> parameters() {
                return specs;
            }

            public double value(double[] y) {
                return valueAndGradient(y, new double[dy]);
            }

            public boolean hasGradient() {
                return true;
            }

            public double valueAndGradient(double[] y, double[] gradient) {
                double lp = logPosterior(y, gradient);
                if (lp == Double.NEGATIVE_INFINITY) return Double.POSITIVE_INFINITY;
                for (int k = 0; k < dy; k++) gradient[k] = -gradient[k];
                return -lp;
            }

            public double errorDef() {
                return 0.5;
            }
        };
    }

    /** Samples the posterior; draws are returned on the constrained scale with the generated quantities. */
    public ModelFit sample(NutsSettings settings) {
        NutsResult r = NutsSampler.sample(new PosteriorDensity(objective()), settings, null);
        int chains = r.chains().size();
        List<String> all = new ArrayList<>(names);
        all.addAll(generated.keySet());
        double[][][] draws = new double[all.size()][chains][];
        double[] y = new double[dy];
        for (int c = 0; c < chains; c++) {
            ChainResult ch = r.chains().get(c);
            int n = ch.numDraws();
            for (int q = 0; q < all.size(); q++) draws[q][c] = new double[n];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < dy; k++) y[k] = ch.draws()[k][i];
                double[] x = constrain(y);
                for (int q = 0; q < dx; q++) draws[q][c][i] = x[q];
                Map<String, Double> gq = new LinkedHashMap<>();
                Draw d = new Draw() {
                    public double get(String name) {
                        Double g = gq.get(name);
                        if (g != null) return g;
                        int[] at = at(name);
                        if (blockOf(name).vector()) throw new IllegalArgumentException("'" + name + "' is a vector: use vector(\"" + name + "\")");
                        return x[at[0]];
                    }

                    public double[] vector(String name) {
                        int[] at = at(name);
                        return java.util.Arrays.copyOfRange(x, at[0], at[0] + at[1]);
                    }
                };
                int q = dx;
                for (Map.Entry<String, ToDoubleFunction<Draw>> e : generated.entrySet()) {
                    double v = e.getValue().applyAsDouble(d);
                    gq.put(e.getKey(), v);
                    draws[q++][c][i] = v;
                }
            }
        }
        Map<String, double[][]> map = new LinkedHashMap<>();
        for (int q = 0; q < all.size(); q++) map.put(all.get(q), draws[q]);
        return new ModelFit(map, r);
    }

    /** Declares parameters, priors, the log-likelihood and generated quantities. */
    public static final class Builder {
        private final List<Block> blocks = new ArrayList<>();
        private java.util.function.Function<Vars, Gradient> auto;
        private LogDensity manual;
        private final LinkedHashMap<String, ToDoubleFunction<Draw>> generated = new LinkedHashMap<>();

        private Builder add(Block b) {
            if (b.name() == null || b.name().isBlank() || b.name().contains("[")) throw new IllegalArgumentException("bad parameter name '" + b.name() + "'");
            for (Block o : blocks) if (o.name().equals(b.name())) throw new IllegalArgumentException("parameter '" + b.name() + "' declared twice");
            if (generated.containsKey(b.name())) throw new IllegalArgumentException("'" + b.name() + "' is already a generated quantity");
            blocks.add(b);
            return this;
        }

        /** An unbounded parameter (its prior's support bounds it, if bounded). */
        public Builder real(String name, Prior prior) {
            Prior p = prior == null ? Prior.flat() : prior;
            return add(new Block(name, Kind.REAL, 1, p.lower(), p.upper(), p, null));
        }

        /** A parameter above {@code lower} (0 for {@link #positive(String, Prior)}). */
        public Builder positive(String name, Prior prior) {
            return lowerBounded(name, 0, prior);
        }

        public Builder lowerBounded(String name, double lower, Prior prior) {
            return bounded(name, lower, Double.POSITIVE_INFINITY, prior);
        }

        /** A parameter in (lower, upper), intersected with its prior's support. */
        public Builder bounded(String name, double lower, double upper, Prior prior) {
            Prior p = prior == null ? Prior.flat() : prior;
            double lo = Math.max(lower, p.lower()), hi = Math.min(upper, p.upper());
            if (!(lo < hi)) throw new IllegalArgumentException("parameter '" + name + "': bounds [" + lower + ", " + upper + "] and the support of its "
                    + p.type() + " prior [" + p.lower() + ", " + p.upper() + "] do not overlap");
            return add(new Block(name, Kind.REAL, 1, lo, hi, p, null));
        }

        /** An increasing vector of {@code size} reals, each component with {@code prior} (may be null: flat). */
        public Builder ordered(String name, int size, Prior prior) {
            if (size < 2) throw new IllegalArgumentException("ordered '" + name + "' needs at least 2 components, got " + size);
            if (prior != null && (prior.lower() > Double.NEGATIVE_INFINITY || prior.upper() < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("ordered '" + name + "': the components' prior must have unbounded support, got " + prior.type());
            }
            return add(new Block(name, Kind.ORDERED, size, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, prior, null));
        }

        /** A vector of {@code size} positive components summing to 1, uniform on the simplex (Dirichlet(1, ..., 1)). */
        public Builder simplex(String name, int size) {
            return simplex(name, filled(size));
        }

        /** A simplex with a Dirichlet(alpha) prior; its size is alpha.length. */
        public Builder simplex(String name, double[] alpha) {
            if (alpha.length < 2) throw new IllegalArgumentException("simplex '" + name + "' needs at least 2 components, got " + alpha.length);
            for (double a : alpha) if (!(a > 0) || Double.isInfinite(a)) throw new IllegalArgumentException("simplex '" + name + "': Dirichlet alpha must be positive, got " + a);
            return add(new Block(name, Kind.SIMPLEX, alpha.length, 0, 1, null, alpha.clone()));
        }

        private static double[] filled(int n) {
            double[] a = new double[n];
            java.util.Arrays.fill(a, 1);
            return a;
        }

        /** The log-likelihood with automatic derivatives (Hipparchus {@link Gradient}). */
        public Builder logLikelihood(java.util.function.Function<Vars, Gradient> f) {
            if (auto != null || manual != null) throw new IllegalStateException("the log-likelihood is already set");
            auto = f;
            return this;
        }

        /** The log-likelihood with a hand-written gradient over the constrained parameters. */
        public Builder logLikelihood(LogDensity f) {
            if (auto != null || manual != null) throw new IllegalStateException("the log-likelihood is already set");
            manual = f;
            return this;
        }

        /** A quantity computed from every draw (and earlier generated quantities), saved with the draws. */
        public Builder generated(String name, ToDoubleFunction<Draw> f) {
            for (Block b : blocks) if (b.name().equals(name)) throw new IllegalArgumentException("'" + name + "' is already a parameter");
            if (generated.put(name, f) != null) throw new IllegalArgumentException("generated quantity '" + name + "' declared twice");
            return this;
        }

        public Model build() {
            if (blocks.isEmpty()) throw new IllegalStateException("a model needs at least one parameter");
            if (auto == null && manual == null) auto = v -> v.constant(0); // the prior alone
            return new Model(this);
        }
    }
}
