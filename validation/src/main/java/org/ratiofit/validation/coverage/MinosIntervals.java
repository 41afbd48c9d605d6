package org.ratiofit.validation.coverage;

import java.util.List;
import org.ratiofit.objective.Objective;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.Minos;
import org.ratiofit.samplers.fit.MinosError;

/** MIGRAD + HESSE + MINOS: the profile-likelihood interval where -2 ln lambda crosses each level. */
public final class MinosIntervals implements IntervalMethod {

    @Override
    public String name() {
        return "minos";
    }

    @Override
    public String describe() {
        return "MINOS intervals (MIGRAD + HESSE + MINOS)";
    }

    @Override
    public ToyInterval interval(Objective nll, String poiName, List<ConfidenceLevel> levels, long seed) {
        Migrad migrad = ProfileCoverage.migrad();
        FitResult fit = migrad.minimise(nll);
        FitResult hesse = Hesse.compute(nll, fit, 1, true);
        if (!hesse.status().validMinimum()) {
            return ToyInterval.failed("fit not valid");
        }
        Minos minos = new Minos(migrad, 1e-4, 0);
        double[] lo = new double[levels.size()];
        double[] hi = new double[levels.size()];
        for (int l = 0; l < levels.size(); l++) {
            MinosError e = minos.error(nll, hesse, poiName, levels.get(l));
            if (!e.valid()) {
                return ToyInterval.failed("MINOS not valid");
            }
            lo[l] = e.value() + e.lower();
            hi[l] = e.value() + e.upper();
        }
        return ToyInterval.of(hesse.value(poiName), hesse.error(poiName), lo, hi);
    }
}
