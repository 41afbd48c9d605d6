package org.ratiofit.likelihood;

/** A channel of the model: unbinned (per-event log-ratios) or binned (Poisson per bin). */
public sealed interface Channel permits UnbinnedChannel, BinnedChannel {
    String name();
}
