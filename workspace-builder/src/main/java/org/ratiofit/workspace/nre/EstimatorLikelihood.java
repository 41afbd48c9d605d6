package org.ratiofit.workspace.nre;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.ratio.BatchedThetaGradient;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.RatioModelException;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;

/**
 * A likelihood over the parameters θ of a parametrised ratio estimator (an ensemble folder written
 * by {@code ratiofit train-estimator}, or one member's sidecar) on observed events, read from an
 * estimator-likelihood file (JSON, {@value #FORMAT}, version 1):
 *
 * <pre>{
 *   "format": "ratiofit-estimator-likelihood", "version": 1,
 *   "estimator": "models/alices",
 *   "events": {"file": "observed.csv", "features": ["x1", "x2"], "weight": null},
 *   "reference": {"file": "reference.csv", "features": ["x1", "x2"], "weight": null},
 *   "parameters": [{"name": "k", "start": 2, "lower": 1.5, "upper": 3},
 *                  {"name": "lambda", "start": 1, "lower": 0.7, "upper": 1.4}],
 *   "parameter_of_interest": "k"
 * }</pre>
 *
 * Paths are relative to the file. {@code events.features} are the columns holding the model's
 * features, in the model's feature order (default: the features' own names); {@code parameters}
 * must name every θ of the model, with finite bounds (the region the estimator was trained on) and
 * optional {@code start} (default the middle), {@code step} and {@code fixed}. The members are
 * combined by the manifest's aggregation with equal weights, or, when the manifest sets
 * {@code beta}, MadMiner's expectation weights exp(−β|E_m|) from the held-out E[r̂] − 1 that
 * {@code train-estimator} recorded in {@code NAME.training.json}. The optional {@code reference}
 * (same keys as {@code events}) names events simulated at the estimator's denominator hypothesis θ1:
 * the likelihood is then self-normalised, −Σ_i ln r̄(x_i|θ) + n ln Ẑ(θ) with Ẑ(θ) the reference
 * events' mean of r̄(x|θ) ({@link EnsembleRatioLikelihood#withReference}), which removes any
 * θ-dependent factor in the trained ratio; without it the likelihood relies on E_{x~θ1}[r̂(x|θ)] = 1
 * for every θ. A {@link StatisticalModel}
 * without Asimov data or pseudo-experiments (the estimator cannot generate events).
 */
public final class EstimatorLikelihood implements StatisticalModel, AutoCloseable {

    public static final String FORMAT = "ratiofit-estimator-likelihood";
    public static final int VERSION = 1;
    private static final Set<String> KEYS = Set.of("format", "version", "kind", "estimator", "events", "reference", "parameters", "parameter_of_interest");
    private static final Set<String> EVENT_KEYS = Set.of("file", "features", "weight");
    private static final Set<String> PARAMETER_KEYS = Set.of("name", "start", "lower", "upper", "step", "fixed");

    /** Where the members' weights come from, and the held-out deviations E_m when the manifest sets beta (else null). */
    public record MemberWeighting(List<String> members, double[] weights, Double beta, double[] deviations, String source) {}

    private final Path file;
    private final Path estimator;
    private final Path events;
    private final EnsembleRatioLikelihood likelihood;
    private final OptionalInt poi;
    private final MemberWeighting weighting;
    private final Ensemble ensemble; // owns the members' sessions

    private EstimatorLikelihood(Path file, Path estimator, Path events, EnsembleRatioLikelihood likelihood, OptionalInt poi,
                                MemberWeighting weighting, Ensemble ensemble) {
        this.file = file;
        this.estimator = estimator;
        this.events = events;
        this.likelihood = likelihood;
        this.poi = poi;
        this.weighting = weighting;
        this.ensemble = ensemble;
    }

    /** The default kind: a parametrised ratio estimator's likelihood (this class). */
    public static final String KIND_RATIO = "ratio";
    /** SALLY's / SALLINO's binned likelihood in the estimated score ({@link SallyHistogramFile}). */
    public static final String KIND_SALLY_HISTOGRAM = "sally_histogram";

    /** The file's {@code kind} ({@value #KIND_RATIO} when absent); an error naming the file for an unknown one. */
    public static String kind(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
        return kind(root, file.toString());
    }

