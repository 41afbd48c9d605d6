package org.ratiofit.distributed;

import org.ratiofit.objective.StatisticalModelSource;
import org.ratiofit.samplers.toys.DistributedToyRunners;
import org.ratiofit.samplers.toys.ToyRunner;

/** Registers the Spark toy runner with the command line (META-INF/services). */
public final class SparkToyRunnerFactory implements DistributedToyRunners.Factory {

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public ToyRunner create(String master, StatisticalModelSource source, int batchSize) {
        return new SparkToyRunner(master, source, batchSize);
    }
}
