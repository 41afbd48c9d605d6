package org.ratiofit.validation.salad;

import java.io.IOException;

/**
 * Cross-fitted reweighting for the background prediction after a selection. The reweighting's
 * conditional ratio r̂(x|m), trained on the finite sideband data, carries a statistical error in x;
 * interpolated into the signal region it makes the reweighted simulation differ from the true
 * background there by a small, fixed function of x. The weakly supervised classifier, trained on SR
 * data against that simulation, learns the difference as it would learn a signal, and a selection on
 * its score keeps the events where the weights are too low: the prediction after the selection is
 * biased low, although it is unbiased before it (the toy measured -2.1% at 50% and -2.4% at 10%
 * efficiency, 0.3 to 0.6 of the prediction's error; README, SALAD results).
 *
 * <p>Cross-fitting removes the bias: two reweightings whose classifiers train on disjoint halves of
 * the sideband events (even and odd index in each file) have independent errors in x. The anomaly
 * classifier learns against the simulation weighted by {@link #selecting()}; the selected events'
 * background is predicted with {@link #predicting()}, whose errors the selection did not see. The
 * price: each half trains on half the sideband events, so the prediction's reweighting error is
 * about √2 times that of a reweighting on all of them.
 *
 * @param selecting the reweighting on the even-index sideband events (the classifier trains against it)
 * @param predicting the reweighting on the odd-index sideband events (it predicts the background)
 */
public record SaladCrossFit(SimulationReweighting selecting, SimulationReweighting predicting) {

    /** Trains both halves with the given settings (each with its own seeds). */
    public static SaladCrossFit of(SaladEvents ev, KFoldClassifier.Settings s, SaladConfig.Reweighting method)
            throws IOException {
        return new SaladCrossFit(SimulationReweighting.of(ev, s, method, 0), SimulationReweighting.of(ev, s, method, 1));
    }
}
