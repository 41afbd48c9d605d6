package org.ratiofit.validation.toys;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;

/**
 * Exact ratio models of the analytic toys as ONNX files with their sidecars: what a perfectly
 * trained classifier would give, to test everything downstream of the network without training
 * noise. Each loads as a {@link org.ratiofit.ratio.RatioModel} (output convention
 * {@code log_ratio}); several make an {@link Ensemble} folder.
 *
 * <p>A {@link Distortion} turns an exact model into a deliberately wrong one (ln r scaled and
 * shifted), so that closure checks can be shown to fail.
 */
public final class ExactOnnxModels {

    /** Feature name of the Gaussian-on-exponential observable. */
    public static final String GOE_FEATURE = "x";
    static final String INPUT = "input";
    static final String OUTPUT = "log_ratio";

    private ExactOnnxModels() {
    }

    /**
     * ln r written = scale · ln r_exact + offset: {@link #EXACT} is (1, 0); an offset breaks the
     * normalisation E_den[r] = 1, a scale other than 1 makes the model over- or under-confident.
     */
    public record Distortion(double scale, double offset) {
        public static final Distortion EXACT = new Distortion(1, 0);

        public Distortion {
            if (!Double.isFinite(scale) || !Double.isFinite(offset)) {
                throw new IllegalArgumentException("distortion must be finite: " + scale + ", " + offset);
            }
        }
    }

    /**
     * The signal density with its peak at {@code alphaShift} against the background density (the
     * reference) of the Gaussian-on-exponential toy. With z = (x − m0)/s (the sidecar's standard
     * scaling, done in double precision) and d = shift·α/s the log-ratio is exactly quadratic:
     * ln r = −z²/2 + (d + slope·s) z − d²/2 − ln(s √(2π) Z(m)) − ln(slope/(1 − e^{−slope(hi−lo)})) + slope (m0 − lo),
     * Z(m) the Gaussian's mass inside the window.
     *
     * @return the sidecar's path ({@code dir/name.json}, beside {@code dir/name.onnx})
     */
    public static Path gaussianOnExponentialSignal(GaussianOnExponential toy, double alphaShift, Path dir, String name,
                                                   Distortion distortion) {
        GaussianOnExponential.Config c = toy.config();
        double s = c.width();
        double m = toy.peak(alphaShift);
        double d = (m - c.mass()) / s;
        double bkgNorm = -Math.expm1(-c.slope() * (c.hi() - c.lo()));
        double a = -0.5;
        double b = d + c.slope() * s;
        double c0 = -0.5 * d * d - Math.log(s * Math.sqrt(2 * Math.PI) * toy.windowMass(m))
                - Math.log(c.slope() / bkgNorm) + c.slope() * (c.mass() - c.lo());
        double k = distortion.scale();
        OnnxGraphBuilder g = new OnnxGraphBuilder("gaussian_on_exponential_signal");
        String in = g.input(INPUT, OnnxGraphBuilder.BATCH, 1);
        String aName = g.initializer("a", new double[] {k * a}, 1);
        String bName = g.initializer("b", new double[] {k * b}, 1);
        String cName = g.initializer("c", new double[] {k * c0 + distortion.offset()}, 1);
        String zz = g.node("Mul", "zz", in, in);
        String quad = g.node("Mul", "quad", zz, aName);
        String lin = g.node("Mul", "lin", in, bName);
        String sum = g.node("Add", "sum", quad, lin);
        g.nodeNamed("Add", List.of(sum, cName), OUTPUT, Map.of());
        g.output(OUTPUT, OnnxGraphBuilder.BATCH, 1);
        g.metadata("ratiofit.features", GOE_FEATURE);
        OnnxGraphBuilder.write(g.build(), dir.resolve(name + ".onnx"));
        ModelSidecar sc = ModelSidecar.binary(name, name + ".onnx", INPUT, List.of(GOE_FEATURE), OutputConvention.LOG_RATIO,
                        alphaShift == 0 ? "signal" : "signal_alpha_shift_" + alphaShift, "background")
                .withScaling(List.of(new ModelSidecar.Standard(List.of(GOE_FEATURE), new double[] {c.mass()}, new double[] {s})));
        Path sidecar = dir.resolve(name + ".json");
        Sidecars.write(sc, sidecar);
        return sidecar;
    }

