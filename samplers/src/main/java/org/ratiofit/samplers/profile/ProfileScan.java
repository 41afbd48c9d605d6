package org.ratiofit.samplers.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Json;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.NonFiniteStartException;

/**
 * Profile-likelihood scans in one and two parameters. Each point is a conditional fit with the
 * scanned parameters fixed, warm-started from the neighbouring point; the chains to the left and
 * right of the best fit (in 2-D: each row) run in parallel.
 */
public final class ProfileScan {

    private final Migrad migrad;
    private final IntConsumer progress;

    public ProfileScan(Migrad migrad) {
        this(migrad, null);
    }

    /** @param progress called with the number of points of the current scan done so far (from worker threads) */
    public ProfileScan(Migrad migrad, IntConsumer progress) {
        this.migrad = migrad;
        this.progress = progress;
    }

    public static ProfileScan defaults() {
        return new ProfileScan(Migrad.builder().tolerance(0.01).build());
    }

    /** Evenly spaced points, both ends included. */
    public static double[] grid(double from, double to, int n) {
        if (n < 2 || !(to > from)) {
            throw new IllegalArgumentException("a grid needs n >= 2 points on [from, to] with from < to; got n=" + n
                    + " on [" + from + ", " + to + "]");
        }
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = from + (to - from) * i / (n - 1);
        }
        return g;
    }

    /**
     * Scans {@code parameter} over {@code points}.
     *
     * @param best     the unconditional minimum of {@code objective}
     * @param statOnly freeze all other parameters at the best fit (statistical-only profile)
     */
    public Scan1D scan(Objective objective, FitResult best, String parameter, double[] points, boolean statOnly) {
        int index = best.indexOf(parameter);
        done.set(0);
        double[] pts = points.clone();
        Arrays.sort(pts);
        double xhat = best.values()[index];
        int split = 0;
        while (split < pts.length && pts[split] < xhat) {
            split++;
        }
        double[] q = new double[pts.length];
        boolean[] valid = new boolean[pts.length];
        double[][] values = new double[pts.length][];
        final int s = split;
        IntStream.of(0, 1).parallel().forEach(side -> {
            double[] start = best.values().clone();
            if (side == 0) {
                for (int i = s - 1; i >= 0; i--) {
                    FitResult r = conditionalOrNull(objective, best, new int[] {index}, new double[] {pts[i]}, start, statOnly);
                    q[i] = r == null ? Double.NaN : (r.minimumValue() - best.minimumValue()) / best.errorDef();
                    valid[i] = r != null && r.status().validMinimum();
                    values[i] = r == null ? null : r.values().clone();
                    start = r == null ? start : r.values();
                }
            } else {
                for (int i = s; i < pts.length; i++) {
                    FitResult r = conditionalOrNull(objective, best, new int[] {index}, new double[] {pts[i]}, start, statOnly);
                    q[i] = r == null ? Double.NaN : (r.minimumValue() - best.minimumValue()) / best.errorDef();
                    valid[i] = r != null && r.status().validMinimum();
                    values[i] = r == null ? null : r.values().clone();
                    start = r == null ? start : r.values();
                }
            }
        });
        return new Scan1D(Json.FORMAT_VERSION, parameter, statOnly, xhat, pts, q, valid, best.names(), values);
    }

    /** Scans two parameters on the grid x by y; rows run in parallel, each warm-started along y. */
    public Scan2D scan(Objective objective, FitResult best, String parameterX, double[] x, String parameterY,
                       double[] y, boolean statOnly) {
        int ix = best.indexOf(parameterX);
        int iy = best.indexOf(parameterY);
        if (ix == iy) {
            throw new IllegalArgumentException("a 2-D scan needs two different parameters, got '" + parameterX + "' twice");
        }
        done.set(0);
        double[][] q = new double[x.length][y.length];
        boolean[][] valid = new boolean[x.length][y.length];
        IntStream.range(0, x.length).parallel().forEach(i -> {
            double[] start = best.values().clone();
            for (int j = 0; j < y.length; j++) {
                FitResult r = conditionalOrNull(objective, best, new int[] {ix, iy}, new double[] {x[i], y[j]}, start, statOnly);
                q[i][j] = r == null ? Double.NaN : (r.minimumValue() - best.minimumValue()) / best.errorDef();
                valid[i][j] = r != null && r.status().validMinimum();
                start = r == null ? start : r.values();
            }
        });
        return new Scan2D(Json.FORMAT_VERSION, parameterX, parameterY, statOnly, x.clone(), y.clone(), q, valid);
    }

    /** A fit with parameters {@code fixedIdx} held at {@code fixedVal}, from {@code start}. */
    private final AtomicInteger done = new AtomicInteger();

    /**
     * The conditional fit from {@code start}, else (when the cost is not finite there) from the
     * best fit's other values; null when it is not finite from either, so the scan computes every
     * other point and marks this one (q = NaN, not valid) instead of giving up.
     */
    FitResult conditionalOrNull(Objective objective, FitResult best, int[] fixedIdx, double[] fixedVal, double[] start,
                                boolean freezeOthers) {
        FitResult r;
        try {
            r = conditionalFit(objective, best, fixedIdx, fixedVal, start, freezeOthers);
        } catch (NonFiniteStartException e) {
            r = null;
            if (!Arrays.equals(start, best.values())) {
                try {
                    r = conditionalFit(objective, best, fixedIdx, fixedVal, best.values(), freezeOthers);
                } catch (NonFiniteStartException again) {
                    // marked by the caller
                }
            }
        }
        if (progress != null) {
            progress.accept(done.incrementAndGet());
        }
        return r;
    }

    FitResult conditional(Objective objective, FitResult best, int[] fixedIdx, double[] fixedVal, double[] start,
                          boolean freezeOthers) {
        FitResult r = conditionalFit(objective, best, fixedIdx, fixedVal, start, freezeOthers);
        if (progress != null) {
            progress.accept(done.incrementAndGet());
        }
        return r;
    }

    private FitResult conditionalFit(Objective objective, FitResult best, int[] fixedIdx, double[] fixedVal,
                                     double[] start, boolean freezeOthers) {
        if (!freezeOthers) {
            for (int k = 0; k < fixedIdx.length; k++) {
                ParameterSpec p = best.parameters().get(fixedIdx[k]);
                if (fixedVal[k] < p.lower() || fixedVal[k] > p.upper()) {
                    throw new IllegalArgumentException("scan value " + fixedVal[k] + " of '" + p.name() + "' lies outside its bounds ["
                            + p.lower() + ", " + p.upper() + "]");
                }
            }
            // the other parameters predicted along the best fit's covariance, with the conditional covariance as metric
            ConditionalStart.Start predicted = ConditionalStart.of(best.parameters(), best, start, fixedIdx, fixedVal);
            try {
                return migrad.minimise(objective, predicted.parameters(), predicted.covariance());
            } catch (NonFiniteStartException e) {
                // not finite at the prediction: from the unpredicted start below
            }
        }
        List<ParameterSpec> specs = new ArrayList<>(best.parameters());
        for (int i = 0; i < specs.size(); i++) {
            ParameterSpec p = specs.get(i);
            double v = freezeOthers ? best.values()[i] : start[i];
            boolean fix = p.fixed() || freezeOthers;
            for (int k = 0; k < fixedIdx.length; k++) {
                if (fixedIdx[k] == i) {
                    v = fixedVal[k];
                    fix = true;
                }
            }
            if (v < p.lower() || v > p.upper()) {
                throw new IllegalArgumentException("scan value " + v + " of '" + p.name() + "' lies outside its bounds ["
                        + p.lower() + ", " + p.upper() + "]");
            }
            specs.set(i, new ParameterSpec(p.name(), v, p.step(), p.lower(), p.upper(), fix));
        }
        return migrad.minimise(objective, specs, best.covariance());
    }
}
