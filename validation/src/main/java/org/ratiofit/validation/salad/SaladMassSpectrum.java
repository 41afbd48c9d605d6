package org.ratiofit.validation.salad;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.io.AtomicFiles;

/**
 * The m distribution in and around the signal region after the selection on the anomaly score: the
 * binned alternative to {@link SaladSelection}'s single SR bin. Each sideband and the signal region
 * is cut into {@code binsPerWindow} equal bins in m; the selection (per fold k, the threshold t_k
 * that keeps the top {@code efficiency} of fold k's held-out SR data, {@link SaladSelection#thresholds})
 * applies to the SR events by their held-out scores and to the sideband events by the scores of the
 * models of the fold they are assigned to ({@link AnomalySearch.HeldOut}). Per bin: the data
 * passing, the reweighted simulation passing Σw (the background prediction, normalised to the data
 * in the sidebands before the selection), its statistical error √Σw² (Barlow–Beeston, one γ per
 * bin) and the reweighting ensemble's spread Σ sd_i (members' standard deviation of w, fully
 * correlated over events and bins: a shape systematic).
 *
 * @param edges the bin edges of each bin, [low, high) per bin (the windows need not touch)
 * @param signalRegion per bin, whether it lies in the signal region
 * @param observed data events passing per bin
 * @param predicted Σ w of the simulated events passing per bin
 * @param statError √Σ w² per bin
 * @param ensembleSpread Σ sd per bin (absolute)
 * @param jackknifeModes [fold][bin] d_k = √((K−1)/K)·(Y_k − Ȳ), Y_k the bins' passing Σw from the models of
 *        reweighting fold k alone ({@link AnomalySearch.HeldOut#simReplicas()}); Σ_k d_k d_kᵀ is the
 *        jackknife covariance of the prediction over the bins, and one histosys per fold with ± d_k
 *        carries it into the workspace in place of the ensemble spread. Null without replicas.
 * @param sidebandDataFraction the fraction of the sideband data the sideband bins count (1: all of them; with a
 *        sideband calibration the odd-index half, {@link SidebandCalibration}); their predictions, statistical
 *        errors and modes are scaled by it
 * @param freeLevel whether the background carries a free normfactor "background_level" that the sideband bins fix
 *        after the selection (the binned form of the sideband calibration)
 */
