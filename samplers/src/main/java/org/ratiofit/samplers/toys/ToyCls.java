package org.ratiofit.samplers.toys;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.samplers.fit.Json;

/**
 * CLs from toys: at each grid point CLs+b = P(q &gt;= q_obs | s+b) from the s+b ensemble, CLb =
 * P(q &gt;= q_obs | b) from the background-only ensemble, CLs = CLs+b / CLb, each with its binomial
 * Monte-Carlo error; the expected CLs at the -2..+2 sigma bands takes for q_obs the background-only
 * toys' quantile at which P(q &gt;= q_k | b) = Phi(k). Upper limits where CLs crosses 1 - CL,
 * interpolated linearly between grid points, with the Monte-Carlo error carried through the slope.
 */
public final class ToyCls {

    private ToyCls() {
    }

    /**
     * One grid point.
     *
     * @param cls            observed CLs from toys, {@code clsError} its Monte-Carlo error
     * @param expectedCls    expected CLs at -2, -1, 0, +1, +2 sigma from toys, {@code expectedClsError} their
     *                       Monte-Carlo errors
     * @param asymptoticCls  the asymptotic CLs and expected bands beside them
     * @param sbToys         valid s+b toys; {@code bToys} valid background-only toys
     */
    public record Point(double mu, double qObserved, double clsb, double clsbError, double clb, double clbError,
                        double cls, double clsError, double[] expectedCls, double[] expectedClsError, double asymptoticCls, double[] asymptoticExpectedCls,
                        int sbToys, int bToys, int invalidToys) {
    }

    /**
     * @param observedLimit   where the toy CLs crosses 1 - CL (NaN when it does not on the grid),
     *                        {@code observedLimitError} its Monte-Carlo error
     * @param expectedLimits  at -2, -1, 0, +1, +2 sigma (NaN where no crossing)
     * @param asymptoticLimit the asymptotic CLs curve's crossing on the same grid
     * @param notes           what the user should know (no crossing on the grid, too few toys)
     */
    public record Result(int formatVersion, String parameterOfInterest, String statistic, double confidenceLevel, long toys,
                         long seed, List<Point> points, double observedLimit, double observedLimitError, double[] expectedLimits,
                         double asymptoticLimit, double[] asymptoticExpectedLimits, List<String> notes) {

        public String toJson() {
            return Json.write(this);
        }
    }

