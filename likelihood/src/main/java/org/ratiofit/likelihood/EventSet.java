package org.ratiofit.likelihood;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Events with their per-event columns for every sample of a channel: the observed data, or the
 * reference sample's events (used to build Asimov data).
 *
 * @param events  number of events
 * @param weights per-event weights, or null for unit weights
 * @param columns per sample name, its columns
 */
public record EventSet(int events, double[] weights, Map<String, SampleColumns> columns) {

    public EventSet {
        columns = new LinkedHashMap<>(columns);
        if (events < 0) {
            throw new IllegalArgumentException("number of events must be >= 0, got " + events);
        }
        if (weights != null) {
            checkColumn("weights", weights, events);
        }
    }

    /** Checks the columns against the samples' modifiers; {@code what} names the event set in errors. */
    void validate(String what, List<UnbinnedSample> samples) {
        for (UnbinnedSample s : samples) {
            SampleColumns c = columns.get(s.name());
            if (c == null) {
                throw new IllegalArgumentException(what + ": no columns for sample '" + s.name() + "'");
            }
            Modifier.ParametrisedRatio pr = s.parametrisedRatio();
            if (pr != null && c.parametrised() == null) {
                throw new IllegalArgumentException(what + " sample '" + s.name() + "': its log-ratio depends on " + pr.parameters()
                        + " (parametrised ratio) but the event set gives a fixed column");
            }
            if (pr == null && c.parametrised() != null) {
                throw new IllegalArgumentException(what + " sample '" + s.name() + "': the event set gives a parametrised log-ratio over "
                        + c.parametrised().parameters() + " but the sample has no parametrised_ratio modifier");
            }
            if (pr != null && !pr.parameters().equals(c.parametrised().parameters())) {
                throw new IllegalArgumentException(what + " sample '" + s.name() + "': the parametrised log-ratio reads " + c.parametrised().parameters()
                        + " but the sample's modifier names " + pr.parameters());
            }
            if (pr != null && c.parametrised().events() != events) {
                throw new IllegalArgumentException(what + " sample '" + s.name() + "': the parametrised log-ratio has " + c.parametrised().events()
                        + " events but the event set has " + events);
            }
            checkColumn(what + " sample '" + s.name() + "' log_ratio", c.logRatio(), events);
            List<Modifier.ShapeSys> shapes = s.shapeSystematics();
            if (c.shapeUp().size() != shapes.size() || c.shapeDown().size() != shapes.size()) {
                throw new IllegalArgumentException(what + " sample '" + s.name() + "': " + shapes.size()
                        + " shapesys modifiers but " + c.shapeUp().size() + " up and " + c.shapeDown().size() + " down columns");
            }
            for (int k = 0; k < shapes.size(); k++) {
                String p = shapes.get(k).parameter();
                checkPositive(what + " sample '" + s.name() + "' shapesys '" + p + "' up", c.shapeUp().get(k), events);
                checkPositive(what + " sample '" + s.name() + "' shapesys '" + p + "' down", c.shapeDown().get(k), events);
            }
            Modifier.Polynomial poly = s.polynomial();
            int m = poly == null ? 0 : Monomials.count(poly.parameters().size());
            if (c.polynomial().size() != m) {
                throw new IllegalArgumentException(what + " sample '" + s.name() + "': polynomial modifier needs " + m
                        + " coefficient columns, got " + c.polynomial().size());
            }
            for (int a = 0; a < m; a++) {
                checkColumn(what + " sample '" + s.name() + "' polynomial column " + a, c.polynomial().get(a), events);
            }
        }
        for (String name : columns.keySet()) {
            if (samples.stream().noneMatch(s -> s.name().equals(name))) {
                throw new IllegalArgumentException(what + ": columns for unknown sample '" + name + "'");
            }
        }
    }

    static void checkColumn(String what, double[] col, int n) {
        if (col == null) {
            throw new IllegalArgumentException(what + ": column missing");
        }
        if (col.length != n) {
            throw new IllegalArgumentException(what + ": length " + col.length + " but the event set has " + n + " events");
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(col[i])) {
                throw new IllegalArgumentException(what + ": non-finite value " + col[i] + " at index " + i);
            }
        }
    }

    static void checkPositive(String what, double[] col, int n) {
        checkColumn(what, col, n);
        for (int i = 0; i < n; i++) {
            if (!(col[i] > 0)) {
                throw new IllegalArgumentException(what + ": ratio must be positive, got " + col[i] + " at index " + i);
            }
        }
    }
}
