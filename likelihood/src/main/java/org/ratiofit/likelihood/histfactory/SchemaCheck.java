package org.ratiofit.likelihood.histfactory;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of HistFactory JSON schema 1.0.0 (pyhf's workspace.json and defs.json) plus the
 * consistency rules pyhf enforces when it builds a model, checked by hand on the JSON tree. Every
 * problem is reported with its JSON path ({@code $.channels[0].samples[1].modifiers[2].data}):
 * missing or unknown fields, wrong types, unknown modifier types, a sample's data or a
 * modifier's data whose length is not the channel's number of bins, a channel without an
 * observation, duplicate names, one modifier name used with two types.
 */
public final class SchemaCheck {

    static final Set<String> TYPES = Set.of("normfactor", "lumi", "normsys", "histosys", "shapesys", "staterror", "shapefactor");

    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> observedBins = new HashMap<>();

    private SchemaCheck() {
    }

    /** All problems of the workspace document, each "JSON path: what is wrong"; empty when it is valid. */
    public static List<String> problems(JsonNode root) {
        SchemaCheck c = new SchemaCheck();
        c.workspace(root);
        return c.problems;
    }

    private void add(String path, String what) {
        problems.add(path + ": " + what);
    }

    private void fields(JsonNode o, String path, Set<String> allowed, String... required) {
        for (String r : required) {
            if (!o.has(r)) {
                add(path, "missing required field '" + r + "'");
            }
        }
        Iterator<String> it = o.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!allowed.contains(f)) {
                add(path + "." + f, "unknown field (allowed: " + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    private boolean isObject(JsonNode n, String path) {
        if (n == null || !n.isObject()) {
            add(path, "must be an object, got " + describe(n));
            return false;
        }
        return true;
    }

    private boolean nonEmptyArray(JsonNode n, String path) {
        if (n == null || !n.isArray()) {
            add(path, "must be an array, got " + describe(n));
            return false;
        }
        if (n.isEmpty()) {
            add(path, "must not be empty");
            return false;
        }
        return true;
    }

    private boolean string(JsonNode n, String path) {
        if (n == null || !n.isTextual()) {
            add(path, "must be a string, got " + describe(n));
            return false;
        }
        return true;
    }

    /** Length of an array of numbers, or -1 after reporting what is wrong. */
    private int numbers(JsonNode n, String path) {
        if (!nonEmptyArray(n, path)) {
            return -1;
        }
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isNumber()) {
                add(path + "[" + i + "]", "must be a number, got " + describe(n.get(i)));
                return -1;
            }
            if (!Double.isFinite(n.get(i).asDouble())) {
                add(path + "[" + i + "]", "must be finite");
                return -1;
            }
        }
        return n.size();
    }

    static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        if (n.isNull()) {
            return "null";
        }
        String s = n.toString();
        return (n.isObject() ? "an object " : n.isArray() ? "an array " : "") + (s.length() > 40 ? s.substring(0, 40) + "..." : s);
    }

    private void workspace(JsonNode root) {
        if (!isObject(root, "$")) {
            return;
        }
        fields(root, "$", Set.of("channels", "measurements", "observations", "version"), "channels", "measurements", "observations", "version");
        if (root.has("version") && !"1.0.0".equals(root.get("version").asText()) ) {
            add("$.version", "'" + root.get("version").asText() + "' is not a supported version (1.0.0)");
        }
        Map<String, Integer> bins = new HashMap<>();
        JsonNode obsNodes = root.get("observations");
        if (obsNodes != null && obsNodes.isArray()) {
            for (JsonNode o : obsNodes) {
                if (o.path("name").isTextual() && o.path("data").isArray() && !o.path("data").isEmpty()) {
                    observedBins.putIfAbsent(o.get("name").asText(), o.get("data").size());
                }
            }
        }
        Map<String, String> modifierTypes = new HashMap<>();
        Map<String, String> modifierFirstPath = new HashMap<>();
        JsonNode channels = root.get("channels");
        if (nonEmptyArray(channels, "$.channels")) {
            for (int c = 0; c < channels.size(); c++) {
                channel(channels.get(c), "$.channels[" + c + "]", bins, modifierTypes, modifierFirstPath);
            }
        }
        JsonNode obs = root.get("observations");
        Set<String> observed = new HashSet<>();
        if (nonEmptyArray(obs, "$.observations")) {
            for (int i = 0; i < obs.size(); i++) {
                String p = "$.observations[" + i + "]";
                JsonNode o = obs.get(i);
                if (!isObject(o, p)) {
                    continue;
                }
                fields(o, p, Set.of("name", "data"), "name", "data");
                if (!string(o.get("name"), p + ".name")) {
                    continue;
                }
                String name = o.get("name").asText();
                if (!observed.add(name)) {
                    add(p + ".name", "duplicate observation '" + name + "'");
                }
                int n = numbers(o.get("data"), p + ".data");
                if (n > 0) {
                    for (int b = 0; b < n; b++) {
                        if (o.get("data").get(b).asDouble() < 0) {
                            add(p + ".data[" + b + "]", "observed count " + o.get("data").get(b).asDouble() + " is negative");
                        }
                    }
                    Integer nb = bins.get(name);
                    if (nb != null && nb != n) {
                        add(p + ".data", n + " bins, channel '" + name + "' has " + nb);
                    }
                }
            }
        }
        for (String ch : bins.keySet()) {
            if (!observed.contains(ch) && obs != null && obs.isArray()) {
                add("$.observations", "no observation for channel '" + ch + "'");
            }
        }
        JsonNode meas = root.get("measurements");
        Set<String> measNames = new HashSet<>();
        if (nonEmptyArray(meas, "$.measurements")) {
            for (int i = 0; i < meas.size(); i++) {
                String p = "$.measurements[" + i + "]";
                JsonNode m = meas.get(i);
                if (!isObject(m, p)) {
                    continue;
                }
                fields(m, p, Set.of("name", "config"), "name", "config");
                if (string(m.get("name"), p + ".name") && !measNames.add(m.get("name").asText())) {
                    add(p + ".name", "duplicate measurement '" + m.get("name").asText() + "'");
                }
                JsonNode cfg = m.get("config");
                if (!isObject(cfg, p + ".config")) {
                    continue;
                }
                fields(cfg, p + ".config", Set.of("poi", "parameters"), "poi", "parameters");
                string(cfg.get("poi"), p + ".config.poi");
                JsonNode ps = cfg.get("parameters");
                if (ps == null || !ps.isArray()) {
                    if (ps != null) {
                        add(p + ".config.parameters", "must be an array, got " + describe(ps));
                    }
                    continue;
                }
                Set<String> seen = new HashSet<>();
                for (int k = 0; k < ps.size(); k++) {
                    String pp = p + ".config.parameters[" + k + "]";
                    JsonNode par = ps.get(k);
                    if (!isObject(par, pp)) {
                        continue;
                    }
                    fields(par, pp, Set.of("name", "inits", "bounds", "auxdata", "factors", "sigmas", "fixed"), "name");
                    if (string(par.get("name"), pp + ".name") && !seen.add(par.get("name").asText())) {
                        add(pp + ".name", "duplicate parameter '" + par.get("name").asText() + "'");
                    }
                    for (String f : List.of("inits", "auxdata", "factors", "sigmas")) {
                        if (par.has(f)) {
                            numbers(par.get(f), pp + "." + f);
                        }
                    }
                    if (par.has("bounds") && nonEmptyArray(par.get("bounds"), pp + ".bounds")) {
                        for (int b = 0; b < par.get("bounds").size(); b++) {
                            JsonNode bd = par.get("bounds").get(b);
                            String bp = pp + ".bounds[" + b + "]";
                            if (numbers(bd, bp) != 2 && bd != null && bd.isArray()) {
                                add(bp, "must be [lower, upper]");
                            } else if (bd.isArray() && bd.size() == 2 && !(bd.get(0).asDouble() < bd.get(1).asDouble())) {
                                add(bp, "lower bound " + bd.get(0).asDouble() + " is not below the upper bound " + bd.get(1).asDouble());
                            }
                        }
                    }
                    if (par.has("fixed") && !par.get("fixed").isBoolean()) {
                        add(pp + ".fixed", "must be true or false, got " + describe(par.get("fixed")));
                    }
                }
            }
        }
    }

    private void channel(JsonNode ch, String path, Map<String, Integer> bins, Map<String, String> modifierTypes,
                         Map<String, String> modifierFirstPath) {
        if (!isObject(ch, path)) {
            return;
        }
        fields(ch, path, Set.of("name", "samples"), "name", "samples");
        String name = string(ch.get("name"), path + ".name") ? ch.get("name").asText() : null;
        if (name != null && bins.containsKey(name)) {
            add(path + ".name", "duplicate channel '" + name + "'");
        }
        JsonNode samples = ch.get("samples");
        if (!nonEmptyArray(samples, path + ".samples")) {
            return;
        }
        // the channel's bin count: the most common sample length (the observation's breaks a tie)
        Integer fromObservation = name == null ? null : observedBins.get(name);
        Map<Integer, Integer> counts = new HashMap<>();
        for (JsonNode smp : samples) {
            if (smp.path("data").isArray() && !smp.path("data").isEmpty()) {
                counts.merge(smp.get("data").size(), 1, Integer::sum);
            }
        }
        int nb = fromObservation == null ? -1 : fromObservation;
        int best = fromObservation == null ? 0 : counts.getOrDefault(fromObservation, 0);
        String nbSource = "its observation has";
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            if (e.getValue() > best) {
                best = e.getValue();
                nb = e.getKey();
                nbSource = "the channel's other samples have";
            }
        }
        Set<String> sampleNames = new HashSet<>();
        for (int s = 0; s < samples.size(); s++) {
            String sp = path + ".samples[" + s + "]";
            JsonNode smp = samples.get(s);
            if (!isObject(smp, sp)) {
                continue;
            }
            fields(smp, sp, Set.of("name", "data", "modifiers"), "name", "data", "modifiers");
            if (string(smp.get("name"), sp + ".name") && !sampleNames.add(smp.get("name").asText())) {
                add(sp + ".name", "duplicate sample '" + smp.get("name").asText() + "' in channel '" + name + "'");
            }
            int n = numbers(smp.get("data"), sp + ".data");
            if (n > 0) {
                if (n != nb) {
                    add(sp + ".data", n + " bins, but " + nbSource + " " + nb);
                }
            }
            JsonNode mods = smp.get("modifiers");
            if (mods == null) {
                continue;
            }
            if (!mods.isArray()) {
                add(sp + ".modifiers", "must be an array, got " + describe(mods));
                continue;
            }
            Set<String> here = new HashSet<>();
            for (int m = 0; m < mods.size(); m++) {
                modifier(mods.get(m), sp + ".modifiers[" + m + "]", n, here, modifierTypes, modifierFirstPath);
            }
        }
        if (name != null) {
            bins.put(name, nb);
        }
    }

    private void modifier(JsonNode m, String path, int nb, Set<String> here, Map<String, String> modifierTypes,
                          Map<String, String> modifierFirstPath) {
        if (!isObject(m, path)) {
            return;
        }
        fields(m, path, Set.of("name", "type", "data"), "name", "type", "data");
        if (!string(m.get("name"), path + ".name") || !string(m.get("type"), path + ".type")) {
            return;
        }
        String name = m.get("name").asText();
        String type = m.get("type").asText();
        if (!TYPES.contains(type)) {
            add(path + ".type", "unknown modifier type '" + type + "' (" + new java.util.TreeSet<>(TYPES) + ")");
            return;
        }
        if (!here.add(type + "/" + name)) {
            add(path, type + " '" + name + "' appears twice on this sample");
        }
        String known = modifierTypes.putIfAbsent(name, type);
        if (known == null) {
            modifierFirstPath.put(name, path);
        } else if (!known.equals(type)) {
            add(path + ".type", "modifier '" + name + "' is " + type + " here but " + known + " at " + modifierFirstPath.get(name)
                    + " (one name, one type)");
        }
        JsonNode d = m.get("data");
        String dp = path + ".data";
        switch (type) {
            case "normfactor", "shapefactor", "lumi" -> {
                if (d != null && !d.isNull()) {
                    add(dp, type + " takes no data (null), got " + describe(d));
                }
                if (type.equals("lumi") && !"lumi".equals(name)) {
                    add(path + ".name", "a lumi modifier must be named 'lumi' (schema 1.0.0), got '" + name + "'");
                }
            }
            case "normsys" -> {
                if (!isObject(d, dp)) {
                    return;
                }
                fields(d, dp, Set.of("hi", "lo"), "hi", "lo");
                for (String f : List.of("hi", "lo")) {
                    JsonNode v = d.get(f);
                    if (v != null && !v.isNumber()) {
                        add(dp + "." + f, "must be a number, got " + describe(v));
                    } else if (v != null && !(v.asDouble() > 0) || v != null && Double.isInfinite(v.asDouble())) {
                        add(dp + "." + f, "normsys factor must be positive and finite, got " + v.asDouble());
                    }
                }
            }
            case "histosys" -> {
                if (!isObject(d, dp)) {
                    return;
                }
                fields(d, dp, Set.of("hi_data", "lo_data"), "hi_data", "lo_data");
                for (String f : List.of("hi_data", "lo_data")) {
                    if (d.has(f)) {
                        int n = numbers(d.get(f), dp + "." + f);
                        if (n > 0 && nb > 0 && n != nb) {
                            add(dp + "." + f, n + " bins, the sample has " + nb);
                        }
                    }
                }
            }
            case "shapesys", "staterror" -> {
                int n = numbers(d, dp);
                if (n > 0 && nb > 0 && n != nb) {
                    add(dp, n + " uncertainties, the sample has " + nb + " bins");
                }
                if (n > 0) {
                    for (int b = 0; b < n; b++) {
                        if (d.get(b).asDouble() < 0) {
                            add(dp + "[" + b + "]", "uncertainty " + d.get(b).asDouble() + " is negative");
                        }
                    }
                }
            }
            default -> throw new IllegalStateException(type);
        }
    }
}
