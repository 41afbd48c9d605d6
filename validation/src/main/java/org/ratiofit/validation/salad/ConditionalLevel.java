package org.ratiofit.validation.salad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The level of a learned conditional ratio r̂(x|m) in one narrow bin of m: the simulation's
 * weighted mean of r̂ there, which the true ratio p_data(x|m)/p_sim(x|m) makes exactly 1 (its
 * integral over p_sim(x|m)). SALAD's factorised reweighting divides r̂ by it, bin by bin, so that the
 * level of the background prediction in every m bin comes from the m-marginal ratio alone and the
 * classifier contributes only the shape in x. Bins never straddle two regions (sidebands are held
 * out per fold, other regions are scored by every model).
 *
 * @param region the bin's region (null outside all)
 * @param low the smallest m in the bin
 * @param high the largest m in the bin
 * @param events simulated events in it
 * @param level Σ w r̂ / Σ w over them
 */
public record ConditionalLevel(String region, double low, double high, int events, double level) {

    /**
     * Divides r (and its spread sd) by their levels in place and returns the levels. Each region's
     * events, ordered in m, are split into {@code binsPerRegion} equal-population bins, fewer where a
     * bin would hold less than {@code minEvents}.
     *
     * @param m the simulated events' m
     * @param w their weights
     * @param r the learned ratios (divided in place)
     * @param sd their ensemble spread (divided in place)
     * @param region each event's region
     */
    public static List<ConditionalLevel> normalise(double[] m, double[] w, double[] r, double[] sd, String[] region,
            int binsPerRegion, int minEvents) {
        Integer[] order = new Integer[m.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> m[i]));
        List<ConditionalLevel> out = new ArrayList<>();
        int start = 0;
        while (start < order.length) {
            int end = start;
            while (end < order.length && Objects.equals(region[order[end]], region[order[start]])) {
                end++;
            }
            // [start, end): one contiguous run of a region in m
            int len = end - start;
            int nb = Math.max(1, Math.min(binsPerRegion, len / Math.max(1, minEvents)));
            for (int b = 0; b < nb; b++) {
                int lo = start + (int) ((long) len * b / nb);
                int hi = start + (int) ((long) len * (b + 1) / nb);
                double sw = 0;
                double swr = 0;
                for (int k = lo; k < hi; k++) {
                    sw += w[order[k]];
                    swr += w[order[k]] * r[order[k]];
                }
                double level = sw > 0 && swr > 0 ? swr / sw : 1;
                for (int k = lo; k < hi; k++) {
                    r[order[k]] /= level;
                    sd[order[k]] /= level;
                }
                out.add(new ConditionalLevel(region[order[start]], m[order[lo]], m[order[hi - 1]], hi - lo, level));
            }
            start = end;
        }
        return out;
    }
}
