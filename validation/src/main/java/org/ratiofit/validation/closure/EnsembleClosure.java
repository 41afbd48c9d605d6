package org.ratiofit.validation.closure;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleEvaluation;

/**
 * Every closure check of a ratio ensemble on a numerator and a denominator sample: normalisation
 * per member and for the ensemble, the expectation per member with the expectation-based weights,
 * reweighting per feature and calibration of the ensemble's ratio.
 *
 * <p>Without a numerator sample the checks that need one (reweighting, calibration) are skipped:
 * their fields are null and {@code skipped} names them with the reason. The normalisation and
 * expectation checks need the denominator sample only.
 *
 * @param failed  names of the checks that failed (empty when all passed)
 * @param skipped the checks that were not run, each with why (empty when all ran)
 */
public record EnsembleClosure(int formatVersion, String ensemble, List<String> features, long numeratorEvents,
                              long denominatorEvents, ClosureSettings settings, List<Normalisation> members,
                              Normalisation normalisation, Expectation expectation, Reweighting reweighting,
                              Calibration calibration, List<String> failed, boolean passed, List<String> skipped) {

    public static final int FORMAT_VERSION = 1;

    /**
     * @param numerator   numerator sample, [feature][event] in the order of {@link Ensemble#features()};
     *                    null to run only the checks of the denominator sample
     * @param denominator denominator sample, likewise
     */
    public static EnsembleClosure run(Ensemble ensemble, double[][] numerator, double[] numeratorWeights, double[][] denominator,
                                      double[] denominatorWeights, ClosureSettings s) {
        if (!ensemble.parameters().isEmpty()) {
            throw new IllegalArgumentException("ensemble '" + ensemble.name() + "' is parametrised by " + ensemble.parameters()
                    + "; the closure checks take models of fixed hypotheses");
        }
        EnsembleEvaluation den = ensemble.evaluate(denominator, null);
        EnsembleEvaluation num = numerator == null ? null : ensemble.evaluate(numerator, null);
        List<Normalisation> members = new ArrayList<>();
        List<String> names = ensemble.memberNames();
        for (int i = 0; i < names.size(); i++) {
            members.add(Normalisation.of(names.get(i), den.memberLogRatios()[i], denominatorWeights, s.tolerance(), s.nSigma()));
        }
        Normalisation all = Normalisation.of(ensemble.name(), den.logRatio(), denominatorWeights, s.tolerance(), s.nSigma());
        double beta = ensemble.manifestBeta() != null ? ensemble.manifestBeta() : s.beta();
        Expectation exp = Expectation.of(ensemble.name(), members, beta);
        Reweighting rew = null;
        Calibration cal = null;
        List<String> skipped = new ArrayList<>();
        if (numerator == null) {
            skipped.add("reweighting (needs a numerator sample)");
            skipped.add("calibration (needs a numerator sample)");
        } else {
            rew = Reweighting.of(ensemble.features(), numerator, numeratorWeights, denominator, denominatorWeights,
                    den.logRatio(), s.bins(), s.minPValue());
            cal = Calibration.of(ensemble.name(), num.logRatio(), numeratorWeights, den.logRatio(), denominatorWeights,
                    s.bins(), s.minPValue());
        }
        List<String> failed = new ArrayList<>();
        for (Normalisation m : members) {
            if (!m.passed()) {
                failed.add("normalisation of member '" + m.name() + "'");
            }
        }
        if (!all.passed()) {
            failed.add("normalisation of the ensemble");
        }
        for (Reweighting.Feature f : rew == null ? List.<Reweighting.Feature>of() : rew.features()) {
            if (!f.passed()) {
                failed.add("reweighting of feature '" + f.feature() + "'");
            }
        }
        if (cal != null && !cal.passed()) {
            failed.add("calibration");
        }
        return new EnsembleClosure(FORMAT_VERSION, ensemble.name(), ensemble.features(), numerator == null ? 0 : numerator[0].length,
                denominator[0].length, s, members, all, exp, rew, cal, failed, failed.isEmpty(), List.copyOf(skipped));
    }
}
