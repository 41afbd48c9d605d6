package org.ratiofit.workspace.train;

import java.io.Serializable;

/**
 * One ensemble member to train somewhere else (a Spark task): ensemble {@code job} of the plan of
 * {@code configFile} ({@link ConfigTraining#plan}), member {@code member}, with the training
 * configuration the local path would use for that ensemble. The events are read from the paths
 * the configuration names, so the configuration and its event files must lie at the same path
 * wherever the task runs (a shared filesystem).
 *
 * @param configFile     absolute path of the fit configuration
 * @param job            index of the ensemble in the plan's jobs
 * @param member         member index (its seed is derived from the configuration's seed and it)
 * @param trainingConfig the ratio-models training configuration as JSON (seed included)
 * @param threads        PyTorch intra-op threads (null: ratio-models' default of 1)
 */
public record MemberTask(String configFile, int job, int member, String trainingConfig, Integer threads) implements Serializable {
}
