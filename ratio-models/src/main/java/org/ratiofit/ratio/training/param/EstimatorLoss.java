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
        double base = switch (method) {
            // −[(1 − y) ln σ(z) + y ln σ(−z)] = softplus(z) − (1 − y) z
            case CARL, CASCAL -> softplus(z) - (1 - y) * z;
            case ALICE, ALICES -> {
                double s = 1 / (1 + r);
                yield softplus(z) - (1 - s) * z;
            }
            case ROLR, RASCAL -> {
                double zc = Math.max(-ROLR_LOGIT_CLIP, Math.min(ROLR_LOGIT_CLIP, z));
                double a = Math.exp(zc) - r, b = Math.exp(-zc) - 1 / r;
                yield (1 - y) * a * a + y * b * b;
            }
            case SALLY -> 0;
        };
        if (method.scoreTerm() && y == 0) {
            base += alpha * squaredDistance(tHat, t);
        }
        if (method == EstimatorMethod.SALLY) {
            base = squaredDistance(tHat, t);
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
        NDArray base = switch (method) {
            case CARL, CASCAL -> softplus(z).sub(y.neg().add(1f).mul(z));
            case ALICE, ALICES -> softplus(z).sub(r.div(r.add(1f)).mul(z)); // 1 − s = r/(1 + r)
            case ROLR, RASCAL -> {
                NDArray zc = z.clip(-ROLR_LOGIT_CLIP, ROLR_LOGIT_CLIP);
                NDArray a = zc.exp().sub(r);
                NDArray b = zc.neg().exp().sub(r.pow(-1f));
                yield y.neg().add(1f).mul(a.square()).add(y.mul(b.square()));
            }
            case SALLY -> tHat.sub(t).square().sum(new int[] {1});
        };
        if (method.scoreTerm()) {
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
