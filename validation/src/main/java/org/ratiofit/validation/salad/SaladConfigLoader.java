package org.ratiofit.validation.salad;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.ReadOptions;
import org.ratiofit.validation.salad.SaladConfig.Closure;
import org.ratiofit.validation.salad.SaladConfig.NamedWindow;
import org.ratiofit.validation.salad.SaladConfig.Training;
import org.ratiofit.validation.salad.SaladConfig.Truth;
import org.ratiofit.validation.salad.SaladConfig.Window;
import org.ratiofit.workspace.config.ConfigException;
import org.ratiofit.workspace.config.ConfigProblem;

/**
 * Reads and checks a SALAD configuration the way the fit configuration is read: every field (unknown
 * keys, wrong types, missing fields), then the regions (ordered windows, no overlaps, at least one
 * sideband) and the files (present, with m, every feature and the named weight and truth columns);
 * one {@link ConfigException} lists every problem with its YAML path. Reads file headers only.
 */
public final class SaladConfigLoader {

    static final Set<String> TOP_KEYS = Set.of("Version", "ResonantVariable", "Features", "SignalRegion", "Sidebands",
            "ValidationRegions", "Data", "Simulation", "SimulationWeight", "Truth", "Training", "Closure");
    static final Set<String> TRUTH_KEYS = Set.of("Column", "TrueBackground", "Signal", "TestEvents");
    static final Set<String> TRAINING_KEYS = Set.of("Members", "Folds", "Epochs", "Hidden", "BatchSize", "LearningRate",
            "Seed", "MinSidebandEvents", "Reweighting", "Patience", "FinalLearningRate");
    static final Set<String> CLOSURE_KEYS = Set.of("Bins", "MinPValue", "AucSigma");
    static final Set<String> VR_KEYS = Set.of("Name", "Range");

    private SaladConfigLoader() {}

