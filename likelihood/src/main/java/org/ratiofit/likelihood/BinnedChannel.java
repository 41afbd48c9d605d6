package org.ratiofit.likelihood;

import java.util.List;

/**
 * A binned channel (a control region): Poisson per bin.
 *
 * @param name      channel name
 * @param observed  observed counts per bin (may be non-integer for Asimov data)
 * @param samples   the samples
 * @param mcStatParameters per bin, the name of the constrained parameter (gamma, aux 1, width the
 *                  relative MC statistical uncertainty) that multiplies the samples marked mcStat;
 *                  null when the channel has none (Barlow-Beeston lite)
 */
public record BinnedChannel(String name, double[] observed, List<BinnedSample> samples, List<String> mcStatParameters) implements Channel {

    public BinnedChannel {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("channel name must not be empty");
        }
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("channel '" + name + "': no samples");
        }
        for (int b = 0; b < observed.length; b++) {
            if (!Double.isFinite(observed[b]) || observed[b] < 0) {
                throw new IllegalArgumentException("channel '" + name + "': observed count at bin " + b + " must be finite and >= 0, got " + observed[b]);
            }
        }
        for (BinnedSample s : samples) {
            if (s.nominal().length != observed.length) {
                throw new IllegalArgumentException("channel '" + name + "' sample '" + s.name() + "': " + s.nominal().length
                        + " bins, observed " + observed.length);
            }
        }
        if (mcStatParameters != null) {
            mcStatParameters = List.copyOf(mcStatParameters);
            if (mcStatParameters.size() != observed.length) {
                throw new IllegalArgumentException("channel '" + name + "': " + mcStatParameters.size() + " MC-stat parameters for "
                        + observed.length + " bins");
            }
        }
    }

    public int bins() {
        return observed.length;
    }

    public BinnedChannel withObserved(double[] counts) {
        return new BinnedChannel(name, counts, samples, mcStatParameters);
    }
}
