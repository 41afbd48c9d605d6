package org.ratiofit.workspace.build;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.LongAdder;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.InferenceOptions;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.RatioModelException;

/**
 * The ensembles a build evaluates ("jobs"), each loaded on demand once per thread that needs it
 * at the same time: a {@link RatioModel} is for one thread at a time, so a job's instances are
 * lent out and returned. Each session runs single-threaded: the build parallelises over chunks
 * and ensembles instead, which keeps every event's value independent of the thread count.
 */
final class EnsemblePool implements AutoCloseable {

    /**
     * One ensemble to evaluate: a ratio (one log-ratio per event), polynomial coefficients (one
     * output per monomial) or, with {@code memberRows}, each member's log-ratio (one output per
     * member, for weights the build fits per region before it aggregates them).
     */
    record Job(Path folder, boolean polynomial, int outputs, String usedBy, String className, boolean memberRows, List<String> captured) {
        Job(Path folder, boolean polynomial, int outputs, String usedBy, String className, boolean memberRows) {
            this(folder, polynomial, outputs, usedBy, className, memberRows, null);
        }
    }

    private final List<Job> jobs = new ArrayList<>();
    private final List<ConcurrentLinkedDeque<Ensemble>> idle = new ArrayList<>();
    private final List<Ensemble> all = new ArrayList<>();
    private final InferenceOptions options;
    final LongAdder inferenceNanos = new LongAdder();
    final LongAdder evaluations = new LongAdder();

    EnsemblePool(int chunkRows) {
        this.options = InferenceOptions.DEFAULT.withIntraOpThreads(1).withChunkRows(Math.max(1, Math.min(chunkRows, 16_384)));
    }

    /** The index of the job for this folder (added if new). */
    int job(Path folder, boolean polynomial, int outputs, String usedBy) {
        return job(folder, polynomial, outputs, usedBy, null);
    }

    /** As above; {@code className} picks one class of a shared multiclass ensemble (null otherwise). */
    int job(Path folder, boolean polynomial, int outputs, String usedBy, String className) {
        for (int j = 0; j < jobs.size(); j++) {
            if (jobs.get(j).folder().equals(folder) && jobs.get(j).polynomial() == polynomial && !jobs.get(j).memberRows()
                    && java.util.Objects.equals(jobs.get(j).className(), className)) {
                return j;
            }
        }
        return add(new Job(folder, polynomial, outputs, usedBy, className, false));
    }

    /**
     * A job giving each of the {@code members} members' log-ratios, one job per user (its member
     * weights are its own), sharing loaded instances with no other job.
     */
    int memberJob(Path folder, int members, String usedBy) {
        return add(new Job(folder, false, members, usedBy, null, true));
    }

    /**
     * A job that evaluates nothing: its outputs are the events' columns {@code features} themselves,
     * [feature][event] (the events a parametrised estimator is evaluated on at every θ during the fit).
     */
    int featureJob(Path folder, List<String> features, String usedBy) {
        return add(new Job(folder, false, features.size(), usedBy, null, false, List.copyOf(features)));
    }

    private int add(Job job) {
        jobs.add(job);
        idle.add(new ConcurrentLinkedDeque<>());
        return jobs.size() - 1;
    }

    List<Job> jobs() {
        return List.copyOf(jobs);
    }

    int size() {
        return jobs.size();
    }

    /**
     * Evaluates job {@code j} on feature columns given by name; returns [output][event]: the
     * aggregated ln r for a ratio job, the member-weighted mean of each output for a polynomial job.
     */
    double[][] evaluate(int j, java.util.function.Function<String, double[]> columns, int n) {
        Job job = jobs.get(j);
        if (job.captured() != null) {
            double[][] out = new double[job.captured().size()][];
            for (int f = 0; f < out.length; f++) {
                out[f] = columns.apply(job.captured().get(f)).clone();
            }
            return out;
        }
        Ensemble e = borrow(j);
        try {
            List<String> features = e.features();
            double[][] cols = new double[features.size()][];
            for (int f = 0; f < cols.length; f++) {
                cols[f] = columns.apply(features.get(f));
            }
            long t0 = System.nanoTime();
            double[][] out;
            if (job.memberRows()) {
                out = e.evaluate(cols, null).memberLogRatios();
                if (out.length != job.outputs()) {
                    throw new RatioModelException("ensemble " + job.folder() + " has " + out.length + " members, its manifest "
                            + job.outputs());
                }
            } else if (!job.polynomial()) {
                out = new double[][] {e.evaluate(cols, null).logRatio()};
            } else {
                out = new double[job.outputs()][n];
                double[] w = e.weights();
                List<RatioModel> members = e.members();
                for (int i = 0; i < members.size(); i++) {
                    double[][] s = members.get(i).localScores(cols);
                    if (s.length != job.outputs()) {
                        throw new RatioModelException("ensemble " + job.folder() + ": member " + members.get(i).name() + " gives "
                                + s.length + " outputs, expected " + job.outputs());
                    }
                    for (int a = 0; a < s.length; a++) {
                        double[] o = out[a];
                        double[] si = s[a];
                        for (int k = 0; k < n; k++) {
                            o[k] += w[i] * si[k];
                        }
                    }
                }
            }
            inferenceNanos.add(System.nanoTime() - t0);
            evaluations.add(n);
            return out;
        } finally {
            idle.get(j).push(e);
        }
    }

    private Ensemble borrow(int j) {
        Ensemble e = idle.get(j).poll();
        if (e != null) {
            return e;
        }
        Job job = jobs.get(j);
        Ensemble loaded = job.className() == null ? Ensemble.load(job.folder(), options)
                : SharedEnsembles.loadClass(job.folder(), job.className(), options);
        synchronized (all) {
            all.add(loaded);
        }
        return loaded;
    }

    /** Loads one instance of every job now, so that a broken model fails before any event is read. */
    void preload() {
        for (int j = 0; j < jobs.size(); j++) {
            if (jobs.get(j).captured() != null) continue;
            idle.get(j).push(borrow(j));
        }
    }

    @Override
    public void close() {
        synchronized (all) {
            for (Ensemble e : all) {
                e.close();
            }
            all.clear();
        }
    }
}
