package org.ratiofit.ratio.training.param;

/**
 * MadMiner's estimators of the likelihood ratio r(x|θ0, θ1) = p(x|θ0)/p(x|θ1) (parametrised in θ0,
 * θ1 a fixed reference; or, suffix 2, doubly parametrised: θ0 and θ1 both network inputs) and of the
 * local score t(x|θ_ref). Events from θ0 carry y = 0, events from θ1 y = 1; the network's logit is
 * z = ln r̂ and ŝ = 1/(1 + r̂) = σ(−z).
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
    SALLY(false, true),
    /** CARL with θ1 a network input too. */
    CARL2(false, false, true),
    /** ROLR with θ1 a network input too. */
    ROLR2(false, false, true),
    /** ALICE with θ1 a network input too. */
    ALICE2(false, false, true),
    /** CARL2 + α[(1 − y)|t̂0 − t(x,z|θ0)|² + y|t̂1 − t(x,z|θ1)|²], t̂0 = ∇θ0 ln r̂, t̂1 = −∇θ1 ln r̂. */
    CASCAL2(true, false, true),
    /** ROLR2 + the same two score terms. */
    RASCAL2(true, false, true),
    /** ALICE2 + the same two score terms. */
    ALICES2(true, false, true);

    private final boolean scoreTerm;
    private final boolean localScore;
    private final boolean doubly;

    EstimatorMethod(boolean scoreTerm, boolean localScore) {
        this(scoreTerm, localScore, false);
    }

    EstimatorMethod(boolean scoreTerm, boolean localScore, boolean doubly) {
        this.scoreTerm = scoreTerm;
        this.localScore = localScore;
        this.doubly = doubly;
    }

    /**
     * Whether θ1 is a network input too (MadMiner's doubly parametrised methods, suffix 2): the
     * network is r̂(x|θ0, θ1) = exp(f(x, θ0, θ1) − f(x, θ1, θ0)), the data carry θ1 per event and,
     * for the score terms, t(x,z|θ1).
     */
    public boolean doubly() {
        return doubly;
    }

    /** The singly parametrised method with the same loss (CARL2 → CARL, …; others themselves). */
    public EstimatorMethod single() {
        return switch (this) {
            case CARL2 -> CARL;
            case ROLR2 -> ROLR;
            case ALICE2 -> ALICE;
            case CASCAL2 -> CASCAL;
            case RASCAL2 -> RASCAL;
            case ALICES2 -> ALICES;
            default -> this;
        };
    }

    /** Whether the loss uses the joint score at θ1, t(x,z|θ1) (the doubly parametrised score methods). */
    public boolean usesJointScore1() {
        return doubly && scoreTerm;
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
        EstimatorMethod s = single();
        return s == ROLR || s == ALICE || s == RASCAL || s == ALICES;
    }

    /** Whether the loss uses the joint score t(x,z). */
    public boolean usesJointScore() {
        return scoreTerm || localScore;
    }

    /** The method without its score term (CASCAL → CARL, RASCAL → ROLR, ALICES → ALICE, CASCAL2 → CARL2, …; others themselves). */
    public EstimatorMethod base() {
        return switch (this) {
            case CASCAL -> CARL;
            case RASCAL -> ROLR;
            case ALICES -> ALICE;
            case CASCAL2 -> CARL2;
            case RASCAL2 -> ROLR2;
            case ALICES2 -> ALICE2;
            default -> this;
        };
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
