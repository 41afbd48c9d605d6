package org.ratiofit.samplers.nuts.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.CauchyDistribution;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.hipparchus.analysis.differentiation.Gradient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.objective.Objective;
import org.ratiofit.samplers.nuts.NutsSampler;
import org.ratiofit.samplers.nuts.NutsSettings;
import org.ratiofit.samplers.nuts.PosteriorDensity;
import org.ratiofit.samplers.nuts.Prior;
import org.ratiofit.samplers.nuts.Priors;

/** The model-writing API against closed-form posteriors. */
class ModelTest {

    private static NutsSettings settings(long seed) {
        return NutsSettings.defaults().chains(4).warmup(500).samples(1000).seed(seed).quiet(true).threads(2);
    }

    /** Mean within 4 MCSE and sd within 4 of its Monte Carlo errors (sd/√(2 ESS)) of the exact values. */
    private static void assertMoments(ModelFit fit, String name, double mean, double sd) {
        ModelFit.Row r = fit.summary().row(name);
        assertTrue(Math.abs(r.mean() - mean) < 4 * r.mcseMean() + 1e-12, name + ": mean " + r.mean() + " ± " + r.mcseMean() + ", exact " + mean);
        double sdErr = r.sd() / Math.sqrt(2 * r.essBulk());
        assertTrue(Math.abs(r.sd() - sd) < 4 * sdErr + 0.01 * sd, name + ": sd " + r.sd() + " ± " + sdErr + ", exact " + sd);
        assertTrue(r.rhat() < 1.02, name + ": R-hat " + r.rhat());
    }

