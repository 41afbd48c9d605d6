package org.ratiofit.samplers.profile;

/** The profile-likelihood test statistics of Cowan, Cranmer, Gross and Vitells (arXiv:1007.1727). */
public enum TestStatistic {
    /** t_mu = -2 ln lambda(mu), two-sided. */
    T_MU,
    /** t~_mu: like t_mu, with the denominator at mu = 0 when mu-hat < 0. */
    T_TILDE_MU,
    /** q_mu: t_mu when mu-hat <= mu, else 0 (upper limits). */
    Q_MU,
    /** q~_mu: t~_mu when mu-hat <= mu, else 0 (upper limits, signal strength >= 0). */
    Q_TILDE_MU,
    /** q_0 = -2 ln lambda(0) when mu-hat >= 0, else 0 (discovery). */
    Q_0
}
