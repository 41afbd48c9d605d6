package org.ratiofit.cli;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.likelihood.BinnedChannel;
import org.ratiofit.likelihood.BinnedSample;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.UnbinnedSample;
import org.ratiofit.samplers.fit.FitResult;

/**
 * Pre- or post-fit yields per channel, bin and sample (an unbinned channel counts as one bin: each
 * sample's expected events), with uncertainties propagated
 * linearly in cabinetry's convention: every parameter i with an uncertainty σ_i is varied to
 * θ_i ± σ_i alone, its effect on a yield y is δ_i = (y(θ + σ_i e_i) − y(θ − σ_i e_i)) / 2, and
 * σ_y² = Σ_ij δ_i ρ_ij δ_j. Pre-fit: θ the start values, σ the constraint widths of the constrained
 * parameters (Gaussian σ; Poisson 1/√τ), 0 for free and fixed ones, ρ the identity. Post-fit: θ the
 * best fit, σ its HESSE errors, ρ its correlation matrix. The same is done for the total of each
 * bin (sum over samples), each sample's sum over bins and the channel's total, so their
 * uncertainties include the correlations between samples and bins.
 *
 * @param stage    "prefit" or "postfit"
 * @param channels the channels in model order
 */
public record FitYields(String stage, List<ChannelYields> channels) {

    /**
     * @param channel           its name
     * @param type              "binned", or "unbinned" (then one bin: the sample's expected events ν_p(θ), observed the
     *                          sum of the event weights)
     * @param samples           sample names
     * @param observed          observed counts per bin
     * @param yields            [sample][bin]
     * @param errors            [sample][bin]
     * @param total             per bin, the sum over samples
     * @param totalErrors       per bin
     * @param sampleTotals      per sample, the sum over bins
     * @param sampleTotalErrors per sample
     * @param channelTotal      the sum over samples and bins
     * @param channelTotalError its uncertainty
     */
    public record ChannelYields(String channel, String type, List<String> samples, double[] observed, double[][] yields, double[][] errors,
                                double[] total, double[] totalErrors, double[] sampleTotals, double[] sampleTotalErrors,
                                double channelTotal, double channelTotalError) {
    }

    /** The pre-fit yields at the model's start values. */
    public static FitYields prefit(Model model) {
        List<Parameter> ps = model.modelParameters();
        double[] theta = new double[ps.size()];
        double[] sigma = new double[ps.size()];
        for (int i = 0; i < ps.size(); i++) {
            Parameter p = ps.get(i);
            theta[i] = p.initial();
            sigma[i] = p.isConstrained() && !p.fixed() ? p.sigma() : 0;
        }
        return compute("prefit", model, theta, sigma, null);
    }

