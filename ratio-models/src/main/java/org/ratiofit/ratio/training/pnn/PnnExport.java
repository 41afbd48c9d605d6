package org.ratiofit.ratio.training.pnn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.training.multiout.MultiOutputExport;

/**
 * Writes a trained PNN ensemble into a folder: per member {@code member-K.onnx} (one output per
 * monomial, Δ_A(x)), {@code member-K.json} (sidecar: output {@code local_score} whose
 * {@code parameters} name the monomials in the likelihood's order, e.g. [tes, jes, tes*tes,
 * tes*jes, jes*jes], and the standard scaling) and {@code member-K.training.json};
 * {@code ensemble.json}; and {@value #YIELD_FIT_FILE} (the inclusive yield fit, format version 2: with its per-parameter splines),
 * from which {@code build} takes the yield coefficients when the configuration gives none.
 */
public final class PnnExport {
    public static final String YIELD_FIT_FILE = "yield-fit.json";
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PnnExport() {
    }

    public static List<Path> write(PnnTrainer.Result result, Path dir, String name) {
        int[] identity = new int[result.monomials().size()];
        for (int k = 0; k < identity.length; k++) {
            identity[k] = k;
        }
        return write(result, dir, name, identity);
    }

    /**
     * As {@link #write(PnnTrainer.Result, Path, String)} with the outputs in another order: output k
     * is the trained monomial {@code order[k]} (the output layer's rows are permuted; the sidecar
     * names the monomials in that order). The yield fit keeps the trained order, by name.
     */
    public static List<Path> write(PnnTrainer.Result result, Path dir, String name, int[] order) {
        List<String> names = new ArrayList<>();
        for (int k : order) {
            names.add(result.monomials().get(k));
        }
        if (new java.util.HashSet<>(names).size() != result.monomials().size() || order.length != result.monomials().size()) {
            throw new IllegalArgumentException("output order " + java.util.Arrays.toString(order) + " is not a permutation of the "
                    + result.monomials().size() + " monomials");
        }
        List<String> sidecars = new ArrayList<>();
        List<Path> out = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (PnnTrainer.Member m : result.members()) {
                String base = "member-" + m.index();
                MultiOutputExport.writeOnnx(permuted(m.network(), order), m.scaler().features(), dir.resolve(base + ".onnx"));
                ModelSidecar sc = ModelSidecar.binary(base, base + ".onnx", MultiOutputExport.INPUT_NAME, m.scaler().features(),
                                ModelSidecar.OutputConvention.LOCAL_SCORE, name + " at nu", name + " nominal")
                        .withScaling(MultiOutputExport.scaling(m.scaler())).withParameters(names, null);
                Path p = dir.resolve(base + ".json");
                Sidecars.write(sc, p);
                JSON.writeValue(dir.resolve(base + ".training.json").toFile(), m);
                sidecars.add(p.getFileName().toString());
                out.add(p);
            }
            JSON.writeValue(dir.resolve(YIELD_FIT_FILE).toFile(), result.yieldFit());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the PNN ensemble into " + dir + ": " + e.getMessage(), e);
        }
        Ensemble.writeManifest(EnsembleManifest.of(name, sidecars, EnsembleManifest.Aggregation.MEAN_RATIO),
                dir.resolve(EnsembleManifest.FILE_NAME));
        return out;
    }

    /** The network with its output layer's rows (weights and biases) in the given order. */
    static org.ratiofit.ratio.training.MlpWeights permuted(org.ratiofit.ratio.training.MlpWeights w, int[] order) {
        int last = w.layers() - 1;
        int in = last == 0 ? w.inputs() : w.widths().get(last - 1);
        float[] wt = w.weights().get(last);
        float[] b = w.biases().get(last);
        float[] wt2 = new float[wt.length];
        float[] b2 = new float[b.length];
        for (int k = 0; k < order.length; k++) {
            System.arraycopy(wt, order[k] * in, wt2, k * in, in);
            b2[k] = b[order[k]];
        }
        List<float[]> ws = new ArrayList<>(w.weights());
        List<float[]> bs = new ArrayList<>(w.biases());
        ws.set(last, wt2);
        bs.set(last, b2);
        return new org.ratiofit.ratio.training.MlpWeights(w.formatVersion(), w.inputs(), w.widths(), w.activation(), ws, bs);
    }

    /** Reads a folder's yield fit. */
    public static YieldFit.Result readYieldFit(Path dir) {
        Path f = dir.resolve(YIELD_FIT_FILE);
        try {
            YieldFit.Result r = JSON.readValue(f.toFile(), YieldFit.Result.class);
            if (r.formatVersion() < 1 || r.formatVersion() > YieldFit.Result.FORMAT_VERSION) {
                throw new IllegalArgumentException(f + " has formatVersion " + r.formatVersion() + "; this version reads 1 to "
                        + YieldFit.Result.FORMAT_VERSION + " (1: no splines)");
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the yield fit " + f + ": " + e.getMessage(), e);
        }
    }
}