    /**
     * ln p_num(x)/p_den(x) of two axis-aligned Gaussian mixtures as a log-sum-exp of quadratic
     * forms: per mixture Q = (x⊙x) A + x B + c over its components (A = −1/(2σ²), B = m/σ²,
     * c = ln w − Σ(m²/(2σ²) + ln σ) − D ln(2π)/2), then max + ln Σ exp(Q − max), so no component's
     * exponential under- or overflows in float32.
     */
    public static Path gaussianMixture(GaussianMixture numerator, GaussianMixture denominator, List<String> features,
                                       Path dir, String name, Distortion distortion) {
        int dim = numerator.dimension();
        if (denominator.dimension() != dim || features.size() != dim) {
            throw new IllegalArgumentException("mixtures of dimension " + dim + " and " + denominator.dimension()
                    + " with " + features.size() + " feature names");
        }
        OnnxGraphBuilder g = new OnnxGraphBuilder("gaussian_mixture_log_ratio");
        String in = g.input(INPUT, OnnxGraphBuilder.BATCH, dim);
        String sq = g.node("Mul", "sq", in, in);
        String lseNum = logSumExp(g, numerator, in, sq, "num");
        String lseDen = logSumExp(g, denominator, in, sq, "den");
        String diff = g.node("Sub", "diff", lseNum, lseDen);
        String scale = g.initializer("scale", new double[] {distortion.scale()}, 1);
        String offset = g.initializer("offset", new double[] {distortion.offset()}, 1);
        String scaled = g.node("Mul", "scaled", diff, scale);
        g.nodeNamed("Add", List.of(scaled, offset), OUTPUT, Map.of());
        g.output(OUTPUT, OnnxGraphBuilder.BATCH, 1);
        g.metadata("ratiofit.features", String.join(",", features));
        OnnxGraphBuilder.write(g.build(), dir.resolve(name + ".onnx"));
        ModelSidecar sc = ModelSidecar.binary(name, name + ".onnx", INPUT, features, OutputConvention.LOG_RATIO, "numerator", "denominator");
        Path sidecar = dir.resolve(name + ".json");
        Sidecars.write(sc, sidecar);
        return sidecar;
    }

    private static String logSumExp(OnnxGraphBuilder g, GaussianMixture mix, String x, String sq, String tag) {
        int dim = mix.dimension();
        int k = mix.components();
        double[] a = new double[dim * k];
        double[] b = new double[dim * k];
        double[] c = new double[k];
        for (int j = 0; j < k; j++) {
            double cj = Math.log(mix.weight(j)) - 0.5 * dim * Math.log(2 * Math.PI);
            for (int d = 0; d < dim; d++) {
                double sd = mix.width(j, d);
                double m = mix.mean(j, d);
                a[d * k + j] = -0.5 / (sd * sd);
                b[d * k + j] = m / (sd * sd);
                cj -= 0.5 * m * m / (sd * sd) + Math.log(sd);
            }
            c[j] = cj;
        }
        String aName = g.initializer("A_" + tag, a, dim, k);
        String bName = g.initializer("B_" + tag, b, dim, k);
        String cName = g.initializer("c_" + tag, c, k);
        String ones = g.initializer("ones_" + tag, filled(k), k, 1);
        String q2 = g.node("MatMul", "q2_" + tag, sq, aName);
        String q1 = g.node("MatMul", "q1_" + tag, x, bName);
        String q = g.node("Add", "q_" + tag, g.node("Add", "q12_" + tag, q2, q1), cName);
        String max = g.node("ReduceMax", List.of(q), "max_" + tag, Map.of("axes", new long[] {1}, "keepdims", 1));
        String e = g.node("Exp", "exp_" + tag, g.node("Sub", "shifted_" + tag, q, max));
        String sum = g.node("MatMul", "sum_" + tag, e, ones);
        return g.node("Add", "lse_" + tag, g.node("Log", "log_" + tag, sum), max);
    }

    private static double[] filled(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0);
        return v;
    }

    /**
     * Writes {@code dir/ensemble.json} listing the member sidecars (paths made relative to
     * {@code dir}) with the mean-of-ratios aggregation; returns the folder.
     */
    public static Path ensemble(Path dir, String name, List<Path> memberSidecars) {
        List<String> rel = new ArrayList<>();
        Path base = dir.toAbsolutePath().normalize();
        for (Path p : memberSidecars) {
            rel.add(base.relativize(p.toAbsolutePath().normalize()).toString());
        }
        Ensemble.writeManifest(EnsembleManifest.of(name, rel, EnsembleManifest.Aggregation.MEAN_RATIO), dir.resolve(EnsembleManifest.FILE_NAME));
        return dir;
    }

    /**
     * An ensemble folder of Gaussian-on-exponential signal models at α_shift = 0, one member per
     * distortion (members named {@code m0, m1, ...}, each in its own sub-folder).
     */
    public static Path gaussianOnExponentialEnsemble(GaussianOnExponential toy, Path dir, String name, List<Distortion> members) {
        List<Path> sidecars = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            sidecars.add(gaussianOnExponentialSignal(toy, 0, dir.resolve("m" + i), "m" + i, members.get(i)));
        }
        return ensemble(dir, name, sidecars);
    }

    /** An ensemble folder of mixture log-ratio models, one member per distortion. */
    public static Path gaussianMixtureEnsemble(GaussianMixture numerator, GaussianMixture denominator, List<String> features,
                                               Path dir, String name, List<Distortion> members) {
        List<Path> sidecars = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            sidecars.add(gaussianMixture(numerator, denominator, features, dir.resolve("m" + i), "m" + i, members.get(i)));
        }
        return ensemble(dir, name, sidecars);
    }
}
