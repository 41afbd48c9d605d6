package org.ratiofit.workspace.build;

import org.ratiofit.workspace.io.ProgressListener;

/**
 * Settings of one build.
 *
 * @param threads   worker threads evaluating ensembles (0: one per available processor). The
 *                  result does not depend on it
 * @param chunkSize events per chunk (0: the configuration's {@code General.ChunkSize}); bounds the
 *                  memory held by events in flight
 * @param progress  told the events done of the total (null: none)
 * @param overwrite replace an existing output folder (only once the new one is complete)
 */
public record BuildOptions(int threads, int chunkSize, ProgressListener progress, boolean overwrite) {

    public BuildOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0: every processor), got " + threads);
        }
        if (chunkSize < 0 || chunkSize > (1 << 26)) {
            throw new IllegalArgumentException("chunk size must be 1 ... 2^26 events (0: the configuration's), got " + chunkSize);
        }
        if (progress == null) {
            progress = ProgressListener.NONE;
        }
    }

    /** Every processor, the configured chunk size, no progress, no overwrite. */
    public static BuildOptions defaults() {
        return new BuildOptions(0, 0, ProgressListener.NONE, false);
    }

    public BuildOptions withThreads(int n) {
        return new BuildOptions(n, chunkSize, progress, overwrite);
    }

    public BuildOptions withChunkSize(int n) {
        return new BuildOptions(threads, n, progress, overwrite);
    }

    public BuildOptions withProgress(ProgressListener p) {
        return new BuildOptions(threads, chunkSize, p, overwrite);
    }

    public BuildOptions withOverwrite(boolean o) {
        return new BuildOptions(threads, chunkSize, progress, o);
    }

    int effectiveThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
