package org.ratiofit.ratio;

/**
 * How a model runs.
 *
 * @param chunkRows      events per ONNX Runtime call (bounds memory; 8k–64k is fastest)
 * @param intraOpThreads ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose
 * @param progress       called after every chunk
 */
public record InferenceOptions(int chunkRows, int intraOpThreads, ProgressListener progress) {
    public static final InferenceOptions DEFAULT = new InferenceOptions(16384, 0, ProgressListener.NONE);

    public InferenceOptions {
        if (chunkRows < 1) throw new IllegalArgumentException("chunkRows must be >= 1, got " + chunkRows);
        if (intraOpThreads < 0) throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        if (progress == null) progress = ProgressListener.NONE;
    }

    public InferenceOptions withChunkRows(int n) {
        return new InferenceOptions(n, intraOpThreads, progress);
    }

    public InferenceOptions withIntraOpThreads(int n) {
        return new InferenceOptions(chunkRows, n, progress);
    }

    public InferenceOptions withProgress(ProgressListener p) {
        return new InferenceOptions(chunkRows, intraOpThreads, p);
    }
}
