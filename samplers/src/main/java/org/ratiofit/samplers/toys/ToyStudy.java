package org.ratiofit.samplers.toys;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The toys to run: the ensembles, the index range of toys in each ({@code from} inclusive,
 * {@code to} exclusive, the same range for every ensemble), the study's seed and the fit
 * settings. A range of a study gives exactly the toys the whole study gives at those indices, so
 * studies split with {@code --toy-range} merge back into the whole.
 */
public record ToyStudy(long seed, FitSettings fit, List<ToyEnsemble> ensembles, long from, long to) implements Serializable {

    public ToyStudy {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("toy range [" + from + ", " + to + ") is empty or negative");
        }
        if (to - from > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("toy range [" + from + ", " + to + ") is too long for one run; split it");
        }
        ensembles = List.copyOf(ensembles);
        if (ensembles.isEmpty()) {
            throw new IllegalArgumentException("a toy study needs at least one ensemble");
        }
        java.util.Set<Integer> streams = new java.util.HashSet<>();
        for (ToyEnsemble e : ensembles) {
            if (!streams.add(e.stream())) {
                throw new IllegalArgumentException("two ensembles share the random stream " + e.stream());
            }
        }
    }

    public int toysPerEnsemble() {
        return (int) (to - from);
    }

    public long totalToys() {
        return (long) toysPerEnsemble() * ensembles.size();
    }

    /** One slice of toys of one ensemble: the unit of work a thread or a task runs. */
    public record Batch(int ensemble, long from, long to) implements Serializable {
    }

    /** The study cut into batches of at most {@code size} toys, ensemble by ensemble. */
    public List<Batch> batches(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + size);
        }
        List<Batch> out = new ArrayList<>();
        for (int e = 0; e < ensembles.size(); e++) {
            for (long a = from; a < to; a += size) {
                out.add(new Batch(e, a, Math.min(to, a + size)));
            }
        }
        return out;
    }
}
