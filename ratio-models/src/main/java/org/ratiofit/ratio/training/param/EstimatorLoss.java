package org.ratiofit.ratio.training.param;

import ai.djl.ndarray.NDArray;
import org.ratiofit.ratio.training.GraphConstants;

/**
 * The per-event losses of {@link EstimatorMethod}, once in double precision (the definition, used for
 * the tests and for reports) and once on DJL NDArrays (what training minimises). z = ln r̂, the
 * logit of the numerator θ0; ŝ = σ(−z); r and t are the joint ratio and the joint score at θ0.
 */
public final class EstimatorLoss {
    /** ROLR's r̂ = e^z is evaluated with z clipped to ±this (e^30 ≈ 1e13) so that one wild batch cannot overflow float32. */
    public static final double ROLR_LOGIT_CLIP = 30;

    private EstimatorLoss() {
    }

    /** softplus(z) = ln(1 + e^z), stable for large |z|. */
    static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    /**
     * One event's loss.
     *
     * @param z     ln r̂(x|θ0) (ignored by SALLY)
     * @param tHat  the network's score: ∇θ0 ln r̂ for the score-augmented methods, the output for SALLY
     * @param y     0 for events from θ0, 1 for events from θ1
     * @param r     joint ratio r(x,z|θ0,θ1)
     * @param t     joint score t(x,z|θ0) (θ_ref for SALLY)
     * @param alpha weight of the score term
     */
    public static double perEvent(EstimatorMethod method, double alpha, double z, double[] tHat, int y, double r,
            double[] t) {
        if (method.doubly()) {
            throw new IllegalArgumentException(method + " is doubly parametrised: use perEventDoubly");
        }
        double base = baseLoss(method, z, y, r);
        if (method.scoreTerm() && y == 0) {
            base += alpha * squaredDistance(tHat, t);
        }
        if (method == EstimatorMethod.SALLY) {
            base = squaredDistance(tHat, t);
        }
        return base;
    }

    /**
     * The loss without its score term (CARL, ROLR, ALICE, or the base of a score method; the same for
     * the doubly parametrised methods). ROLR follows MadMiner ({@code ratio_mse}): events from θ0
     * (y = 0) regress 1/r̂ on 1/r(x,z), events from θ1 (y = 1) r̂ on r(x,z) — the minimiser is the
     * marginal ratio because E[r(x,z)|x, θ1] = r(x) and E[1/r(x,z)|x, θ0] = 1/r(x).
     */
    static double baseLoss(EstimatorMethod method, double z, int y, double r) {
        return switch (method.single()) {
            // −[(1 − y) ln σ(z) + y ln σ(−z)] = softplus(z) − (1 − y) z
            case CARL, CASCAL -> softplus(z) - (1 - y) * z;
            case ALICE, ALICES -> {
                double s = 1 / (1 + r);
                yield softplus(z) - (1 - s) * z;
            }
            case ROLR, RASCAL -> {
                double zc = Math.max(-ROLR_LOGIT_CLIP, Math.min(ROLR_LOGIT_CLIP, z));
                double a = Math.exp(-zc) - 1 / r, b = Math.exp(zc) - r;
                yield (1 - y) * a * a + y * b * b;
            }
            default -> 0;
        };
    }

