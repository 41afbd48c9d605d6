package org.ratiofit.workspace.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.ratiofit.ratio.data.Names;
import org.ratiofit.workspace.config.FitConfig.AsimovPoint;
import org.ratiofit.workspace.config.FitConfig.Constraint;
import org.ratiofit.workspace.config.FitConfig.EventFiles;
import org.ratiofit.workspace.config.FitConfig.General;
import org.ratiofit.workspace.config.FitConfig.Interpolation;
import org.ratiofit.workspace.config.FitConfig.NormFactor;
import org.ratiofit.workspace.config.FitConfig.PolynomialModel;
import org.ratiofit.workspace.config.FitConfig.Region;
import org.ratiofit.workspace.config.FitConfig.RegionType;
import org.ratiofit.workspace.config.FitConfig.Sample;
import org.ratiofit.workspace.config.FitConfig.Systematic;
import org.ratiofit.workspace.config.FitConfig.SystematicType;
import org.ratiofit.workspace.config.FitConfig.Term;
import org.ratiofit.workspace.config.FitConfig.Variation;
import org.ratiofit.workspace.config.FitConfig.YieldFunction;

/**
 * Reads and checks a YAML fit configuration. {@link #load} parses the file, reads every field
 * (unknown keys, wrong types and missing fields are problems, with a "did you mean" for a
 * misspelt key), then runs {@link ConfigValidator} (cross references, files, columns, ensembles),
 * and throws one {@link ConfigException} listing every problem with its YAML path. It reads only
 * file headers and ensemble metadata: nothing expensive, nothing written.
 */
public final class FitConfigLoader {

    static final Set<String> TOP_KEYS = Set.of("Version", "General", "TrainingFeatures", "TrainingFeaturesToStandardize",
            "Samples", "NormFactors", "Systematics", "Regions", "Asimov",
            // read by org.ratiofit.workspace.train.TrainingSettings (ratiofit train), not by the build
            "Training");
    static final Set<String> GENERAL_KEYS = Set.of("Measurement", "ChunkSize", "ShapeNormalisation");
    static final Set<String> MEASUREMENT_KEYS = Set.of("Name", "POI", "ParametersToFit");
    static final Set<String> SAMPLE_KEYS = Set.of("Name", "SamplePath", "Tree", "Columns", "Weight", "Data",
            "UseAsReference", "UseAsBasis", "Ensemble", "Coefficient", "Yield", "Estimator", "EstimatorParameters");
    static final Set<String> ESTIMATOR_PARAMETER_KEYS = Set.of("Name", "Nominal", "Bounds");
    static final Set<String> COEFFICIENT_KEYS = Set.of("Parameter", "Terms");
    static final Set<String> TERM_KEYS = Set.of("Factor", "Power");
    static final Set<String> NORMFACTOR_KEYS = Set.of("Name", "Samples", "Nominal", "Bounds");
    static final Set<String> SYSTEMATIC_KEYS = Set.of("Name", "Type", "Samples", "Constraint", "Nominal", "Bounds",
            "Interpolation", "Up", "Dn", "Down", "Parameters", "Monomials", "Models");
    static final Set<String> VARIATION_KEYS = Set.of("SampleName", "Path", "Tree", "Columns", "Weight", "Yield", "Ensemble");
    static final Set<String> POLY_MODEL_KEYS = Set.of("SampleName", "Ensemble", "YieldCoefficients", "Variations", "YieldSpline");
    static final Set<String> POLY_VARIATION_KEYS = Set.of("Point", "Path", "Tree", "Columns", "Weight", "HeldOut");
    static final Set<String> REGION_KEYS = Set.of("Name", "Type", "Filter", "Variable", "Binning");
    static final Set<String> ASIMOV_KEYS = Set.of("Name", "Parameters");

    /** Keys of the toolkits' format that ratiofit replaces, with where their content goes. */
    static final Map<String, String> REPLACED = Map.of(
            "TrainedModels", "ensembles are given per sample (Samples[].Ensemble) and per variation (Systematics[].Up[].Ensemble)",
            "TrainingFeaturesToScale", "feature scaling is stored with each ensemble, not in the fit configuration");

