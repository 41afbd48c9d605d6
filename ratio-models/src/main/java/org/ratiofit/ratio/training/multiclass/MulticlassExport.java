package org.ratiofit.ratio.training.multiclass;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.training.multiout.MultiOutputExport;

/**
 * Writes a trained multiclass ensemble into a folder: per member {@code member-K.onnx} (C softmax
 * logits), {@code member-K.json} (sidecar: output {@code softmax_logits}, the standard scaling,
 * {@code multiclass} with the classes in output order, the reference class, the priors π_c and,
 * when calibrated, per class a {@code platt} map carrying its temperature or the {@code isotonic}
 * map of its ratio), and
 * {@code member-K.training.json}; then {@code ensemble.json} (mean of ratios). The sidecars name
 * no numerator: one folder serves every class (a reader picks the class, as the workspace
 * builder does by sample name, or sets {@code numerator}).
 */
public final class MulticlassExport {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MulticlassExport() {
    }

    /** Writes the ensemble into {@code dir} (created if needed); returns the member sidecars. */
    public static List<Path> write(MulticlassTrainer.Result result, Path dir, String name) {
        List<String> sidecars = new ArrayList<>();
        List<Path> out = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (MulticlassTrainer.Member m : result.members()) {
                String base = "member-" + m.index();
                MultiOutputExport.writeOnnx(m.network(), m.scaler().features(), dir.resolve(base + ".onnx"));
                Path sc = dir.resolve(base + ".json");
                Sidecars.write(sidecar(result, m, base), sc);
                JSON.writeValue(dir.resolve(base + ".training.json").toFile(), m);
                sidecars.add(sc.getFileName().toString());
                out.add(sc);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write multiclass ensemble into " + dir + ": " + e.getMessage(), e);
        }
        Ensemble.writeManifest(EnsembleManifest.of(name, sidecars, EnsembleManifest.Aggregation.MEAN_RATIO),
                dir.resolve(EnsembleManifest.FILE_NAME));
        return out;
    }

    static ModelSidecar sidecar(MulticlassTrainer.Result result, MulticlassTrainer.Member m, String base) {
        List<String> classes = result.classes();
        int ref = classes.indexOf(result.reference());
        Map<String, ModelSidecar.Calibration> cal = null;
        if (result.calibrated()) {
            cal = new LinkedHashMap<>();
            for (int k = 0; k < classes.size(); k++) {
                if (k == ref) {
                    continue;
                }
                if (result.calibration() == ClassCalibration.ISOTONIC) {
                    // the model computes x = (z_k − z_ref) + shift; the map takes e^x to the calibrated ratio
                    cal.put(classes.get(k), m.isotonic().get(k));
                    continue;
                }
                double shift = Math.log(m.priors()[ref] / m.priors()[k]);
                double a = m.temperatures()[k];
                // the model computes x = (z_k − z_ref) + shift; wanted a·(z_k − z_ref) + shift = a·x + shift·(1 − a)
                cal.put(classes.get(k), new ModelSidecar.Platt(a, shift * (1 - a)));
            }
        }
        return ModelSidecar.binary(base, base + ".onnx", MultiOutputExport.INPUT_NAME, m.scaler().features(),
                        ModelSidecar.OutputConvention.SOFTMAX_LOGITS, null, null)
                .withScaling(MultiOutputExport.scaling(m.scaler()))
                .withMulticlass(new ModelSidecar.Multiclass(classes, result.reference(), m.priors().clone(), cal));
    }
}
