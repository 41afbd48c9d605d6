package org.ratiofit.distributed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Spark's own metrics of each finished task (a listener on the driver's event bus): its launch and
 * finish times, on which executor, and where its time went (deserialising the task, running it,
 * CPU, GC, serialising the result). {@link #summary} sums them and measures the time the
 * executors' slots spent between tasks.
 */
public final class TaskTimeline extends SparkListener {

    /** One finished task. Times in ms, CPU in ns. */
    public record Task(int stage, String executor, long launch, long finish, long deserializeMs, long deserializeCpuNs, long runMs,
                       long cpuNs, long gcMs, long resultSerMs, long resultBytes, boolean successful) {

        long duration() {
            return finish - launch;
        }
    }

    private final List<Task> tasks = new ArrayList<>();

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        TaskInfo i = end.taskInfo();
        TaskMetrics m = end.taskMetrics();
        if (m == null) {
            tasks.add(new Task(end.stageId(), i.executorId(), i.launchTime(), i.finishTime(), 0, 0, 0, 0, 0, 0, 0, i.successful()));
            return;
        }
        tasks.add(new Task(end.stageId(), i.executorId(), i.launchTime(), i.finishTime(), m.executorDeserializeTime(),
                m.executorDeserializeCpuTime(), m.executorRunTime(), m.executorCpuTime(), m.jvmGCTime(), m.resultSerializationTime(),
                m.resultSize(), i.successful()));
        notifyAll();
    }

    /** The tasks finished so far, in finishing order. */
    public synchronized List<Task> tasks() {
        return List.copyOf(tasks);
    }

    /** Waits (at most {@code ms}) until {@code n} tasks have been reported: the event bus is asynchronous. */
    public synchronized void awaitTasks(int n, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (tasks.size() < n && System.currentTimeMillis() < end) {
            wait(Math.max(1, end - System.currentTimeMillis()));
        }
    }

    /**
     * A table of the tasks: counts, sums and per-task means of each component, and the gaps.
     *
     * @param slotsPerExecutor task slots (cores) of each executor
     */
    public synchronized String summary(int slotsPerExecutor) {
        List<Task> ok = tasks.stream().filter(Task::successful).toList();
        if (ok.isEmpty()) {
            return "no tasks";
        }
        long first = ok.stream().mapToLong(Task::launch).min().orElse(0);
        long last = ok.stream().mapToLong(Task::finish).max().orElse(0);
        long dur = 0;
        long des = 0;
        long desCpu = 0;
        long run = 0;
        long cpu = 0;
        long gc = 0;
        long ser = 0;
        long bytes = 0;
        for (Task t : ok) {
            dur += t.duration();
            des += t.deserializeMs();
            desCpu += t.deserializeCpuNs();
            run += t.runMs();
            cpu += t.cpuNs();
            gc += t.gcMs();
            ser += t.resultSerMs();
            bytes += t.resultBytes();
        }
        long other = dur - des - run - ser;
        // per executor: the slot-time not covered by a task between the first launch and the last finish
        Map<String, List<Task>> byExec = new TreeMap<>();
        for (Task t : ok) {
            byExec.computeIfAbsent(t.executor(), k -> new ArrayList<>()).add(t);
        }
        // the executors' slot-time between the first launch and the last finish that no task used: the
        // executor-side time of a task is deserialise + run + result serialisation; the rest of each
        // slot's time is the round trip (the executor's status update, the driver's next launch) and
        // the last wave's tail, when some slots have no task left
        long idle = 0;
        long tail = 0;
        for (List<Task> l : byExec.values()) {
            long lo = l.stream().mapToLong(Task::launch).min().orElse(0);
            long hi = l.stream().mapToLong(Task::finish).max().orElse(0);
            long busy = l.stream().mapToLong(t -> t.deserializeMs() + t.runMs() + t.resultSerMs()).sum();
            idle += slotsPerExecutor * (hi - lo) - busy;
            // the tail: from the end of the slotsPerExecutor-th last finish to the last finish
            List<Long> f = l.stream().map(Task::finish).sorted(Comparator.reverseOrder()).toList();
            for (int k = 1; k < Math.min(slotsPerExecutor, f.size()); k++) {
                tail += f.get(0) - f.get(k);
            }
        }
        int n = ok.size();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "  %d tasks on %d executor(s), %d failed attempts; first launch to last finish %.2f s%n", n,
                byExec.size(), tasks.size() - n, (last - first) / 1e3));
        s.append(String.format(Locale.ROOT, "  per task: duration %.1f ms = deserialise %.2f ms (CPU %.2f ms) + run %.1f ms + result "
                        + "serialisation %.2f ms + scheduler/transfer %.2f ms%n", dur / (double) n, des / (double) n,
                desCpu / 1e6 / n, run / (double) n, ser / (double) n, other / (double) n));
        s.append(String.format(Locale.ROOT, "  per task: run CPU %.1f ms (%.1f%% of run), GC %.2f ms, result %.0f bytes%n", cpu / 1e6 / n,
                100.0 * cpu / 1e6 / Math.max(1, run), gc / (double) n, bytes / (double) n));
        s.append(String.format(Locale.ROOT, "  executor slots idle %.2f s of %.2f slot-s (%.1f%%): %.1f ms per task, of which the last "
                        + "wave's tail %.2f s%n", idle / 1e3, (last - first) * slotsPerExecutor * byExec.size() / 1e3,
                100.0 * idle / Math.max(1, (last - first) * slotsPerExecutor * byExec.size()), idle / (double) n, tail / 1e3));
        return s.toString();
    }
}
