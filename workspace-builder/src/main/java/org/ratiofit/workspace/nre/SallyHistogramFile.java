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
import org.ratiofit.likelihood.score.PolynomialReweighting;
import org.ratiofit.likelihood.score.ScoreHistogramLikelihood;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.RatioModelException;
import org.ratiofit.workspace.score.SallyHistogram;

/**
 * SALLY's / SALLINO's binned likelihood read from an estimator-likelihood file of kind
 * {@value EstimatorLikelihood#KIND_SALLY_HISTOGRAM} (format {@value EstimatorLikelihood#FORMAT}, version 1):
 *
 * <pre>{
 *   "format": "ratiofit-estimator-likelihood", "version": 1, "kind": "sally_histogram",
 *   "estimator": "models/sally",
 *   "events": {"file": "observed.csv", "features": ["x1", "x2"], "weight": null},
 *   "reference": {"file": "reference.csv", "features": ["x1", "x2"], "theta_ref": {"k": 2, "lambda": 1},
 *                 "morphing": [{"column": "w0", "powers": {"k": 0, "lambda": 0}},
 *                              {"column": "w1", "powers": {"k": 1, "lambda": 0}}]},
 *   "histogram": {"projection": {"k": 1, "lambda": 0}, "bins": [20], "expected_events": null},
 *   "parameters": [{"name": "k", "lower": 1.5, "upper": 3}, {"name": "lambda", "lower": 0.7, "upper": 1.4}],
 *   "parameter_of_interest": "k"
 * }</pre>
 *
 * The estimator is a SALLY ensemble folder (or one member's sidecar) trained at θ_ref; its members'
 * scores are averaged with the manifest's weights. The reference events were simulated at θ_ref;
 * their joint ratios to θ come from morphing: each event's weight is Σ_c column_c Π_j θ_j^{powers},
 * divided by its value at θ_ref ({@link PolynomialReweighting}); or, in place of {@code morphing} and
 * {@code theta_ref}, {@code "log_ratio_grid": {"knots": {"k": [...], "lambda": [...]}, "columns": [...]}}:
 * per grid point (the last parameter varying fastest) a column of ln r(x,z|θ_g, θ_ref), interpolated
 * by tensor-product natural cubic splines ({@link org.ratiofit.likelihood.score.GridReweighting}).
 * {@code histogram.projection}: SALLINO's
 * direction u (t̂·u is binned; default: none, SALLY's full score on a product grid);
 * {@code bins}: bins per binned dimension, equal population on the reference sample (default 20
 * for a projection, 8 per parameter otherwise); {@code expected_events}: ν at θ_ref for an extended
 * likelihood (default none: shape only). Paths are relative to the file. The networks run once, at
 * load; the likelihood then needs only the reference sample's weights.
 */
public final class SallyHistogramFile implements StatisticalModel {

    private static final Set<String> KEYS = Set.of("format", "version", "kind", "estimator", "events", "reference", "histogram", "parameters",
            "parameter_of_interest");
    private static final Set<String> EVENT_KEYS = Set.of("file", "features", "weight");
    private static final Set<String> REFERENCE_KEYS = Set.of("file", "features", "theta_ref", "morphing", "log_ratio_grid");
    private static final Set<String> HISTOGRAM_KEYS = Set.of("projection", "bins", "expected_events");

    private final Path file;
    private final ScoreHistogramLikelihood likelihood;
    /** With more than one member: each member's own histogram likelihood (its score binned alone); else empty. */
    private final List<ScoreHistogramLikelihood> members;
    private final List<String> memberNames;

    private SallyHistogramFile(Path file, ScoreHistogramLikelihood likelihood, List<ScoreHistogramLikelihood> members, List<String> memberNames) {
        this.file = file;
        this.likelihood = likelihood;
        this.members = List.copyOf(members);
        this.memberNames = List.copyOf(memberNames);
    }

