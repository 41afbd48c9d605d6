package org.ratiofit.workspace.io;

/** Told how far long work has come; library code reports through it, the command line draws a bar. */
@FunctionalInterface
public interface ProgressListener {

    /** {@code done} of {@code total} units (events) are finished; called from one thread at a time. */
    void progress(long done, long total);

    ProgressListener NONE = (done, total) -> { };
}
