package org.ratiofit.ratio;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;
import java.util.Map;

/**
 * The JSON sidecar that travels with an ONNX ratio model (format {@value #FORMAT}, version
 * {@value #FORMAT_VERSION}). Every field is documented in ratio-models/README.md. Field names in
 * JSON are snake_case. Read and write it with {@link Sidecars}.
 *
 * @param format           always {@value #FORMAT}
 * @param formatVersion    {@value #FORMAT_VERSION}
 * @param name             model name used in messages and reports (defaults to the file name)
 * @param onnx             path of the ONNX file, relative to the sidecar's folder
 * @param inputName        name of the graph input that receives the features (and θ unless
 *                         {@code parameterInputName} is given)
 * @param outputName       graph output to read; null means the first output
 * @param features         feature names in the order of the input tensor's last axis
 * @param parameters       names of the parameters θ of a parametrised model; null or empty if
 *                         none. Without {@code parameterInputName} they follow the features in the
 *                         same input tensor
 * @param parameterInputName separate graph input that receives θ, or null
 * @param scaling          scalers applied in order before the network; each touches only its own
 *                         listed features (or parameters); the rest pass through
 * @param output           what the network outputs
 * @param numerator        name of the numerator hypothesis (class of s for {@code score})
 * @param denominator      name of the denominator hypothesis
 * @param classPriors      training class fractions when the classes were not balanced, or null
 * @param clip             bounds for the score s (also applied to softmax probabilities); null
 *                         means [1e-9, 1 − 1e-9]
 * @param calibration      calibration of the ratio (binary models), or null
 * @param multiclass       classes of a softmax model, or null for binary models
 * @param denominatorParameters names of the θ1 inputs of a doubly parametrised model r(x|θ0, θ1)
 *                         (format version 2, null otherwise): they follow {@code parameters} (θ0)
 *                         in the input; {@link #parameterList()} lists both
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSidecar(
        String format,
        int formatVersion,
        String name,
        String onnx,
        String inputName,
        String outputName,
        List<String> features,
        List<String> parameters,
        String parameterInputName,
        List<Scaler> scaling,
        OutputConvention output,
        String numerator,
        String denominator,
        ClassPriors classPriors,
        double[] clip,
        Calibration calibration,
        Multiclass multiclass,
        List<String> denominatorParameters) {

    public static final String FORMAT = "ratiofit-ratio-model";
    public static final int FORMAT_VERSION = 1;
    /** The version of a sidecar with {@code denominator_parameters} (a doubly parametrised model); others stay version 1. */
    public static final int FORMAT_VERSION_DOUBLY = 2;

    /** A sidecar without θ1 inputs (every model but the doubly parametrised estimators). */
    public ModelSidecar(String format, int formatVersion, String name, String onnx, String inputName,
            String outputName, List<String> features, List<String> parameters, String parameterInputName,
            List<Scaler> scaling, OutputConvention output, String numerator, String denominator,
            ClassPriors classPriors, double[] clip, Calibration calibration, Multiclass multiclass) {
        this(format, formatVersion, name, onnx, inputName, outputName, features, parameters, parameterInputName,
                scaling, output, numerator, denominator, classPriors, clip, calibration, multiclass, null);
    }
    public static final double[] DEFAULT_CLIP = {1e-9, 1 - 1e-9};

    /** Minimal binary sidecar: no scaling, no θ, default clip, no calibration. */
    public static ModelSidecar binary(String name, String onnx, String inputName, List<String> features,
                                      OutputConvention output, String numerator, String denominator) {
        return new ModelSidecar(FORMAT, FORMAT_VERSION, name, onnx, inputName, null, features, null, null,
                List.of(), output, numerator, denominator, null, null, null, null);
    }

    public ModelSidecar withScaling(List<Scaler> s) {
        return new ModelSidecar(format, formatVersion, name, onnx, inputName, outputName, features, parameters,
                parameterInputName, s, output, numerator, denominator, classPriors, clip, calibration, multiclass, denominatorParameters);
    }

    public ModelSidecar withCalibration(Calibration c) {
        return new ModelSidecar(format, formatVersion, name, onnx, inputName, outputName, features, parameters,
                parameterInputName, scaling, output, numerator, denominator, classPriors, clip, c, multiclass, denominatorParameters);
    }

    public ModelSidecar withClassPriors(ClassPriors p) {
        return new ModelSidecar(format, formatVersion, name, onnx, inputName, outputName, features, parameters,
                parameterInputName, scaling, output, numerator, denominator, p, clip, calibration, multiclass, denominatorParameters);
    }

    public ModelSidecar withParameters(List<String> params, String paramInput) {
        return new ModelSidecar(format, formatVersion, name, onnx, inputName, outputName, features, params,
                paramInput, scaling, output, numerator, denominator, classPriors, clip, calibration, multiclass, denominatorParameters);
    }

    public ModelSidecar withMulticlass(Multiclass m) {
        return new ModelSidecar(format, formatVersion, name, onnx, inputName, outputName, features, parameters,
                parameterInputName, scaling, output, numerator, denominator, classPriors, clip, calibration, m, denominatorParameters);
    }

    public ModelSidecar withClip(double[] c) {
        return new ModelSidecar(format, formatVersion, name, onnx, inputName, outputName, features, parameters,
                parameterInputName, scaling, output, numerator, denominator, classPriors, c, calibration, multiclass, denominatorParameters);
    }

    public ModelSidecar withOnnx(String path) {
        return new ModelSidecar(format, formatVersion, name, path, inputName, outputName, features, parameters,
                parameterInputName, scaling, output, numerator, denominator, classPriors, clip, calibration, multiclass, denominatorParameters);
    }

    public ModelSidecar withName(String n) {
        return new ModelSidecar(format, formatVersion, n, onnx, inputName, outputName, features, parameters,
                parameterInputName, scaling, output, numerator, denominator, classPriors, clip, calibration, multiclass, denominatorParameters);
    }

    /** Every θ input in input order: the parameters θ0 and, for a doubly parametrised model, the θ1 inputs. */
    public List<String> parameterList() {
        List<String> p = parameters == null ? List.of() : parameters;
        if (denominatorParameters == null || denominatorParameters.isEmpty()) {
            return p;
        }
        List<String> all = new java.util.ArrayList<>(p);
        all.addAll(denominatorParameters);
        return List.copyOf(all);
    }

    /** The θ1 inputs of a doubly parametrised model (empty otherwise). */
    public List<String> denominatorParameterList() {
        return denominatorParameters == null ? List.of() : denominatorParameters;
    }

    public List<Scaler> scalingList() {
        return scaling == null ? List.of() : scaling;
    }

    public double[] clipBounds() {
        return clip == null ? DEFAULT_CLIP.clone() : clip.clone();
    }

    /** What the network's output means. */
    public enum OutputConvention {
        /** sigmoid probability s of the numerator class, r = s/(1 − s). */
        @JsonProperty("score") SCORE,
        /** pre-sigmoid logit of the numerator class: ln r = output (class-prior correction applies). */
        @JsonProperty("logit") LOGIT,
        /** ln r directly (no clip, no class-prior correction). */
        @JsonProperty("log_ratio") LOG_RATIO,
        /** softmax probabilities over {@link Multiclass#classes()}. */
        @JsonProperty("softmax") SOFTMAX,
        /** pre-softmax logits over {@link Multiclass#classes()}. */
        @JsonProperty("softmax_logits") SOFTMAX_LOGITS,
        /** SALLY-style local score t(x) = ∇_θ ln p(x|θ) at the reference point, one output per parameter. */
        @JsonProperty("local_score") LOCAL_SCORE
    }

    /** A feature scaler fitted on training data (scikit-learn conventions). */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = Standard.class, name = "standard"),
            @JsonSubTypes.Type(value = MinMax.class, name = "min_max"),
            @JsonSubTypes.Type(value = YeoJohnson.class, name = "yeo_johnson")})
    public sealed interface Scaler permits Standard, MinMax, YeoJohnson {
        List<String> features();
    }

    /** z = (x − mean)/scale (StandardScaler: mean_, scale_). */
    public record Standard(List<String> features, double[] mean, double[] scale) implements Scaler {}

    /**
     * z = lo + (x − data_min)·(hi − lo)/(data_max − data_min) (MinMaxScaler: data_min_, data_max_,
     * feature_range); range null means [0, 1].
     */
    public record MinMax(List<String> features, double[] dataMin, double[] dataMax, double[] range) implements Scaler {}

    /**
     * Yeo-Johnson power transform with λ per feature, then (x − mean)/scale (PowerTransformer with
     * standardize=True: lambdas_, and its internal StandardScaler's mean_, scale_); mean and scale
     * null means standardize=False.
     */
    public record YeoJohnson(List<String> features, double[] lambdas, double[] mean, double[] scale) implements Scaler {}

    /**
     * Training-class fractions (or total weights) of the numerator and denominator classes; the
     * classifier's odds are multiplied by denominator/numerator.
     */
    public record ClassPriors(double numerator, double denominator) {}

    /** Calibration of a ratio: takes a ratio and returns a ratio. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = Isotonic.class, name = "isotonic"),
            @JsonSubTypes.Type(value = Histogram.class, name = "histogram"),
            @JsonSubTypes.Type(value = Platt.class, name = "platt")})
    public sealed interface Calibration permits Isotonic, Histogram, Platt {}

    /**
     * Monotone piecewise-linear map of the ratio: knots x (strictly increasing raw ratios) to y
     * (non-decreasing calibrated ratios), linear in between, constant beyond the end knots.
     */
    public record Isotonic(double[] x, double[] y) implements Calibration {}

    /**
     * Histogram calibration: the raw ratio's bin (edges increasing, n+1 edges for n bins, the end
     * bins extended to ±∞) maps to the calibrated ratio of that bin.
     */
    public record Histogram(double[] edges, double[] ratios) implements Calibration {}

    /** ln r_cal = a·ln r + b. */
    public record Platt(double a, double b) implements Calibration {}

    /**
     * A softmax model over several processes.
     *
     * @param classes     class names in output order
     * @param reference   the denominator class of every ratio
     * @param priors      training fractions per class (same order), or null if balanced
     * @param calibration calibration of each class's ratio against the reference, by class name
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Multiclass(List<String> classes, String reference, double[] priors,
                             Map<String, Calibration> calibration) {}
}