    /** Reads and checks a configuration, or throws a {@link ConfigException} with every problem. */
    public static SaladConfig load(Path file) throws IOException {
        List<ConfigProblem> p = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file, List.of(new ConfigProblem("", "no such file")));
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(file, List.of(new ConfigProblem("", "not valid YAML: " + e.getOriginalMessage())));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file, List.of(new ConfigProblem("", "expected a YAML mapping at the top level")));
        }
        Path base = file.toAbsolutePath().getParent();
        unknown(root, TOP_KEYS, "", p);
        int version = integer(root, "Version", "", SaladConfig.FORMAT_VERSION, p);
        if (version != SaladConfig.FORMAT_VERSION) {
            p.add(new ConfigProblem("Version", "unsupported version " + version + " (this ratiofit reads "
                    + SaladConfig.FORMAT_VERSION + ")"));
        }
        String m = text(root, "ResonantVariable", "", null, p);
        List<String> features = strings(root, "Features", p);
        if (m != null && features.contains(m)) {
            p.add(new ConfigProblem("Features", "the resonant variable '" + m
                    + "' is the conditioning input; list only the other features"));
        }
        Window sr = window(root.get("SignalRegion"), "SignalRegion", p);
        List<Window> sbs = new ArrayList<>();
        JsonNode sb = root.get("Sidebands");
        if (sb == null || !sb.isArray() || sb.isEmpty()) {
            p.add(new ConfigProblem("Sidebands", sb == null ? "missing: at least one sideband window [low, high] is needed"
                    : "expected a non-empty list of windows [low, high]; there are no sidebands to train on"));
        } else {
            for (int i = 0; i < sb.size(); i++) {
                Window w = window(sb.get(i), "Sidebands[" + i + "]", p);
                if (w != null) {
                    sbs.add(w);
                }
            }
        }
        List<NamedWindow> vrs = new ArrayList<>();
        JsonNode vr = root.get("ValidationRegions");
        if (vr != null) {
            if (!vr.isArray()) {
                p.add(new ConfigProblem("ValidationRegions", "expected a list of {Name, Range}"));
            } else {
                for (int i = 0; i < vr.size(); i++) {
                    String path = "ValidationRegions[" + i + "]";
                    JsonNode n = vr.get(i);
                    unknown(n, VR_KEYS, path, p);
                    String name = text(n, "Name", path, null, p);
                    Window w = window(n.get("Range"), path + ".Range", p);
                    if (name != null && w != null) {
                        if (name.equals("SR") || name.equals("SB") || vrs.stream().anyMatch(v -> v.name().equals(name))) {
                            p.add(new ConfigProblem(path + ".Name", "'" + name + "' is taken (SR, SB or another region)"));
                        }
                        vrs.add(new NamedWindow(name, w));
                    }
                }
            }
        }
        // regions must not overlap: each event belongs to one region
        List<String> names = new ArrayList<>();
        List<Window> all = new ArrayList<>();
        if (sr != null) {
            names.add("SignalRegion " + sr);
            all.add(sr);
        }
        for (int i = 0; i < sbs.size(); i++) {
            names.add("Sidebands[" + i + "] " + sbs.get(i));
            all.add(sbs.get(i));
        }
        for (NamedWindow v : vrs) {
            names.add("ValidationRegions '" + v.name() + "' " + v.window());
            all.add(v.window());
        }
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                if (all.get(i).overlaps(all.get(j))) {
                    p.add(new ConfigProblem("Sidebands", names.get(i) + " overlaps " + names.get(j)
                            + "; every region must be a separate window in m"));
                }
            }
        }
        Path data = path(root, "Data", "", base, true, p);
        Path sim = path(root, "Simulation", "", base, true, p);
        String simWeight = text(root, "SimulationWeight", "", "", p);
        simWeight = simWeight == null || simWeight.isEmpty() ? null : simWeight;
        Truth truth = null;
        JsonNode t = root.get("Truth");
        if (t != null) {
            unknown(t, TRUTH_KEYS, "Truth", p);
            truth = new Truth(text(t, "Column", "Truth", null, p), path(t, "TrueBackground", "Truth", base, false, p),
                    path(t, "Signal", "Truth", base, false, p), path(t, "TestEvents", "Truth", base, false, p));
        }
        Training d = Training.defaults();
        JsonNode tr = root.get("Training");
        Training training = d;
        if (tr != null) {
            unknown(tr, TRAINING_KEYS, "Training", p);
            List<Integer> hidden = d.hidden();
            if (tr.has("Hidden")) {
                hidden = new ArrayList<>();
                for (JsonNode h : tr.get("Hidden")) {
                    if (!h.canConvertToInt() || h.asInt() < 1) {
                        p.add(new ConfigProblem("Training.Hidden", "widths must be positive integers, not " + h));
                    } else {
                        hidden.add(h.asInt());
                    }
                }
            }
            training = new Training(integer(tr, "Members", "Training", d.members(), p),
                    integer(tr, "Folds", "Training", d.folds(), p), integer(tr, "Epochs", "Training", d.epochs(), p),
                    hidden, integer(tr, "BatchSize", "Training", d.batchSize(), p),
                    number(tr, "LearningRate", "Training", d.learningRate(), p),
                    integer(tr, "Seed", "Training", (int) d.seed(), p),
                    integer(tr, "MinSidebandEvents", "Training", d.minSidebandEvents(), p),
                    reweighting(tr, d.reweighting(), p), integer(tr, "Patience", "Training", d.patience(), p),
                    number(tr, "FinalLearningRate", "Training", d.finalLearningRate(), p));
            if (training.members() < 1 || training.epochs() < 1 || training.batchSize() < 1) {
                p.add(new ConfigProblem("Training", "Members, Epochs and BatchSize must be at least 1"));
            }
            if (training.folds() < 2) {
                p.add(new ConfigProblem("Training.Folds", "k-fold needs at least 2 folds, not " + training.folds()));
            }
            if (training.patience() < 0) {
                p.add(new ConfigProblem("Training.Patience", "a positive number of epochs, or 0 to run every epoch, not "
                        + training.patience()));
            }
            if (!(training.finalLearningRate() > 0 && training.finalLearningRate() <= 1)) {
                p.add(new ConfigProblem("Training.FinalLearningRate", "the cosine schedule's end as a fraction in (0, 1] of "
                        + "LearningRate, not " + training.finalLearningRate()));
            }
        }
        Closure cd = Closure.defaults();
        Closure closure = cd;
        JsonNode cl = root.get("Closure");
        if (cl != null) {
            unknown(cl, CLOSURE_KEYS, "Closure", p);
            closure = new Closure(integer(cl, "Bins", "Closure", cd.bins(), p),
                    number(cl, "MinPValue", "Closure", cd.minPValue(), p), number(cl, "AucSigma", "Closure", cd.aucSigma(), p));
            if (closure.bins() < 2) {
                p.add(new ConfigProblem("Closure.Bins", "at least 2 bins, not " + closure.bins()));
            }
        }
        // columns of the files
        if (m != null) {
            List<String> base2 = new ArrayList<>();
            base2.add(m);
            base2.addAll(features);
            columns(data, "Data", base2, truth == null ? null : truth.column(), p);
            List<String> simCols = new ArrayList<>(base2);
            if (simWeight != null) {
                simCols.add(simWeight);
            }
            columns(sim, "Simulation", simCols, null, p);
            if (truth != null) {
                columns(truth.trueBackground(), "Truth.TrueBackground", base2, null, p);
                columns(truth.signal(), "Truth.Signal", base2, null, p);
                columns(truth.testEvents(), "Truth.TestEvents", base2, truth.column(), p);
            }
        }
        if (!p.isEmpty()) {
            throw new ConfigException(file, p);
        }
        return new SaladConfig(version, file, m, List.copyOf(features), sr, List.copyOf(sbs), List.copyOf(vrs), data, sim,
                simWeight, truth, training, closure);
    }

    private static void columns(Path file, String field, List<String> needed, String truthColumn, List<ConfigProblem> p) {
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        List<String> have;
        try {
            have = EventFiles.columnNames(file, ReadOptions.DEFAULT);
        } catch (IOException | RuntimeException e) {
            p.add(new ConfigProblem(field, "cannot read the header of " + file + ": " + e.getMessage()));
            return;
        }
        Set<String> need = new LinkedHashSet<>(needed);
        if (truthColumn != null) {
            need.add(truthColumn);
        }
        for (String c : need) {
            if (!have.contains(c)) {
                String what = c.equals(needed.get(0)) ? "the resonant variable" : c.equals(truthColumn) ? "the truth column"
                        : "feature";
                p.add(new ConfigProblem(field, file.getFileName() + " has no column '" + c + "' (" + what + "); columns: "
                        + have));
            }
        }
    }

    private static void unknown(JsonNode n, Set<String> keys, String path, List<ConfigProblem> p) {
        if (n == null || !n.isObject()) {
            return;
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!keys.contains(k)) {
                p.add(new ConfigProblem(path.isEmpty() ? k : path + "." + k, "unknown key; expected one of "
                        + new java.util.TreeSet<>(keys)));
            }
        }
    }

    private static String full(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static SaladConfig.Reweighting reweighting(JsonNode tr, SaladConfig.Reweighting dflt, List<ConfigProblem> p) {
        String v = text(tr, "Reweighting", "Training", dflt.name(), p);
        for (SaladConfig.Reweighting r : SaladConfig.Reweighting.values()) {
            if (r.name().equalsIgnoreCase(v)) {
                return r;
            }
        }
        p.add(new ConfigProblem("Training.Reweighting", "expected Joint or Factorised, not '" + v + "'"));
        return dflt;
    }

    private static String text(JsonNode n, String key, String path, String dflt, List<ConfigProblem> p) {
        JsonNode v = n == null ? null : n.get(key);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                p.add(new ConfigProblem(full(path, key), "missing"));
            }
            return dflt;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            p.add(new ConfigProblem(full(path, key), "expected a non-empty text, not " + v));
            return dflt;
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String key, String path, int dflt, List<ConfigProblem> p) {
        JsonNode v = n.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            p.add(new ConfigProblem(full(path, key), "expected an integer, not " + v));
            return dflt;
        }
        return v.asInt();
    }

    private static double number(JsonNode n, String key, String path, double dflt, List<ConfigProblem> p) {
        JsonNode v = n.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber()) {
            p.add(new ConfigProblem(full(path, key), "expected a number, not " + v));
            return dflt;
        }
        return v.asDouble();
    }

    private static List<String> strings(JsonNode n, String key, List<ConfigProblem> p) {
        JsonNode v = n.get(key);
        List<String> out = new ArrayList<>();
        if (v == null || !v.isArray() || v.isEmpty()) {
            p.add(new ConfigProblem(key, v == null ? "missing: the features x, a list of column names"
                    : "expected a non-empty list of column names, not " + v));
            return out;
        }
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                p.add(new ConfigProblem(key, "expected column names, not " + s));
            } else if (out.contains(s.asText())) {
                p.add(new ConfigProblem(key, "'" + s.asText() + "' is listed twice"));
            } else {
                out.add(s.asText());
            }
        }
        return out;
    }

    private static Window window(JsonNode n, String path, List<ConfigProblem> p) {
        if (n == null) {
            p.add(new ConfigProblem(path, "missing: a window [low, high] in the resonant variable"));
            return null;
        }
        if (!n.isArray() || n.size() != 2 || !n.get(0).isNumber() || !n.get(1).isNumber()) {
            p.add(new ConfigProblem(path, "expected a window [low, high] of two numbers, not " + n));
            return null;
        }
        double lo = n.get(0).asDouble();
        double hi = n.get(1).asDouble();
        if (!(lo < hi)) {
            p.add(new ConfigProblem(path, "low " + lo + " is not below high " + hi));
            return null;
        }
        return new Window(lo, hi);
    }

    private static Path path(JsonNode n, String key, String path, Path base, boolean required, List<ConfigProblem> p) {
        String s = text(n, key, path, required ? null : "", p);
        if (s == null || s.isEmpty()) {
            return null;
        }
        Path f = base.resolve(s).normalize();
        if (!Files.isRegularFile(f)) {
            p.add(new ConfigProblem(full(path, key), "no such file: " + f));
        }
        return f;
    }
}