    public static Result analyse(ToyPlan plan, ToySamples samples, double cl) {
        if (plan.kind() != ToyPlan.Kind.CLS) {
            throw new IllegalArgumentException("not a CLs toy plan: " + plan.kind());
        }
        if (!(cl > 0 && cl < 1)) {
            throw new IllegalArgumentException("confidence level must lie in (0, 1), got " + cl);
        }
        int ng = plan.grid().length;
        ToySamples.Ensemble b = samples.ensembles().get(ng);
        List<Point> points = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        double[] obs = new double[ng];
        double[] obsErr = new double[ng];
        double[][] exp = new double[5][ng];
        double[] asym = new double[ng];
        double[][] asymExp = new double[5][ng];
        for (int g = 0; g < ng; g++) {
            ToySamples.Ensemble sb = samples.ensembles().get(g);
            double[] qs = sb.sortedValid(0);
            double[] qb = b.sortedValid(g);
            double q = plan.observed()[g];
            double psb = ToyStats.tail(qs, q);
            double pb = ToyStats.tail(qb, q);
            double esb = ToyStats.binomialError(psb, qs.length);
            double eb = ToyStats.binomialError(pb, qb.length);
            double cls = pb > 0 ? psb / pb : Double.NaN;
            double ecls = cls(psb, esb, pb, eb, qs.length, qb.length);
            double[] e = new double[5];
            double[] ee = new double[5];
            for (int k = -2; k <= 2; k++) {
                double level = 1 - phi(k);
                double qk = ToyStats.quantile(qb, level);
                double pbk = ToyStats.tail(qb, qk);
                double psbk = ToyStats.tail(qs, qk);
                e[k + 2] = pbk > 0 ? psbk / pbk : Double.NaN;
                ee[k + 2] = cls(psbk, ToyStats.binomialError(psbk, qs.length), pbk, ToyStats.binomialError(pbk, qb.length), qs.length, qb.length);
                exp[k + 2][g] = e[k + 2];
            }
            double[] a = plan.asymptotic()[g];
            double[] ae = new double[] {a[3], a[4], a[5], a[6], a[7]};
            for (int k = 0; k < 5; k++) {
                asymExp[k][g] = ae[k];
            }
            asym[g] = a[0];
            obs[g] = cls;
            obsErr[g] = ecls;
            points.add(new Point(plan.grid()[g], q, psb, esb, pb, eb, cls, ecls, e, ee, a[0], ae, qs.length, qb.length,
                    sb.toys() - sb.validToys()));
        }
        int invalidB = b.toys() - b.validToys();
        if (invalidB > 0) {
            notes.add(invalidB + " background-only toys had invalid fits and are left out");
        }
        double alpha = 1 - cl;
        double[] lim = crossing(plan.grid(), obs, obsErr, alpha);
        if (Double.isNaN(lim[0])) {
            notes.add(obs[0] < alpha
                    ? "the toy CLs is already below " + alpha + " at the first grid point " + plan.grid()[0] + ": start the grid lower"
                    : "the toy CLs does not fall below " + alpha + " on the grid [" + plan.grid()[0] + ", " + plan.grid()[ng - 1]
                    + "]: extend the grid");
        }
        double[] expected = new double[5];
        double[] asymExpected = new double[5];
        for (int k = 0; k < 5; k++) {
            expected[k] = crossing(plan.grid(), exp[k], null, alpha)[0];
            asymExpected[k] = crossing(plan.grid(), asymExp[k], null, alpha)[0];
        }
        return new Result(Json.FORMAT_VERSION, plan.parameterOfInterest(), plan.statistic().name(), cl,
                samples.study().toysPerEnsemble(), plan.seed(), points, lim[0], lim[1], expected,
                crossing(plan.grid(), asym, null, alpha)[0], asymExpected, notes);
    }

    static double phi(int k) {
        return new org.hipparchus.distribution.continuous.NormalDistribution(0, 1).cumulativeProbability(k);
    }

    /** Monte-Carlo error of CLs+b / CLb from their binomial errors (1/n in place of 0 counts). */
    static double cls(double psb, double esb, double pb, double eb, int nsb, int nb) {
        if (!(pb > 0)) {
            return Double.NaN;
        }
        double r = psb / pb;
        double s = psb > 0 ? esb / psb : 1.0 / Math.max(1, nsb);
        double t = eb / pb;
        return psb > 0 ? r * Math.sqrt(s * s + t * t) : 1.0 / (Math.max(1, nsb) * pb);
    }

    /**
     * The first downward crossing of {@code level} by {@code y} on the grid, interpolated linearly,
     * and its error from {@code err} at the two points through the slope: {value, error}.
     */
    public static double[] crossing(double[] x, double[] y, double[] err, double level) {
        for (int i = 1; i < x.length; i++) {
            if (y[i - 1] >= level && y[i] < level) {
                double f = (y[i - 1] - level) / (y[i - 1] - y[i]);
                double v = x[i - 1] + f * (x[i] - x[i - 1]);
                double e = Double.NaN;
                if (err != null) {
                    double slope = (y[i] - y[i - 1]) / (x[i] - x[i - 1]);
                    double ey = Math.hypot((1 - f) * err[i - 1], f * err[i]);
                    e = Math.abs(ey / slope);
                }
                return new double[] {v, e};
            }
        }
        return new double[] {Double.NaN, Double.NaN};
    }
}
