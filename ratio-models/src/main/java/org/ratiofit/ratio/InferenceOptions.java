package org.ratiofit.ratio;

/**
 * How a model runs.
 *
 * @param chunkRows      events per ONNX Runtime call (bounds memory; 8k–64k is fastest)
 * @param intraOpThreads ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose
 * @param progress       called after every chunk
 * @param spinning       whether ONNX Runtime's intra-op threads spin-wait between calls. ONNX
 *                       Runtime spins by default; ratiofit turns it off by default because spinning
 *                       threads take the cores from ratiofit's own work between chunks and, on a
 *                       small or shared machine, from everything else (measured in BENCHMARKS.md)
 */
public record InferenceOptions(int chunkRows, int intraOpThreads, ProgressListener progress, boolean spinning) {
    public static final InferenceOptions DEFAULT = new InferenceOptions(16384, 0, ProgressListener.NONE, false);

    public InferenceOptions {
        if (chunkRows < 1) throw new IllegalArgumentException("chunkRows must be >= 1, got " + chunkRows);
        if (intraOpThreads < 0) throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        if (progress == null) progress = ProgressListener.NONE;
    }

    public InferenceOptions(int chunkRows, int intraOpThreads, ProgressListener progress) {
        this(chunkRows, intraOpThreads, progress, false);
    }

    public InferenceOptions withChunkRows(int n) {
        return new InferenceOptions(n, intraOpThreads, progress, spinning);
    }

    public InferenceOptions withIntraOpThreads(int n) {
        return new InferenceOptions(chunkRows, n, progress, spinning);
    }

    public InferenceOptions withProgress(ProgressListener p) {
        return new InferenceOptions(chunkRows, intraOpThreads, p, spinning);
    }

    public InferenceOptions withSpinning(boolean s) {
        return new InferenceOptions(chunkRows, intraOpThreads, progress, s);
    }
}
