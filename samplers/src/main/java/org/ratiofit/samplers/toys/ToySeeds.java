package org.ratiofit.samplers.toys;

/**
 * The seed of each pseudo-experiment, from the study's seed, the ensemble's stream number and the
 * toy's index alone (SplitMix64 finalisers over the three), so that a toy gives the same data on
 * one thread, many threads or a cluster, and a study can be split into index ranges and merged.
 */
public final class ToySeeds {

    private ToySeeds() {
    }

    /** The seed of toy {@code index} of ensemble {@code stream} in the study seeded {@code seed}. */
    public static long seed(long seed, long stream, long index) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ (stream * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L));
        return mix(h ^ (index * 0xD6E8FEB86659FD93L + 0x27D4EB2F165667C5L));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
