package org.ratiofit.validation.salad;

/**
 * The sideband calibration of a selection's background prediction. The selection (per fold k the
 * threshold t_k of the signal-region classifier, {@link SaladSelection#thresholds}) applied in the
 * sidebands, to events none of the classifiers trained on, keeps a fraction f_data of the sideband
 * data and a fraction f_sim of the reweighted simulation there. The SR prediction scaled by
 * f_data / f_sim corrects what the reweighting gets wrong in the selected part of feature space
 * wherever that error is the same in the sidebands as in the SR: the conditional classifiers' shape
 * error in x, which every network shares and cross-fitting cannot remove (the toy: the learned
 * prediction after a 10% selection +1.5% above the exact one in the SR and +1.2% in the sidebands;
 * README, SALAD results).
 *
 * <p>Only the sideband data the classifier never learned count. The cross-fit's selecting
 * reweighting ({@link SaladCrossFit}) trained on the even-index sideband events, its errors carry
 * those events' fluctuations, and the classifier learned them: its selection keeps fewer even-index
 * sideband data than their density says (toy, 10%: −3.6% against −1.2% for the odd-index half). So
 * f_data comes from the odd-index half, the predicting reweighting's own events (whose fluctuations
 * the selection never saw).
 *
 * <p>The calibrated prediction is N_SB · f_data · (Σ_SR,sel w / Σ_SB,sel w) · (Σ_SB w / N_SB) with
 * the weights normalised to the sideband data N_SB, and the last factor is 1 (the normalisation; the
 * factorised reweighting's conditional levels make Σ_SB w0 r̂ = Σ_SB w0 exactly): the simulation enters as
 * the ratio of its passing sums in SR and sidebands. Its errors are the SR simulation statistics (the
 * selection's staterror), {@link #relativeError} (the sideband data's count and binomial passing
 * fraction, the passing sideband simulation's statistics √Σ_SB,sel w² / Σ_SB,sel w) and
 * {@link #reweightingRelative} (the delete-one-fold jackknife of Σ_SR,sel w · Σ_SB w / Σ_SB,sel w over the
 * reweighting's fold replicas, whose shared errors cancel in the ratio).
 *
 * @param efficiency the selection's SR data efficiency
 * @param dataEvents the sideband data events that count (the odd-index half)
 * @param dataPassing of them, those the selection keeps
 * @param sidebandDataEvents all sideband data events N_SB (the level)
 * @param simulatedFraction f_sim = Σ_SB,sel w / Σ_SB w
 * @param simulatedPassingRelative √Σ_SB,sel w² / Σ_SB,sel w, the passing sideband simulation's relative
 *        statistical error
 * @param factor f_data / f_sim, what the SR prediction is multiplied by
 * @param relativeError the calibrated prediction's relative error from the sidebands:
 *        √(1/N_SB + (1 − f_data)/(f_data · dataEvents) + simulatedPassingRelative²)
 * @param reweightingRelative the jackknife relative error of the reweighting in the calibrated prediction (0 when the
 *        replicas are not known)
 */
public record SidebandCalibration(int formatVersion, double efficiency, int dataEvents, int dataPassing,
        int sidebandDataEvents, double simulatedFraction, double simulatedPassingRelative, double factor,
        double relativeError, double reweightingRelative) {

    public static final int FORMAT_VERSION = 1;

    /**
     * @param sr the signal region's held-out scores and prediction weights
     * @param sidebands the sideband events' scores ({@link AnomalySearch#sidebands()})
     * @param counts per sideband data event (in the order of {@code sidebands}), whether it counts for f_data
     * @param efficiency the selection
     */
    public static SidebandCalibration of(AnomalySearch.HeldOut sr, AnomalySearch.HeldOut sidebands, boolean[] counts,
            double efficiency) {
        if (counts.length != sidebands.dataScore().length) {
            throw new IllegalArgumentException("a mask of " + counts.length + " values for " + sidebands.dataScore().length
                    + " sideband data events");
        }
        double[] t = SaladSelection.thresholds(sr, efficiency);
        int n = 0;
        int pass = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i]) {
                n++;
                pass += sidebands.dataScore()[i] > t[sidebands.dataFold()[i]] ? 1 : 0;
            }
        }
        if (pass == 0) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "none of the %d sideband data events that calibrate the prediction passes the selection (top %.3g of the SR "
                            + "data): loosen the selection or do without the sideband calibration", n, efficiency));
        }
        double a = 0;
        double va = 0;
        double tot = 0;
        boolean[] simPass = new boolean[sidebands.simScore().length];
        for (int i = 0; i < simPass.length; i++) {
            double w = sidebands.simWeight()[i];
            simPass[i] = sidebands.simScore()[i] > t[sidebands.simFold()[i]];
            tot += w;
            if (simPass[i]) {
                a += w;
                va += w * w;
            }
        }
        if (!(a > 0)) {
            throw new IllegalArgumentException("no reweighted sideband simulation passes the selection (top " + efficiency
                    + " of the SR data): the sidebands cannot calibrate it");
        }
        double relSim = Math.sqrt(va) / a;
        double fData = (double) pass / n;
        double fSim = a / tot;
        int nSb = sidebands.dataScore().length;
        double rel = Math.sqrt(1.0 / nSb + (1 - fData) / (fData * n) + relSim * relSim);
        double jack = 0;
        double[][] rs = sr.simReplicas();
        double[][] rb = sidebands.simReplicas();
        if (rs != null && rb != null && rs.length == rb.length && rs.length > 1) {
            double[] q = new double[rs.length];
            for (int k = 0; k < q.length; k++) {
                double y = 0;
                for (int i = 0; i < sr.simScore().length; i++) {
                    y += sr.simScore()[i] > t[sr.simFold()[i]] ? rs[k][i] : 0;
                }
                double z = 0;
                double zt = 0;
                for (int i = 0; i < simPass.length; i++) {
                    z += simPass[i] ? rb[k][i] : 0;
                    zt += rb[k][i];
                }
                q[k] = y * zt / z;
            }
            double mean = java.util.Arrays.stream(q).average().orElseThrow();
            jack = Math.sqrt(SaladSelection.jackknifeVariance(q)) / mean;
        }
        return new SidebandCalibration(FORMAT_VERSION, efficiency, n, pass, nSb, fSim, relSim, fData / fSim, rel, jack);
    }

    /** The mask of the odd-index sideband data events, given their indices in the data file. */
    public static boolean[] predictingHalf(int[] sidebandDataIndices) {
        boolean[] m = new boolean[sidebandDataIndices.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = sidebandDataIndices[i] % 2 == 1;
        }
        return m;
    }
}
