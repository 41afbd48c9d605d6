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

    /** A monomial's canonical key: its parameters' indices, sorted, joined by '*' (null if a name is unknown). */
    static String key(List<String> factors, List<String> parameters) {
        int[] idx = new int[factors.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = parameters.indexOf(factors.get(i));
            if (idx[i] < 0) {
                return null;
            }
        }
        java.util.Arrays.sort(idx);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < idx.length; i++) {
            b.append(i == 0 ? "" : "*").append(idx[i]);
        }
        return b.toString();
    }

    /**
     * Null when the ensemble's outputs match the configuration's monomials, else the problem: a
     * sidecar whose component names are monomials over the parameters ('*'-joined names, as the
     * PNN trainer writes them) must list the configuration's monomials in the configuration's order.
     * Other component names (hand-made ensembles) are taken in the configuration's order.
     */
    static String monomialOrderProblem(List<String> parameters, List<List<String>> monomials, Path folder) {
        List<String> comps;
        try {
            comps = components(folder);
        } catch (RuntimeException e) {
            return null; // loading the ensemble reports it
        }
        if (!namesMonomials(comps, parameters)) {
            return null;
        }
        List<String> want = monomials.stream().map(m -> key(m, parameters)).toList();
        List<String> got = comps.stream().map(c -> key(List.of(c.split("\\*")), parameters)).toList();
        if (want.equals(got)) {
            return null;
        }
        List<String> wantNames = monomials.stream().map(SharedEnsembles::monomialName).toList();
        if (new java.util.HashSet<>(want).equals(new java.util.HashSet<>(got)) && want.size() == got.size()) {
            return "the ensemble's outputs are the monomials " + comps + " in another order than the configuration's Monomials "
                    + wantNames + "; list the Monomials in the ensemble's order (or retrain)";
        }
        return "the ensemble's outputs are the monomials " + comps + " but the configuration's Monomials are " + wantNames;
    }

    /** The yield fit's per-parameter splines (none for a fit without), each on one of {@code parameters}. */
    static List<org.ratiofit.ratio.training.pnn.YieldFit.Spline> yieldSplines(List<String> parameters, Path folder, String yamlPath,
            List<org.ratiofit.workspace.config.ConfigProblem> problems) {
        org.ratiofit.ratio.training.pnn.YieldFit.Result fit = org.ratiofit.ratio.training.pnn.PnnExport.readYieldFit(folder);
        for (org.ratiofit.ratio.training.pnn.YieldFit.Spline s : fit.splines()) {
            if (!parameters.contains(s.parameter())) {
                problems.add(new org.ratiofit.workspace.config.ConfigProblem(yamlPath + ".Ensemble", "the yield fit in " + folder
                        + " has a spline in '" + s.parameter() + "', which is not one of the systematic's Parameters " + parameters));
                return List.of();
            }
        }
        return fit.splines();
    }

    /** The yield coefficients, in the configuration's monomial order, from the ensemble's yield fit. */
    static List<Double> yieldCoefficients(List<String> parameters, List<List<String>> monomials, Path folder, String yamlPath,
            List<org.ratiofit.workspace.config.ConfigProblem> problems) {
        org.ratiofit.ratio.training.pnn.YieldFit.Result fit;
        try {
            fit = org.ratiofit.ratio.training.pnn.PnnExport.readYieldFit(folder);
        } catch (RuntimeException e) {
            problems.add(new org.ratiofit.workspace.config.ConfigProblem(yamlPath + ".YieldCoefficients", "missing, and the ensemble "
                    + "has no readable yield fit (" + e.getMessage() + "): give the coefficients or train the model with Variations"));
            return List.of();
        }
        List<Double> out = new ArrayList<>();
        List<String> fitKeys = fit.monomials().stream().map(c -> key(List.of(c.split("\\*")), parameters)).toList();
        for (List<String> m : monomials) {
            int i = fitKeys.indexOf(key(m, parameters));
            if (i < 0) {
                problems.add(new org.ratiofit.workspace.config.ConfigProblem(yamlPath + ".YieldCoefficients", "missing, and the yield fit in "
                        + folder + " has no coefficient of monomial " + monomialName(m) + " (it has " + fit.monomials() + ")"));
                return List.of();
            }
            out.add(fit.coefficients()[i]);
        }
        return out;
    }
}
