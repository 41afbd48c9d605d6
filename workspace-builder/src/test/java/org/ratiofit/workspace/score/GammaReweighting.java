package org.ratiofit.workspace.score;

import java.util.List;
import java.util.SplittableRandom;
import org.hipparchus.special.Gamma;
import org.ratiofit.likelihood.score.JointReweighting;
import org.ratiofit.ratio.training.param.GammaLatentSimulator;

/**
 * The test simulator's reference sample at θ_ref with its latent z: closed-form joint ratios
 * w_i(θ) = p(z_i|θ)/p(z_i|θ_ref) and joint scores, and the exact marginal score t(x|θ_ref) by
 * quadrature standing in for a SALLY network.
 */
final class GammaReweighting implements JointReweighting {

    static final GammaLatentSimulator SIM = new GammaLatentSimulator();

    final double[] thetaRef;
    final double[][] x; // [feature][event]
    final double[] z;
    private final double[] lnZ;

    GammaReweighting(double[] thetaRef, int n, long seed) {
        this.thetaRef = thetaRef.clone();
        this.x = new double[2][n];
        this.z = new double[n];
        this.lnZ = new double[n];
        SplittableRandom rng = new SplittableRandom(seed);
        double[] ev = new double[3];
        for (int i = 0; i < n; i++) {
            SIM.sample(thetaRef, rng, ev);
            x[0][i] = ev[0];
            x[1][i] = ev[1];
            z[i] = ev[2];
            lnZ[i] = Math.log(z[i]);
        }
    }

    @Override
    public int events() {
        return z.length;
    }

    @Override
    public List<String> parameterNames() {
        return GammaLatentSimulator.PARAMETER_NAMES;
    }

    /** ln w = (k − k_ref) ln z − (λ − λ_ref) z + [k ln λ − ln Γ(k)] − [k_ref ln λ_ref − ln Γ(k_ref)]; t = (ln λ − ψ(k) + ln z, k/λ − z). */
    @Override
    public void logWeights(double[] theta, double[] logWeight, double[][] score) {
        double k = theta[0], lambda = theta[1];
        double c = k * Math.log(lambda) - Gamma.logGamma(k) - (thetaRef[0] * Math.log(thetaRef[1]) - Gamma.logGamma(thetaRef[0]));
        double dk = k - thetaRef[0], dl = lambda - thetaRef[1];
        double s0 = Math.log(lambda) - Gamma.digamma(k), s1 = k / lambda;
        for (int i = 0; i < z.length; i++) {
            logWeight[i] = dk * lnZ[i] - dl * z[i] + c;
            if (score != null) {
                score[0][i] = s0 + lnZ[i];
                score[1][i] = s1 - z[i];
            }
        }
    }

    /** The exact local score t(x|θ_ref) = E[t(x,z|θ_ref) | x] of events x ([feature][event]), [parameter][event]. */
    double[][] exactScore(double[][] events) {
        int n = events[0].length;
        double[][] t = new double[2][n];
        double[] s = new double[2];
        for (int i = 0; i < n; i++) {
            SIM.logMarginal(events[0][i], events[1][i], thetaRef, s);
            t[0][i] = s[0];
            t[1][i] = s[1];
        }
        return t;
    }

    /** n events at θ, [feature][event]. */
    static double[][] observed(double[] theta, int n, long seed) {
        return SIM.sampleFeatures(n, theta, new SplittableRandom(seed));
    }
}
