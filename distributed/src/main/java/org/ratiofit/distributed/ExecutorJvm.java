package org.ratiofit.distributed;

import java.io.Serializable;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * What one JVM has spent so far (process CPU, garbage collection, JIT compilation), its heap and
 * its flags: sampled on the driver and, by a small probe job, on each executor, before and after a
 * study, so that a study's CPU, GC and compile time can be compared between the local thread pool
 * and Spark's executors.
 *
 * @param pid          the process id
 * @param executorId   Spark's executor id ("driver" on the driver)
 * @param cpuNanos     process CPU time, all threads
 * @param gcMillis     total collection time of all collectors
 * @param gcCount      total collections
 * @param jitMillis    total JIT compilation time
 * @param maxHeap      the maximum heap in bytes
 * @param collectors   the collectors' names
 * @param flags        the JVM's -X / -XX flags
 * @param modelLoads   models this JVM loaded for Spark tasks ({@link ExecutorModels})
 */
public record ExecutorJvm(long pid, String executorId, long cpuNanos, long gcMillis, long gcCount, long jitMillis, long maxHeap,
                          String collectors, String flags, long modelLoads) implements Serializable {

    /** This JVM now. */
    public static ExecutorJvm sample() {
        long gcMs = 0;
        long gcN = 0;
        List<String> names = new ArrayList<>();
        for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMs += Math.max(0, g.getCollectionTime());
            gcN += Math.max(0, g.getCollectionCount());
            names.add(g.getName());
        }
        CompilationMXBean c = ManagementFactory.getCompilationMXBean();
        long jit = c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : -1;
        long cpu = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
        String flags = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-Xm") || a.startsWith("-XX:") && !a.contains("IgnoreUnrecognized")).toList());
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        String id = env == null ? "driver" : env.executorId();
        return new ExecutorJvm(ProcessHandle.current().pid(), id, cpu, gcMs, gcN, jit, Runtime.getRuntime().maxMemory(),
                String.join("+", names), flags, ExecutorModels.loads());
    }

    /**
     * Each executor JVM of the context now, by process id (in local mode: the driver's own). Runs
     * {@code 4 x} the default parallelism of tiny tasks, enough to reach every executor of a small
     * cluster; an executor that got none is missing from the map.
     */
    public static Map<Long, ExecutorJvm> probe(JavaSparkContext sc) {
        int n = Math.max(2, 4 * sc.defaultParallelism());
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        Map<Long, ExecutorJvm> out = new LinkedHashMap<>();
        for (ExecutorJvm j : sc.parallelize(idx, n).map(i -> sample()).collect()) {
            out.putIfAbsent(j.pid(), j);
        }
        return out;
    }

    /** What this JVM spent between {@code before} and this sample (same process). */
    public ExecutorJvm minus(ExecutorJvm before) {
        return new ExecutorJvm(pid, executorId, cpuNanos - before.cpuNanos, gcMillis - before.gcMillis, gcCount - before.gcCount,
                jitMillis - before.jitMillis, maxHeap, collectors, flags, modelLoads - before.modelLoads);
    }
}
