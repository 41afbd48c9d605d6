package org.ratiofit.distributed;

import org.ratiofit.workspace.train.DistributedTrainers;
import org.ratiofit.workspace.train.MemberRunner;

/** Registers the Spark member trainer with the command line (META-INF/services). */
public final class SparkMemberRunnerFactory implements DistributedTrainers.Factory {

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public MemberRunner create(String master) {
        return new SparkMemberRunner(master);
    }
}
