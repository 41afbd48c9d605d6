package org.ratiofit.likelihood.workspace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ratiofit.io.Npy;
import org.ratiofit.io.NpyArray;
import org.ratiofit.likelihood.BinnedChannel;
import org.ratiofit.likelihood.BinnedSample;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Modifier;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.ParametrisedColumns;
import org.ratiofit.likelihood.ParametrisedLogRatio;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.ShapeNormalisation;
import org.ratiofit.likelihood.UnbinnedSample;

/**
 * Reads and validates a workspace directory. Every error names the file and the JSON path or the
 * first bad index: missing column file, wrong length, NaN or infinity, unknown modifier type or
 * parameter, unsupported format version.
 */
public final class WorkspaceReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path json;
    private final Set<String> parameterNames = new HashSet<>();
    private final Map<String, Double> initialValues = new java.util.HashMap<>();
    private ParametrisedRatioResolver resolver;
    private int version;

    private WorkspaceReader(Path dir, ParametrisedRatioResolver resolver) {
        this.dir = dir;
        this.json = dir.resolve(Workspace.FILE);
        this.resolver = resolver;
    }

    /** Reads the workspace in {@code dir} and builds its model. */
    public static Model readModel(Path dir) throws IOException {
        return read(dir).toModel();
    }

    /**
     * Reads the workspace in {@code dir}; a sample with a parametrised ratio (version 2) is rebuilt by
     * the {@link ParametrisedRatioResolver} on the class path (workspace-builder's).
     */
    public static Workspace read(Path dir) throws IOException {
        return new WorkspaceReader(dir, null).parse();
    }

    /** As {@link #read(Path)} with the given resolver of parametrised ratios. */
    public static Workspace read(Path dir, ParametrisedRatioResolver resolver) throws IOException {
        return new WorkspaceReader(dir, resolver).parse();
    }

    private Workspace parse() throws IOException {
        if (!Files.isRegularFile(json)) {
            throw new WorkspaceFormatException(json + ": not found (a workspace is a directory holding " + Workspace.FILE + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json.toFile());
        } catch (JsonProcessingException e) {
            throw new WorkspaceFormatException(json + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        String format = text(root, "format", "");
        if (!Workspace.FORMAT.equals(format)) {
            throw new WorkspaceFormatException(json + ": format is '" + format + "', expected '" + Workspace.FORMAT + "'");
        }
        JsonNode v = root.get("version");
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new WorkspaceFormatException(json + ": version missing or not an integer");
        }
        if (v.asInt() != Workspace.VERSION && v.asInt() != Workspace.VERSION_PARAMETRISED) {
            throw new WorkspaceFormatException(json + ": unsupported version " + v.asInt() + " (this reader supports versions " + Workspace.VERSION
                    + " and " + Workspace.VERSION_PARAMETRISED + ")");
        }
        version = v.asInt();
        List<Parameter> params = new ArrayList<>();
        JsonNode ps = array(root, "parameters", "");
        for (int i = 0; i < ps.size(); i++) {
            Parameter p = parameter(ps.get(i), "parameters[" + i + "]");
            if (!parameterNames.add(p.name())) {
                throw new WorkspaceFormatException(json + ": parameters[" + i + "]: duplicate parameter '" + p.name() + "'");
            }
            params.add(p);
            initialValues.put(p.name(), p.initial());
        }
        if (params.isEmpty()) {
            throw new WorkspaceFormatException(json + ": 'parameters' is empty: a workspace needs at least one parameter to fit");
        }
        List<Channel> channels = new ArrayList<>();
        JsonNode cs = array(root, "channels", "");
        for (int i = 0; i < cs.size(); i++) {
            String where = "channels[" + i + "]";
            JsonNode c = cs.get(i);
            String type = text(c, "type", where);
            try {
                switch (type) {
                    case "unbinned" -> channels.add(unbinned(c, where));
                    case "binned" -> channels.add(binned(c, where));
                    default -> throw new WorkspaceFormatException(json + ": " + where + ".type: unknown channel type '" + type + "' (unbinned or binned)");
                }
            } catch (WorkspaceFormatException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new WorkspaceFormatException(json + ": " + where + ": " + e.getMessage(), e);
            }
        }
        Set<String> channelNames = new HashSet<>();
        for (Channel c : channels) {
            if (!channelNames.add(c.name())) {
                throw new WorkspaceFormatException(json + ": duplicate channel '" + c.name() + "'");
            }
        }
        if (channels.isEmpty()) {
            throw new WorkspaceFormatException(json + ": 'channels' is empty: a workspace needs at least one channel (its events or bins)");
        }
        return new Workspace(params, channels);
    }

    private Parameter parameter(JsonNode o, String where) {
        String name = text(o, "name", where);
        String k = text(o, "kind", where);
        Parameter.Kind kind = WorkspaceWriter.KINDS.get(k);
        if (kind == null) {
            throw new WorkspaceFormatException(json + ": " + where + ".kind: unknown parameter kind '" + k + "' (poi, normfactor, constrained or poisson)");
        }
        double initial = number(o, "initial", where);
        double lower = bound(o, "lower", where, Double.NEGATIVE_INFINITY);
        double upper = bound(o, "upper", where, Double.POSITIVE_INFINITY);
        boolean fixed = o.has("fixed") && o.get("fixed").asBoolean();
        boolean constrained = kind == Parameter.Kind.CONSTRAINED || kind == Parameter.Kind.POISSON;
        double aux = constrained ? optNumber(o, "aux", where, 0) : 0;
        double sigma = constrained ? optNumber(o, "sigma", where, 1) : 1;
        try {
            return new Parameter(name, kind, initial, lower, upper, fixed, aux, sigma);
        } catch (IllegalArgumentException e) {
            throw new WorkspaceFormatException(json + ": " + where + ": " + e.getMessage(), e);
        }
    }

    private UnbinnedChannel unbinned(JsonNode c, String where) throws IOException {
        String name = text(c, "name", where);
        List<UnbinnedSample> samples = new ArrayList<>();
        JsonNode ss = array(c, "samples", where);
        for (int i = 0; i < ss.size(); i++) {
            String sw = where + ".samples[" + i + "]";
            JsonNode s = ss.get(i);
            samples.add(new UnbinnedSample(text(s, "name", sw), number(s, "yield", sw), modifiers(array(s, "modifiers", sw), sw, true)));
        }
        EventSet data = eventSet(need(c, "data", where), where + ".data", samples);
        EventSet ref = c.hasNonNull("reference") ? eventSet(c.get("reference"), where + ".reference", samples) : null;
        ShapeNormalisation norm = ShapeNormalisation.REFERENCE;
        if (c.hasNonNull("shape_normalisation")) {
            String v = c.get("shape_normalisation").asText();
            norm = ShapeNormalisation.fromJson(v);
            if (norm == null) {
                throw new WorkspaceFormatException(json + ": " + where + ".shape_normalisation: unknown value '" + v + "' (reference, reference_and_closure or none)");
            }
        }
        if (norm != ShapeNormalisation.NONE && ref == null && samples.stream().anyMatch(s -> !s.shapeSystematics().isEmpty())) {
            throw new WorkspaceFormatException(json + ": " + where + ": shapesys modifiers are normalised over the reference sample's events,"
                    + " but the channel has no 'reference' event set (add it, or set \"shape_normalisation\": \"none\" for the legacy,"
                    + " biased form)");
        }
        return new UnbinnedChannel(name, samples, data, ref, norm);
    }

    private EventSet eventSet(JsonNode o, String where, List<UnbinnedSample> samples) throws IOException {
        JsonNode ev = need(o, "events", where);
        if (!ev.canConvertToInt() || ev.asInt() < 0) {
            throw new WorkspaceFormatException(json + ": " + where + ".events: not a non-negative integer: " + ev);
        }
        int n = ev.asInt();
        double[] w = o.hasNonNull("weights") ? column(o.get("weights"), where + ".weights", n, false) : null;
        JsonNode cols = need(o, "columns", where);
        Map<String, SampleColumns> map = new LinkedHashMap<>();
        for (Iterator<String> it = cols.fieldNames(); it.hasNext(); ) {
            String sn = it.next();
            if (samples.stream().noneMatch(s -> s.name().equals(sn))) {
                throw new WorkspaceFormatException(json + ": " + where + ".columns: columns for unknown sample '" + sn + "'");
            }
        }
        for (UnbinnedSample s : samples) {
            String cw = where + ".columns." + s.name();
            JsonNode co = cols.get(s.name());
            if (co == null) {
                throw new WorkspaceFormatException(json + ": " + where + ".columns: no columns for sample '" + s.name() + "'");
            }
            if (s.parametrisedRatio() != null) {
                map.put(s.name(), parametrised(co, cw, n, s.parametrisedRatio()));
                continue;
            }
            if (co.has("parametrised_ratio")) {
                throw new WorkspaceFormatException(json + ": " + cw + ".parametrised_ratio: the sample has no parametrised_ratio modifier");
            }
            double[] lr = column(need(co, "log_ratio", cw), cw + ".log_ratio", n, false);
            List<Modifier.ShapeSys> shapes = s.shapeSystematics();
            JsonNode sh = co.has("shapesys") ? co.get("shapesys") : JSON.createArrayNode();
            if (sh.size() != shapes.size()) {
                throw new WorkspaceFormatException(json + ": " + cw + ".shapesys: " + sh.size() + " entries but sample '" + s.name()
                        + "' has " + shapes.size() + " shapesys modifiers");
            }
            List<double[]> up = new ArrayList<>();
            List<double[]> down = new ArrayList<>();
            for (int k = 0; k < shapes.size(); k++) {
                String kw = cw + ".shapesys[" + k + "]";
                String p = text(sh.get(k), "parameter", kw);
                if (!p.equals(shapes.get(k).parameter())) {
                    throw new WorkspaceFormatException(json + ": " + kw + ".parameter: '" + p + "' but the sample's shapesys modifier " + k
                            + " is on '" + shapes.get(k).parameter() + "'");
                }
                up.add(column(need(sh.get(k), "up", kw), kw + ".up", n, true));
                down.add(column(need(sh.get(k), "down", kw), kw + ".down", n, true));
            }
            List<double[]> poly = new ArrayList<>();
            JsonNode pc = co.has("polynomial") ? co.get("polynomial") : JSON.createArrayNode();
            for (int a = 0; a < pc.size(); a++) {
                poly.add(column(pc.get(a), cw + ".polynomial[" + a + "]", n, false));
            }
            map.put(s.name(), new SampleColumns(lr, up, down, poly));
        }
        return new EventSet(n, w, map);
    }

    /**
     * A sample's θ-dependent columns: {"parametrised_ratio": {"estimator": path relative to the
     * workspace, "feature_names": [...], "features": [one .npy per feature]}}, rebuilt by the resolver
     * and evaluated once at the parameters' initial values.
     */
    private SampleColumns parametrised(JsonNode co, String cw, int n, Modifier.ParametrisedRatio pr) throws IOException {
        String pw = cw + ".parametrised_ratio";
        JsonNode o = need(co, "parametrised_ratio", cw);
        Path estimator = dir.resolve(text(o, "estimator", pw)).normalize();
        JsonNode fn = array(o, "feature_names", pw);
        JsonNode fc = array(o, "features", pw);
        if (fn.size() != fc.size() || fn.isEmpty()) {
            throw new WorkspaceFormatException(json + ": " + pw + ": " + fn.size() + " feature names but " + fc.size() + " feature columns");
        }
        List<String> names = new ArrayList<>();
        double[][] x = new double[fc.size()][];
        for (int j = 0; j < x.length; j++) {
            names.add(fn.get(j).asText());
            x[j] = column(fc.get(j), pw + ".features[" + j + "]", n, false);
        }
        if (resolver == null) {
            resolver = ParametrisedRatioResolver.find();
        }
        if (resolver == null) {
            throw new WorkspaceFormatException(json + ": " + pw + ": the sample's log-ratio is a parametrised estimator (" + estimator
                    + "), which only workspace-builder can evaluate; read the workspace with workspace-builder on the class path");
        }
        if (!Files.exists(estimator)) {
            throw new WorkspaceFormatException(json + ": " + pw + ".estimator: " + estimator + " does not exist (the path is relative to the workspace"
                    + " directory " + dir + "; was the workspace or the estimator folder moved?)");
        }
        ParametrisedLogRatio f;
        try {
            f = resolver.resolve(estimator, pr.parameters(), names, x, json + ": " + pw);
        } catch (IllegalArgumentException e) {
            throw new WorkspaceFormatException(e.getMessage(), e);
        }
        double[] theta = new double[pr.parameters().size()];
        for (int k = 0; k < theta.length; k++) {
            theta[k] = initialValues.get(pr.parameters().get(k));
        }
        return SampleColumns.of(new ParametrisedColumns(f, theta));
    }

    private double[] column(JsonNode ref, String where, int n, boolean positive) throws IOException {
        if (!ref.isTextual()) {
            throw new WorkspaceFormatException(json + ": " + where + ": expected a .npy file name, got " + ref);
        }
        String name = ref.asText();
        Path file = dir.resolve(name).normalize();
        if (!file.startsWith(dir.normalize())) {
            throw new WorkspaceFormatException(json + ": " + where + ": column file '" + name + "' lies outside the workspace directory");
        }
        if (!Files.isRegularFile(file)) {
            throw new WorkspaceFormatException(json + ": " + where + ": column file '" + name + "' not found in " + dir);
        }
        NpyArray a;
        try {
            a = Npy.read(file);
        } catch (IllegalArgumentException e) {
            throw new WorkspaceFormatException(file + ": " + e.getMessage(), e);
        }
        if (!a.dtype().equals("<f8") && !a.dtype().equals("<f4")) {
            throw new WorkspaceFormatException(file + ": dtype " + a.dtype() + " (columns must be little-endian float64 '<f8' or float32 '<f4')");
        }
        if (a.shape().length != 1) {
            throw new WorkspaceFormatException(file + ": shape " + java.util.Arrays.toString(a.shape()) + " (columns must be one-dimensional)");
        }
        double[] v = a.asDoubles();
        if (v.length != n) {
            throw new WorkspaceFormatException(file + ": length " + v.length + " but " + where + " belongs to an event set of " + n + " events");
        }
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new WorkspaceFormatException(file + ": non-finite value " + v[i] + " at index " + i);
            }
            if (positive && !(v[i] > 0)) {
                throw new WorkspaceFormatException(file + ": shape ratio must be positive, got " + v[i] + " at index " + i);
            }
        }
        checkRange(file, where, v, positive);
        return v;
    }

    private BinnedChannel binned(JsonNode c, String where) {
        String name = text(c, "name", where);
        double[] observed = numbers(need(c, "observed", where), where + ".observed");
        List<BinnedSample> samples = new ArrayList<>();
        JsonNode ss = array(c, "samples", where);
        for (int i = 0; i < ss.size(); i++) {
            String sw = where + ".samples[" + i + "]";
            JsonNode s = ss.get(i);
            boolean mc = !s.has("mc_stat") || s.get("mc_stat").asBoolean();
            samples.add(new BinnedSample(text(s, "name", sw), numbers(need(s, "nominal", sw), sw + ".nominal"),
                    modifiers(array(s, "modifiers", sw), sw, false), mc));
        }
        List<String> gammas = null;
        if (c.hasNonNull("mc_stat_parameters")) {
            gammas = new ArrayList<>();
            JsonNode g = c.get("mc_stat_parameters");
            for (int b = 0; b < g.size(); b++) {
                String gn = g.get(b).asText();
                if (!parameterNames.contains(gn)) {
                    throw new WorkspaceFormatException(json + ": " + where + ".mc_stat_parameters[" + b + "]: unknown parameter '" + gn + "'");
                }
                gammas.add(gn);
            }
        }
        return new BinnedChannel(name, observed, samples, gammas);
    }

    private List<Modifier> modifiers(JsonNode arr, String where, boolean unbinned) {
        List<Modifier> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String mw = where + ".modifiers[" + i + "]";
            JsonNode m = arr.get(i);
            String type = text(m, "type", mw);
            Modifier mod = switch (type) {
                case "normfactor" -> new Modifier.NormFactor(param(m, mw));
                case "coefficient" -> {
                    JsonNode t = array(m, "terms", mw);
                    double[] cc = new double[t.size()];
                    double[] aa = new double[t.size()];
                    for (int k = 0; k < t.size(); k++) {
                        cc[k] = number(t.get(k), "c", mw + ".terms[" + k + "]");
                        aa[k] = number(t.get(k), "power", mw + ".terms[" + k + "]");
                    }
                    yield new Modifier.Coefficient(param(m, mw), cc, aa);
                }
                case "normsys" -> new Modifier.NormSys(param(m, mw), code(m, mw), number(m, "up", mw), number(m, "down", mw));
                case "shapesys" -> new Modifier.ShapeSys(param(m, mw), code(m, mw));
                case "polynomial" -> {
                    JsonNode ps = array(m, "parameters", mw);
                    List<String> names = new ArrayList<>();
                    for (int k = 0; k < ps.size(); k++) {
                        String p = ps.get(k).asText();
                        if (!parameterNames.contains(p)) {
                            throw new WorkspaceFormatException(json + ": " + mw + ".parameters[" + k + "]: unknown parameter '" + p + "'");
                        }
                        names.add(p);
                    }
                    yield new Modifier.Polynomial(names, numbers(need(m, "yield_coefficients", mw), mw + ".yield_coefficients"));
                }
                case "parametrised_ratio" -> {
                    if (version < Workspace.VERSION_PARAMETRISED) {
                        throw new WorkspaceFormatException(json + ": " + mw + ".type: modifier 'parametrised_ratio' needs format version "
                                + Workspace.VERSION_PARAMETRISED + ", the file says " + version);
                    }
                    JsonNode ps = array(m, "parameters", mw);
                    List<String> names = new ArrayList<>();
                    for (int k = 0; k < ps.size(); k++) {
                        String p = ps.get(k).asText();
                        if (!parameterNames.contains(p)) {
                            throw new WorkspaceFormatException(json + ": " + mw + ".parameters[" + k + "]: unknown parameter '" + p + "'");
                        }
                        names.add(p);
                    }
                    yield new Modifier.ParametrisedRatio(names);
                }
                case "yieldspline" -> {
                    try {
                        yield new Modifier.YieldSpline(param(m, mw), numbers(need(m, "knots", mw), mw + ".knots"),
                                numbers(need(m, "values", mw), mw + ".values"));
                    } catch (IllegalArgumentException e) {
                        throw new WorkspaceFormatException(json + ": " + mw + ": " + e.getMessage());
                    }
                }
                case "histosys" -> new Modifier.HistoSys(param(m, mw), text(m, "code", mw), numbers(need(m, "up", mw), mw + ".up"),
                        numbers(need(m, "down", mw), mw + ".down"));
                case "perbin" -> {
                    JsonNode ps = array(m, "parameters", mw);
                    String[] bins = new String[ps.size()];
                    for (int k = 0; k < ps.size(); k++) {
                        if (ps.get(k).isNull()) {
                            continue;
                        }
                        String p = ps.get(k).asText();
                        if (!parameterNames.contains(p)) {
                            throw new WorkspaceFormatException(json + ": " + mw + ".parameters[" + k + "]: unknown parameter '" + p + "'");
                        }
                        bins[k] = p;
                    }
                    yield new Modifier.PerBin(text(m, "name", mw), m.path("origin").asText("perbin"), bins);
                }
                default -> throw new WorkspaceFormatException(json + ": " + mw + ".type: unknown modifier type '" + type
                        + "' (normfactor, coefficient, normsys, shapesys, polynomial, parametrised_ratio, yieldspline, histosys, perbin)");
            };
            boolean perEvent = mod instanceof Modifier.ShapeSys || mod instanceof Modifier.Polynomial || mod instanceof Modifier.YieldSpline
                    || mod instanceof Modifier.ParametrisedRatio;
            if (perEvent && !unbinned || (mod instanceof Modifier.HistoSys || mod instanceof Modifier.PerBin) && unbinned) {
                throw new WorkspaceFormatException(json + ": " + mw + ".type: modifier '" + type + "' is not allowed in a "
                        + (unbinned ? "unbinned" : "binned") + " channel");
            }
            out.add(mod);
        }
        return out;
    }

    private int code(JsonNode m, String where) {
        JsonNode c = need(m, "code", where);
        if (!c.isIntegralNumber()) {
            throw new WorkspaceFormatException(json + ": " + where + ".code: expected 1 or 4, got " + c);
        }
        return c.asInt();
    }

    private String param(JsonNode m, String where) {
        String p = text(m, "parameter", where);
        if (!parameterNames.contains(p)) {
            throw new WorkspaceFormatException(json + ": " + where + ".parameter: unknown parameter '" + p + "'");
        }
        return p;
    }

    private JsonNode need(JsonNode o, String field, String where) {
        JsonNode v = o == null ? null : o.get(field);
        if (v == null || v.isNull()) {
            throw new WorkspaceFormatException(json + ": " + prefix(where) + field + ": missing");
        }
        return v;
    }

    private JsonNode array(JsonNode o, String field, String where) {
        JsonNode v = need(o, field, where);
        if (!v.isArray()) {
            throw new WorkspaceFormatException(json + ": " + prefix(where) + field + ": expected an array");
        }
        return v;
    }

    private String text(JsonNode o, String field, String where) {
        JsonNode v = need(o, field, where);
        if (!v.isTextual()) {
            throw new WorkspaceFormatException(json + ": " + prefix(where) + field + ": expected a string, got " + v);
        }
        return v.asText();
    }

    private double number(JsonNode o, String field, String where) {
        JsonNode v = need(o, field, where);
        if (!v.isNumber()) {
            throw new WorkspaceFormatException(json + ": " + prefix(where) + field + ": expected a number, got " + v);
        }
        return v.asDouble();
    }

    /** Largest |ln r| of a log-ratio column the likelihood takes: exp(500) ~ 1e217 leaves room for yields and shape factors. */
    public static final double MAX_ABS_LOG_RATIO = 500;
    /** Largest |ln s| of a per-event shape ratio: s^alpha must stay finite for |alpha| up to several units. */
    public static final double MAX_ABS_LOG_SHAPE = 100;

    /**
     * Finite but extreme values overflow the mixture density (exp of the log-ratio, powers of the
     * shape ratios) and would surface as a failed fit: refused here with the column and the event.
     */
    private static void checkRange(Path file, String where, double[] v, boolean shape) {
        boolean logRatio = where.endsWith(".log_ratio");
        if (!logRatio && !shape) {
            return;
        }
        double limit = logRatio ? MAX_ABS_LOG_RATIO : MAX_ABS_LOG_SHAPE;
        for (int i = 0; i < v.length; i++) {
            double l = logRatio ? v[i] : Math.log(v[i]);
            if (Math.abs(l) > limit) {
                throw new WorkspaceFormatException(file + ": " + (logRatio ? "log-ratio " + v[i] : "shape ratio " + v[i])
                        + " at index " + i + " lies outside the range the likelihood computes safely ("
                        + (logRatio ? "|ln r| <= " + (int) limit : "e^-" + (int) limit + " ... e^" + (int) limit)
                        + "); check the model's output convention (logit vs. score) and its inputs for this event");
            }
        }
    }

    private double optNumber(JsonNode o, String field, String where, double dflt) {
        return o.hasNonNull(field) ? number(o, field, where) : dflt;
    }

    private double bound(JsonNode o, String field, String where, double dflt) {
        return o.hasNonNull(field) ? number(o, field, where) : dflt;
    }

    private double[] numbers(JsonNode arr, String where) {
        if (!arr.isArray()) {
            throw new WorkspaceFormatException(json + ": " + where + ": expected an array of numbers");
        }
        double[] v = new double[arr.size()];
        for (int i = 0; i < v.length; i++) {
            if (!arr.get(i).isNumber()) {
                throw new WorkspaceFormatException(json + ": " + where + "[" + i + "]: expected a number, got " + arr.get(i));
            }
            v[i] = arr.get(i).asDouble();
        }
        return v;
    }

    private static String prefix(String where) {
        return where.isEmpty() ? "" : where + ".";
    }

}
