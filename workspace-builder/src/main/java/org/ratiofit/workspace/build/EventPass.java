package org.ratiofit.workspace.build;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.workspace.config.FitConfig;
import org.ratiofit.workspace.io.EventChunks;
import org.ratiofit.workspace.selection.Selection;

/**
 * One pass over the events of a set of files: chunk by chunk (one reader, chunks in flight
 * bounded), each region's selection, the ensembles evaluated on the events that some region
 * needs them for (one task per chunk and ensemble on the worker pool), and per region the
 * selected events' weights, binned variable and ensemble outputs gathered in file order, so the
 * result is the same for any number of threads.
 */
final class EventPass {

    /** A region as a pass sees it: its selection (null: every event), whether ensembles are evaluated there, its binned variable. */
    record RegionSpec(String name, Selection selection, boolean evaluate, String variable) {}

    /** The selected events of one region: weights (null for unit weights), the binned variable (or null), per job [output][event] (null where not evaluated). */
    record Gathered(int events, double[] weights, double[] variable, double[][][] outputs) {}

    /** Shared progress over all passes of a build. */
    static final class Progress {
        private final org.ratiofit.workspace.io.ProgressListener listener;
        private final long total;
        private long done;

        Progress(org.ratiofit.workspace.io.ProgressListener listener, long total) {
            this.listener = listener;
            this.total = total;
            listener.progress(0, total);
        }

        synchronized void add(long events) {
            done += events;
            listener.progress(done, total);
        }
    }

    private record RegionChunk(int events, double[] weights, double[] variable, double[][][] outputs) {}

    private final Map<Integer, Double> chunkWeights = new ConcurrentHashMap<>();
    private double totalWeight;

    private final class Chunk {
        final int index;
        final long first;
        EventTable table;
        boolean[][] masks;
        boolean[] evalMask;
        EventTable evalTable;
        final double[][][] outputs;
        final AtomicInteger remaining = new AtomicInteger();

        Chunk(int index, long first, EventTable table) {
            this.index = index;
            this.first = first;
            this.table = table;
            this.outputs = new double[jobs.length][][];
        }
    }

    private final String what;
    private final FitConfig.EventFiles files;
    private final List<RegionSpec> regions;
    private final int[] jobs;
    private final List<String> features;
    private final EnsemblePool pool;
    private final ExecutorService exec;
    private final int threads;
    private final int chunkSize;
    private final Progress progress;

    /** Observed data: negative weights are refused, zero weights counted (simulated samples may have both). */
    private boolean observed;
    private final java.util.concurrent.atomic.AtomicLong zeroWeights = new java.util.concurrent.atomic.AtomicLong();

    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Map<Integer, RegionChunk[]> results = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private int outstanding;

    EventPass(String what, FitConfig.EventFiles files, List<RegionSpec> regions, int[] jobs, List<String> features, EnsemblePool pool,
              ExecutorService exec, int threads, int chunkSize, Progress progress) {
        this.what = what;
        this.files = files;
        this.regions = regions;
        this.jobs = jobs;
        this.features = features;
        this.pool = pool;
        this.exec = exec;
        this.threads = threads;
        this.chunkSize = chunkSize;
        this.progress = progress;
    }

    /**
     * Marks the pass as the observed data: a negative weight is refused (naming the column and the
     * event), zero weights are counted ({@link #zeroWeights()}).
     */
    EventPass observed() {
        this.observed = true;
        return this;
    }

    /** Events with weight 0 (counted for observed data only). */
    long zeroWeights() {
        return zeroWeights.get();
    }