public record SaladMassSpectrum(int formatVersion, double efficiency, double[][] edges, boolean[] signalRegion, int[] observed,
        double[] predicted, double[] statError, double[] ensembleSpread, double[][] jackknifeModes,
        double sidebandDataFraction, boolean freeLevel) {

    public static final int FORMAT_VERSION = 3;

    /** Every sideband data event counts, the level is the sideband normalisation's (no free level). */
    public static SaladMassSpectrum of(AnomalySearch a, SaladConfig c, double efficiency, int binsPerWindow) {
        return of(a, c, efficiency, binsPerWindow, null);
    }

    /**
     * The m distribution after the selection, calibrated in the sidebands when {@code sidebandDataCounts} is given:
     * the sideband bins count only those data events (the odd-index half, which the classifier never learned from;
     * {@link SidebandCalibration#predictingHalf}), their predictions are scaled by that half's share of the
     * sideband data, and the background gets a free level.
     *
     * @param sidebandDataCounts per sideband data event (in the order of {@link AnomalySearch#sidebands()}), whether
     *        it counts; null for all, without a free level
     */
    public static SaladMassSpectrum of(AnomalySearch a, SaladConfig c, double efficiency, int binsPerWindow,
            boolean[] sidebandDataCounts) {
        if (binsPerWindow < 1) {
            throw new IllegalArgumentException("bins per window must be at least 1, not " + binsPerWindow);
        }
        if (a.sidebands() == null) {
            throw new IllegalArgumentException("the anomaly search holds no sideband scores");
        }
        double[] t = SaladSelection.thresholds(a.heldOut(), efficiency);
        int nSbData = a.sidebands().dataScore().length;
        if (sidebandDataCounts != null && sidebandDataCounts.length != nSbData) {
            throw new IllegalArgumentException("a mask of " + sidebandDataCounts.length + " values for " + nSbData
                    + " sideband data events");
        }
        int counted = nSbData;
        if (sidebandDataCounts != null) {
            counted = 0;
            for (boolean b : sidebandDataCounts) {
                counted += b ? 1 : 0;
            }
            if (counted == 0) {
                throw new IllegalArgumentException("no sideband data event counts: the sidebands cannot fix the level");
            }
        }
        double fraction = nSbData == 0 ? 1 : (double) counted / nSbData;
        List<SaladConfig.Window> windows = new ArrayList<>(c.sidebands());
        windows.add(c.signalRegion());
        windows.sort((x, y) -> Double.compare(x.low(), y.low()));
        int nb = windows.size() * binsPerWindow;
        double[][] edges = new double[nb][];
        boolean[] sr = new boolean[nb];
        for (int w = 0; w < windows.size(); w++) {
            SaladConfig.Window win = windows.get(w);
            double width = (win.high() - win.low()) / binsPerWindow;
            for (int b = 0; b < binsPerWindow; b++) {
                edges[w * binsPerWindow + b] = new double[] {win.low() + b * width, b == binsPerWindow - 1 ? win.high() : win.low() + (b + 1) * width};
                sr[w * binsPerWindow + b] = win.equals(c.signalRegion());
            }
        }
        int[] obs = new int[nb];
        double[] pred = new double[nb];
        double[] w2 = new double[nb];
        double[] spr = new double[nb];
        double[][] rep = null;
        if (a.heldOut().simReplicas() != null && a.sidebands().simReplicas() != null
                && a.heldOut().simReplicas().length == a.sidebands().simReplicas().length && a.heldOut().simReplicas().length > 1) {
            rep = new double[a.heldOut().simReplicas().length][nb];
        }
        for (AnomalySearch.HeldOut h : List.of(a.heldOut(), a.sidebands())) {
            boolean sideband = h == a.sidebands();
            // the sideband bins predict the counted data only
            double f = sideband ? fraction : 1;
            for (int i = 0; i < h.dataScore().length; i++) {
                int b = bin(edges, h.dataM()[i]);
                if (b >= 0 && h.dataScore()[i] > t[h.dataFold()[i]] && (!sideband || sidebandDataCounts == null
                        || sidebandDataCounts[i])) {
                    obs[b]++;
                }
            }
            for (int i = 0; i < h.simScore().length; i++) {
                int b = bin(edges, h.simM()[i]);
                if (b >= 0 && h.simScore()[i] > t[h.simFold()[i]]) {
                    double w = f * h.simWeight()[i];
                    pred[b] += w;
                    w2[b] += w * w;
                    spr[b] += f * h.simSpread()[i];
                    if (rep != null) {
                        for (int k = 0; k < rep.length; k++) {
                            rep[k][b] += f * h.simReplicas()[k][i];
                        }
                    }
                }
            }
        }
        double[] stat = new double[nb];
        for (int b = 0; b < nb; b++) {
            if (!(pred[b] > 0)) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "no reweighted simulation passes the selection in m bin [%.4g, %.4g): the binned workspace needs a prediction "
                                + "in every bin; use fewer bins per window or a looser selection", edges[b][0], edges[b][1]));
            }
            stat[b] = Math.sqrt(w2[b]);
        }
        double[][] modes = null;
        if (rep != null) {
            int kk = rep.length;
            modes = new double[kk][nb];
            for (int b = 0; b < nb; b++) {
                double mean = 0;
                for (double[] r : rep) {
                    mean += r[b] / kk;
                }
                for (int k = 0; k < kk; k++) {
                    modes[k][b] = Math.sqrt((kk - 1.0) / kk) * (rep[k][b] - mean);
                }
            }
        }
        return new SaladMassSpectrum(FORMAT_VERSION, efficiency, edges, sr, obs, pred, stat, spr, modes, fraction,
                sidebandDataCounts != null);
    }

    private static int bin(double[][] edges, double m) {
        for (int b = 0; b < edges.length; b++) {
            if (m >= edges[b][0] && m < edges[b][1]) {
                return b;
            }
        }
        return -1;
    }

    /** (observed − predicted) / √(predicted + statError²) per bin. */
    public double[] pulls() {
        double[] p = new double[observed.length];
        for (int b = 0; b < p.length; b++) {
            p[b] = (observed[b] - predicted[b]) / Math.sqrt(predicted[b] + statError[b] * statError[b]);
        }
        return p;
    }

    /**
     * Writes a pyhf workspace with one channel "m" of these bins: signal spread evenly over the SR
     * bins (its m shape inside the SR is not known to a model-independent search; the POI mu is the
     * number of signal events selected), background the prediction with a staterror per bin
     * (Barlow–Beeston lite from √Σw²) and the reweighting's statistical error: one histosys
     * "reweighting_fold<k>" of ± d_k per fold of the reweighting (the jackknife covariance across bins,
     * {@link #jackknifeModes()}), or without replicas a histosys "reweighting" of ± the ensemble
     * spread per bin (a bound); with {@link #freeLevel()} a normfactor "background_level" (free, in [0.1, 10]);
     * observed the data passing. The sideband bins constrain the background's γs, the reweighting parameters and
     * the free level. {@code ratiofit fit}, {@code significance} and {@code limit} read it.
     */
    public void writePyhf(Path file) throws IOException {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = om.createObjectNode();
        ObjectNode ch = root.putArray("channels").addObject();
        ch.put("name", "m");
        ArrayNode samples = ch.putArray("samples");
        ObjectNode sig = samples.addObject();
        sig.put("name", "signal");
        int nSr = 0;
        for (boolean s : signalRegion) {
            nSr += s ? 1 : 0;
        }
        ArrayNode sd = sig.putArray("data");
        for (boolean s : signalRegion) {
            sd.add(s ? 1.0 / nSr : 0.0);
        }
        ObjectNode mu = sig.putArray("modifiers").addObject();
        mu.put("name", "mu");
        mu.put("type", "normfactor");
        mu.putNull("data");
        ObjectNode bkg = samples.addObject();
        bkg.put("name", "background");
        ArrayNode bd = bkg.putArray("data");
        for (double p : predicted) {
            bd.add(p);
        }
        ArrayNode mods = bkg.putArray("modifiers");
        if (freeLevel) {
            ObjectNode lv = mods.addObject();
            lv.put("name", "background_level");
            lv.put("type", "normfactor");
            lv.putNull("data");
        }
        ObjectNode st = mods.addObject();
        st.put("name", "staterror_m");
        st.put("type", "staterror");
        ArrayNode sdat = st.putArray("data");
        for (double e : statError) {
            sdat.add(e);
        }
        boolean anySpread = false;
        for (double s : ensembleSpread) {
            anySpread |= s > 0;
        }
        if (jackknifeModes != null) {
            for (int k = 0; k < jackknifeModes.length; k++) {
                ObjectNode hs = mods.addObject();
                hs.put("name", "reweighting_fold" + k);
                hs.put("type", "histosys");
                ObjectNode d = hs.putObject("data");
                ArrayNode hi = d.putArray("hi_data");
                ArrayNode lo = d.putArray("lo_data");
                for (int b = 0; b < predicted.length; b++) {
                    hi.add(Math.max(1e-3 * predicted[b], predicted[b] + jackknifeModes[k][b]));
                    lo.add(Math.max(1e-3 * predicted[b], predicted[b] - jackknifeModes[k][b]));
                }
            }
        } else if (anySpread) {
            ObjectNode hs = mods.addObject();
            hs.put("name", "reweighting");
            hs.put("type", "histosys");
            ObjectNode d = hs.putObject("data");
            ArrayNode hi = d.putArray("hi_data");
            ArrayNode lo = d.putArray("lo_data");
            for (int b = 0; b < predicted.length; b++) {
                hi.add(predicted[b] + ensembleSpread[b]);
                lo.add(Math.max(1e-3 * predicted[b], predicted[b] - ensembleSpread[b]));
            }
        }
        ObjectNode obs = root.putArray("observations").addObject();
        obs.put("name", "m");
        ArrayNode od = obs.putArray("data");
        int total = 0;
        double bTotal = 0;
        for (int b = 0; b < observed.length; b++) {
            od.add(observed[b]);
            if (signalRegion[b]) {
                total += observed[b];
                bTotal += predicted[b];
            }
        }
        ObjectNode meas = root.putArray("measurements").addObject();
        meas.put("name", "salad-m");
        ObjectNode cfg = meas.putObject("config");
        cfg.put("poi", "mu");
        ArrayNode params = cfg.putArray("parameters");
        ObjectNode par = params.addObject();
        par.put("name", "mu");
        par.putArray("bounds").addArray().add(-0.5 * bTotal).add(Math.max(10, 10 * (total + 10)));
        par.putArray("inits").add(0.0);
        if (freeLevel) {
            ObjectNode lv = params.addObject();
            lv.put("name", "background_level");
            lv.putArray("bounds").addArray().add(0.1).add(10.0);
            lv.putArray("inits").add(1.0);
        }
        root.put("version", "1.0.0");
        AtomicFiles.writeString(file, om.writeValueAsString(root));
    }
}
