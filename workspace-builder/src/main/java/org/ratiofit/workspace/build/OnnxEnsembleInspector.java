package org.ratiofit.workspace.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.RatioModelException;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.workspace.config.EnsembleInspector;

/**
 * The {@link EnsembleInspector} of ratio-models' ONNX ensembles: reads {@code ensemble.json} and
 * every member's JSON sidecar (no ONNX session is opened), checks that each member's ONNX file
 * exists and that the members agree on their features, and reports the features, the member count
 * and the outputs per event: 1 for a ratio (score, logit, log-ratio, or a multiclass model with a
 * numerator class), and for a {@code local_score} model one per named component (the per-monomial
 * coefficients Δ_A(x) of a polynomial systematic are stored that way).
 */
public final class OnnxEnsembleInspector implements EnsembleInspector {

    @Override
    public EnsembleInfo inspect(Path folder) throws IOException {
        Path manifest = folder.resolve(EnsembleManifest.FILE_NAME);
        if (!Files.isRegularFile(manifest)) {
            throw new IOException("no " + EnsembleManifest.FILE_NAME + " in " + folder);
        }
        try {
            EnsembleManifest mf = Ensemble.readManifest(manifest);
            List<String> features = null;
            int outputs = -1;
            String first = null;
            for (String member : mf.members()) {
                Path sidecar = folder.resolve(member);
                if (!Files.isRegularFile(sidecar)) {
                    throw new IOException(manifest + ": member sidecar " + sidecar + " does not exist");
                }
                ModelSidecar sc = Sidecars.read(sidecar);
                Path onnx = sidecar.toAbsolutePath().getParent().resolve(sc.onnx());
                if (!Files.isRegularFile(onnx)) {
                    throw new IOException(sidecar + ": its ONNX file " + onnx + " does not exist");
                }
                int out = outputs(sc, sidecar);
                if (features == null) {
                    features = sc.features();
                    outputs = out;
                    first = member;
                } else if (!features.equals(sc.features()) || outputs != out) {
                    throw new IOException(manifest + ": member " + member + " takes features " + sc.features() + " with " + out
                            + " outputs but member " + first + " takes " + features + " with " + outputs);
                }
            }
            return new EnsembleInfo(features, mf.members().size(), outputs);
        } catch (RatioModelException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static int outputs(ModelSidecar sc, Path sidecar) throws IOException {
        if (sc.output() == OutputConvention.LOCAL_SCORE) {
            return sc.parameterList().size();
        }
        // a multiclass model without a 'numerator' is shared by the samples named as its classes: the
        // build gives each sample its own class's log-ratio (SharedEnsembles), one output per sample
        return 1;
    }
}
