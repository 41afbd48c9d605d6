package org.ratiofit.validation.toys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;

/**
 * The exact parametrised ratio model of {@link NormalMeanSigma} as an ONNX graph with its sidecar:
 * ln r(x | mu, sigma) = ln N(x; mu, sigma) − ln N(x; 0, tau), written with operators that
 * ratio-models' exact evaluator differentiates (MatMul, Sub, Div, Mul, Log, Add), so it loads as a
 * {@link org.ratiofit.ratio.RatioModel} with exact θ-gradients — the reference against which a
 * trained neural ratio estimator is judged.
 *
 * <p>Inputs: {@value #FEATURE_INPUT} {@code [batch, 1]} (the observation x) and
 * {@value #PARAMETER_INPUT} {@code [batch, 2]} (mu, sigma), declared in the sidecar as the
 * parameter input; output {@value #OUTPUT} {@code [batch, 1]}, convention {@code log_ratio}.
 */
public final class NormalMeanSigmaOnnx {

    public static final String FEATURE = "x";
    public static final List<String> PARAMETERS = List.of("mu", "sigma");
    public static final String FEATURE_INPUT = "x";
    public static final String PARAMETER_INPUT = "theta";
    public static final String OUTPUT = "log_ratio";

    private NormalMeanSigmaOnnx() {}

    /**
     * Writes {@code NAME.onnx} and its sidecar {@code NAME.json} into {@code dir} for the reference
     * width {@code tau}; returns the sidecar's path.
     */
    public static Path write(Path dir, String name, double tau) {
        if (!(tau > 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("reference width tau must be positive and finite, got " + tau);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create folder " + dir, e);
        }
        OnnxGraphBuilder b = new OnnxGraphBuilder("normal_mean_sigma_log_ratio");
        b.input(FEATURE_INPUT, OnnxGraphBuilder.BATCH, 1);
        b.input(PARAMETER_INPUT, OnnxGraphBuilder.BATCH, 2);
        // column selectors pull mu and sigma out of theta as [batch, 1] tensors
        String selMu = b.initializer("select_mu", new double[] {1, 0}, 2, 1);
        String selSigma = b.initializer("select_sigma", new double[] {0, 1}, 2, 1);
        String minusHalf = b.initializer("minus_half", new double[] {-0.5}, 1);
        String refCurvature = b.initializer("half_inverse_tau_squared", new double[] {0.5 / (tau * tau)}, 1);
        String logTau = b.initializer("log_tau", new double[] {Math.log(tau)}, 1);
        String mu = b.node("MatMul", "mu", PARAMETER_INPUT, selMu);
        String sigma = b.node("MatMul", "sigma", PARAMETER_INPUT, selSigma);
        String d = b.node("Sub", "x_minus_mu", FEATURE_INPUT, mu);
        String z = b.node("Div", "z", d, sigma);
        String zz = b.node("Mul", "z_squared", z, z);
        String lnNum = b.node("Mul", "minus_half_z_squared", zz, minusHalf);
        String logSigma = b.node("Log", "log_sigma", sigma);
        String num = b.node("Sub", "log_numerator", lnNum, logSigma);
        String xx = b.node("Mul", "x_squared", FEATURE_INPUT, FEATURE_INPUT);
        String ref = b.node("Mul", "minus_log_reference", xx, refCurvature);
        String sum = b.node("Add", "ratio_without_constant", num, ref);
        b.nodeNamed("Add", List.of(sum, logTau), OUTPUT, Map.of());
        b.output(OUTPUT, OnnxGraphBuilder.BATCH, 1);
        b.metadata("ratiofit.tau", Double.toString(tau));
        Path onnx = dir.resolve(name + ".onnx");
        OnnxGraphBuilder.write(b.build(), onnx);
        ModelSidecar sc = ModelSidecar.binary(name, onnx.getFileName().toString(), FEATURE_INPUT, List.of(FEATURE),
                        ModelSidecar.OutputConvention.LOG_RATIO, "N(x; mu, sigma)", "N(x; 0, " + tau + ")")
                .withParameters(PARAMETERS, PARAMETER_INPUT);
        Path sidecar = dir.resolve(name + ".json");
        Sidecars.write(sc, sidecar);
        return sidecar;
    }
}