    public static SallyHistogramFile load(Path file) throws IOException {
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
        EstimatorLikelihood.unknownKeys(root, KEYS, where, "");
        if (!EstimatorLikelihood.FORMAT.equals(root.path("format").asText(null))) {
            throw new IllegalArgumentException(where + ": field 'format' must be '" + EstimatorLikelihood.FORMAT + "', got " + root.path("format"));
        }
        if (root.path("version").asInt(-1) != 1 || !root.path("version").isIntegralNumber()) {
            throw new IllegalArgumentException(where + ": field 'version' must be 1, got " + (root.has("version") ? root.get("version") : "none"));
        }
        if (!EstimatorLikelihood.KIND_SALLY_HISTOGRAM.equals(EstimatorLikelihood.kind(root, where))) {
            throw new IllegalArgumentException(where + ": field 'kind' must be '" + EstimatorLikelihood.KIND_SALLY_HISTOGRAM + "' here");
        }
        Path dir = file.toAbsolutePath().getParent();
        Path est = dir.resolve(EstimatorLikelihood.text(root, "estimator", where, true));
        try (Ensemble ens = open(est, where)) {
            RatioModel first = ens.members().get(0);
            List<String> thetaNames = first.parameters();
            // observed events
            JsonNode ev = object(root, "events", where);
            EstimatorLikelihood.unknownKeys(ev, EVENT_KEYS, where, "events.");
            Path evFile = dir.resolve(EstimatorLikelihood.text(ev, "file", where + ": events", true));
            List<String> cols = features(ev, "events", first, est, where);
            String weight = ev.has("weight") && !ev.get("weight").isNull() ? ev.get("weight").asText() : null;
            List<String> names = new ArrayList<>(cols), fields = new ArrayList<>();
            for (int j = 0; j < cols.size(); j++) fields.add("events.features[" + j + "]");
            if (weight != null) {
                names.add(weight);
                fields.add("events.weight");
            }
            double[][] obs = EventColumns.read(where, "events.file", evFile, names, fields);
            double[][] obsX = java.util.Arrays.copyOf(obs, cols.size());
            double[] obsW = weight == null ? null : obs[cols.size()];
            // reference events and morphing
            JsonNode ref = object(root, "reference", where);
            EstimatorLikelihood.unknownKeys(ref, REFERENCE_KEYS, where, "reference.");
            Path refFile = dir.resolve(EstimatorLikelihood.text(ref, "file", where + ": reference", true));
            List<String> refCols = features(ref, "reference", first, est, where);
            JsonNode morph = ref.path("morphing"), grid = ref.path("log_ratio_grid");
            boolean hasMorph = !morph.isMissingNode() && !morph.isNull(), hasGrid = !grid.isMissingNode() && !grid.isNull();
            if (hasMorph == hasGrid) {
                throw new IllegalArgumentException(where + ": field 'reference' needs exactly one of 'morphing' (per-event polynomial weights in θ) and "
                        + "'log_ratio_grid' (per-event joint log-ratios ln r(x,z|θ_g, θ_ref) on a θ grid), got " + (hasMorph ? "both" : "neither"));
            }
            List<String> refNames = new ArrayList<>(refCols), refFields = new ArrayList<>();
            for (int j = 0; j < refCols.size(); j++) refFields.add("reference.features[" + j + "]");
            org.ratiofit.likelihood.score.JointReweighting rw;
            double[][] refX;
            if (hasMorph) {
                if (!morph.isArray() || morph.isEmpty()) {
                    throw new IllegalArgumentException(where + ": field 'reference.morphing' must be a non-empty list of {column, powers}: each reference event's "
                            + "weight at θ is Σ column × Π θ_j^power");
                }
                int[][] powers = new int[morph.size()][];
                for (int c = 0; c < morph.size(); c++) {
                    JsonNode m = morph.get(c);
                    String at = "reference.morphing[" + c + "]";
                    if (!m.isObject()) throw new IllegalArgumentException(where + ": field '" + at + "' must be an object {column, powers}");
                    EstimatorLikelihood.unknownKeys(m, Set.of("column", "powers"), where, at + ".");
                    refNames.add(EstimatorLikelihood.text(m, "column", where + ": " + at, true));
                    refFields.add(at + ".column");
                    powers[c] = new int[thetaNames.size()];
                    JsonNode p = m.path("powers");
                    if (!p.isObject()) throw new IllegalArgumentException(where + ": field '" + at + ".powers' must be an object {parameter: power}");
                    for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
                        String name = it.next();
                        int j = thetaNames.indexOf(name);
                        if (j < 0) throw new IllegalArgumentException(where + ": field '" + at + ".powers': '" + name + "' is not a parameter of " + est + " " + thetaNames);
                        JsonNode v = p.get(name);
                        if (!v.isIntegralNumber() || v.asInt() < 0) {
                            throw new IllegalArgumentException(where + ": field '" + at + ".powers." + name + "' must be a non-negative integer, got " + v);
                        }
                        powers[c][j] = v.asInt();
                    }
                }
                double[][] refData = EventColumns.read(where, "reference.file", refFile, refNames, refFields);
                refX = java.util.Arrays.copyOf(refData, refCols.size());
                double[][] coeff = java.util.Arrays.copyOfRange(refData, refCols.size(), refData.length);
                double[] thetaRef = thetaVector(ref.path("theta_ref"), thetaNames, where, "reference.theta_ref", est);
                try {
                    rw = PolynomialReweighting.of(thetaNames, powers, coeff, thetaRef);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": reference " + refFile + ": " + e.getMessage(), e);
                }
            } else {
                if (!grid.isObject()) throw new IllegalArgumentException(where + ": field 'reference.log_ratio_grid' must be an object {knots, columns}");
                EstimatorLikelihood.unknownKeys(grid, Set.of("knots", "columns"), where, "reference.log_ratio_grid.");
                JsonNode kn = grid.path("knots");
                if (!kn.isObject()) {
                    throw new IllegalArgumentException(where + ": field 'reference.log_ratio_grid.knots' must be an object {parameter: [knots]} over " + thetaNames);
                }
                double[][] axes = new double[thetaNames.size()][];
                int total = 1;
                for (Iterator<String> it = kn.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    if (!thetaNames.contains(name)) {
                        throw new IllegalArgumentException(where + ": field 'reference.log_ratio_grid.knots': '" + name + "' is not a parameter of " + est + " " + thetaNames);
                    }
                }
                for (int j = 0; j < axes.length; j++) {
                    JsonNode a = kn.get(thetaNames.get(j));
                    String at = "reference.log_ratio_grid.knots." + thetaNames.get(j);
                    if (a == null || !a.isArray() || a.size() < 2) throw new IllegalArgumentException(where + ": field '" + at + "' must list at least 2 knots, got " + a);
                    axes[j] = new double[a.size()];
                    for (int g = 0; g < a.size(); g++) {
                        if (!a.get(g).isNumber() || (g > 0 && !(a.get(g).asDouble() > axes[j][g - 1]))) {
                            throw new IllegalArgumentException(where + ": field '" + at + "' must be strictly increasing numbers, got " + a);
                        }
                        axes[j][g] = a.get(g).asDouble();
                    }
                    total *= axes[j].length;
                }
                List<String> gridCols = EventColumns.strings(grid.path("columns"), where, "reference.log_ratio_grid.columns");
                if (gridCols.size() != total) {
                    throw new IllegalArgumentException(where + ": field 'reference.log_ratio_grid.columns' lists " + gridCols.size() + " columns for a grid of " + total
                            + " points (one per point, the last parameter of " + thetaNames + " varying fastest)");
                }
                for (int g = 0; g < gridCols.size(); g++) {
                    refNames.add(gridCols.get(g));
                    refFields.add("reference.log_ratio_grid.columns[" + g + "]");
                }
                double[][] refData = EventColumns.read(where, "reference.file", refFile, refNames, refFields);
                refX = java.util.Arrays.copyOf(refData, refCols.size());
                try {
                    rw = org.ratiofit.likelihood.score.GridReweighting.of(thetaNames, axes,
                            java.util.Arrays.copyOfRange(refData, refCols.size(), refData.length));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": reference " + refFile + ": " + e.getMessage(), e);
                }
            }
            // histogram
            JsonNode h = root.path("histogram");
            if (!h.isMissingNode() && !h.isNull() && !h.isObject()) {
                throw new IllegalArgumentException(where + ": field 'histogram' must be an object {projection, bins, expected_events}");
            }
            if (h.isObject()) EstimatorLikelihood.unknownKeys(h, HISTOGRAM_KEYS, where, "histogram.");
            double[] u = h.has("projection") && !h.get("projection").isNull()
                    ? thetaVector(h.get("projection"), thetaNames, where, "histogram.projection", est) : null;
            int dims = u == null ? thetaNames.size() : 1;
            int[] bins = new int[dims];
            java.util.Arrays.fill(bins, u == null ? 8 : 20);
            if (h.has("bins") && !h.get("bins").isNull()) {
                JsonNode b = h.get("bins");
                if (!b.isArray() || b.size() != dims) {
                    throw new IllegalArgumentException(where + ": field 'histogram.bins' must list " + dims + " bin count" + (dims == 1 ? "" : "s")
                            + (u == null ? " (SALLY: one per parameter " + thetaNames + ")" : " (SALLINO: the projection)") + ", got " + b);
                }
                for (int d = 0; d < dims; d++) {
                    if (!b.get(d).isIntegralNumber() || b.get(d).asInt() < 1) {
                        throw new IllegalArgumentException(where + ": field 'histogram.bins[" + d + "]' must be a positive integer, got " + b.get(d));
                    }
                    bins[d] = b.get(d).asInt();
                }
            }
            double nu = EstimatorLikelihood.number(h.isObject() ? h : root.path("-"), "expected_events", where, "histogram", Double.NaN);
            if (!Double.isNaN(nu) && !(nu > 0 && Double.isFinite(nu))) {
                throw new IllegalArgumentException(where + ": field 'histogram.expected_events' must be positive, got " + nu);
            }
            List<ParameterSpec> specs = EstimatorLikelihood.parameters(root, first, est, where);
            ScoreHistogramLikelihood lik;
            try {
                lik = SallyHistogram.likelihood(ens.members(), ens.weights(), refX, rw, obsX, obsW, u, bins, specs, nu);
            } catch (IllegalArgumentException | RatioModelException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            String poiName = null;
            if (root.has("parameter_of_interest") && !root.get("parameter_of_interest").isNull()) {
                String p = root.get("parameter_of_interest").asText();
                if (!thetaNames.contains(p)) {
                    throw new IllegalArgumentException(where + ": field 'parameter_of_interest': '" + p + "' is not a parameter of estimator " + est + " " + thetaNames);
                }
                lik = lik.withParameterOfInterest(p);
                poiName = p;
            }
            // each member alone (its own scores, binned with its own equal-population edges): for the members' spread of the fit
            List<ScoreHistogramLikelihood> alone = new ArrayList<>();
            if (ens.members().size() > 1) {
                for (RatioModel m : ens.members()) {
                    ScoreHistogramLikelihood one;
                    try {
                        one = SallyHistogram.likelihood(List.of(m), new double[] {1}, refX, rw, obsX, obsW, u, bins, specs, nu);
                    } catch (IllegalArgumentException | RatioModelException e) {
                        throw new IllegalArgumentException(where + ": member " + m.name() + ": " + e.getMessage(), e);
                    }
                    alone.add(poiName == null ? one : one.withParameterOfInterest(poiName));
                }
            }
            return new SallyHistogramFile(file, lik, alone, ens.memberNames());
        }
    }

    private static JsonNode object(JsonNode root, String field, String where) {
        JsonNode n = root.path(field);
        if (!n.isObject()) throw new IllegalArgumentException(where + ": field '" + field + "' must be an object {file, features, ...}");
        return n;
    }

    private static List<String> features(JsonNode node, String field, RatioModel first, Path est, String where) {
        if (!node.has("features") || node.get("features").isNull()) return first.features();
        List<String> cols = EventColumns.strings(node.get("features"), where, field + ".features");
        if (cols.size() != first.features().size()) {
            throw new IllegalArgumentException(where + ": field '" + field + ".features' names " + cols.size() + " columns " + cols + " but estimator " + est
                    + " has " + first.features().size() + " features " + first.features());
        }
        return cols;
    }

    /** An object {parameter: value} naming every θ. */
    private static double[] thetaVector(JsonNode n, List<String> names, String where, String field, Path est) {
        if (!n.isObject()) throw new IllegalArgumentException(where + ": field '" + field + "' must be an object {parameter: value} over " + names);
        double[] v = new double[names.size()];
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!names.contains(k)) throw new IllegalArgumentException(where + ": field '" + field + "': '" + k + "' is not a parameter of " + est + " " + names);
        }
        for (int j = 0; j < v.length; j++) {
            JsonNode x = n.get(names.get(j));
            if (x == null || !x.isNumber() || !Double.isFinite(x.asDouble())) {
                throw new IllegalArgumentException(where + ": field '" + field + "." + names.get(j) + "' must be a finite number, got " + (x == null ? "none" : x));
            }
            v[j] = x.asDouble();
        }
        return v;
    }

    private static Ensemble open(Path est, String where) {
        if (!Files.exists(est)) throw new IllegalArgumentException(where + ": field 'estimator': " + est + " does not exist");
        Ensemble ens;
        try {
            if (Files.isDirectory(est) || est.getFileName().toString().equals(EnsembleManifest.FILE_NAME)) {
                ens = Ensemble.load(est);
            } else {
                RatioModel m = RatioModel.load(est);
                ens = new Ensemble(m.name(), List.of(m), EnsembleManifest.Aggregation.MEAN_RATIO);
            }
        } catch (RatioModelException e) {
            throw new IllegalArgumentException(where + ": field 'estimator': " + est + ": " + e.getMessage(), e);
        }
        for (RatioModel m : ens.members()) {
            if (m.sidecar().output() != ModelSidecar.OutputConvention.LOCAL_SCORE || m.parameters().isEmpty()) {
                ens.close();
                throw new IllegalArgumentException(where + ": field 'estimator': " + est + " is not a SALLY estimator: member '" + m.name()
                        + "' outputs " + m.sidecar().output() + (m.parameters().isEmpty() ? " and names no parameters θ" : "")
                        + " (kind 'sally_histogram' needs a local-score estimator trained with 'ratiofit train-estimator --method sally')");
            }
        }
        return ens;
    }

    // --- the statistical model ---

    public SallyHistogramFile withParameters(List<ParameterSpec> specs) {
        return new SallyHistogramFile(file, likelihood.withParameters(specs), members.stream().map(m -> m.withParameters(specs)).toList(), memberNames);
    }

    /** The estimator's member names. */
    public List<String> memberNames() {
        return memberNames;
    }

    /** How many members have their own likelihood ({@link #member}): 0 for a one-member estimator. */
    public int memberLikelihoods() {
        return members.size();
    }

    /** Member {@code m} alone: its own scores binned with its own edges, same events and parameters (for the members' spread). */
    public SallyHistogramFile member(int m) {
        return new SallyHistogramFile(file, members.get(m), List.of(), List.of(memberNames.get(m)));
    }

    public SallyHistogramFile withInitial(double[] point) {
        List<ParameterSpec> s = new ArrayList<>();
        for (int k = 0; k < point.length; k++) s.add(parameters().get(k).withInitial(point[k]));
        return withParameters(s);
    }

    public ScoreHistogramLikelihood likelihood() {
        return likelihood;
    }

    public Path file() {
        return file;
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
    public String whyNotFinite(double[] x) {
        return likelihood.whyNotFinite(x);
    }

    @Override
    public OptionalInt parameterOfInterest() {
        return likelihood.parameterOfInterest();
    }

    @Override
    public StatisticalModel asimov(double[] point) {
        return new SallyHistogramFile(file, (ScoreHistogramLikelihood) likelihood.asimov(point), List.of(), memberNames);
    }
}
