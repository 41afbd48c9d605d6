package org.ratiofit.validation.salad;

import java.nio.file.Path;
import java.util.List;

/**
 * A SALAD configuration (YAML, read by {@link SaladConfigLoader}): the resonant variable and its
 * regions, the event files and the features, the training and closure settings. Paths are
 * resolved against the configuration's folder.
 *
 * @param resonantVariable the column of m
 * @param features the features x (m is added as the conditioning input of the reweighting)
 * @param signalRegion [low, high) of the signal region in m
 * @param sidebands the sideband windows, each [low, high)
 * @param validationRegions optional named windows for closure only
 * @param data the data file
 * @param simulation the simulation file
 * @param simulationWeight the simulation's event-weight column, or null
 * @param truth truth information (a test set from a simulation with injected signal), or null
 */
public record SaladConfig(int version, Path file, String resonantVariable, List<String> features, Window signalRegion,
        List<Window> sidebands, List<NamedWindow> validationRegions, Path data, Path simulation, String simulationWeight,
        Truth truth, Training training, Closure closure) {

    public static final int FORMAT_VERSION = 1;

    /** A window [low, high) in m. */
    public record Window(double low, double high) {
        public boolean contains(double m) {
            return m >= low && m < high;
        }

        public boolean overlaps(Window o) {
            return low < o.high && o.low < high;
        }

        @Override
        public String toString() {
            return "[" + low + ", " + high + ")";
        }
    }

    public record NamedWindow(String name, Window window) {}

    /**
     * @param column the data's truth column (1 signal, 0 background)
     * @param trueBackground data-like background events (the idealised classifier), or null
     * @param signal signal events (the supervised classifier), or null
     * @param testEvents labelled signal-region events no classifier trains on (the SIC curves), or null
     */
    public record Truth(String column, Path trueBackground, Path signal, Path testEvents) {}

    /**
     * @param members ensemble members per fold
     * @param folds k of the k-fold split (each event weighted by models that did not train on it)
     * @param epochs maximum epochs (early stopping on a validation part of the training folds)
     * @param hidden hidden-layer widths
     * @param minSidebandEvents the fewest sideband events of each of data and simulation to train on
     * @param reweighting how the weights treat the m-marginal (YAML Training.Reweighting: Joint or Factorised)
     * @param patience epochs without a better validation loss before a member stops (YAML Training.Patience, default 5);
     *        0: every member runs all epochs, the cosine schedule to its end, and keeps its best validation epoch
     * @param finalLearningRate the cosine schedule's end as a fraction of LearningRate (YAML Training.FinalLearningRate,
     *        default 0.05)
     */
    public record Training(int members, int folds, int epochs, List<Integer> hidden, int batchSize, double learningRate,
            long seed, int minSidebandEvents, Reweighting reweighting, int patience, double finalLearningRate) {
        public static Training defaults() {
            return new Training(3, 5, 40, List.of(32, 32), 256, 2e-3, 1L, 500, Reweighting.FACTORISED, 5, 0.05);
        }
    }

    /**
     * How the reweighting gets the m-marginal into the signal region: {@code JOINT}, the classifier
     * on (x, m) learns the joint ratio and interpolates it across the signal region;
     * {@code FACTORISED}, w = ρ(m) r(x|m) with ρ a smooth fit in the sidebands and r the classifier,
     * trained against the ρ-weighted simulation and normalised to mean 1 over the simulation in
     * narrow m bins (see SimulationReweighting).
     */
    public enum Reweighting {
        JOINT, FACTORISED
    }

    /**
     * @param bins equal-population bins per feature
     * @param minPValue a feature closes when its χ² p-value is at least this
     * @param aucSigma the two-sample test closes when |AUC − 0.5| is within this many errors
     */
    public record Closure(int bins, double minPValue, double aucSigma) {
        public static Closure defaults() {
            return new Closure(10, 0.01, 3.0);
        }
    }

    /** The region of an m value: "SR", "SB", a validation region's name, or null outside all. */
    public String regionOf(double m) {
        if (signalRegion.contains(m)) {
            return "SR";
        }
        for (Window w : sidebands) {
            if (w.contains(m)) {
                return "SB";
            }
        }
        for (NamedWindow v : validationRegions) {
            if (v.window().contains(m)) {
                return v.name();
            }
        }
        return null;
    }
}
