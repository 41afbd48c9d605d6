package org.ratiofit.likelihood;

import java.util.List;

/**
 * A basis sample of an unbinned channel: its nominal expected yield and its modifiers. The
 * per-event columns (log-ratio against the common reference, shape ratios, polynomial
 * coefficients) live in the channel's {@link EventSet}s.
 */
public record UnbinnedSample(String name, double nominalYield, List<Modifier> modifiers) {

    public UnbinnedSample {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("sample name must not be empty");
        }
        if (!Double.isFinite(nominalYield) || nominalYield < 0) {
            throw new IllegalArgumentException("sample '" + name + "': nominal yield must be finite and >= 0, got " + nominalYield);
        }
        modifiers = List.copyOf(modifiers);
        int poly = 0;
        int param = 0;
        for (Modifier m : modifiers) {
            if (m instanceof Modifier.ParametrisedRatio) {
                param++;
            }
            if (m instanceof Modifier.PerBin) {
                throw new IllegalArgumentException("sample '" + name + "': per-bin factors (shapesys/staterror/shapefactor) apply to binned channels only");
            }
            if (m instanceof Modifier.HistoSys) {
                throw new IllegalArgumentException("sample '" + name + "': histosys applies to binned channels only; use shapesys");
            }
            if (m instanceof Modifier.Polynomial) {
                poly++;
            }
        }
        if (poly > 1) {
            throw new IllegalArgumentException("sample '" + name + "': at most one polynomial modifier per sample");
        }
        if (param > 1) {
            throw new IllegalArgumentException("sample '" + name + "': at most one parametrised ratio per sample");
        }
        if (param == 1 && (poly > 0 || modifiers.stream().anyMatch(m -> m instanceof Modifier.ShapeSys))) {
            throw new IllegalArgumentException("sample '" + name + "': a parametrised ratio r(x|θ) cannot be combined with shapesys or polynomial"
                    + " modifiers (per-event shape variations of a θ-dependent ratio are not supported)");
        }
    }

    public List<Modifier.ShapeSys> shapeSystematics() {
        return modifiers.stream().filter(m -> m instanceof Modifier.ShapeSys).map(m -> (Modifier.ShapeSys) m).toList();
    }

    /** The sample's parametrised ratio, or null when its log-ratio is a fixed column. */
    public Modifier.ParametrisedRatio parametrisedRatio() {
        return modifiers.stream().filter(m -> m instanceof Modifier.ParametrisedRatio).map(m -> (Modifier.ParametrisedRatio) m).findFirst().orElse(null);
    }

    public Modifier.Polynomial polynomial() {
        return modifiers.stream().filter(m -> m instanceof Modifier.Polynomial).map(m -> (Modifier.Polynomial) m).findFirst().orElse(null);
    }
}
