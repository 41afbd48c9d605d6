package org.ratiofit.likelihood;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An unbinned channel: basis samples and the observed events with every sample's log-ratio
 * against the common reference density.
 *
 * @param name      channel name
 * @param samples   the basis samples (yields and modifiers)
 * @param data      the observed (or weighted) events with their columns
 * @param reference the reference sample's events with their columns and weights (sum_i w_i f(x_i) /
 *                  sum_i w_i estimates E_ref[f]); needed for the samples' normalisation when the
 *                  channel has shapesys modifiers, for Asimov data and pseudo-experiments (may be null otherwise)
 * @param normalisation how the samples' per-event densities are normalised ({@link ShapeNormalisation};
 *                  null means {@link ShapeNormalisation#REFERENCE})
 */
public record UnbinnedChannel(String name, List<UnbinnedSample> samples, EventSet data, EventSet reference,
                              ShapeNormalisation normalisation) implements Channel {

    /** A channel with the default normalisation, {@link ShapeNormalisation#REFERENCE}. */
    public UnbinnedChannel(String name, List<UnbinnedSample> samples, EventSet data, EventSet reference) {
        this(name, samples, data, reference, ShapeNormalisation.REFERENCE);
    }

    public UnbinnedChannel {
        if (normalisation == null) {
            normalisation = ShapeNormalisation.REFERENCE;
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("channel name must not be empty");
        }
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("channel '" + name + "': no samples");
        }
        Set<String> seen = new HashSet<>();
        for (UnbinnedSample s : samples) {
            if (!seen.add(s.name())) {
                throw new IllegalArgumentException("channel '" + name + "': duplicate sample '" + s.name() + "'");
            }
        }
        if (data == null) {
            throw new IllegalArgumentException("channel '" + name + "': no data event set");
        }
        data.validate("channel '" + name + "' data", samples);
        if (reference != null) {
            reference.validate("channel '" + name + "' reference", samples);
        }
    }
}