    private FitConfigLoader() {}

    /** Reads, checks and returns a configuration, or throws a {@link ConfigException} with every problem. */
    public static FitConfig load(Path file, EnsembleInspector inspector) throws IOException {
        Result r = check(file, inspector);
        if (!r.problems().isEmpty()) {
            throw new ConfigException(file, r.problems());
        }
        return r.config();
    }

    /** The configuration as far as it could be read (null if the YAML does not parse) and every problem. */
    public record Result(FitConfig config, List<ConfigProblem> problems) {}

    public static Result check(Path file, EnsembleInspector inspector) throws IOException {
        List<ConfigProblem> problems = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            problems.add(new ConfigProblem("", "no such configuration file: " + file));
            return new Result(null, problems);
        }
        JsonNode root;
        try {
            // A repeated key would otherwise silently replace the first value.
            YAMLFactory yaml = YAMLFactory.builder().enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
            // .inf/-.inf/.nan quoted first: Jackson refuses them as "malformed numeric value"
            root = new ObjectMapper(yaml).readTree(YamlSpecialFloats.quote(Files.readString(file)));
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            problems.add(new ConfigProblem("", "not valid YAML" + (loc != null ? " (line " + loc.getLineNr() + ", column "
                    + loc.getColumnNr() + ")" : "") + ": " + e.getOriginalMessage()));
            return new Result(null, problems);
        }
        Path base = file.toAbsolutePath().getParent();
        FitConfig config = new Reader(base, problems).read(root, file.toAbsolutePath());
        ConfigValidator.validate(config, inspector == null ? EnsembleInspector.NONE : inspector, problems);
        return new Result(config, problems);
    }

    /** Field-by-field reading with a YAML path for every problem. */
    static final class Reader {
        private final Path base;
        private final List<ConfigProblem> problems;

        Reader(Path base, List<ConfigProblem> problems) {
            this.base = base;
            this.problems = problems;
        }

        void problem(String path, String message) {
            problems.add(new ConfigProblem(path, message));
        }

        static String at(String parent, String key) {
            return parent.isEmpty() ? key : parent + "." + key;
        }

        FitConfig read(JsonNode root, Path file) {
            if (root == null || root.isMissingNode() || root.isNull()) {
                problem("", "the configuration file is empty");
                root = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            }
            ObjectNode top = object(root, "", TOP_KEYS);
            if (top == null) {
                return new FitConfig(0, file, new General(null, null, List.of(), FitConfig.DEFAULT_CHUNK_SIZE), List.of(),
                        List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
            }
            int version = 0;
            JsonNode v = top.get("Version");
            if (v == null) {
                problem("Version", "missing; this ratiofit reads format version " + FitConfig.FORMAT_VERSION
                        + " (add 'Version: " + FitConfig.FORMAT_VERSION + "')");
            } else if (!v.canConvertToExactIntegral()) {
                problem("Version", "expected an integer, found " + describe(v));
            } else {
                version = v.asInt();
                if (version != FitConfig.FORMAT_VERSION) {
                    problem("Version", "format version " + version + " is not supported; this ratiofit reads version "
                            + FitConfig.FORMAT_VERSION);
                }
            }
            General general = general(top);
            List<String> features = stringList(top, "TrainingFeatures", "", true, false);
            List<String> standardize = stringList(top, "TrainingFeaturesToStandardize", "", false, false);
            List<Sample> samples = new ArrayList<>();
            forEach(top, "Samples", true, (n, p) -> samples.add(sample(n, p)));
            List<NormFactor> norms = new ArrayList<>();
            forEach(top, "NormFactors", false, (n, p) -> norms.add(normFactor(n, p)));
            List<Systematic> systs = new ArrayList<>();
            forEach(top, "Systematics", false, (n, p) -> systs.add(systematic(n, p)));
            List<Region> regions = new ArrayList<>();
            forEach(top, "Regions", true, (n, p) -> regions.add(region(n, p)));
            List<AsimovPoint> asimov = new ArrayList<>();
            forEach(top, "Asimov", false, (n, p) -> asimov.add(asimov(n, p)));
            return new FitConfig(version, file, general, features, standardize, samples, norms, systs, regions, asimov);
        }

        General general(ObjectNode top) {
            JsonNode g = top.get("General");
            if (g == null) {
                problem("General", "missing (it names the measurement and its parameter of interest: General.Measurement.POI)");
                return new General(null, null, List.of(), FitConfig.DEFAULT_CHUNK_SIZE);
            }
            ObjectNode go = object(g, "General", GENERAL_KEYS);
            if (go == null) {
                return new General(null, null, List.of(), FitConfig.DEFAULT_CHUNK_SIZE);
            }
            Double chunk = number(go, "ChunkSize", "General", false);
            int chunkSize = FitConfig.DEFAULT_CHUNK_SIZE;
            if (chunk != null) {
                if (chunk != Math.rint(chunk) || chunk < 1 || chunk > 1 << 26) {
                    problem("General.ChunkSize", "expected a whole number of events between 1 and " + (1 << 26) + ", found " + chunk);
                } else {
                    chunkSize = chunk.intValue();
                }
            }
            org.ratiofit.likelihood.ShapeNormalisation norm = org.ratiofit.likelihood.ShapeNormalisation.REFERENCE;
            String normName = string(go, "ShapeNormalisation", "General", false);
            if (normName != null) {
                norm = org.ratiofit.likelihood.ShapeNormalisation.fromJson(normName.toLowerCase(java.util.Locale.ROOT));
                if (norm == null) {
                    problem("General.ShapeNormalisation", "expected reference (the default), reference_and_closure or none, found '" + normName + "'");
                    norm = org.ratiofit.likelihood.ShapeNormalisation.REFERENCE;
                }
            }
            JsonNode m = go.get("Measurement");
            if (m == null) {
                problem("General.Measurement", "missing (it names the parameter of interest: POI)");
                return new General(null, null, List.of(), chunkSize, norm);
            }
            ObjectNode mo = object(m, "General.Measurement", MEASUREMENT_KEYS);
            if (mo == null) {
                return new General(null, null, List.of(), chunkSize, norm);
            }
            return new General(string(mo, "Name", "General.Measurement", false), string(mo, "POI", "General.Measurement", true),
                    stringList(mo, "ParametersToFit", "General.Measurement", false, false), chunkSize, norm);
        }

        Sample sample(JsonNode n, String p) {
            ObjectNode o = object(n, p, SAMPLE_KEYS);
            if (o == null) {
                return new Sample(p, null, false, false, false, null, null, null, null);
            }
            String name = string(o, "Name", p, true);
            boolean data = bool(o, "Data", p);
            boolean ref = bool(o, "UseAsReference", p);
            boolean basis = bool(o, "UseAsBasis", p);
            Double yield = number(o, "Yield", p, false);
            // a basis sample may be given by its ensemble and yield alone (no events)
            boolean eventsOptional = basis && !data && !ref && yield != null && (o.has("Ensemble") || o.has("Estimator"));
            EventFiles events = eventFiles(o, p, "SamplePath", !eventsOptional);
            Path ensemble = path(o, "Ensemble", p, false);
            YieldFunction coefficient = null;
            JsonNode c = o.get("Coefficient");
            if (c != null) {
                coefficient = coefficient(c, at(p, "Coefficient"));
            }
            Path estimator = path(o, "Estimator", p, false);
            List<FitConfig.EstimatorParameter> theta = new ArrayList<>();
            if (o.has("EstimatorParameters")) {
                forEach(o, "EstimatorParameters", p, false, (t, tp) -> {
                    ObjectNode to = object(t, tp, ESTIMATOR_PARAMETER_KEYS);
                    if (to != null) {
                        double[] b = bounds(to, tp, true, null);
                        Double nominal = number(to, "Nominal", tp, false);
                        theta.add(new FitConfig.EstimatorParameter(tp, string(to, "Name", tp, true),
                                nominal == null ? 0.5 * (b[0] + b[1]) : nominal, b[0], b[1]));
                    }
                });
            }
            return new Sample(p, name, data, ref, basis, events, ensemble, coefficient, yield, estimator, theta);
        }

        YieldFunction coefficient(JsonNode n, String p) {
            ObjectNode o = object(n, p, COEFFICIENT_KEYS);
            if (o == null) {
                return null;
            }
            String param = string(o, "Parameter", p, true);
            List<Term> terms = new ArrayList<>();
            forEach(o, "Terms", p, true, (t, tp) -> {
                ObjectNode to = object(t, tp, TERM_KEYS);
                if (to != null) {
                    Double f = number(to, "Factor", tp, true);
                    Double pw = number(to, "Power", tp, true);
                    if (f != null && pw != null) {
                        terms.add(new Term(f, pw));
                    }
                }
            });
            return new YieldFunction(param, terms);
        }

        EventFiles eventFiles(ObjectNode o, String p, String pathKey, boolean required) {
            List<String> raw = stringList(o, pathKey, p, required, true);
            if (raw.isEmpty()) {
                return null;
            }
            List<Path> paths = new ArrayList<>();
            for (String s : raw) {
                paths.add(resolve(s));
            }
            List<String> columns = o.has("Columns") ? stringList(o, "Columns", p, false, false) : null;
            return new EventFiles(paths, string(o, "Tree", p, false), columns, string(o, "Weight", p, false));
        }

        NormFactor normFactor(JsonNode n, String p) {
            ObjectNode o = object(n, p, NORMFACTOR_KEYS);
            if (o == null) {
                return new NormFactor(p, null, List.of(), 1, 0, 1);
            }
            Double nominal = number(o, "Nominal", p, false);
            double[] b = bounds(o, p, true, null);
            return new NormFactor(p, string(o, "Name", p, true), stringList(o, "Samples", p, false, true),
                    nominal == null ? 1.0 : nominal, b[0], b[1]);
        }

        double[] bounds(ObjectNode o, String p, boolean required, double[] fallback) {
            JsonNode b = o.get("Bounds");
            String bp = at(p, "Bounds");
            if (b == null) {
                if (required) {
                    problem(bp, "missing; give [lower, upper]");
                }
                return fallback != null ? fallback : new double[] {Double.NaN, Double.NaN};
            }
            if (b.isArray() && b.size() == 2) {
                Double lo = YamlSpecialFloats.value(b.get(0));
                Double hi = YamlSpecialFloats.value(b.get(1));
                if ((lo != null && lo.isNaN()) || (hi != null && hi.isNaN())) {
                    problem(bp, "NaN (.nan) is not a bound; give numbers, or -.inf / .inf for no bound");
                    return new double[] {Double.NaN, Double.NaN};
                }
                if ((lo != null || b.get(0).isNumber()) && (hi != null || b.get(1).isNumber())) {
                    // YAML writes unbounded as -.inf / .inf
                    return new double[] {lo != null ? lo : b.get(0).asDouble(), hi != null ? hi : b.get(1).asDouble()};
                }
            }
            problem(bp, "expected [lower, upper], two numbers (-.inf / .inf for no bound); found " + describe(b));
            return new double[] {Double.NaN, Double.NaN};
        }

        Systematic systematic(JsonNode n, String p) {
            ObjectNode o = object(n, p, SYSTEMATIC_KEYS);
            if (o == null) {
                return new Systematic(p, null, null, List.of(), Constraint.GAUSSIAN, 0, -5, 5, Interpolation.CODE4, List.of(),
                        List.of(), List.of(), List.of(), List.of());
            }
            String name = string(o, "Name", p, true);
            SystematicType type = enumValue(o, "Type", p, true, SystematicType.class, null,
                    Map.of("norm", SystematicType.NORM, "normsys", SystematicType.NORM, "shape", SystematicType.SHAPE,
                            "normplusshape", SystematicType.NORM_PLUS_SHAPE, "polynomial", SystematicType.POLYNOMIAL));
            Constraint constraint = enumValue(o, "Constraint", p, false, Constraint.class, Constraint.GAUSSIAN,
                    Map.of("gaussian", Constraint.GAUSSIAN, "none", Constraint.NONE));
            Interpolation interp = enumValue(o, "Interpolation", p, false, Interpolation.class, Interpolation.CODE4,
                    Map.of("code0", Interpolation.CODE0, "code1", Interpolation.CODE1, "code4", Interpolation.CODE4,
                            "code4p", Interpolation.CODE4P));
            Double nominal = number(o, "Nominal", p, false);
            double[] b = bounds(o, p, false, new double[] {-5, 5});
            List<Variation> up = new ArrayList<>();
            forEach(o, "Up", p, false, (v, vp) -> up.add(variation(v, vp)));
            List<Variation> down = new ArrayList<>();
            if (o.has("Dn") && o.has("Down")) {
                problem(at(p, "Down"), "give the down variations once, as Dn or as Down");
            }
            String downKey = o.has("Down") ? "Down" : "Dn";
            forEach(o, downKey, p, false, (v, vp) -> down.add(variation(v, vp)));
            List<List<String>> monomials = new ArrayList<>();
            forEach(o, "Monomials", p, false, (m, mp) -> {
                if (!m.isArray()) {
                    problem(mp, "expected a list of parameter names, e.g. [TES, TES] for TES squared; found " + describe(m));
                    return;
                }
                List<String> mono = new ArrayList<>();
                for (JsonNode e : m) {
                    if (!e.isTextual()) {
                        problem(mp, "expected parameter names, found " + describe(e));
                    } else {
                        mono.add(e.asText());
                    }
                }
                monomials.add(mono);
            });
            List<PolynomialModel> models = new ArrayList<>();
            forEach(o, "Models", p, false, (m, mp) -> {
                ObjectNode mo = object(m, mp, POLY_MODEL_KEYS);
                if (mo != null) {
                    List<Double> coeffs = new ArrayList<>();
                    JsonNode c = mo.get("YieldCoefficients");
                    if (c != null) {
                        if (!c.isArray()) {
                            problem(at(mp, "YieldCoefficients"), "expected a list of numbers, found " + describe(c));
                        } else {
                            for (JsonNode x : c) {
                                if (x.isNumber()) coeffs.add(x.asDouble());
                                else problem(at(mp, "YieldCoefficients"), "expected numbers, found " + describe(x));
                            }
                        }
                    }
                    List<FitConfig.PolynomialVariation> vars = new ArrayList<>();
                    forEach(mo, "Variations", mp, false, (v, vp) -> {
                        FitConfig.PolynomialVariation pv = polynomialVariation(v, vp);
                        if (pv != null) vars.add(pv);
                    });
                    models.add(new PolynomialModel(mp, string(mo, "SampleName", mp, true), path(mo, "Ensemble", mp, true), coeffs, vars,
                            stringList(mo, "YieldSpline", mp, false, true)));
                }
            });
            return new Systematic(p, name, type, stringList(o, "Samples", p, false, true), constraint,
                    nominal == null ? 0 : nominal, b[0], b[1], interp, up, down,
                    stringList(o, "Parameters", p, false, false), monomials, models);
        }

        Variation variation(JsonNode n, String p) {
            ObjectNode o = object(n, p, VARIATION_KEYS);
            if (o == null) {
                return new Variation(p, null, null, null, null);
            }
            return new Variation(p, string(o, "SampleName", p, true), eventFiles(o, p, "Path", false),
                    number(o, "Yield", p, false), path(o, "Ensemble", p, false));
        }

        Region region(JsonNode n, String p) {
            ObjectNode o = object(n, p, REGION_KEYS);
            if (o == null) {
                return new Region(p, null, null, null, null, List.of());
            }
            String variable = string(o, "Variable", p, false);
            List<Double> binning = new ArrayList<>();
            JsonNode b = o.get("Binning");
            if (b != null && !b.isNull()) {
                if (!b.isArray()) {
                    problem(at(p, "Binning"), "expected a list of bin edges, found " + describe(b));
                } else {
                    for (JsonNode e : b) {
                        if (e.isNumber()) binning.add(e.asDouble());
                        else problem(at(p, "Binning"), "expected numbers (bin edges), found " + describe(e));
                    }
                }
            }
            // As in the toolkits, a region with a Variable is binned unless a Type says otherwise.
            RegionType type = enumValue(o, "Type", p, false, RegionType.class, variable != null ? RegionType.BINNED : RegionType.UNBINNED,
                    Map.of("binned", RegionType.BINNED, "unbinned", RegionType.UNBINNED));
            return new Region(p, string(o, "Name", p, true), type, string(o, "Filter", p, false), variable, binning);
        }

        /** A polynomial model's training sample: {Point: {TES: 1.0}, Path, Tree, Columns, Weight, HeldOut}. */
        FitConfig.PolynomialVariation polynomialVariation(JsonNode n, String p) {
            ObjectNode o = object(n, p, POLY_VARIATION_KEYS);
            if (o == null) {
                return null;
            }
            Map<String, Double> point = new LinkedHashMap<>();
            JsonNode pv = o.get("Point");
            String pp = at(p, "Point");
            if (pv == null) {
                problem(pp, "missing; give the nuisance parameters' values of this sample, e.g. {TES: 1.0, JES: -1.0}");
            } else if (!pv.isObject()) {
                problem(pp, "expected a map of parameter name to value, found " + describe(pv));
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = pv.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isNumber() || !Double.isFinite(e.getValue().asDouble())) {
                        problem(at(pp, e.getKey()), "expected a number, found " + describe(e.getValue()));
                    } else {
                        point.put(e.getKey(), e.getValue().asDouble());
                    }
                }
            }
            JsonNode h = o.get("HeldOut");
            if (h != null && !h.isBoolean()) {
                problem(at(p, "HeldOut"), "expected true or false, found " + describe(h));
            }
            return new FitConfig.PolynomialVariation(p, point, eventFiles(o, p, "Path", true), h != null && h.asBoolean());
        }

        AsimovPoint asimov(JsonNode n, String p) {
            ObjectNode o = object(n, p, ASIMOV_KEYS);
            if (o == null) {
                return new AsimovPoint(p, null, Map.of());
            }
            Map<String, Double> values = new LinkedHashMap<>();
            JsonNode pv = o.get("Parameters");
            String pp = at(p, "Parameters");
            if (pv == null) {
                problem(pp, "missing; give the parameter values, e.g. {mu: 1.0} (parameters not named stay at their nominal values)");
            } else if (!pv.isObject()) {
                problem(pp, "expected a map of parameter name to value, found " + describe(pv));
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = pv.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isNumber()) {
                        problem(at(pp, e.getKey()), "expected a number, found " + describe(e.getValue()));
                    } else {
                        values.put(e.getKey(), e.getValue().asDouble());
                    }
                }
            }
            return new AsimovPoint(p, string(o, "Name", p, true), values);
        }

        // ------------------------------------------------------------ primitives

        ObjectNode object(JsonNode n, String p, Set<String> allowed) {
            if (!n.isObject()) {
                problem(p, "expected a mapping of keys to values, found " + describe(n));
                return null;
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
                String k = it.next();
                if (allowed.contains(k)) {
                    continue;
                }
                String hint = Names.closest(k, allowed);
                String replaced = REPLACED.get(k);
                problem(at(p, k), "unknown key" + (hint != null ? " (did you mean '" + hint + "'?)" : "")
                        + (replaced != null ? "; " + replaced : "") + "; allowed keys here: " + new java.util.TreeSet<>(allowed));
            }
            return (ObjectNode) n;
        }

        interface ItemReader {
            void read(JsonNode item, String path);
        }

        void forEach(ObjectNode o, String key, boolean required, ItemReader r) {
            forEach(o, key, "", required, r);
        }

        void forEach(ObjectNode o, String key, String p, boolean required, ItemReader r) {
            JsonNode n = o.get(key);
            String kp = at(p, key);
            if (n == null || n.isNull()) {
                if (required) {
                    problem(kp, "missing");
                }
                return;
            }
            if (!n.isArray()) {
                problem(kp, "expected a list, found " + describe(n));
                return;
            }
            if (required && n.isEmpty()) {
                problem(kp, "empty; at least one entry is needed");
            }
            for (int i = 0; i < n.size(); i++) {
                r.read(n.get(i), kp + "[" + i + "]");
            }
        }

        String string(ObjectNode o, String key, String p, boolean required) {
            JsonNode n = o.get(key);
            if (n == null || n.isNull()) {
                if (required) {
                    problem(at(p, key), "missing");
                }
                return null;
            }
            if (!n.isValueNode() || n.isBoolean()) {
                problem(at(p, key), "expected a string, found " + describe(n));
                return null;
            }
            String s = n.asText();
            if (s.isBlank()) {
                problem(at(p, key), "empty");
                return null;
            }
            return s;
        }

        Double number(ObjectNode o, String key, String p, boolean required) {
            JsonNode n = o.get(key);
            if (n == null || n.isNull()) {
                if (required) {
                    problem(at(p, key), "missing");
                }
                return null;
            }
            Double special = YamlSpecialFloats.value(n);
            if (special != null) {
                problem(at(p, key), special.isNaN() ? "NaN (.nan) is not a usable value; give a number"
                        : "must be finite, found " + n.asText());
                return null;
            }
            if (!n.isNumber()) {
                problem(at(p, key), "expected a number, found " + describe(n));
                return null;
            }
            return n.asDouble();
        }

        boolean bool(ObjectNode o, String key, String p) {
            JsonNode n = o.get(key);
            if (n == null || n.isNull()) {
                return false;
            }
            if (!n.isBoolean()) {
                problem(at(p, key), "expected true or false, found " + describe(n));
                return false;
            }
            return n.asBoolean();
        }

        Path path(ObjectNode o, String key, String p, boolean required) {
            String s = string(o, key, p, required);
            return s == null ? null : resolve(s);
        }

        Path resolve(String s) {
            Path q = Path.of(s.startsWith("~/") ? System.getProperty("user.home") + s.substring(1) : s);
            return (q.isAbsolute() ? q : base.resolve(q)).normalize();
        }

        List<String> stringList(ObjectNode o, String key, String p, boolean required, boolean allowSingle) {
            JsonNode n = o.get(key);
            String kp = at(p, key);
            if (n == null || n.isNull()) {
                if (required) {
                    problem(kp, "missing");
                }
                return List.of();
            }
            if (allowSingle && n.isTextual()) {
                return List.of(n.asText());
            }
            if (!n.isArray()) {
                problem(kp, "expected a list of strings" + (allowSingle ? " or one string" : "") + ", found " + describe(n));
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n.size(); i++) {
                JsonNode e = n.get(i);
                if (!e.isTextual() && !e.isNumber()) {
                    problem(kp + "[" + i + "]", "expected a string, found " + describe(e));
                } else {
                    out.add(e.asText());
                }
            }
            if (required && out.isEmpty()) {
                problem(kp, "empty; at least one entry is needed");
            }
            return out;
        }

        <E extends Enum<E>> E enumValue(ObjectNode o, String key, String p, boolean required, Class<E> type, E fallback,
                                        Map<String, E> spellings) {
            String s = string(o, key, p, required);
            if (s == null) {
                return fallback;
            }
            E e = spellings.get(s.toLowerCase(Locale.ROOT).replace("_", ""));
            if (e == null) {
                String hint = Names.closest(s.toLowerCase(Locale.ROOT), spellings.keySet());
                problem(at(p, key), "unknown value '" + s + "'" + (hint != null ? " (did you mean '" + hint + "'?)" : "")
                        + "; one of " + new java.util.TreeSet<>(spellings.keySet()));
                return fallback;
            }
            return e;
        }

        static String describe(JsonNode n) {
            if (n.isObject()) return "a mapping";
            if (n.isArray()) return "a list";
            if (n.isTextual()) return "'" + n.asText() + "'";
            return n.toString();
        }
    }
}
