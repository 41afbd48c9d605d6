package org.ratiofit.workspace.train;

import java.io.Serializable;

/**
 * One ensemble member to train somewhere else (a Spark task): ensemble {@code job} of its kind in
 * the plan of {@code configFile} (binary: {@link ConfigTraining#plan}'s jobs; multiclass: the shared
 * folders, {@code MulticlassTraining.plan}; PNN: the polynomial models with variations,
 * {@code PnnTraining.plan}), member {@code member}, with the training
 * configuration the local path would use for that ensemble. The events are read from the paths
 * the configuration names, so the configuration and its event files must lie at the same path
 * wherever the task runs (a shared filesystem).
 *
 * @param configFile     absolute path of the fit configuration
 * @param kind           the kind of ensemble
 * @param job            index of the ensemble among the plan's ensembles of its kind
 * @param member         member index (its seed is derived from the configuration's seed and it)
 * @param trainingConfig the ratio-models training configuration as JSON (seed included)
 * @param threads        PyTorch intra-op threads (null: ratio-models' default of 1)
 * @param calibration    a multiclass ensemble's per-class calibration (a {@code ClassCalibration} name; NONE otherwise)
 */
public record MemberTask(String configFile, Kind kind, int job, int member, String trainingConfig, Integer threads, String calibration)
        implements Serializable {

    /** The kinds of ensemble whose members train as tasks. */
    public enum Kind {
        /** one sample (or variation) against the reference (or nominal) */
        BINARY,
        /** samples sharing one folder: a multiclass classifier */
        MULTICLASS,
        /** a polynomial systematic's model: a parametric-in-nuisance network */
        PNN
    }
}
