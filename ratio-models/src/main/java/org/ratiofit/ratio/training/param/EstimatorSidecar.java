package org.ratiofit.ratio.training.param;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.ratiofit.ratio.RatioModelException;
import org.ratiofit.ratio.Sidecars;

/**
 * What a MadMiner-style estimator is, written beside its model sidecar as {@code NAME.estimator.json}
 * (format {@value #FORMAT}, version {@value #FORMAT_VERSION}): the method and α, the feature and
 * parameter names in input order, the scaling of θ (mean and scale: the network sees (θ − mean)/scale;
 * also in the model sidecar's {@code scaling}), whether the output is ln r̂ or a score vector, and
 * the reference point θ1 (ratio methods) or θ_ref (SALLY), and λ of the regulariser on |∇ₓ ln r̂|
 * (version 2; a version-1 file has none: 0). A doubly parametrised estimator (methods with suffix 2)
 * is format version 3 with {@code doubly_parametrised: true} and {@code theta1_inputs}, the names of
 * the θ1 inputs that follow θ0 in the network input ({@code parameter_mean}/{@code parameter_scale}
 * serve θ0 and θ1 alike: they share one scaling); singly parametrised files stay version 2.
 *
 * @param model           the model sidecar's file name (same folder)
 * @param output          {@code log_ratio} or {@code local_score}
 * @param parameterMean   per parameter, the scaling offset (null for SALLY: θ is not an input)
 * @param parameterScale  per parameter, the scaling divisor (null for SALLY)
 * @param referenceTheta  θ1 or θ_ref, null when not known
 * @param xGradientPenalty λ of the training loss term λ·mean |∇ₓ ln r̂|² over the scaled features (0 = off;
 *                        null in a version-1 file)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EstimatorSidecar(String format, int formatVersion, String model, String method, double alpha,
        List<String> features, List<String> parameters, String output, double[] parameterMean,
        double[] parameterScale, double[] referenceTheta, int trainingEvents, int epochs, int bestEpoch,
        Double xGradientPenalty, Boolean doublyParametrised, List<String> theta1Inputs) {

    public static final String FORMAT = "ratiofit-estimator";
    public static final int FORMAT_VERSION = 2;
    /** Version of a doubly parametrised estimator's file (θ1 a network input); singly parametrised files stay version 2. */
    public static final int FORMAT_VERSION_DOUBLY = 3;

    /** A singly parametrised estimator's record (format version 2 or older). */
    public EstimatorSidecar(String format, int formatVersion, String model, String method, double alpha,
            List<String> features, List<String> parameters, String output, double[] parameterMean,
            double[] parameterScale, double[] referenceTheta, int trainingEvents, int epochs, int bestEpoch,
            Double xGradientPenalty) {
        this(format, formatVersion, model, method, alpha, features, parameters, output, parameterMean, parameterScale,
                referenceTheta, trainingEvents, epochs, bestEpoch, xGradientPenalty, null, null);
    }

    /** Whether θ1 is a network input (format version 3, methods with suffix 2). */
    public boolean isDoublyParametrised() {
        return Boolean.TRUE.equals(doublyParametrised);
    }

    public static EstimatorSidecar read(Path file) {
        EstimatorSidecar s;
        try {
            s = Sidecars.MAPPER.readValue(file.toFile(), EstimatorSidecar.class);
        } catch (IOException e) {
            throw new RatioModelException("estimator sidecar " + file + ": " + e.getMessage(), e);
        }
        if (!FORMAT.equals(s.format())) {
            throw new RatioModelException("estimator sidecar " + file + ": field 'format' is " + s.format()
                    + ", expected '" + FORMAT + "'");
        }
        if (s.formatVersion() < 1 || s.formatVersion() > FORMAT_VERSION_DOUBLY) {
            throw new RatioModelException("estimator sidecar " + file + ": unknown format_version "
                    + s.formatVersion() + " (this ratiofit reads versions 1 to " + FORMAT_VERSION_DOUBLY + ")");
        }
        boolean doubly = s.isDoublyParametrised();
        if (doubly != (s.formatVersion() == FORMAT_VERSION_DOUBLY)) {
            throw new RatioModelException("estimator sidecar " + file + ": format_version " + s.formatVersion()
                    + (doubly ? " with 'doubly_parametrised': true (needs version " + FORMAT_VERSION_DOUBLY + ")"
                            : " needs 'doubly_parametrised': true"));
        }
        if (doubly && (s.theta1Inputs() == null || s.parameters() == null
                || s.theta1Inputs().size() != s.parameters().size())) {
            throw new RatioModelException("estimator sidecar " + file + ": field 'theta1_inputs' " + s.theta1Inputs()
                    + " needs one θ1 input per parameter " + s.parameters());
        }
        if (s.xGradientPenalty() != null && !(s.xGradientPenalty() >= 0 && s.xGradientPenalty() < Double.POSITIVE_INFINITY)) {
            throw new RatioModelException("estimator sidecar " + file + ": field 'x_gradient_penalty' is "
                    + s.xGradientPenalty() + ", expected a finite non-negative number");
        }
        try {
            EstimatorMethod.valueOf(s.method().toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            throw new RatioModelException("estimator sidecar " + file + ": unknown method '" + s.method() + "'");
        }
        return s;
    }

    /** λ of the regulariser on |∇ₓ ln r̂| (0 when the file predates the field). */
    public double xGradientPenaltyOrZero() {
        return xGradientPenalty == null ? 0 : xGradientPenalty;
    }

    /** Writes beside the target, then renames onto it. */
    public void write(Path file) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Sidecars.MAPPER.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RatioModelException("cannot write estimator sidecar " + file + ": " + e.getMessage(), e);
        }
    }
}