    /** The post-fit yields at the best fit with its HESSE errors and correlations. */
    public static FitYields postfit(Model model, FitResult fit) {
        double[] sigma = new double[fit.values().length];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = fit.fixed()[i] || !Double.isFinite(fit.errors()[i]) ? 0 : fit.errors()[i];
        }
        return compute("postfit", model, fit.values(), sigma, fit.correlation());
    }

    /**
     * @param correlation ρ_ij (null: the identity)
     */
    static FitYields compute(String stage, Model model, double[] theta, double[] sigma, double[][] correlation) {
        double[] centre = quantities(yields(model, theta));
        List<Integer> varied = new ArrayList<>();
        List<double[]> deltas = new ArrayList<>();
        for (int i = 0; i < theta.length; i++) {
            if (!(sigma[i] > 0)) {
                continue;
            }
            double[] up = theta.clone();
            double[] down = theta.clone();
            up[i] += sigma[i];
            down[i] -= sigma[i];
            double[] qu = quantities(yields(model, up));
            double[] qd = quantities(yields(model, down));
            double[] d = new double[centre.length];
            boolean any = false;
            for (int q = 0; q < d.length; q++) {
                d[q] = (qu[q] - qd[q]) / 2;
                any |= d[q] != 0;
            }
            if (any) {
                varied.add(i);
                deltas.add(d);
            }
        }
        double[] variance = new double[centre.length];
        int k = varied.size();
        for (int a = 0; a < k; a++) {
            double[] da = deltas.get(a);
            for (int q = 0; q < variance.length; q++) {
                variance[q] += da[q] * da[q];
            }
            if (correlation == null) {
                continue;
            }
            for (int b = a + 1; b < k; b++) {
                double rho = correlation[varied.get(a)][varied.get(b)];
                if (rho == 0) {
                    continue;
                }
                double[] db = deltas.get(b);
                for (int q = 0; q < variance.length; q++) {
                    variance[q] += 2 * rho * da[q] * db[q];
                }
            }
        }
        List<ChannelYields> out = new ArrayList<>();
        int q = 0;
        for (Channel c : model.channels()) {
            List<String> samples;
            double[] observed;
            if (c instanceof BinnedChannel b) {
                samples = b.samples().stream().map(BinnedSample::name).toList();
                observed = b.observed().clone();
            } else {
                UnbinnedChannel u = (UnbinnedChannel) c;
                samples = u.samples().stream().map(UnbinnedSample::name).toList();
                double w = 0;
                for (int i = 0; i < u.data().events(); i++) {
                    w += u.data().weights() == null ? 1 : u.data().weights()[i];
                }
                observed = new double[] {w};
            }
            int ns = samples.size();
            int nb = observed.length;
            double[][] y = new double[ns][nb];
            double[][] e = new double[ns][nb];
            for (int s = 0; s < ns; s++) {
                for (int b = 0; b < nb; b++) {
                    y[s][b] = centre[q];
                    e[s][b] = Math.sqrt(Math.max(0, variance[q++]));
                }
            }
            double[] t = new double[nb];
            double[] te = new double[nb];
            for (int b = 0; b < nb; b++) {
                t[b] = centre[q];
                te[b] = Math.sqrt(Math.max(0, variance[q++]));
            }
            double[] st = new double[ns];
            double[] ste = new double[ns];
            for (int s = 0; s < ns; s++) {
                st[s] = centre[q];
                ste[s] = Math.sqrt(Math.max(0, variance[q++]));
            }
            double ct = centre[q];
            double cte = Math.sqrt(Math.max(0, variance[q++]));
            out.add(new ChannelYields(c.name(), c instanceof BinnedChannel ? "binned" : "unbinned", samples, observed, y, e, t, te,
                    st, ste, ct, cte));
        }
        return new FitYields(stage, out);
    }

    /** [channel][sample][bin] in model order; an unbinned channel's samples have one bin, their expected events. */
    private static double[][][] yields(Model model, double[] theta) {
        double[][][] binned = model.binnedSampleYields(theta);
        double[][] unbinned = model.unbinnedSampleYields(theta);
        double[][][] out = new double[model.channels().size()][][];
        int bi = 0;
        int ui = 0;
        for (int c = 0; c < out.length; c++) {
            if (model.channels().get(c) instanceof BinnedChannel) {
                out[c] = binned[bi++];
            } else {
                double[] nu = unbinned[ui++];
                out[c] = new double[nu.length][];
                for (int s = 0; s < nu.length; s++) {
                    out[c][s] = new double[] {nu[s]};
                }
            }
        }
        return out;
    }

    /** Per channel: the sample-bin yields, the bin totals, the sample totals, the channel total, flattened. */
    private static double[] quantities(double[][][] y) {
        List<Double> q = new ArrayList<>();
        for (double[][] ch : y) {
            int ns = ch.length;
            int nb = ns == 0 ? 0 : ch[0].length;
            for (double[] s : ch) {
                for (double v : s) {
                    q.add(v);
                }
            }
            double all = 0;
            for (int b = 0; b < nb; b++) {
                double t = 0;
                for (double[] s : ch) {
                    t += s[b];
                }
                q.add(t);
            }
            for (double[] s : ch) {
                double t = 0;
                for (double v : s) {
                    t += v;
                }
                q.add(t);
                all += t;
            }
            q.add(all);
        }
        return q.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
