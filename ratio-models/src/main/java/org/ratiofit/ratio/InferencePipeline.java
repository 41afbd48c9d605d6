package org.ratiofit.ratio;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The pipelined inference of an ensemble whose members share their inputs: chunks are scaled and
 * converted once into reused direct buffers, each session runs a group of chunks in turn with
 * ONNX Runtime writing into reused output buffers, and a worker thread hands finished chunks to a
 * {@link ChunkSink} while ONNX Runtime runs the next group.
 */
final class InferencePipeline {
    private InferencePipeline() {}

    /** Receives one chunk's raw outputs, row-major, {@code outputs[q]} for model q from index 0. */
    interface ChunkSink {
        void accept(int start, int rows, FloatBuffer[] outputs);
    }

    /** Chunks run by one session before the next session's turn (switching sessions each call costs ~10%). */
    static final int GROUP = 4;
    /** Output slots of the pipeline: two groups, so ONNX Runtime runs one group while the other is converted. */
    static final int OUTPUT_SLOTS = 2 * GROUP;

    /**
     * As {@link ChunkedInference#run}, but pipelined and without per-chunk allocation: the calling thread
     * scales and converts a group of {@value #GROUP} chunks into reused direct input buffers and
     * runs each session over the whole group (a session's threads stay warm), ONNX Runtime writing
     * straight into reused direct output buffers (pinned outputs); one worker thread hands finished
     * chunks to {@code sink} while ONNX Runtime runs the next group. The calling thread waits only
     * when the worker is a whole group behind. The sink sees chunks in order, one at a time; all
     * have been consumed when this returns.
     */
    static void run(List<RatioModel> models, double[][] columns, double[] theta, int n, ChunkSink sink) {
        if (n == 0) return;
        RatioModel p = models.get(0);
        int chunk = Math.max(1, Math.min(p.options().chunkRows(), n));
        int nChunks = (n + chunk - 1) / chunk;
        int nq = models.size();
        Pipeline pl = new Pipeline(models, columns, theta, chunk, GROUP, OUTPUT_SLOTS);
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ratiofit-inference-pipeline");
            t.setDaemon(true);
            return t;
        });
        Future<?>[] pending = new Future<?>[OUTPUT_SLOTS];
        RatioModel current = p;
        boolean failed = true;
        try {
            for (int g0 = 0; g0 < nChunks; g0 += GROUP) {
                int g1 = Math.min(nChunks, g0 + GROUP);
                for (int c = g0; c < g1; c++) {
                    int start = c * chunk;
                    pl.prepare(c - g0, start, Math.min(chunk, n - start));
                    int slot = c % OUTPUT_SLOTS;
                    if (pending[slot] != null) {
                        await(pending[slot]);
                        pending[slot] = null;
                    }
                }
                for (int q = 0; q < nq; q++) {
                    current = models.get(q);
                    for (int c = g0; c < g1; c++) {
                        int start = c * chunk, rows = Math.min(chunk, n - start);
                        pl.run(q, c - g0, c % OUTPUT_SLOTS, rows);
                    }
                    current.options().progress().progress(current.name(), Math.min(n, g1 * chunk), n);
                }
                for (int c = g0; c < g1; c++) {
                    int start = c * chunk, rows = Math.min(chunk, n - start), slot = c % OUTPUT_SLOTS;
                    pending[slot] = worker.submit(() -> sink.accept(start, rows, pl.outputs(slot, rows)));
                }
            }
            for (int c = Math.max(0, nChunks - OUTPUT_SLOTS); c < nChunks; c++) {
                Future<?> f = pending[c % OUTPUT_SLOTS];
                pending[c % OUTPUT_SLOTS] = null;
                if (f != null) await(f);
            }
            failed = false;
        } catch (OrtException e) {
            throw new RatioModelException("ratio model '" + current.name() + "': ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            if (failed) {
                // let queued conversions finish (or fail) before the buffers go
                for (Future<?> f : pending) {
                    if (f != null) {
                        try {
                            await(f);
                        } catch (RuntimeException ignored) {
                            // the first failure is the one being thrown
                        }
                    }
                }
            }
            worker.shutdownNow();
            pl.close();
        }
    }

    private static void await(Future<?> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new RatioModelException("inference pipeline failed: " + c, c);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** The reused buffers and tensors of {@link #run}: one input buffer per chunk of a group, two groups of output buffers. */
    private static final class Pipeline {
        final List<RatioModel> models;
        final RatioModel p;
        final ModelInputs inputs;
        final double[][] columns;
        final double[] zTheta;
        final int chunk, dMain, nFeatures, nParams;
        final boolean separateParams;
        final float[] stage, pstage;
        final FloatBuffer[] in, pin;
        final FloatBuffer[][] out;
        final OnnxTensor[][] outT;
        final List<OnnxTensor> owned = new ArrayList<>();
        final List<Map<String, OnnxTensor>> fullFeeds = new ArrayList<>();
        /** Whether ONNX Runtime writes into our output buffers; off after a model refuses it. */
        final boolean[] pinned;

        Pipeline(List<RatioModel> models, double[][] columns, double[] theta, int chunk, int inSlots, int outSlots) {
            this.models = models;
            this.p = models.get(0);
            this.inputs = p.inputs();
            this.columns = columns;
            this.chunk = chunk;
            dMain = inputs.mainWidth();
            nFeatures = inputs.nFeatures;
            nParams = inputs.nParams;
            separateParams = inputs.separateParams;
            stage = new float[chunk * dMain];
            pstage = separateParams ? new float[chunk * nParams] : null;
            zTheta = inputs.scaledTheta(theta);
            int nq = models.size();
            out = new FloatBuffer[outSlots][nq];
            outT = new OnnxTensor[outSlots][nq];
            pinned = new boolean[nq];
            Arrays.fill(pinned, true);
            in = new FloatBuffer[inSlots];
            pin = new FloatBuffer[inSlots];
            for (int j = 0; j < inSlots; j++) {
                in[j] = direct(chunk * dMain);
                if (separateParams) pin[j] = direct(chunk * nParams);
                fullFeeds.add(null);
            }
            for (int slot = 0; slot < outSlots; slot++) {
                for (int q = 0; q < nq; q++) out[slot][q] = direct(chunk * models.get(q).session().outWidth);
            }
        }

        static FloatBuffer direct(int floats) {
            return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        OnnxTensor tensor(FloatBuffer b, int rows, long[] shape) throws OrtException {
            OnnxTensor t = OnnxTensor.createTensor(p.session().env, b.slice(0, (int) java.util.Arrays.stream(shape).reduce(1, (a, c) -> a * c)), shape);
            owned.add(t);
            return t;
        }

        /** Scales and converts rows [start, start + rows) into input slot {@code j}. */
        void prepare(int j0, int start, int rows) {
            inputs.stage(columns, zTheta, start, rows, stage, pstage);
            in[j0].put(0, stage, 0, rows * dMain);
            if (separateParams) pin[j0].put(0, pstage, 0, rows * nParams);
        }

        /** The feed of input slot j for a chunk of {@code rows}: full chunks reuse their tensors, the last one gets its own. */
        Map<String, OnnxTensor> feed(int j, int rows) throws OrtException {
            if (rows == chunk && fullFeeds.get(j) != null) return fullFeeds.get(j);
            Map<String, OnnxTensor> f = new HashMap<>(4);
            f.put(p.sidecar().inputName(), tensor(in[j], rows, new long[]{rows, dMain}));
            if (separateParams) f.put(p.sidecar().parameterInputName(), tensor(pin[j], rows, new long[]{rows, nParams}));
            if (rows == chunk) fullFeeds.set(j, f);
            return f;
        }

        OnnxTensor pinnedOutput(int slot, int q, int rows) throws OrtException {
            ModelSession m = models.get(q).session();
            if (rows == chunk && outT[slot][q] != null) return outT[slot][q];
            long[] shape = m.outRank == 1 ? new long[]{rows} : new long[]{rows, m.outWidth};
            OnnxTensor t = tensor(out[slot][q], rows, shape);
            if (rows == chunk) outT[slot][q] = t;
            return t;
        }

        /** Runs model q on input slot j; its outputs end in out[slot][q]. */
        void run(int q, int j, int slot, int rows) throws OrtException {
            RatioModel model = models.get(q);
            ModelSession m = model.session();
            Map<String, OnnxTensor> feed = feed(j, rows);
            Set<String> want = Set.of(m.outputName);
            if (pinned[q]) {
                try {
                    OnnxTensor o = pinnedOutput(slot, q, rows);
                    try (OrtSession.Result r = m.session.run(feed, Set.of(), Map.of(m.outputName, o))) {
                        return;
                    }
                } catch (OrtException e) {
                    // a graph whose output shape differs from [rows(, width)]: fall back to copying
                    pinned[q] = false;
                }
            }
            try (OrtSession.Result r = m.session.run(feed, want)) {
                FloatBuffer ob = ((OnnxTensor) r.get(0)).getFloatBuffer();
                if (ob.remaining() != rows * m.outWidth) {
                    throw new RatioModelException("ratio model '" + model.name() + "': output '" + m.outputName + "' has "
                            + ob.remaining() + " values for " + rows + " events, expected " + (rows * m.outWidth));
                }
                out[slot][q].put(0, ob, ob.position(), ob.remaining());
            }
        }

        FloatBuffer[] outputs(int slot, int rows) {
            FloatBuffer[] o = new FloatBuffer[models.size()];
            for (int q = 0; q < o.length; q++) o[q] = out[slot][q].slice(0, rows * models.get(q).session().outWidth);
            return o;
        }

        void close() {
            for (OnnxTensor t : owned) t.close();
        }
    }
}
