package org.ratiofit.ratio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.ratio.ModelSidecar.Calibration;
import org.ratiofit.ratio.ModelSidecar.Histogram;
import org.ratiofit.ratio.ModelSidecar.Isotonic;
import org.ratiofit.ratio.ModelSidecar.MinMax;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.ModelSidecar.Platt;
import org.ratiofit.ratio.ModelSidecar.Scaler;
import org.ratiofit.ratio.ModelSidecar.Standard;
import org.ratiofit.ratio.ModelSidecar.YeoJohnson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads, validates and writes {@link ModelSidecar} files. */
public final class Sidecars {
    private Sidecars() {}

    /** The project's JSON mapper: snake_case names, unknown fields rejected, pretty output. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Reads and validates a sidecar; every problem names the file and the field. */
    public static ModelSidecar read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new RatioModelException("ratio model sidecar " + file + " does not exist");
        } catch (IOException e) {
            throw new RatioModelException("cannot read ratio model sidecar " + file + ": " + e.getMessage(), e);
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new RatioModelException("ratio model sidecar " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new RatioModelException("ratio model sidecar " + file + " is not a JSON object");
        }
        String format = tree.path("format").asText(null);
        if (!ModelSidecar.FORMAT.equals(format)) {
            throw new RatioModelException("ratio model sidecar " + file + ": field 'format' is " + format
                    + ", expected '" + ModelSidecar.FORMAT + "'");
        }
        if (!tree.path("format_version").isInt()) {
            throw new RatioModelException("ratio model sidecar " + file + ": field 'format_version' is missing or not an integer");
        }
        int version = tree.get("format_version").asInt();
        if (version != ModelSidecar.FORMAT_VERSION && version != ModelSidecar.FORMAT_VERSION_DOUBLY) {
            throw new RatioModelException("ratio model sidecar " + file + ": unknown format_version " + version
                    + " (this ratiofit reads versions " + ModelSidecar.FORMAT_VERSION + " and "
                    + ModelSidecar.FORMAT_VERSION_DOUBLY + ")");
        }
        ModelSidecar s;
        try {
            s = MAPPER.treeToValue(tree, ModelSidecar.class);
        } catch (JsonProcessingException e) {
            throw new RatioModelException("ratio model sidecar " + file + ": " + e.getOriginalMessage()
                    + " at " + e.getLocation(), e);
        }
        if (s.name() == null) {
            String n = file.getFileName().toString();
            s = s.withName(n.endsWith(".json") ? n.substring(0, n.length() - 5) : n);
        }
        validate(s, file.toString());
        return s;
    }

    /** Writes a sidecar after validating it. */
    public static void write(ModelSidecar s, Path file) {
        validate(s, file.toString());
        try {
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, o -> MAPPER.writeValue(o, s));
        } catch (IOException e) {
            throw new RatioModelException("cannot write ratio model sidecar " + file + ": " + AtomicFiles.reason(e), e);
        }
    }

    public static String toJson(ModelSidecar s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks internal consistency; {@code where} names the file in messages. */
    public static void validate(ModelSidecar s, String where) {
        String p = "ratio model sidecar " + where + ": ";
        if (!ModelSidecar.FORMAT.equals(s.format())) throw new RatioModelException(p + "field 'format' must be '" + ModelSidecar.FORMAT + "'");
        boolean doubly = !s.denominatorParameterList().isEmpty();
        if (s.formatVersion() != ModelSidecar.FORMAT_VERSION && s.formatVersion() != ModelSidecar.FORMAT_VERSION_DOUBLY) {
            throw new RatioModelException(p + "unknown format_version " + s.formatVersion());
        }
        if (doubly != (s.formatVersion() == ModelSidecar.FORMAT_VERSION_DOUBLY)) {
            throw new RatioModelException(p + (doubly ? "'denominator_parameters' (a doubly parametrised model) needs format_version "
                    + ModelSidecar.FORMAT_VERSION_DOUBLY : "format_version " + ModelSidecar.FORMAT_VERSION_DOUBLY
                    + " is the doubly parametrised model's and needs 'denominator_parameters'") + ", got format_version " + s.formatVersion());
        }
        if (doubly) {
            require(s.parameters() != null && s.parameters().size() == s.denominatorParameterList().size(),
                    p + "'denominator_parameters' " + s.denominatorParameterList() + " needs one θ1 input per parameter in 'parameters' "
                    + s.parameters());
            require(s.output() == OutputConvention.LOG_RATIO || s.output() == OutputConvention.LOGIT,
                    p + "'denominator_parameters' needs a binary log_ratio or logit output, not " + s.output());
        }
        require(s.onnx() != null && !s.onnx().isBlank(), p + "field 'onnx' is missing");
        require(s.inputName() != null && !s.inputName().isBlank(), p + "field 'input_name' is missing");
        require(s.output() != null, p + "field 'output' is missing (score, logit, log_ratio, softmax, softmax_logits or local_score)");
        require(s.features() != null && !s.features().isEmpty(), p + "field 'features' is missing or empty");
        Set<String> names = new HashSet<>();
        for (String f : s.features()) require(names.add(f), p + "feature '" + f + "' listed twice in 'features'");
        for (String t : s.parameterList()) require(names.add(t), p + "parameter '" + t + "' in 'parameters' repeats a feature or parameter name");
        if (s.parameterInputName() != null) {
            require(!s.parameterList().isEmpty(), p + "'parameter_input_name' given but 'parameters' is empty");
            require(!s.parameterInputName().equals(s.inputName()), p + "'parameter_input_name' equals 'input_name'; leave it out to append θ to the features");
        }
        int k = 0;
        Set<String> scaled = new HashSet<>();
        for (Scaler sc : s.scalingList()) {
            String q = p + "scaling[" + k++ + "] ";
            require(sc.features() != null && !sc.features().isEmpty(), q + "has no 'features'");
            int n = sc.features().size();
            for (String f : sc.features()) {
                require(names.contains(f), q + "names unknown feature '" + f + "'");
                require(scaled.add(f), q + "scales feature '" + f + "' a second time");
            }
            if (sc instanceof Standard st) {
                len(st.mean(), n, q + "'mean'");
                len(st.scale(), n, q + "'scale'");
                for (int i = 0; i < n; i++) require(st.scale()[i] != 0 && Double.isFinite(st.scale()[i]), q + "'scale' of '" + st.features().get(i) + "' is " + st.scale()[i]);
            } else if (sc instanceof MinMax mm) {
                len(mm.dataMin(), n, q + "'data_min'");
                len(mm.dataMax(), n, q + "'data_max'");
                if (mm.range() != null) {
                    len(mm.range(), 2, q + "'range'");
                    require(mm.range()[1] > mm.range()[0], q + "'range' must be increasing");
                }
                for (int i = 0; i < n; i++) require(mm.dataMax()[i] > mm.dataMin()[i], q + "'data_max' of '" + mm.features().get(i) + "' is not above 'data_min'");
            } else if (sc instanceof YeoJohnson yj) {
                len(yj.lambdas(), n, q + "'lambdas'");
                require((yj.mean() == null) == (yj.scale() == null), q + "give both 'mean' and 'scale' or neither");
                if (yj.mean() != null) {
                    len(yj.mean(), n, q + "'mean'");
                    len(yj.scale(), n, q + "'scale'");
                }
            }
        }
        double[] clip = s.clipBounds();
        len(clip, 2, p + "'clip'");
        require(clip[0] > 0 && clip[1] < 1 && clip[0] < clip[1], p + "'clip' must satisfy 0 < lo < hi < 1, got [" + clip[0] + ", " + clip[1] + "]");
        if (s.classPriors() != null) {
            require(s.classPriors().numerator() > 0 && s.classPriors().denominator() > 0, p + "'class_priors' must be positive");
            require(s.output() == OutputConvention.SCORE || s.output() == OutputConvention.LOGIT,
                    p + "'class_priors' applies to score or logit outputs only; use multiclass.priors for softmax");
        }
        boolean multi = s.output() == OutputConvention.SOFTMAX || s.output() == OutputConvention.SOFTMAX_LOGITS;
        if (multi) {
            require(s.multiclass() != null, p + "output '" + s.output().name().toLowerCase() + "' needs the 'multiclass' field");
            var m = s.multiclass();
            require(m.classes() != null && m.classes().size() >= 2, p + "'multiclass.classes' needs at least two classes");
            require(m.classes().contains(m.reference()), p + "'multiclass.reference' '" + m.reference() + "' is not one of " + m.classes());
            if (m.priors() != null) {
                len(m.priors(), m.classes().size(), p + "'multiclass.priors'");
                for (double v : m.priors()) require(v > 0, p + "'multiclass.priors' must be positive");
            }
            if (m.calibration() != null) {
                for (Map.Entry<String, Calibration> e : m.calibration().entrySet()) {
                    require(m.classes().contains(e.getKey()), p + "'multiclass.calibration' names unknown class '" + e.getKey() + "'");
                    validateCalibration(e.getValue(), p + "'multiclass.calibration." + e.getKey() + "' ");
                }
            }
            require(s.calibration() == null, p + "softmax models take per-class calibration in 'multiclass.calibration'");
        } else {
            require(s.multiclass() == null, p + "'multiclass' given but output is " + s.output().name().toLowerCase());
        }
        if (s.output() == OutputConvention.LOCAL_SCORE) {
            require(!s.parameterList().isEmpty(), p + "output 'local_score' needs 'parameters' (one score component per parameter)");
            require(s.calibration() == null, p + "'calibration' does not apply to local_score outputs");
            require(s.parameterInputName() == null, p + "a local_score model takes no θ input ('parameters' name its outputs); remove 'parameter_input_name'");
        }
        if (s.calibration() != null) validateCalibration(s.calibration(), p + "'calibration' ");
    }

    private static void validateCalibration(Calibration c, String q) {
        if (c instanceof Isotonic iso) {
            require(iso.x() != null && iso.y() != null && iso.x().length == iso.y().length && iso.x().length >= 2,
                    q + "isotonic needs 'x' and 'y' of equal length >= 2");
            for (int i = 1; i < iso.x().length; i++) {
                require(iso.x()[i] > iso.x()[i - 1], q + "isotonic 'x' must be strictly increasing (index " + i + ")");
                require(iso.y()[i] >= iso.y()[i - 1], q + "isotonic 'y' must be non-decreasing (index " + i + ")");
            }
            for (int i = 0; i < iso.x().length; i++) {
                require(iso.x()[i] >= 0 && Double.isFinite(iso.x()[i]), q + "isotonic 'x'[" + i + "] is a ratio and must be finite and >= 0");
                require(iso.y()[i] > 0 && Double.isFinite(iso.y()[i]), q + "isotonic 'y'[" + i + "] is a ratio and must be finite and > 0 (a ratio of 0 has no logarithm)");
            }
        } else if (c instanceof Histogram h) {
            require(h.edges() != null && h.ratios() != null && h.edges().length == h.ratios().length + 1 && h.ratios().length >= 1,
                    q + "histogram needs n+1 'edges' for n 'ratios'");
            for (int i = 1; i < h.edges().length; i++) require(h.edges()[i] > h.edges()[i - 1], q + "histogram 'edges' must be increasing (index " + i + ")");
            for (int i = 0; i < h.ratios().length; i++) require(h.ratios()[i] > 0 && Double.isFinite(h.ratios()[i]), q + "histogram 'ratios'[" + i + "] must be positive and finite");
        } else if (c instanceof Platt pl) {
            require(Double.isFinite(pl.a()) && Double.isFinite(pl.b()), q + "platt 'a' and 'b' must be finite");
        }
    }

    private static void len(double[] a, int n, String what) {
        require(a != null, what + " is missing");
        require(a.length == n, what + " has " + a.length + " values, expected " + n);
        for (double v : a) require(Double.isFinite(v), what + " contains a non-finite value");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new RatioModelException(message);
    }

    /** Same lists, for messages. */
    static String listDiff(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) return "position " + i + ": '" + a.get(i) + "' vs '" + b.get(i) + "'";
        }
        return "lengths " + a.size() + " vs " + b.size();
    }
}
