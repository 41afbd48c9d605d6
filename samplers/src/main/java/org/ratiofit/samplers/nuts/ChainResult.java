package org.ratiofit.samplers.nuts;

import java.util.List;

/**
 * The kept draws of one chain and the sampler's state at each of them, in CmdStan's terms.
 *
 * @param chain               chain number, from 1 as CmdStan counts
 * @param draws               draws of the sampled parameters on their own (constrained) scale,
 *                            {@code draws[parameter][iteration]}
 * @param lp                  log-density in the unconstrained space, Jacobian included (CmdStan's lp__)
 * @param acceptStat          mean Metropolis acceptance over the trajectory (accept_stat__)
 * @param treeDepth           number of tree doublings (treedepth__)
 * @param nLeapfrog           leapfrog steps of the transition (n_leapfrog__)
 * @param divergent           whether the trajectory diverged (divergent__)
 * @param energy              Hamiltonian at the kept point (energy__)
 * @param stepSize            adapted step size used for sampling
 * @param inverseMetricDiagonal the adapted diagonal inverse metric (null for a dense metric)
 * @param inverseMetricDense  the adapted dense inverse metric (null unless dense)
 * @param gradientEvaluations log-density-and-gradient evaluations of this chain, warm-up included
 * @param samplingGradientEvaluations those during the sampling iterations only
 * @param warmupSeconds       wall time of the warm-up
 * @param samplingSeconds     wall time of the sampling iterations
 * @param notes               adaptation messages (short warm-up fallbacks and the like)
 */
public record ChainResult(int chain, double[][] draws, double[] lp, double[] acceptStat, int[] treeDepth, int[] nLeapfrog,
                          boolean[] divergent, double[] energy, double stepSize, double[] inverseMetricDiagonal,
                          double[][] inverseMetricDense, long gradientEvaluations, long samplingGradientEvaluations,
                          double warmupSeconds, double samplingSeconds, List<String> notes) {

    public int numDraws() {
        return lp.length;
    }

    public int numDivergent() {
        int n = 0;
        for (boolean b : divergent) {
            if (b) {
                n++;
            }
        }
        return n;
    }
}
