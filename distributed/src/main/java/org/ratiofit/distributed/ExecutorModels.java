package org.ratiofit.distributed;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.objective.StatisticalModelSource;

/**
 * The models an executor JVM has loaded, one per recipe (records: value equality), shared by all
 * its tasks: a workspace is read and its model built once per executor JVM, not once per task. The
 * recipe's {@link StatisticalModelSource#stamp() stamp} (a workspace's file sizes and times) is
 * checked on each use, so a workspace rewritten at the same path between studies is read again.
 */
final class ExecutorModels {

    private record Loaded(String stamp, StatisticalModel model) {
    }

    private static final ConcurrentHashMap<StatisticalModelSource, Loaded> MODELS = new ConcurrentHashMap<>();
    private static final AtomicLong LOADS = new AtomicLong();

    private ExecutorModels() {
    }

    static StatisticalModel get(StatisticalModelSource source) {
        String stamp = source.stamp();
        Loaded l = MODELS.get(source);
        if (l != null && Objects.equals(l.stamp(), stamp)) {
            return l.model();
        }
        return MODELS.compute(source, (s, old) -> {
            if (old != null && Objects.equals(old.stamp(), stamp)) {
                return old;
            }
            LOADS.incrementAndGet();
            return new Loaded(stamp, s.load());
        }).model();
    }

    /** How many models this JVM has loaded (each recipe once, again when its input changed). */
    static long loads() {
        return LOADS.get();
    }
}
