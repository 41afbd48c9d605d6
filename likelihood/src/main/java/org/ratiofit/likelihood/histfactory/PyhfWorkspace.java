package org.ratiofit.likelihood.histfactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.ratiofit.likelihood.BinnedChannel;
import org.ratiofit.likelihood.BinnedSample;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Modifier;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.workspace.Workspace;

/**
 * A pyhf (HistFactory JSON 1.0.0) workspace: read from {@code .json} or {@code .json.gz},
 * checked against the schema's rules ({@link SchemaCheck}), optionally patched (JSON Patch or a
 * patchset's named patch), and turned into ratiofit binned channels and parameters with pyhf's
 * semantics for the chosen measurement.
 *
 * <p>Modifiers: normfactor (free, start 1, bounds [0, 10]); lumi (Gaussian, aux and width from the
 * measurement); normsys (code 4 by default) and histosys (code 4p) on a unit Gaussian α (bounds
 * [−5, 5]); shapesys: one γ per bin, {@code name[b]}, Poisson-constrained with τ_b = (ν_b/σ_b)²
 * (aux τ_b; bins where ν_b or σ_b is 0 get no parameter); staterror: one γ per bin, {@code
 * name[b]}, shared by every sample carrying the modifier, Gaussian with width
 * √(Σσ²)/Σν over those samples (bins with a zero width get no parameter); shapefactor: one free
 * factor per bin, {@code name[b]} (bounds [0, 10]). The same name (and type) anywhere is one
 * parameter. The measurement's parameter settings (inits, bounds, fixed, auxdata, sigmas, factors)
 * override the defaults, element by element for per-bin parameters.
 */
public final class PyhfWorkspace {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

    private final String source;
    private final JsonNode root;

    private PyhfWorkspace(String source, JsonNode root) {
        this.source = source;
        this.root = root;
    }

    /** Whether a path names a pyhf JSON file ({@code .json} or {@code .json.gz} regular file) rather than a workspace directory. */
    public static boolean isPyhfFile(Path path) {
        String n = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return !Files.isDirectory(path) && (n.endsWith(".json") || n.endsWith(".json.gz"));
    }

