package org.ratiofit.validation.toys;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * The toy of multiclass and parametric-in-nuisance (PNN) training: three classes (samples)
 * {@code htt} (the signal, yield × mu), {@code ttbar} and {@code ztt} (the reference) in two
 * features {@code x1, x2}, and two nuisance parameters {@code tes, jes}. Each class is a Gaussian
 * with diagonal covariance diag(s_c²) whose mean moves linearly with ν:
 * x ~ N(m_c + A_c ν, diag(s_c²)). Everything a trained model should learn is known exactly:
 * <ul>
 *   <li>the multiclass log-ratio against the reference at ν = 0:
 *       ln p_c(x)/p_ztt(x), a quadratic in x;</li>
 *   <li>the per-event nuisance dependence, exactly polynomial in ν:
 *       ln p_c(x|ν)/p_c(x|0) = Σ_k [(x_k − m_ck)(A_c ν)_k − ½ (A_c ν)_k²]/s_ck²
 *       = Σ_A Δ_A(x) m_A(ν) over the monomials tes, jes, tes², tes·jes, jes² (the likelihood's order),
 *       with Δ_l(x) = Σ_k A_kl (x_k − m_k)/s_k² (linear in x), Δ_ll = −½ Σ_k A_kl²/s_k² and
 *       Δ_lm = −Σ_k A_kl A_km/s_k² (l &lt; m) constants; it is the log-ratio of normalised
 *       densities (E_{p_c(x|0)}[exp Σ_A Δ_A m_A(ν)] = 1), a pure shape;</li>
 *   <li>the inclusive yields ν_c(ν) = ν_c exp(Σ_A δ_cA m_A(ν)) (GOLLUM's inclusive
 *       parametrisation, here exact).</li>
 * </ul>
 * Parameters of every {@code double[] theta} here: mu, tes, jes.
 */
public final class ThreeClassNuisanceToy {

    public static final List<String> CLASSES = List.of("htt", "ttbar", "ztt");
    public static final int HTT = 0;
    public static final int TTBAR = 1;
    public static final int ZTT = 2;
    /** The reference class. */
    public static final int REFERENCE = ZTT;
    public static final List<String> FEATURES = List.of("x1", "x2");
    public static final List<String> PARAMETERS = List.of("tes", "jes");
    /** Monomials in the likelihood's order (linear, then l ≤ m products), as named in sidecars. */
    public static final List<String> MONOMIALS = List.of("tes", "jes", "tes*tes", "tes*jes", "jes*jes");
    public static final int M = MONOMIALS.size();

    /**
     * One class: mean m, widths s, shift matrix A[feature][parameter], nominal yield and the
     * inclusive yield coefficients δ_A (one per monomial).
     */
    public record ClassSpec(String name, double[] mean, double[] sigma, double[][] shift, double yield,
            double[] yieldCoefficients) {
    }

    private final List<ClassSpec> classes;

    public ThreeClassNuisanceToy(List<ClassSpec> classes) {
        if (classes.size() != 3) {
            throw new IllegalArgumentException("three classes expected, got " + classes.size());
        }
        this.classes = List.copyOf(classes);
    }

    /** The standard toy: htt 300, ttbar 1000, ztt 3000 events at ν = 0. */
    public static ThreeClassNuisanceToy standard() {
        return new ThreeClassNuisanceToy(List.of(
                new ClassSpec("htt", new double[] {1.0, 0.5}, new double[] {0.6, 0.8},
                        new double[][] {{0.20, 0.0}, {0.05, 0.10}}, 300, new double[] {0.04, 0.02, -0.004, 0.003, 0.001}),
                new ClassSpec("ttbar", new double[] {-0.8, 1.0}, new double[] {1.1, 0.9},
                        new double[][] {{0.10, 0.05}, {0.0, 0.15}}, 1000, new double[] {0.01, 0.05, 0.002, 0.0, -0.003}),
                new ClassSpec("ztt", new double[] {0.0, -0.3}, new double[] {1.0, 1.0},
                        new double[][] {{0.25, 0.0}, {0.0, 0.05}}, 3000, new double[] {0.03, 0.01, 0.0, 0.0, 0.0})));
    }

    public ClassSpec spec(int c) {
        return classes.get(c);
    }

    /** Monomial values m_A(ν): tes, jes, tes², tes·jes, jes². */
    public static double[] monomials(double[] nu) {
        return new double[] {nu[0], nu[1], nu[0] * nu[0], nu[0] * nu[1], nu[1] * nu[1]};
    }

    /** ln p_c(x|ν), the normalised Gaussian density. */
    public double logPdf(int c, double x1, double x2, double[] nu) {
        ClassSpec s = classes.get(c);
        double[] x = {x1, x2};
        double l = 0;
        for (int k = 0; k < 2; k++) {
            double m = s.mean()[k] + s.shift()[k][0] * nu[0] + s.shift()[k][1] * nu[1];
            double z = (x[k] - m) / s.sigma()[k];
            l += -0.5 * z * z - Math.log(s.sigma()[k]) - 0.5 * Math.log(2 * Math.PI);
        }
        return l;
    }

    /** The exact multiclass log-ratio ln p_c(x|0)/p_ref(x|0). */
    public double logRatio(int c, double x1, double x2) {
        return logPdf(c, x1, x2, ZERO) - logPdf(REFERENCE, x1, x2, ZERO);
    }

    private static final double[] ZERO = {0, 0};

    /** The exact coefficients Δ_A(x) of class c, in {@link #MONOMIALS} order. */
    public double[] delta(int c, double x1, double x2) {
        ClassSpec s = classes.get(c);
        double[] x = {x1, x2};
        double[] d = new double[M];
        for (int k = 0; k < 2; k++) {
            double iv = 1 / (s.sigma()[k] * s.sigma()[k]);
            double dx = x[k] - s.mean()[k];
            double a0 = s.shift()[k][0];
            double a1 = s.shift()[k][1];
            d[0] += a0 * dx * iv;
            d[1] += a1 * dx * iv;
            d[2] += -0.5 * a0 * a0 * iv;
            d[3] += -a0 * a1 * iv;
            d[4] += -0.5 * a1 * a1 * iv;
        }
        return d;
    }

    /** Δ_A(x) for columns x[feature][event]: [monomial][event]. */
    public double[][] deltaColumns(int c, double[][] x) {
        int n = x[0].length;
        double[][] out = new double[M][n];
        for (int i = 0; i < n; i++) {
            double[] d = delta(c, x[0][i], x[1][i]);
            for (int a = 0; a < M; a++) {
                out[a][i] = d[a];
            }
        }
        return out;
    }

    /** ln p_c(x|0)/p_ref(x|0) for columns. */
    public double[] logRatioColumn(int c, double[][] x) {
        int n = x[0].length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = logRatio(c, x[0][i], x[1][i]);
        }
        return out;
    }

    /** ν_c(ν) = ν_c exp(Σ_A δ_cA m_A(ν)) (without mu). */
    public double yield(int c, double[] nu) {
        ClassSpec s = classes.get(c);
        double[] m = monomials(nu);
        double e = 0;
        for (int a = 0; a < M; a++) {
            e += s.yieldCoefficients()[a] * m[a];
        }
        return s.yield() * Math.exp(e);
    }

    /** n events of class c at ν: columns [feature][event]. */
    public double[][] sample(int c, double[] nu, int n, long seed) {
        ClassSpec s = classes.get(c);
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = new double[2][n];
        for (int k = 0; k < 2; k++) {
            double m = s.mean()[k] + s.shift()[k][0] * nu[0] + s.shift()[k][1] * nu[1];
            for (int i = 0; i < n; i++) {
                x[k][i] = m + s.sigma()[k] * gaussian(rng);
            }
        }
        return x;
    }

    /** A standard normal by Box–Muller (one value per call; deterministic for the generator). */
    static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * Observed data at theta = (mu, tes, jes): Poisson counts per class around mu·ν_htt(ν),
     * ν_ttbar(ν), ν_ztt(ν), events drawn at ν. Columns [feature][event].
     */
    public double[][] generate(double[] theta, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] nu = {theta[1], theta[2]};
        List<double[][]> parts = new ArrayList<>();
        int total = 0;
        for (int c = 0; c < 3; c++) {
            double lambda = (c == HTT ? theta[0] : 1) * this.yield(c, nu);
            int n = poisson(lambda, rng);
            double[][] x = sample(c, nu, n, rng.nextLong());
            parts.add(x);
            total += n;
        }
        double[][] out = new double[2][total];
        int at = 0;
        for (double[][] p : parts) {
            for (int k = 0; k < 2; k++) {
                System.arraycopy(p[k], 0, out[k], at, p[k].length);
            }
            at += p[0].length;
        }
        return out;
    }

    private static int poisson(double lambda, SplittableRandom rng) {
        // normal approximation with continuity correction is not exact; use the product method in blocks
        int n = 0;
        double remaining = lambda;
        while (remaining > 0) {
            double step = Math.min(remaining, 500);
            remaining -= step;
            double l = Math.exp(-step);
            double p = 1;
            while (true) {
                p *= rng.nextDouble();
                if (p <= l) {
                    break;
                }
                n++;
            }
        }
        return n;
    }

    /**
     * The textbook extended unbinned −ln L of data x at theta = (mu, tes, jes), with unit Gaussian
     * constraints on tes and jes: Σ_c ν_c(θ) − Σ_i ln Σ_c ν_c(θ) p_c(x_i|ν) + ½(tes² + jes²).
     */
    public Objective exactNll(double[][] x) {
        ThreeClassNuisanceToy toy = this;
        List<ParameterSpec> specs = List.of(ParameterSpec.bounded("mu", 1, 0.1, 0, 10), ParameterSpec.free("tes", 0, 0.5),
                ParameterSpec.free("jes", 0, 0.5));
        return new Objective() {
            @Override
            public List<ParameterSpec> parameters() {
                return specs;
            }

            @Override
            public double value(double[] t) {
                double[] nu = {t[1], t[2]};
                double[] y = new double[3];
                double sum = 0;
                for (int c = 0; c < 3; c++) {
                    y[c] = (c == HTT ? t[0] : 1) * toy.yield(c, nu);
                    sum += y[c];
                }
                double v = sum + 0.5 * (t[1] * t[1] + t[2] * t[2]);
                for (int i = 0; i < x[0].length; i++) {
                    double d = 0;
                    for (int c = 0; c < 3; c++) {
                        d += y[c] * Math.exp(toy.logPdf(c, x[0][i], x[1][i], nu));
                    }
                    v -= Math.log(d);
                }
                return v;
            }

            @Override
            public double errorDef() {
                return 0.5;
            }
        };
    }

    /**
     * Per-event columns of one class on some events: the log-ratio against the reference at ν = 0
     * and the polynomial coefficients Δ_A (null: no polynomial).
     */
    public record Columns(double[] logRatio, double[][] delta) {
        SampleColumns sampleColumns() {
            return new SampleColumns(logRatio, List.of(), List.of(), delta == null ? List.of() : List.of(delta));
        }
    }

    /** The exact columns of class c on events x. */
    public Columns exactColumns(int c, double[][] x) {
        return new Columns(logRatioColumn(c, x), deltaColumns(c, x));
    }

    /**
     * The workspace model of this toy from per-class columns on the data and on the reference
     * events (weights 1/N): htt × mu, every class with the polynomial modifier over tes, jes and
     * the given yield coefficients (one set per class), tes and jes unit-Gaussian constrained.
     * Parameters mu (poi, [0, 10]), tes, jes. With the exact columns and yield coefficients its
     * −ln L equals {@link #exactNll} up to the constant Σ ln p_ztt(x_i|0), with each class's shape
     * (its polynomial rows) divided by its average over the reference events (the default shape
     * normalisation: exact as the reference sample grows; a finite-sample correction otherwise).
     */
    public Model model(int dataEvents, Columns[] data, int referenceEvents, Columns[] reference, double[][] yieldCoefficients) {
        double[] w = new double[referenceEvents];
        java.util.Arrays.fill(w, 1.0 / referenceEvents);
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, 0, 10))
                .parameter(Parameter.constrained("tes")).parameter(Parameter.constrained("jes"));
        ModelBuilder.UnbinnedBuilder u = b.unbinned("SR", dataEvents);
        Map<String, SampleColumns> refCols = new java.util.LinkedHashMap<>();
        for (int c = 0; c < 3; c++) {
            ModelBuilder.SampleBuilder s = u.sample(CLASSES.get(c), classes.get(c).yield(), data[c].logRatio());
            if (c == HTT) {
                s.normFactor("mu");
            }
            s.polynomial(PARAMETERS, yieldCoefficients[c], List.of(data[c].delta()));
            s.end();
            refCols.put(CLASSES.get(c), reference[c].sampleColumns());
        }
        u.reference(new EventSet(referenceEvents, w, refCols)).end();
        return b.build();
    }

    /** The model with the exact columns on data x and reference events ref, and the exact yield coefficients. */
    public Model exactModel(double[][] x, double[][] ref) {
        Columns[] d = new Columns[3];
        Columns[] r = new Columns[3];
        double[][] yc = new double[3][];
        for (int c = 0; c < 3; c++) {
            d[c] = exactColumns(c, x);
            r[c] = exactColumns(c, ref);
            yc[c] = classes.get(c).yieldCoefficients().clone();
        }
        return model(x[0].length, d, ref[0].length, r, yc);
    }
}
