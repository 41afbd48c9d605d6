package org.ratiofit.likelihood;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The resampling weights of an unbinned channel's reference events at truth points, kept for the
 * pseudo-experiments that follow: the expected total yield and the cumulative sums of
 * w_ref,i · Σ_p ν_p(truth) r_p(x_i|truth). They depend only on the channel and the truth point, not
 * on a toy's seed, so every toy of a study at one truth point reuses them (computing them is a pass
 * over all reference events with every sample's ratio; drawing a toy's N events is N binary
 * searches). The last {@value #TRUTH_POINTS} (channel, truth point) pairs are kept; thread-safe.
 */
final class ResamplingWeights {

    /** (channel, truth point) pairs kept: a CLs study alternates between μ and 0 at each grid point. */
    static final int TRUTH_POINTS = 8;

    /** A channel's weights at one truth point: the expected total, and the cumulative sums (length: reference events). */
    record Weights(double total, double[] cumulative) {
    }

    private record Key(int channel, double[] truth) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.channel == channel && Arrays.equals(k.truth, truth);
        }

        @Override
        public int hashCode() {
            return 31 * channel + Arrays.hashCode(truth);
        }
    }

    private final Map<Key, Weights> kept = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Weights> eldest) {
            return size() > TRUTH_POINTS;
        }
    };

    private long computed;

    /** How many times weights were computed (not found kept). */
    synchronized long computed() {
        return computed;
    }

    /** The weights of {@code channel} at {@code truth}: kept ones, or computed (outside the lock) and kept. */
    Weights get(int channel, double[] truth, Supplier<Weights> compute) {
        Key k = new Key(channel, truth.clone());
        synchronized (this) {
            Weights w = kept.get(k);
            if (w != null) {
                return w;
            }
        }
        Weights w = compute.get();
        synchronized (this) {
            computed++;
            kept.putIfAbsent(k, w);
        }
        return w;
    }
}
