package org.ratiofit.validation.salad;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.io.Npy;
import org.ratiofit.workspace.io.Checksums;

/**
 * SALAD's conditional reweighting: a k-fold ensemble of classifiers between data and simulation
 * in the sidebands, on the features and m ({@link KFoldClassifier}), gives
 * w(x|m) = p_data(x|m)/p_sim(x|m) per simulated event; the simulation weighted by
 * w_i = w0_i · r̂_i · N_data,SB / Σ_SB w0 (w0 the simulation's own weights) is the background
 * estimate in every region. Sideband events are weighted by the models of their own fold only,
 * events of the other regions by every model (interpolation in m into the signal region,
 * extrapolation into validation regions).
 *
 * <p>The normalisation check: Σ_SB w / N_data,SB must be 1 within its error (the class-normalised
 * classifiers make the held-out mean of r̂ over the simulation 1); a value far from 1 means the
 * weights do not describe the data, most often because Data and Simulation are swapped or a
 * classifier failed.
 *
 * @param weights per simulated event (file order), normalised to the data in the sidebands
 * @param spread per event, the ensemble's standard deviation of w (same normalisation)
 * @param replicas [fold][event] the weights from the models of one fold alone (normalised alike), for
 *        the jackknife error of a selected yield; a sideband event the classifier trained on keeps its
 *        held-out weight in every replica (its fold's models are the only ones that did not see it)
 * @param region per simulated event, its region (null outside all)
 * @param regions per region, the simulated and data counts and the predicted yield
 * @param normalisation the sideband normalisation check
 * @param massMarginal the fitted m-marginal ratio ρ(m) (factorised reweighting), or null
 * @param conditionalLevels the simulation means of r̂ in m bins that the factorised reweighting divided out (empty for joint)
 * @param provenance seed, settings, input checksums (format 2: the settings name the patience and the final learning
 *        rate; a sidecar of format 1 was trained with patience 5 and a final learning rate of 0.05)
 */
