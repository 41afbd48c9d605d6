package org.ratiofit.ratio;

/** Progress of a long evaluation; called from the evaluating thread after every chunk. */
@FunctionalInterface
public interface ProgressListener {
    void progress(String task, long done, long total);

    ProgressListener NONE = (t, d, n) -> {};
}
