package org.ratiofit.validation.salad;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.io.Npy;
import org.ratiofit.io.NpyArray;
import org.ratiofit.workspace.io.Checksums;

/**
 * Per-event weights of a SALAD configuration's simulation read from a file, checked before any
 * closure or search uses them: the {@code weights.npy} that {@code ratiofit reweight} writes (with
 * its sidecar {@code weights.json} and the ensemble spread {@code weights-spread.npy}), or any
 * one-dimensional .npy of one weight per simulated event (file order) without a sidecar.
 *
 * <p>Checks, each naming the file: one weight per simulated event; every weight finite and ≥ 0
 * (the first offending index is named); when a sidecar {@code <stem>.json} lies beside the file,
 * that it describes this file (its {@code weights} entry and event count) and the configuration's
 * simulation file (the sha256 it recorded).
 *
 * @param file the weights file
 * @param sidecar the sidecar read, or null when there is none
 * @param weights per simulated event
 * @param spread per event, the ensemble's spread (from the sidecar's {@code spread} file), or null
 * @param sha256 the weights file's checksum
 * @param trained the settings the sidecar records the reweighting was trained with, or null
 */
public record SaladWeights(Path file, Path sidecar, double[] weights, double[] spread, String sha256,
        KFoldClassifier.Settings trained) {

    /**
     * Reads the weights for the simulation of {@code c}.
     *
     * @param fileOrDir a weights .npy, or a folder holding {@link SimulationReweighting#WEIGHTS_FILE}
     * @param simulationEvents the number of events in the configuration's simulation file
     */
    public static SaladWeights read(Path fileOrDir, SaladConfig c, int simulationEvents) throws IOException {
        Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve(SimulationReweighting.WEIGHTS_FILE) : fileOrDir;
        if (!Files.isRegularFile(file)) {
            throw new IOException("weights file '" + file + "' does not exist"
                    + (Files.isDirectory(fileOrDir) ? " (the folder holds no " + SimulationReweighting.WEIGHTS_FILE + ")" : ""));
        }
        double[] w = column(file, simulationEvents, c, "weights");
        for (int i = 0; i < w.length; i++) {
            if (!Double.isFinite(w[i]) || w[i] < 0) {
                throw new IllegalArgumentException(file + ": the weight of simulated event " + i + " is " + w[i]
                        + "; weights must be finite and >= 0");
            }
        }
        String name = file.getFileName().toString();
        String stem = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        Path side = file.resolveSibling(stem + ".json");
        double[] spread = null;
        if (!Files.isRegularFile(side)) {
            return new SaladWeights(file, null, w, null, Checksums.sha256(file), null);
        }
        JsonNode sc;
        try {
            sc = new ObjectMapper().readTree(side.toFile());
        } catch (IOException e) {
            throw new IOException("sidecar '" + side + "' of " + file + " is not JSON: " + e.getMessage(), e);
        }
        String names = sc.path("weights").asText(null);
        if (names == null || !names.equals(name)) {
            throw new IllegalArgumentException("sidecar '" + side + "' describes the weights file '" + names + "', not '" + name
                    + "'; give the weights file it describes, or remove the sidecar");
        }
        if (sc.has("events") && sc.get("events").asLong() != w.length) {
            throw new IllegalArgumentException("sidecar '" + side + "' records " + sc.get("events").asLong() + " events, but "
                    + file + " holds " + w.length + " weights");
        }
        String recorded = sc.path("provenance").path("sha256").path("simulation").asText(null);
        String actual = Checksums.sha256(c.simulation());
        if (recorded != null && !recorded.equals(actual)) {
            throw new IllegalArgumentException("sidecar '" + side + "' says " + file + " weights the simulation file with sha256 "
                    + recorded + " (" + sc.path("provenance").path("config").asText("?") + "), but " + c.simulation()
                    + " has sha256 " + actual + "; rerun 'ratiofit reweight " + c.file() + "'");
        }
        String sp = sc.path("spread").asText(null);
        if (sp != null && Files.isRegularFile(file.resolveSibling(sp))) {
            spread = column(file.resolveSibling(sp), simulationEvents, c, "ensemble spreads");
        }
        return new SaladWeights(file, side, w, spread, Checksums.sha256(file), settings(sc.path("provenance").path("settings")));
    }

    private static double[] column(Path file, int simulationEvents, SaladConfig c, String what) throws IOException {
        NpyArray a = Npy.read(file);
        if (a.shape().length != 1) {
            throw new IllegalArgumentException(file + ": expected a one-dimensional array of " + what + " (one per simulated event), "
                    + "got shape " + java.util.Arrays.toString(a.shape()));
        }
        double[] w = a.asDoubles();
        if (w.length != simulationEvents) {
            throw new IllegalArgumentException(file + " holds " + w.length + " " + what + ", but the simulation " + c.simulation()
                    + " has " + simulationEvents + " events; the weights must be one per simulated event, in file order");
        }
        return w;
    }

    private static KFoldClassifier.Settings settings(JsonNode n) {
        if (!n.isObject() || !n.path("hidden").isArray()) {
            return null;
        }
        List<Integer> hidden = new ArrayList<>();
        n.get("hidden").forEach(h -> hidden.add(h.asInt()));
        return new KFoldClassifier.Settings(n.path("members").asInt(1), n.path("folds").asInt(2), n.path("epochs").asInt(1),
                hidden, n.path("batchSize").asInt(256), n.path("learningRate").asDouble(2e-3), n.path("seed").asLong(1),
                n.path("quiet").asBoolean(true), n.path("patience").asInt(5), n.path("finalLearningRate").asDouble(0.05));
    }
}