    /** Kolmogorov–Smirnov distance of the pooled draws against a CDF below the 99.9% value for the ESS. */
    private static void assertCdf(ModelFit fit, String name, DoubleUnaryOperator cdf) {
        double[] x = fit.pooled(name).clone();
        java.util.Arrays.sort(x);
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            double f = cdf.applyAsDouble(x[i]);
            d = Math.max(d, Math.max(Math.abs(f - (double) i / x.length), Math.abs(f - (i + 1.0) / x.length)));
        }
        double ess = Math.min(fit.summary().row(name).essBulk(), x.length);
        assertTrue(d < 1.95 / Math.sqrt(ess), name + ": KS D = " + d + " with ESS " + ess);
    }

    @Test
    void normalMeanWithNormalPriorAutomaticDerivatives() {
        // y_i ~ N(mu, 1.5), mu ~ N(1, 2): posterior N((1/4 + Σy/2.25)/(1/4 + n/2.25), (1/4 + n/2.25)^(−1/2))
        Random r = new Random(3);
        double[] y = new double[25];
        double sum = 0;
        for (int i = 0; i < y.length; i++) sum += y[i] = 0.4 + 1.5 * r.nextGaussian();
        double s2 = 2.25, prec = 1 / 4.0 + y.length / s2;
        double mean = (1 / 4.0 + sum / s2) / prec;
        final double total = sum;
        Model m = Model.builder()
                .real("mu", Prior.normal(1, 2))
                .logLikelihood(p -> {
                    Gradient mu = p.get("mu");
                    // Σ −(y − mu)²/(2 s²) = −(n mu² − 2 mu Σy)/(2 s²) + const
                    return mu.multiply(mu).multiply(-y.length / (2 * s2)).add(mu.multiply(total / s2));
                })
                .generated("mu2", d -> d.get("mu") * d.get("mu"))
                .build();
        ModelFit fit = m.sample(settings(1));
        assertMoments(fit, "mu", mean, Math.sqrt(1 / prec));
        // generated quantity: E[mu²] = mean² + var
        ModelFit.Row g = fit.summary().row("mu2");
        assertEquals(mean * mean + 1 / prec, g.mean(), 4 * g.mcseMean());
        NormalDistribution post = new NormalDistribution(mean, Math.sqrt(1 / prec));
        assertCdf(fit, "mu", post::cumulativeProbability);
        // caller-chosen quantiles
        ModelFit.Summary s = fit.summary(0.025, 0.975);
        assertEquals(2, s.rows().get(0).quantiles().length);
        assertEquals(post.inverseCumulativeProbability(0.025), s.row("mu").quantiles()[0], 0.05);
        assertEquals(post.inverseCumulativeProbability(0.975), s.row("mu").quantiles()[1], 0.05);
        assertTrue(s.toText().contains("2.5%"), s.toText());
        assertTrue(s.toJson().contains("\"formatVersion\" : 1"));
    }

    @Test
    void betaBinomialWithUserGradientAndBoundedType() {
        // p ~ Beta(2, 3), k = 7 of n = 20: posterior Beta(9, 16)
        int k = 7, n = 20;
        Model m = Model.builder()
                .bounded("p", 0, 1, Priors.beta(2, 3))
                .logLikelihood((x, g) -> {
                    double p = x[0];
                    g[0] = k / p - (n - k) / (1 - p);
                    return k * Math.log(p) + (n - k) * Math.log1p(-p);
                })
                .generated("odds", d -> d.get("p") / (1 - d.get("p")))
                .build();
        ModelFit fit = m.sample(settings(2));
        BetaDistribution post = new BetaDistribution(9, 16);
        assertMoments(fit, "p", post.getNumericalMean(), Math.sqrt(post.getNumericalVariance()));
        assertCdf(fit, "p", post::cumulativeProbability);
        // E[p/(1 − p)] under Beta(a, b) = a/(b − 1)
        ModelFit.Row odds = fit.summary().row("odds");
        assertEquals(9.0 / 15, odds.mean(), 4 * odds.mcseMean());
    }

    @Test
    void gammaPoissonWithPositiveType() {
        // λ ~ Gamma(3, rate 0.5), counts Poisson(λ): posterior Gamma(3 + Σk, 0.5 + n)
        int[] counts = {4, 2, 5, 3, 6, 4, 1, 3};
        int sum = 0;
        for (int c : counts) sum += c;
        final int s = sum;
        Model m = Model.builder()
                .positive("lambda", Priors.gamma(3, 0.5))
                .logLikelihood(p -> p.get("lambda").log().multiply(s).subtract(p.get("lambda").multiply(counts.length)))
                .build();
        ModelFit fit = m.sample(settings(3).stanInit());
        GammaDistribution post = new GammaDistribution(3 + s, 1 / (0.5 + counts.length));
        assertMoments(fit, "lambda", post.getNumericalMean(), Math.sqrt(post.getNumericalVariance()));
        assertCdf(fit, "lambda", post::cumulativeProbability);
    }

    /** Each prior alone (no data) is its own posterior: draws against the prior's CDF. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cauchy", "student-t", "gamma", "beta", "half-normal", "half-cauchy", "exponential", "custom-laplace"})
    void everyPriorAloneIsSampledExactly(String kind) {
        Prior prior;
        DoubleUnaryOperator cdf;
        switch (kind) {
            case "cauchy" -> { prior = Priors.cauchy(1, 0.5); CauchyDistribution c = new CauchyDistribution(1, 0.5); cdf = c::cumulativeProbability; }
            case "student-t" -> { prior = Priors.studentT(5, -1, 2); TDistribution t = new TDistribution(5); cdf = x -> t.cumulativeProbability((x + 1) / 2); }
            case "gamma" -> { prior = Priors.gamma(2.5, 1.5); GammaDistribution g = new GammaDistribution(2.5, 1 / 1.5); cdf = g::cumulativeProbability; }
            case "beta" -> { prior = Priors.beta(0.8, 2.5); BetaDistribution b = new BetaDistribution(0.8, 2.5); cdf = b::cumulativeProbability; }
            case "half-normal" -> { prior = Priors.halfNormal(1.3); NormalDistribution nd = new NormalDistribution(0, 1.3); cdf = x -> 2 * nd.cumulativeProbability(x) - 1; }
            case "half-cauchy" -> { prior = Priors.halfCauchy(0.7); cdf = x -> 2 / Math.PI * Math.atan(x / 0.7); }
            case "exponential" -> { prior = Priors.exponential(2); ExponentialDistribution e = new ExponentialDistribution(0.5); cdf = e::cumulativeProbability; }
            default -> { prior = new Laplace(0.5, 1.2); cdf = x -> x < 0.5 ? 0.5 * Math.exp((x - 0.5) / 1.2) : 1 - 0.5 * Math.exp(-(x - 0.5) / 1.2); }
        }
        // the density integrates to 1 (normalisation) over its support
        double lo = Math.max(prior.lower(), -400), hi = Math.min(prior.upper(), 400);
        int steps = 400_000;
        double integral = 0, h = (hi - lo) / steps;
        for (int i = 0; i < steps; i++) integral += Math.exp(prior.logDensity(lo + (i + 0.5) * h)) * h;
        double tailMass = cdf.applyAsDouble(lo) + 1 - cdf.applyAsDouble(hi);
        // beta(0.8, ·) has an integrable singularity at 0: the midpoint rule misses ~h^0.8 of it
        assertEquals(1 - tailMass, integral, kind.equals("beta") ? 2e-3 : 2e-4, kind + " normalisation");
        // the derivative of the log-density against finite differences
        for (double x : new double[] {0.3, 0.9, 2.1}) {
            if (!(x > prior.lower() && x < prior.upper())) continue;
            double d = 1e-6;
            double fd = (prior.logDensity(x + d) - prior.logDensity(x - d)) / (2 * d);
            assertEquals(fd, prior.dLogDensity(x), 1e-5 * (1 + Math.abs(fd)), kind + " derivative at " + x);
        }
        Model m = Model.builder().real("x", prior).build();
        ModelFit fit = m.sample(settings(4).samples(2000));
        assertCdf(fit, "x", cdf);
    }

    /** A user-defined prior through the extension point. */
    record Laplace(double location, double scale) implements Prior.Custom {
        public double logDensity(double x) {
            return -Math.log(2 * scale) - Math.abs(x - location) / scale;
        }

        public double dLogDensity(double x) {
            return -Math.signum(x - location) / scale;
        }

        public String type() {
            return "laplace";
        }
    }

    @Test
    void orderedPairOfNormalsHasTheOrderStatisticsMoments() {
        // two iid N(0, 1) components, ordered: E[max] = 1/√π, Var[max] = 1 − 1/π
        Model m = Model.builder().ordered("x", 2, Prior.normal(0, 1))
                .generated("gap", d -> d.vector("x")[1] - d.vector("x")[0]).build();
        ModelFit fit = m.sample(settings(5));
        assertMoments(fit, "x[1]", 1 / Math.sqrt(Math.PI), Math.sqrt(1 - 1 / Math.PI));
        assertMoments(fit, "x[0]", -1 / Math.sqrt(Math.PI), Math.sqrt(1 - 1 / Math.PI));
        double[] gap = fit.pooled("gap");
        for (double g : gap) assertTrue(g > 0, "ordered components out of order");
    }

    @Test
    void dirichletMultinomialSimplex() {
        // w ~ Dirichlet(1, 2, 3), counts (5, 1, 8): posterior Dirichlet(6, 3, 11); marginal Beta(α_k, Σα − α_k)
        int[] counts = {5, 1, 8};
        Model m = Model.builder().simplex("w", new double[] {1, 2, 3})
                .logLikelihood(p -> {
                    Gradient[] w = p.vector("w");
                    Gradient ll = p.constant(0);
                    for (int k = 0; k < 3; k++) ll = ll.add(w[k].log().multiply(counts[k]));
                    return ll;
                })
                .generated("sum", d -> d.vector("w")[0] + d.vector("w")[1] + d.vector("w")[2])
                .build();
        ModelFit fit = m.sample(settings(6));
        double[] alpha = {6, 3, 11};
        for (int k = 0; k < 3; k++) {
            BetaDistribution b = new BetaDistribution(alpha[k], 20 - alpha[k]);
            assertMoments(fit, "w[" + k + "]", b.getNumericalMean(), Math.sqrt(b.getNumericalVariance()));
        }
        for (double s : fit.pooled("sum")) assertEquals(1, s, 1e-12);
    }

    @Test
    void stanStyleInitialisationDrawsEachChainUniformlyOnTheUnconstrainedScale() {
        List<double[]> firsts = new ArrayList<>();
        for (long seed = 1; seed <= 6; seed++) {
            double[][] first = new double[1][];
            Model m = Model.builder().positive("s", Priors.exponential(1)).real("m", Prior.normal(0, 1)).build();
            Objective o = m.objective();
            Objective spy = new Objective() {
                public List<org.ratiofit.objective.ParameterSpec> parameters() {
                    return o.parameters();
                }

                public double value(double[] x) {
                    return o.value(x);
                }

                public boolean hasGradient() {
                    return true;
                }

                public synchronized double valueAndGradient(double[] x, double[] g) {
                    if (first[0] == null) first[0] = x.clone();
                    return o.valueAndGradient(x, g);
                }

                public double errorDef() {
                    return 0.5;
                }
            };
            NutsSampler.sample(new PosteriorDensity(spy), NutsSettings.defaults().chains(1).warmup(10).samples(10).seed(seed).quiet(true).stanInit(), null);
            firsts.add(first[0]);
        }
        for (double[] y : firsts) for (double v : y) assertTrue(Math.abs(v) < 2, "start " + v);
        // different per seed, and not at the initial values (0)
        assertTrue(firsts.stream().mapToDouble(y -> y[0]).distinct().count() == firsts.size());
        assertThrows(IllegalArgumentException.class, () -> NutsSettings.defaults().initUniform(-1).validate());
    }

    @Test
    void badDeclarationsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Model.builder().real("a", null).real("a", null));
        assertTrue(e.getMessage().contains("declared twice"));
        e = assertThrows(IllegalArgumentException.class, () -> Model.builder().bounded("p", 2, 3, Priors.beta(1, 1)));
        assertTrue(e.getMessage().contains("do not overlap"));
        e = assertThrows(IllegalArgumentException.class, () -> Priors.gamma(-1, 1));
        assertTrue(e.getMessage().contains("shape"));
    }
}