    /**
     * One event's loss for a doubly parametrised method (CARL2 … ALICES2): the base loss as for the
     * singly parametrised method, plus for the score methods α(1 − y)|t̂0 − t(x,z|θ0)|² +
     * αy|t̂1 − t(x,z|θ1)|² with t̂0 = ∇θ0 ln r̂ and t̂1 = −∇θ1 ln r̂ (the estimated score at θ1: ln r̂ =
     * ln p̂(x|θ0) − ln p̂(x|θ1)). MadMiner's {@code ratio_score_mse_den} compares +∇θ1 ln r̂ with the
     * joint score at θ1; the sign here is the one whose minimiser is the true ratio.
     *
     * @param dTheta0 ∇θ0 ln r̂ (raw θ units)
     * @param dTheta1 ∇θ1 ln r̂ (raw θ units)
     * @param t0      joint score t(x,z|θ0)
     * @param t1      joint score t(x,z|θ1)
     */
    public static double perEventDoubly(EstimatorMethod method, double alpha, double z, double[] dTheta0,
            double[] dTheta1, int y, double r, double[] t0, double[] t1) {
        if (!method.doubly()) {
            throw new IllegalArgumentException(method + " is not doubly parametrised");
        }
        double base = baseLoss(method, z, y, r);
        if (method.scoreTerm()) {
            if (y == 0) {
                base += alpha * squaredDistance(dTheta0, t0);
            } else {
                double s = 0;
                for (int j = 0; j < dTheta1.length; j++) {
                    double d = -dTheta1[j] - t1[j];
                    s += d * d;
                }
                base += alpha * s;
            }
        }
        return base;
    }

    private static double squaredDistance(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double d = a[j] - b[j];
            s += d * d;
        }
        return s;
    }

    /**
     * The per-event losses on a batch, as an NDArray of shape [B].
     *
     * @param z       [B] ln r̂ (null for SALLY)
     * @param tHat    [B, p] network score (θ-derivative or SALLY output), null when the method needs none
     * @param y       [B] labels as floats
     * @param r       [B] joint ratios (only read by methods that use them)
     * @param t       [B, p] joint scores (only read by methods that use them)
     */
    public static NDArray perEvent(EstimatorMethod method, float alpha, NDArray z, NDArray tHat, NDArray y, NDArray r,
            NDArray t) {
        NDArray base = switch (method.single()) {
            case CARL, CASCAL -> softplus(z).sub(y.neg().add(1f).mul(z));
            case ALICE, ALICES -> softplus(z).sub(r.div(r.add(1f)).mul(z)); // 1 − s = r/(1 + r)
            case ROLR, RASCAL -> {
                // MadMiner's ratio_mse: 1/r̂ against 1/r for events from θ0, r̂ against r for events from θ1
                NDArray zc = z.clip(-ROLR_LOGIT_CLIP, ROLR_LOGIT_CLIP);
                NDArray a = zc.neg().exp().sub(r.pow(-1f));
                NDArray b = zc.exp().sub(r);
                yield y.neg().add(1f).mul(a.square()).add(y.mul(b.square()));
            }
            default -> tHat.sub(t).square().sum(new int[] {1});
        };
        if (method.scoreTerm() && !method.doubly()) {
            NDArray d = tHat.sub(t).square().sum(new int[] {1});
            base = base.add(d.mul(y.neg().add(1f)).mul(GraphConstants.scalar(d, alpha)));
        }
        return base;
    }

    /** α|t̂ − t|² per row, shape [rows] (the score term for rows from θ0). */
    public static NDArray scoreTerm(float alpha, NDArray tHat, NDArray t) {
        NDArray d = tHat.sub(t).square().sum(new int[] {1});
        return d.mul(GraphConstants.scalar(d, alpha));
    }

    /**
     * The regulariser λ|∇ₓ ln r̂|² per row, shape [rows]: {@code gradient} [rows, d] holds the
     * derivatives of ln r̂ with respect to the (scaled) feature inputs.
     */
    public static NDArray inputGradientTerm(float lambda, NDArray gradient) {
        NDArray s = gradient.square().sum(new int[] {1});
        return s.mul(GraphConstants.scalar(s, lambda));
    }

    /** λ|g|² for one event (the definition of {@link #inputGradientTerm}). */
    public static double inputGradientTerm(double lambda, double[] gradient) {
        double s = 0;
        for (double g : gradient) {
            s += g * g;
        }
        return lambda * s;
    }

    private static NDArray softplus(NDArray z) {
        return GraphConstants.softplus(z);
    }
}
