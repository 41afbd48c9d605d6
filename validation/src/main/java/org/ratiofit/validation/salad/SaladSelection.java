package org.ratiofit.validation.salad;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.ratiofit.io.AtomicFiles;

/**
 * A selection on the anomaly score and the background it leaves, as SALAD predicts it. In each
 * fold k of the weakly supervised classifier the threshold t_k keeps the top {@code efficiency}
 * of that fold's signal-region data (chosen on the fold's held-out scores); the same model and
 * threshold select the fold's held-out simulated events, whose weights (normalised to the data in
 * the sidebands) sum to the predicted background. Its uncertainties: the simulation's statistics
 * √Σw² (Barlow–Beeston, one γ for the bin) and the reweighting ensemble's spread, Σ sd_i / Σ w_i
 * (members' standard deviation of w, taken fully correlated over events), as a normsys.
 *
 * @param efficiency the fraction of SR data kept in each fold (1 = no selection)
 * @param observed data events passing
 * @param predicted Σ w of the simulated events passing
 * @param statError √Σ w² of them
 * @param ensembleRelative the normsys size
 */
public record SaladSelection(int formatVersion, double efficiency, int observed, double predicted, double statError,
        double ensembleRelative) {

    public static final int FORMAT_VERSION = 1;

    public static SaladSelection of(AnomalySearch.HeldOut h, double efficiency) {
        double[] t = thresholds(h, efficiency);
        int obs = 0;
        for (int i = 0; i < h.dataScore().length; i++) {
            obs += h.dataScore()[i] > t[h.dataFold()[i]] ? 1 : 0;
        }
        double sum = 0;
        double sum2 = 0;
        double spr = 0;
        for (int i = 0; i < h.simScore().length; i++) {
            if (h.simScore()[i] > t[h.simFold()[i]]) {
                sum += h.simWeight()[i];
                sum2 += h.simWeight()[i] * h.simWeight()[i];
                spr += h.simSpread()[i];
            }
        }
        return new SaladSelection(FORMAT_VERSION, efficiency, obs, sum, Math.sqrt(sum2), sum > 0 ? spr / sum : 0);
    }

    /**
     * Per fold k the threshold t_k that keeps the top {@code efficiency} of that fold's held-out
     * signal-region data; an event of fold k passes when its score exceeds t_k.
     */
    public static double[] thresholds(AnomalySearch.HeldOut h, double efficiency) {
        if (!(efficiency > 0 && efficiency <= 1)) {
            throw new IllegalArgumentException("the selection's efficiency must be in (0, 1], not " + efficiency);
        }
        double[] t = new double[h.folds()];
        for (int k = 0; k < h.folds(); k++) {
            final int kk = k;
            double[] s = java.util.stream.IntStream.range(0, h.dataScore().length).filter(i -> h.dataFold()[i] == kk)
                    .mapToDouble(i -> h.dataScore()[i]).sorted().toArray();
            int keep = (int) Math.round(efficiency * s.length);
            t[k] = keep >= s.length ? Double.NEGATIVE_INFINITY : keep == 0 ? Double.POSITIVE_INFINITY : s[s.length - keep - 1];
        }
        return t;
    }

    /** (observed − predicted) / √(predicted + statError²): the background prediction's pull. */
    public double pull() {
        return (observed - predicted) / Math.sqrt(predicted + statError * statError);
    }

    /**
     * Writes a one-bin pyhf workspace: signal (one event × the POI mu, so mu is the number of
     * signal events passing) and background (the prediction with a staterror and the normsys
     * "reweighting" from the ensemble spread), observed the data passing. {@code ratiofit fit},
     * {@code significance} and {@code limit} read it like any pyhf workspace.
     */
    public void writePyhf(Path file) throws IOException {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = om.createObjectNode();
        ArrayNode channels = root.putArray("channels");
        ObjectNode ch = channels.addObject();
        ch.put("name", "SR");
        ArrayNode samples = ch.putArray("samples");
        ObjectNode sig = samples.addObject();
        sig.put("name", "signal");
        sig.putArray("data").add(1.0);
        ObjectNode mu = sig.putArray("modifiers").addObject();
        mu.put("name", "mu");
        mu.put("type", "normfactor");
        mu.putNull("data");
        ObjectNode bkg = samples.addObject();
        bkg.put("name", "background");
        bkg.putArray("data").add(predicted);
        ArrayNode mods = bkg.putArray("modifiers");
        ObjectNode st = mods.addObject();
        st.put("name", "staterror_SR");
        st.put("type", "staterror");
        st.putArray("data").add(statError);
        if (ensembleRelative > 0) {
            ObjectNode ns = mods.addObject();
            ns.put("name", "reweighting");
            ns.put("type", "normsys");
            ObjectNode d = ns.putObject("data");
            d.put("hi", 1 + ensembleRelative);
            d.put("lo", Math.max(1e-3, 1 - ensembleRelative));
        }
        ObjectNode obs = root.putArray("observations").addObject();
        obs.put("name", "SR");
        obs.putArray("data").add(observed);
        ObjectNode meas = root.putArray("measurements").addObject();
        meas.put("name", "salad");
        ObjectNode cfg = meas.putObject("config");
        cfg.put("poi", "mu");
        ObjectNode par = cfg.putArray("parameters").addObject();
        par.put("name", "mu");
        par.putArray("bounds").addArray().add(-0.5 * predicted).add(Math.max(10, 10 * (observed + 10)));
        par.putArray("inits").add(0.0);
        root.put("version", "1.0.0");
        AtomicFiles.writeString(file, om.writeValueAsString(root));
    }
}
