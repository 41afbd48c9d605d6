package org.ratiofit.likelihood.histfactory;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pyhf patchset (schema 1.0.0): {@code {"metadata": {..., "labels": [...]}, "patches":
 * [{"metadata": {"name", "values"}, "patch": [JSON Patch]}], "version": "1.0.0"}}, typically the
 * signal points of a HEPData likelihood. Checked as pyhf checks it: a version, at least one patch,
 * unique patch names, unique value tuples, as many values as labels, values numbers or strings.
 */
public final class PatchSet {

    /** One signal point: its name, its values (numbers or strings) and its JSON Patch. */
    public record Patch(String name, List<Object> values, JsonNode operations) {
    }

    private final String source;
    private final List<String> labels;
    private final List<Patch> patches;

    private PatchSet(String source, List<String> labels, List<Patch> patches) {
        this.source = source;
        this.labels = labels;
        this.patches = patches;
    }

    /** Whether the JSON document is a patchset (an object with "patches") rather than a bare patch (an array). */
    public static boolean isPatchSet(JsonNode doc) {
        return doc != null && doc.isObject() && doc.has("patches");
    }

    /** Parses and checks a patchset; every problem is listed, each with its JSON path. */
    public static PatchSet of(JsonNode doc, String source) {
        List<String> problems = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<Patch> out = new ArrayList<>();
        if (!doc.isObject()) {
            throw new HistFactoryException(source + ": a patchset must be a JSON object");
        }
        if (!doc.has("version")) {
            problems.add("$.version: missing");
        } else if (!"1.0.0".equals(doc.get("version").asText())) {
            problems.add("$.version: '" + doc.get("version").asText() + "', expected '1.0.0'");
        }
        JsonNode meta = doc.get("metadata");
        if (meta == null || !meta.isObject()) {
            problems.add("$.metadata: missing");
        } else if (meta.has("labels")) {
            for (JsonNode l : meta.get("labels")) {
                labels.add(l.asText());
            }
        } else {
            problems.add("$.metadata.labels: missing");
        }
        JsonNode ps = doc.get("patches");
        if (ps == null || !ps.isArray() || ps.isEmpty()) {
            problems.add("$.patches: must be a non-empty array");
        } else {
            Set<String> names = new HashSet<>();
            Set<List<Object>> values = new HashSet<>();
            for (int i = 0; i < ps.size(); i++) {
                String w = "$.patches[" + i + "]";
                JsonNode p = ps.get(i);
                JsonNode pm = p.path("metadata");
                String name = pm.path("name").asText(null);
                if (name == null) {
                    problems.add(w + ".metadata.name: missing");
                    continue;
                }
                if (!names.add(name)) {
                    problems.add(w + ".metadata.name: duplicate patch name '" + name + "'");
                }
                List<Object> vals = new ArrayList<>();
                JsonNode vs = pm.path("values");
                if (!vs.isArray()) {
                    problems.add(w + ".metadata.values: missing");
                } else {
                    for (int k = 0; k < vs.size(); k++) {
                        JsonNode v = vs.get(k);
                        if (v.isNumber()) {
                            vals.add(v.decimalValue().stripTrailingZeros());
                        } else if (v.isTextual()) {
                            vals.add(v.asText());
                        } else {
                            problems.add(w + ".metadata.values[" + k + "]: " + v + " is neither a number nor a string");
                        }
                    }
                    if (vs.size() != labels.size()) {
                        problems.add(w + ".metadata.values: " + vs.size() + " values for " + labels.size() + " labels " + labels);
                    }
                    if (!values.add(vals)) {
                        problems.add(w + ".metadata.values: duplicate values " + vs + " (patch '" + name + "')");
                    }
                }
                if (!p.path("patch").isArray()) {
                    problems.add(w + ".patch: must be an array of JSON Patch operations");
                }
                out.add(new Patch(name, vals, p.path("patch")));
            }
        }
        if (!problems.isEmpty()) {
            throw new HistFactoryException(source + ": not a valid patchset: " + String.join("; ", problems), problems);
        }
        return new PatchSet(source, List.copyOf(labels), List.copyOf(out));
    }

    public List<String> labels() {
        return labels;
    }

    public List<Patch> patches() {
        return patches;
    }

    /** The patch of that name; an error listing the names when there is none. */
    public Patch patch(String name) {
        for (Patch p : patches) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        List<String> names = patches.stream().map(Patch::name).toList();
        throw new HistFactoryException(source + ": no patch named '" + name + "' (the patchset has "
                + (names.size() > 10 ? names.subList(0, 10) + " and " + (names.size() - 10) + " more" : names) + ")");
    }
}
