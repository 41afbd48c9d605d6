package org.ratiofit.samplers.toys;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.fit.Json;
import org.ratiofit.samplers.profile.TestStatistic;

/**
 * Coverage of the Neyman (Feldman-Cousins) interval and of the asymptotic one at a truth point.
 * A pseudo-experiment's interval contains the true mu exactly when its statistic at the true mu
 * lies below the critical value there, so the check needs the belt at the true mu only: one
 * ensemble at the truth gives q_c(mu_true) (the belt, {@code beltToys}), an independent ensemble
 * at the truth gives the pseudo-experiments whose coverage is counted. The belt is built with the
 * nuisance parameters at their true values (for data, the construction takes them at their
 * conditional fit, which the coverage toys would each need their own belt for).
 */
public final class NeymanCoverage {

    private NeymanCoverage() {
    }

    /**
     * @param covered           toys whose Neyman interval holds the truth, per level
     * @param coverage          covered / valid toys, {@code binomialError} sqrt(nominal(1-nominal)/valid)
     * @param deviation         (coverage - nominal) / binomialError
     * @param asymptoticCoverage the same for the chi-square(1) cut, {@code asymptoticDeviation} likewise
     * @param criticalValues    q_c(mu_true) per level from the belt toys
     * @param coverageAllToys   covered / coverageToys: toys whose fit failed counted as not covering
     * @param deviationAllToys  its deviation in binomial errors of coverageToys toys
     */
    public record Result(int formatVersion, String parameterOfInterest, String statistic, double[] truth, long seed,
                         int beltToys, int coverageToys, int validToys, double[] levels, double[] criticalValues,
                         int[] covered, double[] coverage, double[] binomialError, double[] deviation,
                         int[] asymptoticCovered, double[] asymptoticCoverage, double[] asymptoticDeviation,
                         double[] coverageAllToys, double[] deviationAllToys) {

        public String toJson() {
            return Json.write(this);
        }
    }

    public static Result run(StatisticalModel model, ToyRunner runner, FitSettings fit, TestStatistic ts, double[] truth,
                             double[] levels, int beltToys, int coverageToys, long seed, LongConsumer progress) {
        if (ts != TestStatistic.T_MU && ts != TestStatistic.T_TILDE_MU) {
            throw new IllegalArgumentException("the Neyman construction orders by t_mu or t~_mu, got " + ts);
        }
        if (beltToys < 1 || coverageToys < 1) {
            throw new IllegalArgumentException("toys must be at least 1");
        }
        int poi = model.parameterOfInterest().orElseThrow(() -> new IllegalArgumentException("the model has no parameter of interest"));
        double mu = truth[poi];
        int n = Math.max(beltToys, coverageToys);
        List<ToyEnsemble> ens = new ArrayList<>();
        ens.add(new ToyEnsemble("belt", 0, truth.clone(), null, ts, new double[] {mu}));
        ens.add(new ToyEnsemble("coverage", 1, truth.clone(), null, ts, new double[] {mu}));
        ToySamples s = runner.run(new ToyStudy(seed, fit, ens, 0, n), progress);
        double[] belt = new double[beltToys];
        int nb = 0;
        ToySamples.Ensemble be = s.ensembles().get(0);
        for (int i = 0; i < beltToys; i++) {
            if (be.valid()[i]) {
                belt[nb++] = be.values()[0][i];
            }
        }
        belt = ToyStats.sorted(java.util.Arrays.copyOf(belt, nb));
        ToySamples.Ensemble ce = s.ensembles().get(1);
        ChiSquaredDistribution chi2 = new ChiSquaredDistribution(1);
        int nl = levels.length;
        double[] qc = new double[nl];
        int[] cov = new int[nl];
        int[] acov = new int[nl];
        int valid = 0;
        for (int l = 0; l < nl; l++) {
            qc[l] = ToyStats.quantile(belt, levels[l]);
        }
        for (int i = 0; i < coverageToys; i++) {
            if (!ce.valid()[i]) {
                continue;
            }
            valid++;
            double t = ce.values()[0][i];
            for (int l = 0; l < nl; l++) {
                cov[l] += t <= qc[l] ? 1 : 0;
                acov[l] += t <= chi2.inverseCumulativeProbability(levels[l]) ? 1 : 0;
            }
        }
        double[] c = new double[nl];
        double[] e = new double[nl];
        double[] d = new double[nl];
        double[] ac = new double[nl];
        double[] ad = new double[nl];
        for (int l = 0; l < nl; l++) {
            c[l] = cov[l] / (double) valid;
            ac[l] = acov[l] / (double) valid;
            e[l] = ToyStats.binomialError(levels[l], valid);
            d[l] = (c[l] - levels[l]) / e[l];
            ad[l] = (ac[l] - levels[l]) / e[l];
        }
        double[] call = new double[nl];
        double[] dall = new double[nl];
        for (int l = 0; l < nl; l++) {
            call[l] = cov[l] / (double) coverageToys;
            dall[l] = (call[l] - levels[l]) / ToyStats.binomialError(levels[l], coverageToys);
        }
        String name = model.parameters().get(poi).name();
        return new Result(Json.FORMAT_VERSION, name, ts.name(), truth.clone(), seed, beltToys, coverageToys, valid, levels.clone(), qc,
                cov, c, e, d, acov, ac, ad, call, dall);
    }
}
