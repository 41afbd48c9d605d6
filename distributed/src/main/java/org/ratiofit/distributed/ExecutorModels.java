package org.ratiofit.distributed;

import java.util.concurrent.ConcurrentHashMap;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.objective.StatisticalModelSource;

/** The models an executor JVM has loaded, one per recipe, shared by all its tasks. */
final class ExecutorModels {

    private static final ConcurrentHashMap<StatisticalModelSource, StatisticalModel> MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    static StatisticalModel get(StatisticalModelSource source) {
        return MODELS.computeIfAbsent(source, StatisticalModelSource::load);
    }
}