    static String kind(JsonNode root, String where) {
        JsonNode k = root.get("kind");
        if (k == null || k.isNull()) return KIND_RATIO;
        if (!k.isTextual() || !(KIND_RATIO.equals(k.asText()) || KIND_SALLY_HISTOGRAM.equals(k.asText()))) {
            throw new IllegalArgumentException(where + ": field 'kind' must be '" + KIND_RATIO + "' (a parametrised ratio estimator, the default) or '"
                    + KIND_SALLY_HISTOGRAM + "' (SALLY/SALLINO: a histogram of the estimated score), got " + k);
        }
        return k.asText();
    }

    /** Whether {@code path} is a JSON file whose {@code format} is {@value #FORMAT} (false for anything unreadable). */
    public static boolean isEstimatorLikelihood(Path path) {
        if (!Files.isRegularFile(path) || !path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json")) return false;
        try {
            JsonNode n = new ObjectMapper().readTree(path.toFile());
            return n != null && FORMAT.equals(n.path("format").asText(null));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Reads the file, the estimator and the events; every problem names the file and the field. */
    public static EstimatorLikelihood load(Path file, BatchedThetaGradient.Precision precision) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "estimator-likelihood file does not exist");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
        String where = file.toString();
        if (root == null || !root.isObject()) throw new IllegalArgumentException(where + ": expected a JSON object");
        unknownKeys(root, KEYS, where, "");
        if (!FORMAT.equals(root.path("format").asText(null))) {
            throw new IllegalArgumentException(where + ": field 'format' must be '" + FORMAT + "', got " + root.path("format"));
        }
        if (root.path("version").asInt(-1) != VERSION || !root.path("version").isIntegralNumber()) {
            throw new IllegalArgumentException(where + ": field 'version' must be " + VERSION + " (this ratiofit reads version " + VERSION
                    + "), got " + (root.has("version") ? root.get("version") : "none"));
        }
        String kind = kind(root, where);
        if (!KIND_RATIO.equals(kind)) {
            throw new IllegalArgumentException(where + ": kind '" + kind + "' is not a ratio-estimator likelihood: read it with SallyHistogramFile.load");
        }
        Path dir = file.toAbsolutePath().getParent();
        Path est = dir.resolve(text(root, "estimator", where, true));
        Ensemble ens = openEstimator(est, where);
        try {
            RatioModel first = ens.members().get(0);
            // events
            JsonNode ev = root.path("events");
            if (!ev.isObject()) throw new IllegalArgumentException(where + ": field 'events' must be an object {file, features, weight}");
            unknownKeys(ev, EVENT_KEYS, where, "events.");
            Path evFile = dir.resolve(text(ev, "file", where + ": events", true));
            List<String> cols = new ArrayList<>();
            if (ev.has("features") && !ev.get("features").isNull()) {
                JsonNode f = ev.get("features");
                if (!f.isArray()) throw new IllegalArgumentException(where + ": field 'events.features' must be a list of column names");
                f.forEach(c -> cols.add(c.asText()));
                if (cols.size() != first.features().size()) {
                    throw new IllegalArgumentException(where + ": field 'events.features' names " + cols.size() + " columns " + cols + " but estimator "
                            + est + " has " + first.features().size() + " features " + first.features() + " (one column per feature, in that order)");
                }
            } else {
                cols.addAll(first.features());
            }
            String weight = ev.has("weight") && !ev.get("weight").isNull() ? ev.get("weight").asText() : null;
            if (!Files.exists(evFile)) throw new NoSuchFileException(evFile.toString(), null, where + ": events.file does not exist");
            List<String> available = EventFiles.columnNames(evFile, ReadOptions.DEFAULT);
            List<String> wanted = new ArrayList<>(cols);
            if (weight != null) wanted.add(weight);
            for (int j = 0; j < wanted.size(); j++) {
                String c = wanted.get(j);
                if (!available.contains(c)) {
                    String field = j < cols.size() ? (ev.has("features") ? "events.features[" + j + "]" : "events.features (default: feature '" + c + "')")
                            : "events.weight";
                    throw new IllegalArgumentException(where + ": " + field + ": column '" + c + "' is not in " + evFile + " (its columns: "
                            + String.join(", ", available) + ")");
                }
            }
            EventTable t = EventFiles.read(evFile, ReadOptions.DEFAULT, wanted.stream().distinct().toList());
            double[][] x = new double[cols.size()][];
            for (int j = 0; j < x.length; j++) x[j] = t.column(cols.get(j));
            double[] w = weight == null ? null : t.column(weight);
            if (t.size() == 0) throw new IllegalArgumentException(where + ": " + evFile + " has no events");
            for (int j = 0; j < x.length; j++) {
                for (int i = 0; i < x[j].length; i++) {
                    if (!Double.isFinite(x[j][i])) {
                        throw new IllegalArgumentException(where + ": column '" + cols.get(j) + "' of " + evFile + " is " + x[j][i] + " in row " + i + " (counting from 0)");
                    }
                }
            }
            if (w != null) {
                for (int i = 0; i < w.length; i++) {
                    if (!Double.isFinite(w[i])) throw new IllegalArgumentException(where + ": weight column '" + weight + "' of " + evFile + " is " + w[i] + " in row " + i);
                }
            }
            double[][] refX = null;
            double[] refW = null;
            Path refFile = null;
            JsonNode rf = root.get("reference");
            if (rf != null && !rf.isNull()) {
                if (!rf.isObject()) throw new IllegalArgumentException(where + ": field 'reference' must be an object {file, features, weight} (events simulated at the estimator's θ1)");
                unknownKeys(rf, EVENT_KEYS, where, "reference.");
                refFile = dir.resolve(text(rf, "file", where + ": reference", true));
                List<String> rcols = new ArrayList<>();
                if (rf.has("features") && !rf.get("features").isNull()) {
                    JsonNode f = rf.get("features");
                    if (!f.isArray()) throw new IllegalArgumentException(where + ": field 'reference.features' must be a list of column names");
                    f.forEach(c -> rcols.add(c.asText()));
                    if (rcols.size() != first.features().size()) {
                        throw new IllegalArgumentException(where + ": field 'reference.features' names " + rcols.size() + " columns " + rcols + " but estimator "
                                + est + " has " + first.features().size() + " features " + first.features() + " (one column per feature, in that order)");
                    }
                } else {
                    rcols.addAll(first.features());
                }
                String rweight = rf.has("weight") && !rf.get("weight").isNull() ? rf.get("weight").asText() : null;
                if (!Files.exists(refFile)) throw new NoSuchFileException(refFile.toString(), null, where + ": reference.file does not exist");
                List<String> ravail = EventFiles.columnNames(refFile, ReadOptions.DEFAULT);
                List<String> rwanted = new ArrayList<>(rcols);
                if (rweight != null) rwanted.add(rweight);
                for (int j = 0; j < rwanted.size(); j++) {
                    String c = rwanted.get(j);
                    if (!ravail.contains(c)) {
                        String field = j < rcols.size() ? (rf.has("features") ? "reference.features[" + j + "]" : "reference.features (default: feature '" + c + "')")
                                : "reference.weight";
                        throw new IllegalArgumentException(where + ": " + field + ": column '" + c + "' is not in " + refFile + " (its columns: "
                                + String.join(", ", ravail) + ")");
                    }
                }
                EventTable rt = EventFiles.read(refFile, ReadOptions.DEFAULT, rwanted.stream().distinct().toList());
                if (rt.size() == 0) throw new IllegalArgumentException(where + ": reference.file " + refFile + " has no events");
                refX = new double[rcols.size()][];
                for (int j = 0; j < refX.length; j++) {
                    refX[j] = rt.column(rcols.get(j));
                    for (int i = 0; i < refX[j].length; i++) {
                        if (!Double.isFinite(refX[j][i])) {
                            throw new IllegalArgumentException(where + ": column '" + rcols.get(j) + "' of " + refFile + " (reference) is " + refX[j][i] + " in row " + i + " (counting from 0)");
                        }
                    }
                }
                refW = rweight == null ? null : rt.column(rweight);
                if (refW != null) {
                    for (int i = 0; i < refW.length; i++) {
                        if (!Double.isFinite(refW[i])) throw new IllegalArgumentException(where + ": weight column '" + rweight + "' of " + refFile + " (reference) is " + refW[i] + " in row " + i);
                    }
                }
            }
            // parameters
            List<ParameterSpec> specs = parameters(root, first, est, where);
            OptionalInt poi = OptionalInt.empty();
            if (root.has("parameter_of_interest") && !root.get("parameter_of_interest").isNull()) {
                String p = root.get("parameter_of_interest").asText();
                int i = specs.stream().map(ParameterSpec::name).toList().indexOf(p);
                if (i < 0) {
                    throw new IllegalArgumentException(where + ": field 'parameter_of_interest': '" + p + "' is not a parameter of estimator " + est
                            + " (" + first.parameters() + ")");
                }
                poi = OptionalInt.of(i);
            }
            MemberWeighting mw = weighting(ens, est, where);
            EnsembleRatioLikelihood lik;
            try {
                lik = EnsembleRatioLikelihood.iid(ens.members(), mw.weights(), ens.aggregation(), x, w, specs, precision);
                if (refX != null) lik = lik.withReference(refX, refW);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            return new EstimatorLikelihood(file, est, evFile, lik, poi, mw, ens);
        } catch (IOException | RuntimeException e) {
            ens.close();
            throw e;
        }
    }

    static Ensemble openEstimator(Path est, String where) {
        if (!Files.exists(est)) throw new IllegalArgumentException(where + ": field 'estimator': " + est + " does not exist");
        Ensemble ens;
        try {
            if (Files.isDirectory(est) || est.getFileName().toString().equals(EnsembleManifest.FILE_NAME)) {
                Path manifest = Files.isDirectory(est) ? est.resolve(EnsembleManifest.FILE_NAME) : est;
                if (!Files.exists(manifest)) {
                    throw new IllegalArgumentException(where + ": field 'estimator': " + est + " is not a parametrised estimator: it has no "
                            + EnsembleManifest.FILE_NAME + " (a folder written by ratiofit train-estimator, or one member's sidecar .json)");
                }
                ens = Ensemble.load(est);
            } else {
                RatioModel m = RatioModel.load(est);
                ens = new Ensemble(m.name(), List.of(m), EnsembleManifest.Aggregation.MEAN_RATIO);
            }
        } catch (RatioModelException e) {
            throw new IllegalArgumentException(where + ": field 'estimator': " + est + " is not a parametrised estimator: " + e.getMessage(), e);
        }
        try {
            for (RatioModel m : ens.members()) {
                if (!m.isParametrised()) {
                    throw new IllegalArgumentException(where + ": field 'estimator': " + est + " is not a parametrised estimator: member '" + m.name()
                            + "' has no parameters θ (a fixed-hypothesis ratio model: name it as a sample's Ensemble in a build configuration)");
                }
                if (m.sidecar().output() == ModelSidecar.OutputConvention.LOCAL_SCORE) {
                    throw new IllegalArgumentException(where + ": field 'estimator': " + est + " is a local-score (SALLY) estimator, not a ratio r(x|θ): "
                            + "its Fisher information is 'ratiofit fisher'; a likelihood over θ needs a ratio method (carl, rolr, alice, cascal, rascal, alices), "
                            + "or \"kind\": \"sally_histogram\" for SALLY's binned likelihood in the estimated score");
                }
                refuseDoublyParametrised(m, est, where);
            }
            if (ens.aggregation() == EnsembleManifest.Aggregation.MEDIAN_RATIO) {
                throw new IllegalArgumentException(where + ": field 'estimator': " + est + ": aggregation 'median_ratio' has no θ-gradient; "
                        + "a likelihood over θ needs 'mean_ratio' or 'mean_log_ratio' in " + EnsembleManifest.FILE_NAME);
            }
            return ens;
        } catch (RuntimeException e) {
            ens.close();
            throw e;
        }
    }

    /** A doubly parametrised estimator (θ1 as an input too) is not a likelihood in θ alone. */
    private static void refuseDoublyParametrised(RatioModel m, Path est, String where) {
        Path side = m.onnxPath().toAbsolutePath().getParent().resolve(m.name() + ".estimator.json");
        if (!Files.exists(side)) return;
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(side.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": field 'estimator': " + side + " is not valid JSON: " + e.getMessage());
        }
        String method = n.path("method").asText("");
        boolean doubly = method.endsWith("2") || n.path("doubly_parametrised").asBoolean(false) || n.path("doubly_parameterized").asBoolean(false)
                || (n.has("parameters1") && !n.get("parameters1").isNull()) || (n.has("theta1_input") && n.get("theta1_input").asBoolean(false));
        if (doubly) {
            throw new IllegalArgumentException(where + ": field 'estimator': " + est + " is a doubly parametrised estimator (" + side + ": method '"
                    + method + "', θ1 is a network input): a likelihood over θ needs a singly parametrised one (θ1 fixed), such as alices");
        }
    }

    static List<ParameterSpec> parameters(JsonNode root, RatioModel model, Path est, String where) {
        JsonNode ps = root.path("parameters");
        if (!ps.isArray() || ps.isEmpty()) {
            throw new IllegalArgumentException(where + ": field 'parameters' must be a list of {name, lower, upper, start}, one per parameter of "
                    + "estimator " + est + ": " + model.parameters());
        }
        List<ParameterSpec> specs = new ArrayList<>();
        for (int k = 0; k < ps.size(); k++) {
            JsonNode p = ps.get(k);
            String at = "parameters[" + k + "]";
            if (!p.isObject()) throw new IllegalArgumentException(where + ": field '" + at + "' must be an object {name, lower, upper, start}");
            unknownKeys(p, PARAMETER_KEYS, where, at + ".");
            String name = text(p, "name", where + ": " + at, true);
            if (!model.parameters().contains(name)) {
                throw new IllegalArgumentException(where + ": field '" + at + ".name': estimator " + est + " has no parameter '" + name
                        + "'; its parameters are " + model.parameters());
            }
            if (specs.stream().anyMatch(s -> s.name().equals(name))) {
                throw new IllegalArgumentException(where + ": field '" + at + ".name': parameter '" + name + "' is listed twice");
            }
            double lo = number(p, "lower", where, at, Double.NaN);
            double hi = number(p, "upper", where, at, Double.NaN);
            if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
                throw new IllegalArgumentException(where + ": field '" + at + "': parameter '" + name + "' needs finite bounds lower < upper (the θ region "
                        + "the estimator was trained on), got lower " + (p.has("lower") ? p.get("lower") : "none") + ", upper "
                        + (p.has("upper") ? p.get("upper") : "none"));
            }
            double start = number(p, "start", where, at, 0.5 * (lo + hi));
            if (!(start >= lo && start <= hi)) {
                throw new IllegalArgumentException(where + ": field '" + at + ".start': start " + start + " of parameter '" + name
                        + "' is outside its bounds [" + lo + ", " + hi + "]");
            }
            double step = number(p, "step", where, at, 0.05 * (hi - lo));
            if (!(step > 0) || !Double.isFinite(step)) {
                throw new IllegalArgumentException(where + ": field '" + at + ".step' must be positive, got " + step);
            }
            JsonNode fixed = p.path("fixed");
            if (!fixed.isMissingNode() && !fixed.isNull() && !fixed.isBoolean()) {
                throw new IllegalArgumentException(where + ": field '" + at + ".fixed' must be true or false, got " + fixed);
            }
            specs.add(ParameterSpec.bounded(name, start, step, lo, hi).withFixed(fixed.asBoolean(false)));
        }
        List<String> missing = new ArrayList<>(model.parameters());
        missing.removeAll(specs.stream().map(ParameterSpec::name).toList());
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(where + ": field 'parameters' lacks " + missing + ": estimator " + est + " has parameters "
                    + model.parameters() + " and every one needs its range (fix one with \"fixed\": true)");
        }
        return specs;
    }

    /** Equal weights; with the manifest's beta, exp(−β|E_m|) from the held-out deviations in the training summary. */
    static MemberWeighting weighting(Ensemble ens, Path est, String where) throws IOException {
        List<String> names = ens.memberNames();
        Double beta = ens.manifestBeta();
        if (beta == null) {
            double[] w = new double[names.size()];
            java.util.Arrays.fill(w, 1.0 / w.length);
            return new MemberWeighting(names, w, null, null, "equal");
        }
        Path dir = Files.isDirectory(est) ? est : est.toAbsolutePath().getParent();
        List<Path> summaries;
        try (Stream<Path> s = Files.list(dir)) {
            summaries = s.filter(p -> p.getFileName().toString().endsWith(".training.json")).sorted().toList();
        }
        for (Path summary : summaries) {
            JsonNode n = new ObjectMapper().readTree(summary.toFile());
            if (!"ratiofit-estimator-training".equals(n.path("format").asText(null))) continue;
            double[] dev = new double[names.size()];
            java.util.Arrays.fill(dev, Double.NaN);
            for (JsonNode r : n.path("member_results")) {
                String side = Path.of(r.path("sidecar").asText("")).getFileName().toString();
                for (int m = 0; m < names.size(); m++) {
                    String sc = ens.members().get(m).name() + ".json";
                    if (side.equals(sc) && r.path("expectation").path("deviation").isArray() && r.path("expectation").path("deviation").size() == 1) {
                        dev[m] = r.path("expectation").path("deviation").get(0).asDouble(Double.NaN);
                    }
                }
            }
            boolean all = java.util.Arrays.stream(dev).allMatch(Double::isFinite);
            if (all) {
                return new MemberWeighting(names, Ensemble.expectationWeights(dev, beta), beta, dev,
                        "exp(-beta |E_m|), E_m = held-out E[r]-1 from " + summary.getFileName());
            }
        }
        throw new IllegalArgumentException(where + ": field 'estimator': the manifest of " + est + " sets beta = " + beta + " but no training summary "
                + "(NAME.training.json of ratiofit train-estimator) in " + dir + " gives every member's held-out E[r]-1; remove beta from "
                + EnsembleManifest.FILE_NAME + " for equal weights");
    }

    static void unknownKeys(JsonNode node, Set<String> known, String where, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown field '" + prefix + k + "' (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    static String text(JsonNode node, String field, String where, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || !v.isTextual() || v.asText().isBlank()) {
            if (!required) return null;
            throw new IllegalArgumentException(where + ": field '" + field + "' must be a non-empty string, got " + (v == null ? "none" : v));
        }
        return v.asText();
    }

    static double number(JsonNode p, String field, String where, String at, double dflt) {
        JsonNode v = p.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw new IllegalArgumentException(where + ": field '" + at + "." + field + "' must be a number, got " + v);
        return v.asDouble();
    }

    // --- the statistical model ---

    /** The same likelihood with other parameter settings (same names). */
    public EstimatorLikelihood withParameters(List<ParameterSpec> specs) {
        return new EstimatorLikelihood(file, estimator, events, likelihood.withParameters(specs), poi, weighting, ensemble);
    }

    public EstimatorLikelihood withInitial(double[] point) {
        return new EstimatorLikelihood(file, estimator, events, likelihood.withInitial(point), poi, weighting, ensemble);
    }

    /** Member {@code m} alone (same events and parameters). */
    public EstimatorLikelihood member(int m) {
        return new EstimatorLikelihood(file, estimator, events, likelihood.member(m), poi, weighting, ensemble);
    }

    public EnsembleRatioLikelihood likelihood() {
        return likelihood;
    }

    public MemberWeighting weighting() {
        return weighting;
    }

    public Path file() {
        return file;
    }

    public Path estimator() {
        return estimator;
    }

    public Path eventsFile() {
        return events;
    }

    public String ensembleName() {
        return ensemble.name();
    }

    @Override
    public List<ParameterSpec> parameters() {
        return likelihood.parameters();
    }

    @Override
    public double errorDef() {
        return 0.5;
    }

    @Override
    public boolean hasGradient() {
        return true;
    }

    @Override
    public double value(double[] x) {
        return likelihood.value(x);
    }

    @Override
    public double valueAndGradient(double[] x, double[] gradient) {
        return likelihood.valueAndGradient(x, gradient);
    }

    @Override
    public OptionalInt parameterOfInterest() {
        return poi;
    }

    @Override
    public StatisticalModel asimov(double[] point) {
        throw new UnsupportedOperationException("an estimator likelihood (" + file + ") has no Asimov data set: the ratio estimator cannot generate expected events");
    }

    @Override
    public void close() {
        ensemble.close();
    }
}
