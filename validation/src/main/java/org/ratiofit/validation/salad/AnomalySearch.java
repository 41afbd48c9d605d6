package org.ratiofit.validation.salad;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SALAD's weakly supervised search in the signal region: a k-fold classifier between the SR data
 * and the reweighted simulation (the background estimate) on the features x; its out-of-fold
 * ln r̂ is each data event's anomaly score (a signal makes the data differ from the background,
 * the classifier learns where). With truth information it also trains the idealised classifier
 * (SR data vs true background: weak supervision with a perfect background model) and the
 * supervised one (signal vs true background), and scores all three on a labelled test set no
 * classifier saw: significance-improvement curves SIC = ε_S/√ε_B against ε_S and their maxima.
 *
 * @param score per data event its anomaly score (NaN outside the signal region)
 * @param dataVsBackground the SALAD classifier's held-out AUC between SR data and the reweighted
 *        simulation: 0.5 within its error when the data hold nothing the background estimate lacks
 * @param methods the classifiers' curves on the test set (empty without truth information)
 */
public record AnomalySearch(int formatVersion, double[] score, Auc dataVsBackground, List<Method> methods,
        @com.fasterxml.jackson.annotation.JsonIgnore HeldOut heldOut,
        @com.fasterxml.jackson.annotation.JsonIgnore HeldOut sidebands) {

    /**
     * Scores and folds of data and reweighted simulation events, with their m: in the signal region
     * the held-out scores, from which a selection on the score is chosen fold by fold
     * ({@link SaladSelection}); in the sidebands the scores of the fold-k models for events assigned
     * to fold k (event i of each file to fold (i div 2) mod k; no model trained on them), so that the same
     * selection applies there ({@link SaladMassSpectrum}).
     */
    public record HeldOut(double[] dataScore, int[] dataFold, double[] simScore, double[] simWeight, double[] simSpread,
            int[] simFold, int folds, double[] dataM, double[] simM, double[][] simReplicas) {

        /**
         * @param simReplicas [replica][simulated event] the prediction weights from each fold of the reweighting
         *        alone ({@link SimulationReweighting#replicas()}), for the jackknife error of a selected yield; null
         *        when not known
         */
        public HeldOut {
            if (simReplicas != null) {
                for (double[] r : simReplicas) {
                    if (r.length != simWeight.length) {
                        throw new IllegalArgumentException("a replica holds " + r.length + " weights for "
                                + simWeight.length + " simulated events");
                    }
                }
            }
        }

        /** Without replica weights. */
        public HeldOut(double[] dataScore, int[] dataFold, double[] simScore, double[] simWeight, double[] simSpread,
                int[] simFold, int folds, double[] dataM, double[] simM) {
            this(dataScore, dataFold, simScore, simWeight, simSpread, simFold, folds, dataM, simM, null);
        }

        /** The same scores and folds with other prediction weights, spread and replicas. */
        public HeldOut withPrediction(double[] weight, double[] spread, double[][] replicas) {
            return new HeldOut(dataScore, dataFold, simScore, weight, spread, simFold, folds, dataM, simM, replicas);
        }
    }


    public static final int FORMAT_VERSION = 1;
    /** A SIC point needs at least this (weighted) number of test background events passing, so ε_B is not noise. */
    public static final double MIN_BACKGROUND_PASSING = 20;

    /**
     * @param name SALAD, idealised, supervised
     * @param epsS signal efficiencies along the curve (descending cut)
     * @param sic ε_S/√ε_B at each point
     * @param maxSic the largest SIC with at least {@link #MIN_BACKGROUND_PASSING} background events passing
     * @param auc AUC of signal against background on the test set
     */
    public record Method(String name, double[] epsS, double[] epsB, double[] sic, double maxSic, double epsSAtMax,
            Auc auc) {}

    /**
     * @param simWeights the reweighted simulation's weights, one per simulated event ({@link SimulationReweighting#weights()})
     */
    public static AnomalySearch of(SaladEvents ev, double[] simWeights, KFoldClassifier.Settings s) throws IOException {
        return of(ev, simWeights, null, s);
    }

    /**
     * @param spread the weights' ensemble spread per simulated event (for the selection's nuisance), or null
     */
    public static AnomalySearch of(SaladEvents ev, double[] simWeights, double[] spread, KFoldClassifier.Settings s)
            throws IOException {
        return of(ev, simWeights, simWeights, spread, null, s);
    }

    /**
     * The search with cross-fitted weights: the classifier learns SR data against the simulation
     * weighted by {@code cf.selecting()}, and the background after a selection is predicted with
     * {@code cf.predicting()}, whose statistical errors in x are independent of the ones the
     * classifier could learn and the selection pick ({@link SaladCrossFit}).
     */
    public static AnomalySearch of(SaladEvents ev, SaladCrossFit cf, KFoldClassifier.Settings s) throws IOException {
        return of(ev, cf.selecting().weights(), cf.predicting().weights(), cf.predicting().spread(),
                cf.predicting().replicas(), s);
    }

    /**
     * @param simWeights the weights the classifier trains against
     * @param predictionWeights the weights that predict the background after a selection (the held-out records)
     * @param spread the prediction weights' ensemble spread per simulated event, or null
     * @param replicas the prediction weights' fold replicas [replica][simulated event], or null
     */
    private static AnomalySearch of(SaladEvents ev, double[] simWeights, double[] predictionWeights, double[] spread,
            double[][] replicas, KFoldClassifier.Settings s) throws IOException {
        for (double[] w : new double[][] {simWeights, predictionWeights}) {
            if (w.length != ev.simulation().size()) {
                throw new IllegalArgumentException("the weights hold " + w.length + " values but "
                        + ev.config().simulation() + " has " + ev.simulation().size() + " events; reweight this configuration first");
            }
        }
        SaladConfig c = ev.config();
        int nx = c.features().size();
        int[] dSr = ev.data().indices("SR");
        int[] sSr = ev.simulation().indices("SR");
        double[][] d = features(ev.data().select(dSr), nx);
        double[][] sim = features(ev.simulation().select(sSr), nx);
        double[] sw = new double[sSr.length];
        for (int i = 0; i < sSr.length; i++) {
            sw[i] = simWeights[sSr[i]];
        }
        List<String> inputs = c.features();
        KFoldClassifier salad = KFoldClassifier.train(inputs, d, null, sim, sw, s, 2000);
        double[] score = new double[ev.data().size()];
        java.util.Arrays.fill(score, Double.NaN);
        double[] held = salad.heldOutA(d).logRatio();
        for (int i = 0; i < dSr.length; i++) {
            score[dSr[i]] = held[i];
        }
        double[] simHeld = salad.heldOutB(sim).logRatio();
        Auc dvb = Auc.of(held, null, simHeld, sw);
        double[] ss = new double[sSr.length];
        for (int i = 0; i < sSr.length; i++) {
            ss[i] = spread == null ? 0 : spread[sSr[i]];
        }
        double[] pw = new double[sSr.length];
        for (int i = 0; i < sSr.length; i++) {
            pw[i] = predictionWeights[sSr[i]];
        }
        HeldOut ho = new HeldOut(held, salad.foldA(), simHeld, pw, ss, salad.foldB(), salad.folds(),
                ev.data().select(dSr)[nx], ev.simulation().select(sSr)[nx], pick(replicas, sSr));
        HeldOut sb = sidebands(ev, predictionWeights, spread, replicas, salad);
        List<Method> methods = new ArrayList<>();
        SaladConfig.Truth t = c.truth();
        if (t != null && t.testEvents() != null) {
            SaladEvents.Sample test = SaladEvents.read(c, t.testEvents(), null, t.column());
            int[] ti = test.indices("SR");
            double[][] tx = features(test.select(ti), nx);
            int[] label = new int[ti.length];
            for (int i = 0; i < ti.length; i++) {
                label[i] = test.truth()[ti[i]];
            }
            methods.add(curve("SALAD", salad.evaluate(tx).logRatio(), label));
            if (t.trueBackground() != null) {
                SaladEvents.Sample bkg = SaladEvents.read(c, t.trueBackground(), null, null);
                double[][] b = features(bkg.select(bkg.indices("SR")), nx);
                KFoldClassifier ideal = KFoldClassifier.train(inputs, d, null, b, null, s, 3000);
                methods.add(curve("idealised", ideal.evaluate(tx).logRatio(), label));
                if (t.signal() != null) {
                    SaladEvents.Sample sig = SaladEvents.read(c, t.signal(), null, null);
                    double[][] sg = features(sig.select(sig.indices("SR")), nx);
                    KFoldClassifier sup = KFoldClassifier.train(inputs, sg, null, b, null, s, 4000);
                    methods.add(curve("supervised", sup.evaluate(tx).logRatio(), label));
                }
            }
        }
        return new AnomalySearch(FORMAT_VERSION, score, dvb, methods, ho, sb);
    }

    private static double[][] pick(double[][] replicas, int[] idx) {
        if (replicas == null) {
            return null;
        }
        double[][] out = new double[replicas.length][idx.length];
        for (int k = 0; k < replicas.length; k++) {
            for (int i = 0; i < idx.length; i++) {
                out[k][i] = replicas[k][idx[i]];
            }
        }
        return out;
    }

    /**
     * The sideband events scored by the SR classifier, event i of each file by the models of fold (i div 2) mod k:
     * each cross-fitting half (even and odd i, {@link SidebandCalibration}) meets every fold's model and threshold,
     * for any k.
     */
    private static HeldOut sidebands(SaladEvents ev, double[] simWeights, double[] spread, double[][] replicas,
            KFoldClassifier salad) {
        int nx = ev.config().features().size();
        int[] dSb = ev.data().indices("SB");
        int[] sSb = ev.simulation().indices("SB");
        int[] fd = java.util.Arrays.stream(dSb).map(i -> (i / 2) % salad.folds()).toArray();
        int[] fs = java.util.Arrays.stream(sSb).map(i -> (i / 2) % salad.folds()).toArray();
        double[][] d = ev.data().select(dSb);
        double[][] sim = ev.simulation().select(sSb);
        double[] w = new double[sSb.length];
        double[] sp = new double[sSb.length];
        for (int i = 0; i < sSb.length; i++) {
            w[i] = simWeights[sSb[i]];
            sp[i] = spread == null ? 0 : spread[sSb[i]];
        }
        return new HeldOut(salad.byFold(features(d, nx), fd).logRatio(), fd, salad.byFold(features(sim, nx), fs).logRatio(), w, sp,
                fs, salad.folds(), d[nx], sim[nx], pick(replicas, sSb));
    }

    /** The SIC curve of scores on labelled events (1 signal, 0 background). */
    public static Method curve(String name, double[] score, int[] label) {
        int n = score.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        int nS = 0;
        for (int l : label) {
            nS += l;
        }
        int nB = n - nS;
        if (nS == 0 || nB == 0) {
            throw new IllegalArgumentException("the test set needs signal and background events; it has " + nS
                    + " signal and " + nB + " background events in the signal region");
        }
        List<double[]> pts = new ArrayList<>();
        int ps = 0;
        int pb = 0;
        double max = 0;
        double atMax = 0;
        int step = Math.max(1, n / 400);
        for (int k = 0; k < n; k++) {
            if (label[order[k]] == 1) {
                ps++;
            } else {
                pb++;
            }
            boolean last = k == n - 1 || score[order[k + 1]] != score[order[k]];
            if (!last || pb == 0) {
                continue;
            }
            double es = ps / (double) nS;
            double eb = pb / (double) nB;
            double sic = es / Math.sqrt(eb);
            if (pb >= MIN_BACKGROUND_PASSING && sic > max) {
                max = sic;
                atMax = es;
            }
            if (pb >= MIN_BACKGROUND_PASSING && (k % step == 0 || k == n - 1)) {
                pts.add(new double[] {es, eb, sic});
            }
        }
        double[] sS = new double[n - nB];
        double[] sB = new double[nB];
        int a = 0;
        int b = 0;
        for (int i = 0; i < n; i++) {
            if (label[i] == 1) {
                sS[a++] = score[i];
            } else {
                sB[b++] = score[i];
            }
        }
        return new Method(name, pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray(),
                pts.stream().mapToDouble(p -> p[2]).toArray(), max, atMax, Auc.of(sS, null, sB, null));
    }

    /** max SIC per method name. */
    public Map<String, Double> maxSic() {
        Map<String, Double> m = new LinkedHashMap<>();
        methods.forEach(x -> m.put(x.name(), x.maxSic()));
        return m;
    }

    private static double[][] features(double[][] withM, int nx) {
        return java.util.Arrays.copyOf(withM, nx);
    }
}
