package org.ratiofit.ratio;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plain inference loop: runs the networks of models that share their inputs over all events,
 * chunk by chunk ({@link InferenceOptions#chunkRows()}), into one float array per model. For
 * ensembles evaluated chunk by chunk see {@link InferencePipeline}.
 */
final class ChunkedInference {
    private ChunkedInference() {}

    /**
     * Runs the networks of models that share their inputs ({@link ModelInputs#sameAs}) over all
     * events: each chunk is scaled, converted to float32 and fed to every model's session once.
     * Columns: features, then θ columns when {@code theta} is null and the models have θ. Returns
     * the raw outputs per model, row-major [event][output].
     */
    static float[][] run(List<RatioModel> models, double[][] columns, double[] theta, int n) {
        RatioModel p = models.get(0);
        ModelInputs in = p.inputs();
        int chunk = Math.max(1, Math.min(p.options().chunkRows(), n));
        int dMain = in.mainWidth();
        int nParams = in.nParams;
        boolean separateParams = in.separateParams;
        float[][] outs = new float[models.size()][];
        for (int q = 0; q < outs.length; q++) outs[q] = new float[n * models.get(q).session().outWidth];
        if (n == 0) return outs;
        FloatBuffer mainBuf = ByteBuffer.allocateDirect(chunk * dMain * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        FloatBuffer paramBuf = separateParams
                ? ByteBuffer.allocateDirect(chunk * nParams * 4).order(ByteOrder.nativeOrder()).asFloatBuffer() : null;
        float[] stage = new float[chunk * dMain];
        float[] pstage = separateParams ? new float[chunk * nParams] : null;
        // θ given as values: scale once
        double[] zTheta = in.scaledTheta(theta);
        RatioModel current = p;
        try {
            for (int start = 0; start < n; start += chunk) {
                int m = Math.min(chunk, n - start);
                in.stage(columns, zTheta, start, m, stage, pstage);
                mainBuf.clear();
                mainBuf.put(stage, 0, m * dMain);
                mainBuf.flip();
                Map<String, OnnxTensor> feed = new HashMap<>(4);
                OnnxTensor main = OnnxTensor.createTensor(p.session().env, mainBuf, new long[]{m, dMain});
                OnnxTensor par = null;
                try {
                    feed.put(p.sidecar().inputName(), main);
                    if (separateParams) {
                        paramBuf.clear();
                        paramBuf.put(pstage, 0, m * nParams);
                        paramBuf.flip();
                        par = OnnxTensor.createTensor(p.session().env, paramBuf, new long[]{m, nParams});
                        feed.put(p.sidecar().parameterInputName(), par);
                    }
                    for (int q = 0; q < models.size(); q++) {
                        current = models.get(q);
                        ModelSession s = current.session();
                        int w = s.outWidth;
                        try (OrtSession.Result r = s.session.run(feed, Set.of(s.outputName))) {
                            OnnxTensor o = (OnnxTensor) r.get(0);
                            FloatBuffer ob = o.getFloatBuffer();
                            if (ob.remaining() != m * w) {
                                throw new RatioModelException("ratio model '" + current.name() + "': output '" + s.outputName + "' has "
                                        + ob.remaining() + " values for " + m + " events, expected " + (m * w));
                            }
                            ob.get(outs[q], start * w, m * w);
                        }
                        current.options().progress().progress(current.name(), start + m, n);
                    }
                } finally {
                    main.close();
                    if (par != null) par.close();
                }
            }
        } catch (OrtException e) {
            throw new RatioModelException("ratio model '" + current.name() + "': ONNX Runtime failed: " + e.getMessage(), e);
        }
        return outs;
    }
}
