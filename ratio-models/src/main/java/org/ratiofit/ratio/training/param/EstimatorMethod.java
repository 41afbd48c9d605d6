package org.ratiofit.ratio.training.param;

/**
 * MadMiner's estimators of the likelihood ratio r(x|θ0, θ1) = p(x|θ0)/p(x|θ1) (parametrised in θ0,
 * θ1 a fixed reference) and of the local score t(x|θ_ref). Events from θ0 carry y = 0, events from
 * θ1 y = 1; the network's logit is z = ln r̂ and ŝ = 1/(1 + r̂) = σ(−z).
 */
public enum EstimatorMethod {
    /** −[(1 − y) ln(1 − ŝ) + y ln ŝ]. */
    CARL(false, false),
    /** (1 − y)(r̂ − r(x,z))² + y(1/r̂ − 1/r(x,z))². */
    ROLR(false, false),
    /** −[s ln ŝ + (1 − s) ln(1 − ŝ)], s = 1/(1 + r(x,z)). */
    ALICE(false, false),
    /** CARL + α(1 − y)|t̂(x|θ0) − t(x,z|θ0)|². */
    CASCAL(true, false),
    /** ROLR + α(1 − y)|t̂(x|θ0) − t(x,z|θ0)|². */
    RASCAL(true, false),
    /** ALICE + α(1 − y)|t̂(x|θ0) − t(x,z|θ0)|². */
    ALICES(true, false),
    /** local score regression |t̂(x) − t(x,z|θ_ref)|² on events from θ_ref. */
    SALLY(false, true);

    private final boolean scoreTerm;
    private final boolean localScore;

    EstimatorMethod(boolean scoreTerm, boolean localScore) {
        this.scoreTerm = scoreTerm;
        this.localScore = localScore;
    }

    /** Whether the loss contains the network's θ-derivative (the score term). */
    public boolean scoreTerm() {
        return scoreTerm;
    }

    /** Whether the network outputs a score vector (SALLY) rather than ln r̂. */
    public boolean localScore() {
        return localScore;
    }

    /** Whether the loss uses the joint ratio r(x,z). */
    public boolean usesJointRatio() {
        return this == ROLR || this == ALICE || this == RASCAL || this == ALICES;
    }

    /** Whether the loss uses the joint score t(x,z). */
    public boolean usesJointScore() {
        return scoreTerm || localScore;
    }

    /** The method without its score term (CASCAL → CARL, RASCAL → ROLR, ALICES → ALICE; others themselves). */
    public EstimatorMethod base() {
        return switch (this) {
            case CASCAL -> CARL;
            case RASCAL -> ROLR;
            case ALICES -> ALICE;
            default -> this;
        };
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
