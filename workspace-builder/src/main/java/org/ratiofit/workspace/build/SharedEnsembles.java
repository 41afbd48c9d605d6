package org.ratiofit.workspace.build;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.InferenceOptions;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;

/**
 * Ensembles one folder serves to several samples or monomials: a multiclass (softmax) ensemble
 * whose sidecars name no numerator is shared by the samples named as its classes (each sample's
 * log-ratio is its own class against the reference class), and a polynomial ensemble's sidecars
 * name its monomials, checked against the configuration's.
 */
final class SharedEnsembles {
    private SharedEnsembles() {
    }

    /** The classes and reference of a multiclass ensemble without a numerator, or null for any other ensemble. */
    record Multiclass(List<String> classes, String reference) {
    }

    static Multiclass multiclass(Path folder) {
        Path manifest = folder.resolve(EnsembleManifest.FILE_NAME);
        if (!Files.isRegularFile(manifest)) {
            return null;
        }
        EnsembleManifest mf = Ensemble.readManifest(manifest);
        if (mf.members().isEmpty()) {
            return null;
        }
        ModelSidecar sc = Sidecars.read(folder.resolve(mf.members().get(0)));
        if (sc.multiclass() == null || sc.numerator() != null) {
            return null;
        }
        return new Multiclass(sc.multiclass().classes(), sc.multiclass().reference());
    }

    /** The ensemble with every member's sidecar given {@code numerator} = the class (one class of a shared multiclass ensemble). */
    static Ensemble loadClass(Path folder, String className, InferenceOptions options) {
        Path manifest = folder.resolve(EnsembleManifest.FILE_NAME);
        EnsembleManifest mf = Ensemble.readManifest(manifest);
        List<RatioModel> members = new ArrayList<>();
        try {
            for (String m : mf.members()) {
                Path sidecar = folder.resolve(m);
                ModelSidecar s = Sidecars.read(sidecar);
                ModelSidecar withClass = new ModelSidecar(s.format(), s.formatVersion(), s.name(), s.onnx(), s.inputName(), s.outputName(),
                        s.features(), s.parameters(), s.parameterInputName(), s.scaling(), s.output(), className,
                        s.multiclass().reference(), s.classPriors(), s.clip(), s.calibration(), s.multiclass());
                members.add(RatioModel.of(withClass, sidecar.toAbsolutePath().getParent(), options));
            }
        } catch (RuntimeException e) {
            members.forEach(RatioModel::close);
            throw e;
        }
        return new Ensemble(mf.name() + "[" + className + "]", members, mf.aggregation());
    }

    /** The component names of a polynomial ensemble's first member (its sidecar's {@code parameters}). */
    static List<String> components(Path folder) {
        EnsembleManifest mf = Ensemble.readManifest(folder.resolve(EnsembleManifest.FILE_NAME));
        return Sidecars.read(folder.resolve(mf.members().get(0))).parameterList();
    }

    /** A monomial's name as the PNN trainer writes it: parameter names joined by '*'. */
    static String monomialName(List<String> monomial) {
        return String.join("*", monomial);
    }

    /**
     * Whether component names are monomial names over the parameters (each a '*'-joined product of
     * parameter names): then their order must match the configuration's monomials.
     */
    static boolean namesMonomials(List<String> components, List<String> parameters) {
        if (components.isEmpty()) {
            return false;
        }
        for (String c : components) {
            for (String f : c.split("\\*", -1)) {
                if (!parameters.contains(f)) {
                    return false;
                }
            }
        }
        return true;
    }
}
