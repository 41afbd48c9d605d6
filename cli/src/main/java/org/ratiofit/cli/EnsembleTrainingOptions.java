package org.ratiofit.cli;

import picocli.CommandLine.Option;

/**
 * The options every ensemble-training command shares, with the same meaning and defaults
 * ({@code train}, {@code train-estimator}): members, maximum epochs, seed, and whether an existing
 * ensemble folder that ratiofit wrote may be replaced. Null (not given): the configuration's value.
 */
final class EnsembleTrainingOptions {

    @Option(names = "--members", paramLabel = "N", description = "Ensemble members per ensemble (default 5).")
    Integer members;

    @Option(names = "--epochs", paramLabel = "N", description = "Maximum epochs per member; early stopping may end sooner (default 50).")
    Integer epochs;

    @Option(names = "--seed", paramLabel = "SEED", description = "Seed of the split and the members (default 1).")
    Long seed;

    @Option(names = "--overwrite", description = "Replace ensemble folders that exist (default: refuse before training).")
    boolean overwrite;
}
