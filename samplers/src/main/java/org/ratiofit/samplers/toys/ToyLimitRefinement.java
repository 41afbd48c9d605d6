package org.ratiofit.samplers.toys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.fit.Json;

/**
 * Refines a toy CLs limit by bisection: the grid interval where the observed CLs crosses 1 - CL is
 * halved {@code iterations} times, each midpoint tested with its own s+b and background-only
 * ensembles (random streams 1,000,000 + 2k and + 2k + 1, apart from the grid's), and the limit
 * interpolated in the final, narrowest bracket with its Monte-Carlo error.
 */
public final class ToyLimitRefinement {

    /** First random stream of the refinement points. */
    public static final int STREAM_BASE = 1_000_000;

    private ToyLimitRefinement() {
    }

    /**
     * @param points       the refinement points, in the order they were tested
     * @param limit        the refined observed limit, {@code limitError} its Monte-Carlo error
     * @param bracketLow   the final bracket's ends
     */
    public record Result(int formatVersion, List<ToyCls.Point> points, double limit, double limitError, double bracketLow,
                         double bracketHigh, List<String> notes) {

        public String toJson() {
            return Json.write(this);
        }
    }

    public static Result refine(StatisticalModel model, ToyPlan plan, ToyCls.Result coarse, ToyRunner runner, long toys,
                                int iterations, LongConsumer progress) {
        if (iterations < 1) {
            throw new IllegalArgumentException("refinement needs at least one iteration, got " + iterations);
        }
        double alpha = 1 - coarse.confidenceLevel();
        List<ToyCls.Point> all = new ArrayList<>(coarse.points());
        List<ToyCls.Point> added = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long[] base = new long[1];
        for (int k = 0; k < iterations; k++) {
            all.sort(Comparator.comparingDouble(ToyCls.Point::mu));
            int i = bracket(all, alpha);
            if (i < 0) {
                notes.add("the observed CLs does not cross " + alpha + " on the grid: nothing to refine");
                break;
            }
            double mid = 0.5 * (all.get(i - 1).mu() + all.get(i).mu());
            ToyPlan p = ToyPlan.cls(model, plan.fit(), plan.statistic(), new double[] {mid}, plan.seed(), STREAM_BASE + 2 * k, 1);
            long done = base[0];
            ToySamples s = runner.run(p.study(0, toys), progress == null ? null : d -> progress.accept(done + d));
            base[0] += p.study(0, toys).totalToys();
            ToyCls.Point point = ToyCls.analyse(p, s, coarse.confidenceLevel()).points().get(0);
            all.add(point);
            added.add(point);
        }
        all.sort(Comparator.comparingDouble(ToyCls.Point::mu));
        int i = bracket(all, alpha);
        if (i < 0) {
            return new Result(Json.FORMAT_VERSION, added, Double.NaN, Double.NaN, Double.NaN, Double.NaN, notes);
        }
        double[] x = {all.get(i - 1).mu(), all.get(i).mu()};
        double[] y = {all.get(i - 1).cls(), all.get(i).cls()};
        double[] e = {all.get(i - 1).clsError(), all.get(i).clsError()};
        double[] lim = ToyCls.crossing(x, y, e, alpha);
        return new Result(Json.FORMAT_VERSION, added, lim[0], lim[1], x[0], x[1], notes);
    }

    /** Index i of the first pair (i - 1, i) with CLs &gt;= alpha then &lt; alpha; -1 if none. */
    static int bracket(List<ToyCls.Point> pts, double alpha) {
        for (int i = 1; i < pts.size(); i++) {
            if (pts.get(i - 1).cls() >= alpha && pts.get(i).cls() < alpha) {
                return i;
            }
        }
        return -1;
    }
}
