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
 * @param ensembleRelative Σ sd_i / Σ w_i over the passing events: the members' per-event spread summed as if fully
 *        correlated (a bound, not an estimate: it was 2-3 times the actual error on the toy)
 * @param normalisationRelative the relative statistical error of the sideband normalisation
 *        N_data,SB / Σ_SB w, √(1/N_data,SB + Σ_SB w² / (Σ_SB w)²) (0 when not given); it scales the
 *        whole prediction, so it enters as predicted · normalisationRelative
 * @param reweightingRelative the relative statistical error of the reweighting in the passing events'
 *        prediction, a delete-one-fold jackknife over the reweighting's folds: with Y_k the passing events'
 *        Σ w from the models of fold k alone (trained on every fold but k) and K folds,
 *        √((K−1)/K · Σ_k (Y_k − Ȳ)²) / predicted; 0 when the replicas are not known. It is the
 *        "reweighting" normsys of the workspace (else the ensemble bound is)
 * @param calibration the sidebands' calibration of the prediction ({@link SidebandCalibration}), or null: when
 *        present the background is {@link #background()} = predicted · factor, and the pull and the workspace use
 *        it with the calibration's errors in place of the sideband normalisation's and the reweighting's
 */
public record SaladSelection(int formatVersion, double efficiency, int observed, double predicted, double statError,
        double ensembleRelative, double normalisationRelative, double reweightingRelative, SidebandCalibration calibration) {

    public static final int FORMAT_VERSION = 3;

    /** Without a sideband calibration. */
    public SaladSelection(int formatVersion, double efficiency, int observed, double predicted, double statError,
            double ensembleRelative, double normalisationRelative, double reweightingRelative) {
        this(formatVersion, efficiency, observed, predicted, statError, ensembleRelative, normalisationRelative,
                reweightingRelative, null);
    }

    /** The same selection calibrated in the sidebands (its efficiency must be this selection's). */
    public SaladSelection withCalibration(SidebandCalibration c) {
        if (c != null && c.efficiency() != efficiency) {
            throw new IllegalArgumentException("a calibration of the selection " + c.efficiency() + " for the selection "
                    + efficiency);
        }
        return new SaladSelection(formatVersion, efficiency, observed, predicted, statError, ensembleRelative,
                normalisationRelative, reweightingRelative, c);
    }

    /** The background after the selection: the prediction, times the sideband calibration's factor when calibrated. */
    @com.fasterxml.jackson.annotation.JsonProperty("background")
    public double background() {
        return calibration == null ? predicted : predicted * calibration.factor();
    }

    /** The background's SR simulation statistics √Σw² (times the calibration's factor when calibrated). */
    @com.fasterxml.jackson.annotation.JsonProperty("backgroundStatError")
    public double backgroundStatError() {
        return calibration == null ? statError : statError * calibration.factor();
    }

    /** The selection without the sideband normalisation's error (see {@link #of(AnomalySearch.HeldOut, double, double)}). */
    public static SaladSelection of(AnomalySearch.HeldOut h, double efficiency) {
        return of(h, efficiency, 0);
    }

    /**
     * The relative statistical error of normalising the simulation to the data in the sidebands:
     * √(1/N_data,SB + Σ_SB w² / (Σ_SB w)²), the data's Poisson error and the simulation's own,
     * from the weights of the simulated events whose region is "SB" (any common scale cancels).
     *
     * @param weights per simulated event
     * @param region per simulated event, "SB", "SR" or other
     * @param dataSidebandEvents N_data,SB
     */
    public static double normalisationRelative(double[] weights, String[] region, int dataSidebandEvents) {
        if (weights.length != region.length) {
            throw new IllegalArgumentException("weights (" + weights.length + ") and regions (" + region.length
                    + ") differ in length");
        }
        if (dataSidebandEvents <= 0) {
            throw new IllegalArgumentException("the sidebands hold no data events (" + dataSidebandEvents + ")");
        }
        double sum = 0;
        double sum2 = 0;
        for (int i = 0; i < weights.length; i++) {
            if ("SB".equals(region[i])) {
                sum += weights[i];
                sum2 += weights[i] * weights[i];
            }
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("the simulated sideband weights sum to " + sum);
        }
        return Math.sqrt(1.0 / dataSidebandEvents + sum2 / (sum * sum));
    }

    /**
     * @param normalisationRelative the sideband normalisation's relative error
     *        ({@link #normalisationRelative(double[], String[], int)}), 0 to leave it out
     */
    public static SaladSelection of(AnomalySearch.HeldOut h, double efficiency, double normalisationRelative) {
        if (!(normalisationRelative >= 0)) {
            throw new IllegalArgumentException("the normalisation's relative error must be >= 0, not " + normalisationRelative);
        }
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
        double jack = 0;
        double[][] rep = h.simReplicas();
        if (rep != null && rep.length > 1 && sum > 0) {
            double[] y = new double[rep.length];
            for (int i = 0; i < h.simScore().length; i++) {
                if (h.simScore()[i] > t[h.simFold()[i]]) {
                    for (int k = 0; k < rep.length; k++) {
                        y[k] += rep[k][i];
                    }
                }
            }
            jack = Math.sqrt(jackknifeVariance(y)) / sum;
        }
        return new SaladSelection(FORMAT_VERSION, efficiency, obs, sum, Math.sqrt(sum2), sum > 0 ? spr / sum : 0,
                normalisationRelative, jack);
    }

    /** (K−1)/K · Σ_k (y_k − ȳ)², the delete-one-group jackknife variance of K estimates. */
    public static double jackknifeVariance(double[] y) {
        int k = y.length;
        if (k < 2) {
            throw new IllegalArgumentException("a jackknife needs at least 2 estimates, not " + k);
        }
        double mean = 0;
        for (double v : y) {
            mean += v / k;
        }
        double ss = 0;
        for (double v : y) {
            ss += (v - mean) * (v - mean);
        }
        return (k - 1.0) / k * ss;
    }

    /**
     * The relative size of the "reweighting" normsys: the jackknife error when known (of the calibrated prediction
     * when calibrated), else the ensemble bound.
     */
    public double reweightingNormsys() {
        double jack = calibration == null ? reweightingRelative : calibration.reweightingRelative();
        return jack > 0 ? jack : ensembleRelative;
    }

    /** The relative error of the background's level: the sideband calibration's, else the sideband normalisation's. */
    public double levelRelative() {
        return calibration == null ? normalisationRelative : calibration.relativeError();
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

    /**
     * (observed − b) / √(b + σ_stat² + (b · level)² + (b · jackknife)²) with b the {@link #background()}: the
     * background prediction's pull (data Poisson, SR simulation statistics, the level's error —
     * {@link #levelRelative()} — and the reweighting's statistical error, 0 when the replicas are not known).
     */
    public double pull() {
        double b = background();
        double st = backgroundStatError();
        double n = b * levelRelative();
        double r = b * (calibration == null ? reweightingRelative : calibration.reweightingRelative());
        return (observed - b) / Math.sqrt(b + st * st + n * n + r * r);
    }

    /** Adds a normsys of relative size {@code relative} (none when it is 0). */
    private static void normsys(ArrayNode mods, String name, double relative) {
        if (relative > 0) {
            ObjectNode ns = mods.addObject();
            ns.put("name", name);
            ns.put("type", "normsys");
            ObjectNode d = ns.putObject("data");
            d.put("hi", 1 + relative);
            d.put("lo", Math.max(1e-3, 1 - relative));
        }
    }

    /**
     * Writes the selection's pyhf workspace. Uncalibrated, one bin "SR": signal (one event × the POI mu, so mu is
     * the number of signal events passing) and background (the prediction with a staterror, the normsys
     * "reweighting" ({@link #reweightingNormsys()}) and the normsys "sideband_normalisation"), observed the data
     * passing. Calibrated in the sidebands, the calibration itself becomes part of the likelihood (an on/off
     * measurement): a second one-bin channel "SB" observes the calibration's passing sideband data, predicted as
     * f_sim · n_data with its simulation's staterror, and a free normfactor "background_level" on the background of
     * both channels is fixed by it; the SR background is the cross-fitted prediction with its staterror and the
     * "reweighting" normsys of the calibrated prediction. At the best fit the level is f_data/f_sim, so the SR
     * background is {@link #background()}, and the sideband count's Poisson error enters as a count, not as a
     * Gaussian. {@code ratiofit fit}, {@code significance} and {@code limit} read it like any pyhf workspace.
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
        if (calibration != null) {
            level(mods);
        }
        ObjectNode st = mods.addObject();
        st.put("name", "staterror_SR");
        st.put("type", "staterror");
        st.putArray("data").add(statError);
        normsys(mods, "reweighting", reweightingNormsys());
        if (calibration == null) {
            normsys(mods, "sideband_normalisation", normalisationRelative);
        }
        ArrayNode observations = root.putArray("observations");
        ObjectNode obs = observations.addObject();
        obs.put("name", "SR");
        obs.putArray("data").add(observed);
        if (calibration != null) {
            ObjectNode sb = channels.addObject();
            sb.put("name", "SB");
            ObjectNode sbBkg = sb.putArray("samples").addObject();
            sbBkg.put("name", "background");
            double sbPred = calibration.simulatedFraction() * calibration.dataEvents();
            sbBkg.putArray("data").add(sbPred);
            ArrayNode sbMods = sbBkg.putArray("modifiers");
            level(sbMods);
            ObjectNode sbSt = sbMods.addObject();
            sbSt.put("name", "staterror_SB");
            sbSt.put("type", "staterror");
            sbSt.putArray("data").add(sbPred * calibration.simulatedPassingRelative());
            ObjectNode sbObs = observations.addObject();
            sbObs.put("name", "SB");
            sbObs.putArray("data").add(calibration.dataPassing());
        }
        ObjectNode meas = root.putArray("measurements").addObject();
        meas.put("name", "salad");
        ObjectNode cfg = meas.putObject("config");
        cfg.put("poi", "mu");
        ArrayNode params = cfg.putArray("parameters");
        ObjectNode par = params.addObject();
        par.put("name", "mu");
        par.putArray("bounds").addArray().add(-0.5 * background()).add(Math.max(10, 10 * (observed + 10)));
        par.putArray("inits").add(0.0);
        if (calibration != null) {
            ObjectNode lv = params.addObject();
            lv.put("name", "background_level");
            lv.putArray("bounds").addArray().add(0.1).add(10.0);
            lv.putArray("inits").add(calibration.factor());
        }
        root.put("version", "1.0.0");
        AtomicFiles.writeString(file, om.writeValueAsString(root));
    }

    private static void level(ArrayNode mods) {
        ObjectNode lv = mods.addObject();
        lv.put("name", "background_level");
        lv.put("type", "normfactor");
        lv.putNull("data");
    }
}