public record SimulationReweighting(int formatVersion, double[] weights, double[] spread,
        @com.fasterxml.jackson.annotation.JsonIgnore double[][] replicas, String[] region,
        Map<String, RegionYield> regions, Normalisation normalisation, MassMarginalRatio massMarginal,
        List<ConditionalLevel> conditionalLevels, Provenance provenance) {

    public static final int FORMAT_VERSION = 2;
    public static final String WEIGHTS_FILE = "weights.npy";
    public static final String SPREAD_FILE = "weights-spread.npy";
    public static final String SIDECAR_FILE = "weights.json";

    /** One region: events of each file, the predicted yield Σ w ± √Σ w² and the ensemble's relative spread of it. */
    public record RegionYield(int dataEvents, int simulationEvents, double predicted, double statError,
            double ensembleSpread) {}

    /**
     * @param ratio Σ_SB w / N_data,SB (1 expected)
     * @param meanWeight the weights' mean in the sidebands
     * @param dataOverSimulation N_data,SB / Σ_SB w0, what the mean should be
     */
    public record Normalisation(double ratio, double error, double meanWeight, double dataOverSimulation, boolean passed,
            String message) {

        /**
         * The check from the sums over the simulated sideband events: it passes when
         * |Σw / N_data − 1| ≤ max(0.1, 5 σ), σ from Σw² and the data's Poisson error.
         *
         * @param sumW Σ_SB w
         * @param sumW2 Σ_SB w²
         * @param nData the data's (weighted) count in the sidebands
         * @param simulationEvents simulated events in the sidebands
         * @param config the configuration named in the message
         */
        public static Normalisation of(double sumW, double sumW2, double nData, int simulationEvents, Path config) {
            double ratio = sumW / nData;
            double err = ratio * Math.sqrt(sumW2 / (sumW * sumW) + 1 / nData);
            double meanW = sumW / simulationEvents;
            double expected = nData / simulationEvents;
            boolean ok = Math.abs(ratio - 1) <= Math.max(0.1, 5 * err);
            String msg = ok ? "the weights' mean in the sidebands matches the data/simulation ratio"
                    : String.format(java.util.Locale.ROOT,
                            "the weights' mean in the sidebands, %.4g, is far from the data/simulation ratio %.4g "
                                    + "(sum of weights / data events = %.3f ± %.3f): are Data and Simulation swapped in %s, "
                                    + "or did the classifiers fail to train? The closure report would show nonsense.",
                            meanW, expected, ratio, err, config);
            return new Normalisation(ratio, err, meanW, expected, ok, msg);
        }
    }

    public record Provenance(String method, String reweighting, List<String> inputs, KFoldClassifier.Settings settings, String config,
            Map<String, String> sha256) {}

    /** Trains the ensemble in the sidebands and weights every simulated event, as the configuration's Training.Reweighting says. */
    public static SimulationReweighting of(SaladEvents ev, KFoldClassifier.Settings s) throws IOException {
        return of(ev, s, ev.config().training().reweighting());
    }

    /**
     * Trains the ensemble in the sidebands and weights every simulated event.
     *
     * <p>{@link SaladConfig.Reweighting#JOINT}: the classifier on (x, m) learns the joint ratio
     * p_data(x, m)/p_sim(x, m) and interpolates it, m-marginal included, across the signal region.
     * {@link SaladConfig.Reweighting#FACTORISED}: w = ρ(m) · r(x|m). The m-marginal ratio ρ(m) is a
     * smooth fit in the sidebands ({@link MassMarginalRatio}); the classifier trains against the
     * simulation weighted by ρ(m) (both classes then share the m distribution, so it learns only the
     * conditional ratio), and its r̂ is divided by its simulation mean in narrow m bins of each
     * region ({@link ConditionalLevel}), which imposes the conditional ratio's normalisation
     * ∫ p_sim(x|m) r(x|m) dx = 1 wherever it is evaluated (the simulation alone, no data, sets it).
     */
    public static SimulationReweighting of(SaladEvents ev, KFoldClassifier.Settings s, SaladConfig.Reweighting method)
            throws IOException {
        return of(ev, s, method, -1);
    }

    /**
     * The reweighting with its conditional classifier trained on one half of the sideband events only:
     * the data and simulated sideband events of even (half 0) or odd (half 1) index in their files.
     * Everything else is as in {@link #of(SaladEvents, KFoldClassifier.Settings, SaladConfig.Reweighting)}:
     * the m-marginal ratio and the normalisation still use every sideband event (they are constants
     * in x, which no selection on the features can pick), the other half's sideband events and every
     * other region are weighted by all models (none trained on them). Two halves give two
     * reweightings with independent statistical errors in x, the basis of {@link SaladCrossFit}.
     *
     * @param half 0 or 1; -1 for all sideband events
     */
    public static SimulationReweighting of(SaladEvents ev, KFoldClassifier.Settings s, SaladConfig.Reweighting method,
            int half) throws IOException {
        if (half < -1 || half > 1) {
            throw new IllegalArgumentException("half must be 0, 1 or -1 (all sideband events), not " + half);
        }
        SaladEvents.Sample d = ev.data();
        SaladEvents.Sample sim = ev.simulation();
        int[] dSbAll = d.indices("SB");
        int[] sSbAll = sim.indices("SB");
        int[] dSb = half < 0 ? dSbAll : java.util.Arrays.stream(dSbAll).filter(i -> i % 2 == half).toArray();
        int[] sSb = half < 0 ? sSbAll : java.util.Arrays.stream(sSbAll).filter(i -> i % 2 == half).toArray();
        if (dSb.length == 0 || sSb.length == 0) {
            throw new IllegalArgumentException("half " + half + " of the sidebands holds " + dSb.length + " data and "
                    + sSb.length + " simulated events; the reweighting needs both");
        }
        int n = sim.size();
        int mCol = ev.inputs().indexOf(ev.config().resonantVariable());
        double[] mSim = sim.columns()[mCol];
        double[] w0 = sim.weights().clone();
        MassMarginalRatio rho = null;
        if (method == SaladConfig.Reweighting.FACTORISED) {
            rho = MassMarginalRatio.fit(d.columns()[mCol], d.weights(), mSim, sim.weights(), ev.config().sidebands(),
                    200, 3);
            for (int i = 0; i < n; i++) {
                w0[i] *= rho.value(mSim[i]);
            }
        }
        double[] wSb = new double[sSb.length];
        for (int i = 0; i < sSb.length; i++) {
            wSb[i] = w0[sSb[i]];
        }
        KFoldClassifier clf = KFoldClassifier.train(ev.inputs(), d.select(dSb), d.weights(dSb), sim.select(sSb), wSb, s,
                half < 0 ? 0 : 5000 + half);
        double[] r = new double[n];
        double[] sd = new double[n];
        KFoldClassifier.Scores held = clf.heldOutB(sim.select(sSb));
        boolean[] isSb = new boolean[n];
        for (int i = 0; i < sSb.length; i++) {
            r[sSb[i]] = held.ratio()[i];
            sd[sSb[i]] = held.spread()[i];
            isSb[sSb[i]] = true;
        }
        int[] rest = java.util.stream.IntStream.range(0, n).filter(i -> !isSb[i]).toArray();
        KFoldClassifier.Scores all = clf.evaluate(sim.select(rest));
        for (int i = 0; i < rest.length; i++) {
            r[rest[i]] = all.ratio()[i];
            sd[rest[i]] = all.spread()[i];
        }
        // the normalisation check looks at the classifier's own held-out sideband level (before any division), on the
        // sideband events it trained on
        double sbRaw = 0;
        double sbRaw2 = 0;
        double w0Trained = 0;
        for (int i : sSb) {
            sbRaw += w0[i] * r[i];
            sbRaw2 += w0[i] * r[i] * w0[i] * r[i];
            w0Trained += w0[i];
        }
        double nDataTrained = 0;
        for (int i : dSb) {
            nDataTrained += d.weights()[i];
        }
        // per fold, the ratios from that fold's models alone (the events trained on keep their held-out ratio)
        double[][] eachFold = clf.evaluateEachFold(sim.select(rest));
        double[][] rep = new double[s.folds()][];
        for (int k = 0; k < rep.length; k++) {
            rep[k] = r.clone();
            for (int i = 0; i < rest.length; i++) {
                rep[k][rest[i]] = eachFold[k][i];
            }
        }
        List<ConditionalLevel> levels = List.of();
        if (method == SaladConfig.Reweighting.FACTORISED) {
            levels = ConditionalLevel.normalise(mSim, w0, r, sd, sim.region(), 8, 250);
            for (double[] rk : rep) {
                ConditionalLevel.normalise(mSim, w0, rk, new double[n], sim.region(), 8, 250);
            }
        }
        // the level from every sideband event
        double nData = 0;
        for (int i : dSbAll) {
            nData += d.weights()[i];
        }
        double w0Sb = 0;
        for (int i : sSbAll) {
            w0Sb += w0[i];
        }
        double scale = nData / w0Sb;
        double[] w = new double[n];
        double[] ws = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = w0[i] * r[i] * scale;
            ws[i] = w0[i] * sd[i] * scale;
            for (double[] rk : rep) {
                rk[i] *= w0[i] * scale;
            }
        }
        Map<String, RegionYield> regions = new LinkedHashMap<>();
        List<String> names = new java.util.ArrayList<>(List.of("SB", "SR"));
        ev.config().validationRegions().forEach(v -> names.add(v.name()));
        for (String name : names) {
            int[] si = sim.indices(name);
            double sum = 0;
            double sum2 = 0;
            double spr = 0;
            for (int i : si) {
                sum += w[i];
                sum2 += w[i] * w[i];
                spr += ws[i];
            }
            regions.put(name, new RegionYield(d.indices(name).length, si.length, sum, Math.sqrt(sum2),
                    sum > 0 ? spr / sum : 0));
        }
        // Σ_SB w / N_data,SB with the classifier's held-out ratios as learned (the factorised reweighting's division by
        // the levels would make it 1 by construction)
        double scaleTrained = nDataTrained / w0Trained;
        Normalisation norm = Normalisation.of(sbRaw * scaleTrained, sbRaw2 * scaleTrained * scaleTrained, nDataTrained,
                sSb.length, ev.config().file());
        Map<String, String> sums = new LinkedHashMap<>();
        sums.put("config", Checksums.sha256(ev.config().file()));
        sums.put("data", Checksums.sha256(ev.config().data()));
        sums.put("simulation", Checksums.sha256(ev.config().simulation()));
        String how = method == SaladConfig.Reweighting.FACTORISED
                ? "SALAD reweighting, factorised: w = rho(m) r(x|m), rho fitted in the sidebands, r a k-fold DJL "
                        + "classifier ensemble of data vs rho-weighted simulation in the sidebands (inputs the features and m), "
                        + "normalised to mean 1 over the simulation in m bins"
                : "SALAD conditional reweighting: k-fold DJL classifier ensemble, data vs "
                        + "simulation in the sidebands, inputs the features and m";
        if (half >= 0) {
            how += "; the classifier trained on the sideband events of " + (half == 0 ? "even" : "odd")
                    + " index only (cross-fitting half " + half + ")";
        }
        Provenance prov = new Provenance(how, method.name(), ev.inputs(), s, ev.config().file().toString(), sums);
        return new SimulationReweighting(FORMAT_VERSION, w, ws, rep, sim.region(), regions, norm, rho, levels, prov);
    }

    /** Writes weights.npy, weights-spread.npy and the weights.json sidecar into dir (each file whole or not at all). */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.writeBytes(dir.resolve(WEIGHTS_FILE), Npy.toBytes(weights, new int[] {weights.length}));
        AtomicFiles.writeBytes(dir.resolve(SPREAD_FILE), Npy.toBytes(spread, new int[] {spread.length}));
        AtomicFiles.writeString(dir.resolve(SIDECAR_FILE), sidecarJson());
    }

    /** The sidecar: everything but the per-event arrays. */
    public String sidecarJson() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("formatVersion", formatVersion);
        m.put("weights", WEIGHTS_FILE);
        m.put("spread", SPREAD_FILE);
        m.put("events", weights.length);
        m.put("regions", regions);
        m.put("normalisation", normalisation);
        if (massMarginal != null) {
            m.put("massMarginal", massMarginal);
            m.put("conditionalLevels", conditionalLevels);
        }
        m.put("provenance", provenance);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
    }

    /** The weights of the events of one region. */
    public double[] weightsIn(String name) {
        return java.util.stream.IntStream.range(0, weights.length).filter(i -> name.equals(region[i]))
                .mapToDouble(i -> weights[i]).toArray();
    }
}