    /** Runs the pass; per region (in the order given) its gathered events. */
    List<Gathered> run() throws IOException {
        LinkedHashSet<String> columns = new LinkedHashSet<>();
        if (files.weight() != null) {
            columns.add(files.weight());
        }
        boolean anyEval = false;
        for (RegionSpec r : regions) {
            if (r.selection() != null) {
                columns.addAll(r.selection().columns());
            }
            if (r.variable() != null) {
                columns.add(r.variable());
            }
            anyEval |= r.evaluate();
        }
        if (anyEval && jobs.length > 0) {
            columns.addAll(features);
        }
        if (columns.isEmpty() && !files.paths().isEmpty()) {
            // nothing to read but the event count (unit weights, no selection, no ensemble: an
            // unweighted basis sample), and a table without columns has no size: read one column
            try (org.ratiofit.ratio.data.EventSource s = org.ratiofit.ratio.data.EventFiles.open(files.paths().get(0), files.readOptions())) {
                if (!s.columnNames().isEmpty()) {
                    columns.add(s.columnNames().get(0));
                }
            }
        }
        Semaphore inFlight = new Semaphore(2 * threads + 1);
        int[] count = {0};
        try {
            EventChunks.forEachFile(files.paths(), files.readOptions(), List.copyOf(columns), chunkSize, null, (table, first) -> {
                acquire(inFlight);
                Chunk c = new Chunk(count[0]++, first, table);
                synchronized (lock) {
                    outstanding++;
                }
                submit(() -> prepare(c, inFlight), c, inFlight);
            });
        } catch (RuntimeException | IOException e) {
            failure.compareAndSet(null, e);
        }
        synchronized (lock) {
            while (outstanding > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure.compareAndSet(null, e);
                    break;
                }
            }
        }
        Throwable t = failure.get();
        if (t != null) {
            if (t instanceof IOException io) {
                throw io;
            }
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IOException(what + ": " + t.getMessage(), t);
        }
        return concatenate(count[0]);
    }

    private void acquire(Semaphore s) throws IOException {
        try {
            while (!s.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (failure.get() != null) {
                    throw new IOException(what + ": stopped after a failure");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + ": interrupted", e);
        }
    }

    private void submit(Runnable task, Chunk c, Semaphore inFlight) {
        try {
            exec.execute(task);
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
            done(c, inFlight);
        }
    }

    /** Selections and the events to evaluate; then one task per ensemble. */
    private void prepare(Chunk c, Semaphore inFlight) {
        try {
            if (failure.get() != null) {
                done(c, inFlight);
                return;
            }
            int n = c.table.size();
            c.masks = new boolean[regions.size()][];
            c.evalMask = new boolean[n];
            int evalCount = 0;
            for (int r = 0; r < regions.size(); r++) {
                RegionSpec spec = regions.get(r);
                boolean[] m = new boolean[n];
                if (spec.selection() == null) {
                    java.util.Arrays.fill(m, true);
                } else {
                    spec.selection().evaluate(c.table, 0, n, m);
                }
                c.masks[r] = m;
                if (spec.evaluate()) {
                    for (int i = 0; i < n; i++) {
                        c.evalMask[i] |= m[i];
                    }
                }
            }
            for (boolean b : c.evalMask) {
                if (b) evalCount++;
            }
            if (evalCount == 0 || jobs.length == 0) {
                finish(c, inFlight);
                return;
            }
            c.evalTable = evalCount == n ? c.table.select(features) : c.table.select(features).filter(c.evalMask);
            c.remaining.set(jobs.length);
            for (int j = 0; j < jobs.length; j++) {
                int jj = j;
                exec.execute(() -> evaluate(c, jj, inFlight));
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            done(c, inFlight);
        }
    }

    private void evaluate(Chunk c, int j, Semaphore inFlight) {
        try {
            if (failure.get() == null) {
                EventTable t = c.evalTable;
                c.outputs[j] = pool.evaluate(jobs[j], t::column, t.size());
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, new IOException(what + ", events " + c.first + " to " + (c.first + c.table.size() - 1) + ": " + e.getMessage(), e));
        }
        if (c.remaining.decrementAndGet() == 0) {
            if (failure.get() != null) {
                done(c, inFlight);
            } else {
                finish(c, inFlight);
            }
        }
    }

    /** Gathers each region's events of the chunk. */
    private void finish(Chunk c, Semaphore inFlight) {
        try {
            int n = c.table.size();
            int[] evalIndex = null;
            if (c.evalTable != null) {
                evalIndex = new int[n];
                int k = 0;
                for (int i = 0; i < n; i++) {
                    evalIndex[i] = c.evalMask[i] ? k++ : -1;
                }
            }
            double[] w = files.weight() == null ? null : c.table.column(files.weight());
            if (observed && w != null) {
                long zeros = 0;
                for (int i = 0; i < n; i++) {
                    if (w[i] < 0) {
                        throw new IllegalArgumentException(what + ": weight column '" + files.weight() + "' is " + w[i] + " at event "
                                + (c.first + i) + " (counted from 0): observed data cannot have negative weights (simulated samples may;"
                                + " see workspace-builder/README.md, 'Event weights')");
                    }
                    if (w[i] == 0) {
                        zeros++;
                    }
                }
                zeroWeights.addAndGet(zeros);
            }
            RegionChunk[] out = new RegionChunk[regions.size()];
            for (int r = 0; r < regions.size(); r++) {
                RegionSpec spec = regions.get(r);
                boolean[] m = c.masks[r];
                int sel = 0;
                for (boolean b : m) {
                    if (b) sel++;
                }
                double[] ws = w == null ? null : new double[sel];
                double[] vs = spec.variable() == null ? null : new double[sel];
                double[] var = spec.variable() == null ? null : c.table.column(spec.variable());
                double[][][] os = null;
                if (spec.evaluate() && jobs.length > 0) {
                    os = new double[jobs.length][][];
                    for (int j = 0; j < jobs.length; j++) {
                        os[j] = new double[c.outputs[j] == null ? 0 : c.outputs[j].length][sel];
                    }
                }
                int k = 0;
                for (int i = 0; i < n; i++) {
                    if (!m[i]) continue;
                    if (ws != null) ws[k] = w[i];
                    if (vs != null) vs[k] = var[i];
                    if (os != null) {
                        int e = evalIndex[i];
                        for (int j = 0; j < jobs.length; j++) {
                            for (int a = 0; a < os[j].length; a++) {
                                os[j][a][k] = c.outputs[j][a][e];
                            }
                        }
                    }
                    k++;
                }
                out[r] = new RegionChunk(sel, ws, vs, os);
            }
            double tw = n;
            if (w != null) {
                tw = 0;
                for (int i = 0; i < n; i++) tw += w[i];
            }
            chunkWeights.put(c.index, tw);
            results.put(c.index, out);
            progress.add(n);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
        done(c, inFlight);
    }

    private void done(Chunk c, Semaphore inFlight) {
        c.table = null;
        c.evalTable = null;
        inFlight.release();
        synchronized (lock) {
            outstanding--;
            lock.notifyAll();
        }
    }

    /** The weighted count of every event of the files (selected or not), summed in file order; after {@link #run}. */
    double totalWeight() {
        return totalWeight;
    }

    private List<Gathered> concatenate(int chunks) {
        totalWeight = 0;
        for (int c = 0; c < chunks; c++) {
            totalWeight += chunkWeights.get(c);
        }
        List<Gathered> out = new ArrayList<>();
        for (int r = 0; r < regions.size(); r++) {
            RegionSpec spec = regions.get(r);
            int total = 0;
            for (int c = 0; c < chunks; c++) {
                total += results.get(c)[r].events();
            }
            double[] w = files.weight() == null ? null : new double[total];
            double[] v = spec.variable() == null ? null : new double[total];
            double[][][] o = null;
            if (spec.evaluate() && jobs.length > 0) {
                o = new double[jobs.length][][];
                for (int j = 0; j < jobs.length; j++) {
                    o[j] = new double[pool.jobs().get(jobs[j]).outputs()][total];
                }
            }
            int at = 0;
            for (int c = 0; c < chunks; c++) {
                RegionChunk rc = results.get(c)[r];
                if (w != null) System.arraycopy(rc.weights(), 0, w, at, rc.events());
                if (v != null) System.arraycopy(rc.variable(), 0, v, at, rc.events());
                if (o != null) {
                    for (int j = 0; j < jobs.length; j++) {
                        for (int a = 0; a < o[j].length; a++) {
                            if (rc.events() > 0) System.arraycopy(rc.outputs()[j][a], 0, o[j][a], at, rc.events());
                            // each region holds its own copies: let this one go now, so the join needs little more than its result
                            if (rc.outputs()[j].length > a) rc.outputs()[j][a] = null;
                        }
                    }
                }
                at += rc.events();
            }
            out.add(new Gathered(total, w, v, o));
        }
        results.clear();
        return out;
    }
}