    /** Parses a JSON or gzipped JSON file; malformed JSON is an error naming the file, line and column. */
    public static JsonNode readJson(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new HistFactoryException(file + ": no such file");
        }
        boolean gz = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gz");
        try (InputStream raw = Files.newInputStream(file); InputStream in = gz ? new GZIPInputStream(raw) : raw) {
            JsonNode n = JSON.readTree(in);
            if (n == null || n.isMissingNode()) {
                throw new HistFactoryException(file + ": empty file, expected JSON");
            }
            return n;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new HistFactoryException(file + ": malformed JSON" + (loc == null ? "" : " at line " + loc.getLineNr() + " column "
                    + loc.getColumnNr()) + ": " + e.getOriginalMessage());
        } catch (java.util.zip.ZipException e) {
            throw new HistFactoryException(file + ": not a gzip file (" + e.getMessage() + ")");
        }
    }

    /** Reads and checks a pyhf workspace file; every schema problem is listed with its JSON path. */
    public static PyhfWorkspace read(Path file) throws IOException {
        return of(readJson(file), file.toString());
    }

    /** A workspace from its JSON tree, checked; {@code source} names it in messages. */
    public static PyhfWorkspace of(JsonNode root, String source) {
        List<String> problems = SchemaCheck.problems(root);
        if (!problems.isEmpty()) {
            throw new HistFactoryException(source + ": not a valid pyhf workspace: " + String.join("; ", problems), problems);
        }
        return new PyhfWorkspace(source, root);
    }

    public JsonNode json() {
        return root.deepCopy();
    }

    public String source() {
        return source;
    }

    /**
     * The workspace with a patch applied: {@code patch} is a JSON Patch (array) or a patchset
     * (then {@code patchName} picks the patch; required when the set has more than one). The
     * result is checked again.
     */
    public PyhfWorkspace patched(JsonNode patch, String patchName, String patchSource) {
        JsonNode ops;
        String label;
        if (PatchSet.isPatchSet(patch)) {
            PatchSet set = PatchSet.of(patch, patchSource);
            if (patchName == null) {
                if (set.patches().size() != 1) {
                    throw new HistFactoryException(patchSource + ": the patchset holds " + set.patches().size()
                            + " patches; choose one with --patch-name (e.g. '" + set.patches().get(0).name() + "')");
                }
                patchName = set.patches().get(0).name();
            }
            ops = set.patch(patchName).operations();
            label = patchSource + " patch '" + patchName + "'";
        } else {
            if (patchName != null) {
                throw new HistFactoryException(patchSource + ": --patch-name '" + patchName + "' given, but the file is a plain JSON Patch, not a patchset");
            }
            ops = patch;
            label = patchSource;
        }
        JsonNode out;
        try {
            out = JsonPatch.apply(ops, root);
        } catch (JsonPatch.PatchException e) {
            throw new HistFactoryException(label + ": " + e.getMessage() + " (applied to " + source + ")");
        }
        return of(out, source + " + " + label);
    }

    /** The measurements' names, in file order. */
    public List<String> measurements() {
        List<String> out = new ArrayList<>();
        for (JsonNode m : root.get("measurements")) {
            out.add(m.get("name").asText());
        }
        return out;
    }

    private JsonNode measurement(String name) {
        JsonNode ms = root.get("measurements");
        if (name == null) {
            return ms.get(0);
        }
        for (JsonNode m : ms) {
            if (m.get("name").asText().equals(name)) {
                return m;
            }
        }
        throw new HistFactoryException(source + ": $.measurements: no measurement named '" + name + "' (the workspace has " + measurements() + ")");
    }

    /** The model of the first measurement with pyhf's default interpolation codes. */
    public Model model() {
        return model(null, InterpCodes.PYHF_DEFAULT);
    }

    /** The model of a measurement (null: the first) with the given interpolation codes. */
    public Model model(String measurement, InterpCodes codes) {
        Workspace w = workspace(measurement, codes);
        return new Model(w.parameters(), w.channels());
    }

    private record PerBinSet(String type, int bins, double[] sumVar, double[] sumNominal, double[] shapesysNominal,
                             double[] shapesysSigma, String firstPath) {
    }

    /**
     * The parameters and binned channels of a measurement (null: the first) with the given
     * interpolation codes, as a {@link Workspace} every ratiofit command can use.
     */
    public Workspace workspace(String measurement, InterpCodes codes) {
        JsonNode meas = measurement(measurement);
        String mpath = "$.measurements[" + indexOf(root.get("measurements"), meas) + "]";
        String poi = meas.get("config").get("poi").asText();
        Map<String, JsonNode> overrides = new LinkedHashMap<>();
        Map<String, String> overridePath = new LinkedHashMap<>();
        JsonNode ps = meas.get("config").get("parameters");
        for (int k = 0; k < ps.size(); k++) {
            overrides.put(ps.get(k).get("name").asText(), ps.get(k));
            overridePath.put(ps.get(k).get("name").asText(), mpath + ".config.parameters[" + k + "]");
        }
        Map<String, double[]> observed = new LinkedHashMap<>();
        for (JsonNode o : root.get("observations")) {
            observed.put(o.get("name").asText(), numbers(o.get("data")));
        }
        // pass 1: scalar parameters and the per-bin sets' sums
        Map<String, Parameter> scalars = new LinkedHashMap<>();
        Map<String, PerBinSet> perBin = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        JsonNode channels = root.get("channels");
        for (int c = 0; c < channels.size(); c++) {
            JsonNode ch = channels.get(c);
            for (int s = 0; s < ch.get("samples").size(); s++) {
                JsonNode smp = ch.get("samples").get(s);
                double[] nominal = numbers(smp.get("data"));
                for (int m = 0; m < smp.get("modifiers").size(); m++) {
                    JsonNode mod = smp.get("modifiers").get(m);
                    String name = mod.get("name").asText();
                    String type = mod.get("type").asText();
                    String path = "$.channels[" + c + "].samples[" + s + "].modifiers[" + m + "]";
                    switch (type) {
                        case "normfactor" -> {
                            if (!scalars.containsKey(name)) {
                                order.add(name);
                                scalars.put(name, new Parameter(name, name.equals(poi) ? Parameter.Kind.POI : Parameter.Kind.NORM_FACTOR,
                                        1, 0, 10, false, 0, 1));
                            }
                        }
                        case "lumi" -> {
                            if (!scalars.containsKey(name)) {
                                order.add(name);
                                JsonNode o = overrides.get(name);
                                if (o == null || !o.has("sigmas")) {
                                    throw new HistFactoryException(source + ": " + path + ": lumi needs its width: the measurement '"
                                            + meas.get("name").asText() + "' has no parameter '" + name + "' with 'sigmas' (and 'auxdata')");
                                }
                                scalars.put(name, Parameter.constrained(name, 1, 0, 10, 1, 1));
                            }
                        }
                        case "normsys", "histosys" -> {
                            if (!scalars.containsKey(name)) {
                                order.add(name);
                                scalars.put(name, Parameter.constrained(name));
                            }
                        }
                        case "shapesys", "staterror", "shapefactor" -> {
                            int nb = nominal.length;
                            PerBinSet set = perBin.get(name);
                            if (set == null) {
                                order.add(name);
                                set = new PerBinSet(type, nb, new double[nb], new double[nb], type.equals("shapesys") ? nominal.clone() : null,
                                        type.equals("shapesys") ? numbers(mod.get("data")) : null, path);
                                perBin.put(name, set);
                            } else if (set.bins != nb) {
                                throw new HistFactoryException(source + ": " + path + ": " + type + " '" + name + "' covers " + nb
                                        + " bins here but " + set.bins + " at " + set.firstPath + " (one parameter per bin: the counts must agree)");
                            } else if (type.equals("shapesys")) {
                                double[] sig = numbers(mod.get("data"));
                                for (int b = 0; b < nb; b++) {
                                    if (tau(nominal[b], sig[b]) != tau(set.shapesysNominal[b], set.shapesysSigma[b])) {
                                        throw new HistFactoryException(source + ": " + path + ": shapesys '" + name + "' bin " + b
                                                + " has tau = (nu/sigma)^2 = " + tau(nominal[b], sig[b]) + " here but "
                                                + tau(set.shapesysNominal[b], set.shapesysSigma[b]) + " at " + set.firstPath
                                                + " (a coupled shapesys needs one constraint)");
                                    }
                                }
                            }
                            if (type.equals("staterror")) {
                                double[] err = numbers(mod.get("data"));
                                for (int b = 0; b < nb; b++) {
                                    set.sumVar[b] += err[b] * err[b];
                                    set.sumNominal[b] += nominal[b];
                                }
                            }
                        }
                        default -> throw new IllegalStateException(type);
                    }
                }
            }
        }
        // parameters, with the measurement's overrides
        List<Parameter> params = new ArrayList<>();
        Map<String, String[]> binParams = new LinkedHashMap<>();
        for (String name : order) {
            JsonNode o = overrides.get(name);
            String op = overridePath.get(name);
            if (scalars.containsKey(name)) {
                params.add(override(scalars.get(name), o, op, 0));
                continue;
            }
            PerBinSet set = perBin.get(name);
            String[] names = new String[set.bins];
            for (int b = 0; b < set.bins; b++) {
                String pn = name + "[" + b + "]";
                Parameter p = switch (set.type) {
                    case "shapesys" -> {
                        double t = tau(set.shapesysNominal[b], set.shapesysSigma[b]);
                        yield t > 0 && Double.isFinite(t) ? Parameter.poisson(pn, t) : null;
                    }
                    case "staterror" -> {
                        double rel = set.sumNominal[b] > 0 ? Math.sqrt(set.sumVar[b]) / set.sumNominal[b] : 0;
                        yield rel > 0 && Double.isFinite(rel) ? Parameter.constrained(pn, 1, 1e-10, 10, 1, rel) : null;
                    }
                    default -> new Parameter(pn, pn.equals(poi) ? Parameter.Kind.POI : Parameter.Kind.NORM_FACTOR, 1, 0, 10, false, 0, 1);
                };
                if (p != null) {
                    if (p.kind() == Parameter.Kind.POISSON && o != null && o.has("factors")) {
                        // pyhf's "factors" of a shapesys are its tau values
                        double t = element(o.get("factors"), b, op + ".factors");
                        p = new Parameter(pn, Parameter.Kind.POISSON, p.initial(), p.lower(), p.upper(), p.fixed(), p.aux(), 1 / Math.sqrt(t));
                    }
                    params.add(override(p, o, op, b));
                    names[b] = pn;
                }
            }
            binParams.put(name, names);
        }
        List<String> names = params.stream().map(Parameter::name).toList();
        if (!names.contains(poi)) {
            throw new HistFactoryException(source + ": " + mpath + ".config.poi: '" + poi + "' is not a parameter of the workspace (its parameters: "
                    + (names.size() > 12 ? names.subList(0, 12) + " and " + (names.size() - 12) + " more" : names) + ")");
        }
        int poiIndex = names.indexOf(poi);
        if (params.get(poiIndex).kind() != Parameter.Kind.POI) {
            Parameter p = params.get(poiIndex);
            if (p.kind() != Parameter.Kind.NORM_FACTOR) {
                throw new HistFactoryException(source + ": " + mpath + ".config.poi: '" + poi + "' is a constrained parameter; the POI must be a normfactor");
            }
            params.set(poiIndex, new Parameter(p.name(), Parameter.Kind.POI, p.initial(), p.lower(), p.upper(), p.fixed(), 0, 1));
        }
        // channels
        List<Channel> out = new ArrayList<>();
        for (int c = 0; c < channels.size(); c++) {
            JsonNode ch = channels.get(c);
            String cname = ch.get("name").asText();
            double[] obs = observed.get(cname);
            List<BinnedSample> samples = new ArrayList<>();
            for (int s = 0; s < ch.get("samples").size(); s++) {
                JsonNode smp = ch.get("samples").get(s);
                double[] nominal = numbers(smp.get("data"));
                List<Modifier> mods = new ArrayList<>();
                for (JsonNode mod : smp.get("modifiers")) {
                    String name = mod.get("name").asText();
                    String type = mod.get("type").asText();
                    JsonNode d = mod.get("data");
                    switch (type) {
                        case "normfactor", "lumi" -> mods.add(new Modifier.NormFactor(name));
                        case "normsys" -> mods.add(new Modifier.NormSys(name, codes.normsys(), d.get("hi").asDouble(), d.get("lo").asDouble()));
                        case "histosys" -> mods.add(new Modifier.HistoSys(name, codes.histosys(), numbers(d.get("hi_data")), numbers(d.get("lo_data"))));
                        case "shapesys" -> {
                            // a bin of this sample with zero yield or uncertainty carries no factor
                            String[] bins = binParams.get(name).clone();
                            double[] sig = numbers(d);
                            for (int b = 0; b < bins.length; b++) {
                                if (!(tau(nominal[b], sig[b]) > 0)) {
                                    bins[b] = null;
                                }
                            }
                            mods.add(new Modifier.PerBin(name, type, bins));
                        }
                        default -> mods.add(new Modifier.PerBin(name, type, binParams.get(name)));
                    }
                }
                samples.add(new BinnedSample(smp.get("name").asText(), nominal, mods, false));
            }
            out.add(new BinnedChannel(cname, obs, samples, null));
        }
        checkNonNegative(params, out);
        return new Workspace(params, out);
    }

    /** A bin whose expected count is negative at the initial point is an error naming the channel, bin and samples. */
    private void checkNonNegative(List<Parameter> params, List<Channel> channels) {
        Model m = new Model(params, channels, null);
        double[] x = params.stream().mapToDouble(Parameter::initial).toArray();
        if (m.evaluate(x, false).reason() == null) {
            return;
        }
        for (Channel c : channels) {
            BinnedChannel bc = (BinnedChannel) c;
            Model one = new Model(params, List.of(bc), null);
            String reason = one.evaluate(x, false).reason();
            if (reason == null) {
                continue;
            }
            for (int b = 0; b < bc.bins(); b++) {
                double total = 0;
                List<String> negative = new ArrayList<>();
                for (BinnedSample s : bc.samples()) {
                    total += s.nominal()[b];
                    if (s.nominal()[b] < 0) {
                        negative.add(s.name() + " (" + s.nominal()[b] + ")");
                    }
                }
                if (total < 0 || total == 0 && bc.observed()[b] > 0) {
                    throw new HistFactoryException(source + ": channel '" + bc.name() + "' bin " + b + ": the expected count at the initial point is "
                            + total + (negative.isEmpty() ? "" : ", negative yields of " + negative)
                            + (total == 0 ? " with " + bc.observed()[b] + " observed events" : ""));
                }
            }
            throw new HistFactoryException(source + ": channel '" + bc.name() + "' at the initial point: " + reason);
        }
    }

    static double tau(double nominal, double sigma) {
        if (nominal == 0 || sigma == 0) {
            return 0;
        }
        double r = nominal / sigma;
        return r * r;
    }

    private Parameter override(Parameter p, JsonNode o, String path, int b) {
        if (o == null) {
            return p;
        }
        double lo = p.lower();
        double hi = p.upper();
        if (o.has("bounds")) {
            JsonNode bd = o.get("bounds");
            JsonNode pair = bd.get(Math.min(b, bd.size() - 1));
            if (bd.size() > 1 && b >= bd.size()) {
                throw new HistFactoryException(source + ": " + path + ".bounds: " + bd.size() + " entries, parameter '" + p.name() + "' needs index " + b);
            }
            lo = pair.get(0).asDouble();
            hi = pair.get(1).asDouble();
        }
        double init = o.has("inits") ? element(o.get("inits"), b, path + ".inits") : p.initial();
        boolean fixed = o.has("fixed") ? o.get("fixed").asBoolean() : p.fixed();
        double aux = p.aux();
        double sigma = p.sigma();
        if (p.isConstrained() && o.has("auxdata")) {
            aux = element(o.get("auxdata"), b, path + ".auxdata");
        }
        if (p.kind() == Parameter.Kind.CONSTRAINED && o.has("sigmas")) {
            sigma = element(o.get("sigmas"), b, path + ".sigmas");
        }
        try {
            return new Parameter(p.name(), p.kind(), init, lo, hi, fixed, aux, sigma);
        } catch (IllegalArgumentException e) {
            throw new HistFactoryException(source + ": " + path + ": " + e.getMessage());
        }
    }

    /** Element b of a per-bin override array (a one-element array applies to every bin). */
    private double element(JsonNode arr, int b, String path) {
        if (arr.size() == 1) {
            return arr.get(0).asDouble();
        }
        if (b >= arr.size()) {
            throw new HistFactoryException(source + ": " + path + ": " + arr.size() + " entries, no entry for bin " + b);
        }
        return arr.get(b).asDouble();
    }

    private static int indexOf(JsonNode arr, JsonNode item) {
        for (int i = 0; i < arr.size(); i++) {
            if (arr.get(i) == item) {
                return i;
            }
        }
        return -1;
    }

    static double[] numbers(JsonNode arr) {
        double[] v = new double[arr.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = arr.get(i).asDouble();
        }
        return v;
    }
}
