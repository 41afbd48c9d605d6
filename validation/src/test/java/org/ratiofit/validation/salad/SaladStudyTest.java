package org.ratiofit.validation.salad;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.ratiofit.validation.report.Plots;

/**
 * The SALAD studies of issue 17 on the toy (slow; run with
 * {@code mvn -B -o -pl validation -am test -Dtest=SaladStudyTest -Dsurefire.failIfNoSpecifiedTests=false -Pvalidation}):
 * max SIC against the injected signal fraction for SALAD, idealised and supervised (figure in
 * validation/target/salad-study/), and the background prediction after the selection over
 * signal-free pseudo-data sets (pulls, and how often the selection shows more than 2σ).
 */
@Tag("slow")
class SaladStudyTest {

    static final KFoldClassifier.Settings STUDY = new KFoldClassifier.Settings(2, 3, 30, List.of(32, 32), 256, 3e-3, 5L, true);
    static final Path OUT = Path.of("target", "salad-study");

    @Test
    void maxSicAgainstSignalFraction(@TempDir Path dir) throws Exception {
        double[] fractions = {0.02, 0.05, 0.1, 0.2};
        Map<String, double[]> sic = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder("fraction  SALAD  idealised  supervised  dataVsBkgAUC\n");
        for (int f = 0; f < fractions.length; f++) {
            Path d = dir.resolve("f" + f);
            SaladEvents ev = SaladEvents.load(SaladConfigLoader.load(SaladToy.of(40000, 40000, fractions[f]).write(d, 100 + f)));
            SimulationReweighting rw = SimulationReweighting.of(ev, STUDY);
            AnomalySearch a = AnomalySearch.of(ev, rw.weights(), rw.spread(), STUDY);
            for (AnomalySearch.Method m : a.methods()) {
                sic.computeIfAbsent(m.name(), k -> new double[fractions.length])[f] = m.maxSic();
            }
            table.append(String.format(Locale.ROOT, "%8.3f  %5.2f  %9.2f  %10.2f  %.3f ± %.3f%n", fractions[f],
                    a.maxSic().get("SALAD"), a.maxSic().get("idealised"), a.maxSic().get("supervised"),
                    a.dataVsBackground().value(), a.dataVsBackground().error()));
            System.out.print(table);
        }
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve("max-sic.txt"), table);
        XYChart c = Plots.chart("SALAD toy: max SIC against the injected signal fraction",
                "signal / SR background", "max SIC");
        for (Map.Entry<String, double[]> e : sic.entrySet()) {
            c.addSeries(e.getKey(), fractions, e.getValue()).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        }
        Plots.save(c, OUT, "salad-max-sic");
        // the supervised classifier bounds the others; SALAD finds the larger signals
        assertTrue(sic.get("SALAD")[fractions.length - 1] > 1.5, table.toString());
    }

    /**
     * "max SIC of SALAD approaches the idealised classifier's as the data grow": the same toy (signal
     * 5% of the SR background, a fixed test set of 20 000 background + 2 000 signal SR events) at
     * growing data and simulation sizes; per size the max SIC of SALAD, idealised and supervised and
     * the ratio SALAD/idealised. One toy per size and seed; -Dsalad.sizes=10000,20000,40000,
     * -Dsalad.fraction=0.05 and -Dsalad.seeds=1 vary it (each seed a different toy). Table and figure
     * in target/salad-study/ (max-sic-growth.txt, salad-max-sic-growth.png).
     */
    @Test
    void maxSicApproachesTheIdealisedAsTheDataGrow(@TempDir Path dir) throws Exception {
        int[] sizes = java.util.Arrays.stream(System.getProperty("salad.sizes", "10000,20000,40000").split(","))
                .mapToInt(x -> Integer.parseInt(x.trim())).toArray();
        double fraction = Double.parseDouble(System.getProperty("salad.fraction", "0.05"));
        int seeds = Integer.getInteger("salad.seeds", 1);
        Map<String, double[]> sic = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "signal fraction %.3f, %d toy(s) per size; mean max SIC (spread over toys)%n"
                        + "events  SALAD  idealised  supervised  SALAD/idealised  dataVsBkgAUC  seconds%n", fraction, seeds));
        double[] x = new double[sizes.length];
        for (int n = 0; n < sizes.length; n++) {
            x[n] = sizes[n];
            double[][] v = new double[3][seeds];
            double auc = 0;
            long t0 = System.nanoTime();
            for (int k = 0; k < seeds; k++) {
                Path d = dir.resolve("n" + sizes[n] + "_" + k);
                SaladEvents ev = SaladEvents.load(SaladConfigLoader.load(SaladToy.of(sizes[n], sizes[n], fraction).write(d, 300 + k)));
                SimulationReweighting rw = SimulationReweighting.of(ev, STUDY);
                AnomalySearch a = AnomalySearch.of(ev, rw.weights(), rw.spread(), STUDY);
                v[0][k] = a.maxSic().get("SALAD");
                v[1][k] = a.maxSic().get("idealised");
                v[2][k] = a.maxSic().get("supervised");
                auc += a.dataVsBackground().value() / seeds;
            }
            String[] names = {"SALAD", "idealised", "supervised"};
            for (int j = 0; j < 3; j++) {
                sic.computeIfAbsent(names[j], q -> new double[sizes.length])[n] = mean(v[j]);
            }
            table.append(String.format(Locale.ROOT, "%6d  %s  %s  %s  %15.2f  %12.3f  %7.0f%n", sizes[n], cell(v[0]), cell(v[1]),
                    cell(v[2]), mean(v[0]) / mean(v[1]), auc, (System.nanoTime() - t0) * 1e-9));
            System.out.print(table);
        }
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve("max-sic-growth.txt"), table);
        XYChart c = Plots.chart(String.format(Locale.ROOT, "SALAD toy: max SIC against the data size (signal %.0f%% of the SR background)",
                100 * fraction), "data (= simulation) events", "max SIC");
        for (Map.Entry<String, double[]> e : sic.entrySet()) {
            c.addSeries(e.getKey(), x, e.getValue()).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        }
        Plots.save(c, OUT, "salad-max-sic-growth");
        int last = sizes.length - 1;
        double ratioLast = sic.get("SALAD")[last] / sic.get("idealised")[last];
        // at the largest size SALAD is within 20% of the idealised classifier and has found the signal
        assertTrue(ratioLast > 0.8 && sic.get("SALAD")[last] > 1.5, table.toString());
    }

    private static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static String cell(double[] v) {
        double m = mean(v);
        if (v.length == 1) {
            return String.format(Locale.ROOT, "%5.2f", m);
        }
        double sd = Math.sqrt(java.util.Arrays.stream(v).map(a -> (a - m) * (a - m)).sum() / (v.length - 1));
        return String.format(Locale.ROOT, "%5.2f (%.2f)", m, sd);
    }

    /**
     * The criterion (mean pull within 0.2, width within 20% of 1, Z > 2 in at most 5%, Z the
     * discovery significance from q_0 on the selection's workspace as {@code ratiofit significance} gives it; the
     * mean and width within twice their errors over the sets), on the prediction as {@code ratiofit
     * anomaly} makes it: cross-fitted ({@link SaladCrossFit}), the pull's denominator with the
     * reweighting's fold-jackknife error; with -Dsalad.calibrate=true (as {@code --sideband-calibration})
     * also calibrated in the sidebands with the predicting half's data ({@link SidebandCalibration}). The
     * other variant's pulls and workspace Z are among the diagnostics. Each set also reports the same selections predicted with the
     * toy's exact weights and the learned/exact ratio of the selected yield, which separate the
     * reweighting's error from the rest. -Dsalad.noCrossFit=true runs the search against the
     * reweighting on all sideband events and predicts with it (the biased way, for comparison);
     * -Dsalad.exactSearch=true also runs the whole search against the exactly weighted simulation.
     * Runs only on request: -Dsalad.pulls=true (-Dsalad.reweighting=JOINT|FACTORISED, -Dsalad.sets,
     * -Dsalad.firstSet, -Dsalad.members, -Dsalad.folds, -Dsalad.epochs, -Dsalad.width vary the study;
     * ~5 s a set on 2 cores). Results in the README's SALAD section.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "salad.pulls", matches = "true")
    void backgroundPredictionAfterSelectionIsUnbiasedWithoutSignal(@TempDir Path dir) throws Exception {
        int sets = Integer.getInteger("salad.sets", 50);
        // sets first .. first + sets − 1 (data/simulation seed 1000 + set, training seed 10 + set), each its own toy
        int first = Integer.getInteger("salad.firstSet", 0);
        List<Double> pulls = new ArrayList<>();
        List<Double> pullsAll = new ArrayList<>();
        List<Double> exactPulls = new ArrayList<>();
        List<Double> pullsHalf = new ArrayList<>();
        // diagnostics of the selection's bias: the same selections predicted with the exact weights, the whole search
        // run against the exactly weighted simulation, and the pull with the ensemble normsys in its denominator
        Map<String, List<Double>> diag = new LinkedHashMap<>();
        boolean exactSearch = Boolean.getBoolean("salad.exactSearch");
        boolean noCrossFit = Boolean.getBoolean("salad.noCrossFit");
        int members = Integer.getInteger("salad.members", 2);
        int folds = Integer.getInteger("salad.folds", 3);
        int above2 = 0;
        StringBuilder log = new StringBuilder("set observed predicted stat jackRel pull Z normRel pullAll pullHalf pullExact\n");
        for (int k = first; k < first + sets; k++) {
            Path d = dir.resolve("s" + k);
            Path cfg = SaladToy.of(16000, 16000, 0).write(d, 1000 + k);
            // no test set: only the SALAD classifier is trained
            Files.writeString(cfg, Files.readString(cfg).replaceAll("(?s)Truth:.*", ""));
            SaladEvents ev = SaladEvents.load(SaladConfigLoader.load(cfg));
            KFoldClassifier.Settings s = new KFoldClassifier.Settings(members, folds, Integer.getInteger("salad.epochs", 30),
                    List.of(Integer.getInteger("salad.width", 32), Integer.getInteger("salad.width", 32)), 256, 3e-3, 10L + k, true,
                    Integer.getInteger("salad.patience", 5), Double.parseDouble(System.getProperty("salad.finalLr", "0.05")));
            SaladConfig.Reweighting method = SaladConfig.Reweighting.valueOf(System.getProperty("salad.reweighting", "FACTORISED"));
            SimulationReweighting rw;
            AnomalySearch a;
            if (noCrossFit) {
                rw = SimulationReweighting.of(ev, s, method);
                a = AnomalySearch.of(ev, rw.weights(), rw.spread(), s);
            } else {
                // as ratiofit anomaly does: the classifier against one half's reweighting, the prediction from the other
                SaladCrossFit cf = SaladCrossFit.of(ev, s, method);
                rw = cf.predicting();
                a = AnomalySearch.of(ev, cf, s);
            }
            double normRel = SaladSelection.normalisationRelative(rw.weights(), rw.region(), ev.data().indices("SB").length);
            SaladSelection all = SaladSelection.of(a.heldOut(), 1.0, normRel);
            // the same SR prediction with the toy's exact weights (normalised in the sidebands alike)
            double[][] sx = ev.simulation().columns();
            double sbExact = 0;
            double srExact = 0;
            double srLearned = 0;
            for (int i = 0; i < sx[0].length; i++) {
                double re = Math.exp(SaladToy.exactLogRatio(sx[2][i], sx[0][i], sx[1][i]));
                if ("SB".equals(rw.region()[i])) {
                    sbExact += re;
                } else if ("SR".equals(rw.region()[i])) {
                    srExact += re;
                    srLearned += rw.weights()[i];
                }
            }
            double predExact = srExact * ev.data().indices("SB").length / sbExact;
            // with the exact weights the simulation's SR statistics and the sideband normalisation still count
            double[] exactW = new double[sx[0].length];
            double sr2Exact = 0;
            for (int i = 0; i < exactW.length; i++) {
                exactW[i] = Math.exp(SaladToy.exactLogRatio(sx[2][i], sx[0][i], sx[1][i]));
                if ("SR".equals(rw.region()[i])) {
                    double wi = exactW[i] * ev.data().indices("SB").length / sbExact;
                    sr2Exact += wi * wi;
                }
            }
            double exactNorm = predExact * SaladSelection.normalisationRelative(exactW, rw.region(), ev.data().indices("SB").length);
            exactPulls.add((ev.data().indices("SR").length - predExact) / Math.sqrt(predExact + sr2Exact + exactNorm * exactNorm));
            System.out.printf(Locale.ROOT, "SR: data %d, learned %.1f, exact %.1f%n", ev.data().indices("SR").length,
                    srLearned, predExact);
            if (rw.massMarginal() != null) {
                // the levels of r̂ the factorised reweighting divided out: sidebands (held out per fold) vs SR (all models)
                log.append(String.format(Locale.ROOT, "# rho order %d, chi2/ndf %.1f/%d; level of r: SB %.4f, SR %.4f%n",
                        rw.massMarginal().order(), rw.massMarginal().chi2(), rw.massMarginal().ndf(), meanLevel(rw, "SB"),
                        meanLevel(rw, "SR")));
            }
            int nSb = ev.data().indices("SB").length;
            int[] sSr = ev.simulation().indices("SR");
            double[] exactSr = new double[sSr.length];
            for (int i = 0; i < sSr.length; i++) {
                exactSr[i] = exactW[sSr[i]] * nSb / sbExact;
            }
            AnomalySearch.HeldOut h = a.heldOut();
            AnomalySearch.HeldOut hx = h.withPrediction(exactSr, h.simSpread(), null);
            double exactNormRel = SaladSelection.normalisationRelative(exactW, rw.region(), nSb);
            for (double eff : new double[] {1.0, 0.5, 0.1}) {
                SaladSelection learned = SaladSelection.of(h, eff, normRel);
                SaladSelection exactPred = SaladSelection.of(hx, eff, exactNormRel);
                diag.computeIfAbsent("selection " + eff + ", pull, not calibrated in the sidebands", q -> new ArrayList<>())
                        .add(learned.pull());
                diag.computeIfAbsent("selection " + eff + ", same events, exact weights' prediction", q -> new ArrayList<>())
                        .add(exactPred.pull());
                diag.computeIfAbsent("selection " + eff + ", learned/exact prediction - 1", q -> new ArrayList<>())
                        .add(learned.predicted() / exactPred.predicted() - 1);
                double nr = learned.normalisationRelative() * learned.predicted();
                diag.computeIfAbsent("selection " + eff + ", pull without the reweighting's jackknife error", q -> new ArrayList<>())
                        .add((learned.observed() - learned.predicted()) / Math.sqrt(learned.predicted()
                                + learned.statError() * learned.statError() + nr * nr));
                diag.computeIfAbsent("selection " + eff + ", jackknife relative error", q -> new ArrayList<>())
                        .add(learned.reweightingRelative());
                diag.computeIfAbsent("selection " + eff + ", ensemble bound (relative)", q -> new ArrayList<>())
                        .add(learned.ensembleRelative());
                // interpolation or shape: the learned/exact ratio of the passing SR events in the SR's middle half in m
                // (farthest from the sidebands) and in its outer half
                double[] thr = SaladSelection.thresholds(h, eff);
                double[] lrn = new double[2];
                double[] ext = new double[2];
                for (int i = 0; i < h.simScore().length; i++) {
                    if (h.simScore()[i] > thr[h.simFold()[i]]) {
                        int part = Math.abs(h.simM()[i] - (SaladToy.SR_LOW + SaladToy.SR_HIGH) / 2) < (SaladToy.SR_HIGH - SaladToy.SR_LOW) / 4 ? 0 : 1;
                        lrn[part] += h.simWeight()[i];
                        ext[part] += exactSr[i];
                    }
                }
                // the SR events scored as the sideband ones are: each by one fold's models, fold (i div 2) mod k
                if (h.simReplicas() != null) {
                    int kk = h.simReplicas().length;
                    double own = 0;
                    double ownExact = 0;
                    for (int i = 0; i < h.simScore().length; i++) {
                        if (h.simScore()[i] > thr[h.simFold()[i]]) {
                            own += h.simReplicas()[(sSr[i] / 2) % kk][i];
                            ownExact += exactSr[i];
                        }
                    }
                    diag.computeIfAbsent("selection " + eff + ", SR scored by one fold's models, learned/exact - 1",
                            q -> new ArrayList<>()).add(own / ownExact - 1);
                }
                diag.computeIfAbsent("selection " + eff + ", SR middle half in m, learned/exact - 1", q -> new ArrayList<>())
                        .add(lrn[0] / ext[0] - 1);
                diag.computeIfAbsent("selection " + eff + ", SR outer half in m, learned/exact - 1", q -> new ArrayList<>())
                        .add(lrn[1] / ext[1] - 1);
                // the same selection in the sidebands (the SR classifier's fold models on events none trained on):
                // is the reweighting's selected error there too, where the data can see it?
                AnomalySearch.HeldOut sb = a.sidebands();
                double[] t = SaladSelection.thresholds(h, eff);
                int[] sSb = ev.simulation().indices("SB");
                int obsSb = 0;
                for (int i = 0; i < sb.dataScore().length; i++) {
                    obsSb += sb.dataScore()[i] > t[sb.dataFold()[i]] ? 1 : 0;
                }
                double predSb = 0;
                double predSb2 = 0;
                double exactSb = 0;
                for (int i = 0; i < sb.simScore().length; i++) {
                    if (sb.simScore()[i] > t[sb.simFold()[i]]) {
                        predSb += sb.simWeight()[i];
                        predSb2 += sb.simWeight()[i] * sb.simWeight()[i];
                        exactSb += exactW[sSb[i]] * nSb / sbExact;
                    }
                }
                diag.computeIfAbsent("sidebands, selection " + eff + ", learned/exact prediction - 1", q -> new ArrayList<>())
                        .add(predSb / exactSb - 1);
                diag.computeIfAbsent("sidebands, selection " + eff + ", observed/learned - 1", q -> new ArrayList<>())
                        .add(obsSb / predSb - 1);
                // the SR prediction scaled by the sidebands' observed/predicted after the same selection
                double c = obsSb / predSb;
                double p = learned.predicted() * c;
                // the reweighting's error of the SR/SB ratio: a jackknife over the replicas of both
                double[] ratioK = new double[h.simReplicas().length];
                for (int q = 0; q < ratioK.length; q++) {
                    double ySr = 0;
                    double ySb = 0;
                    for (int i = 0; i < h.simScore().length; i++) {
                        ySr += h.simScore()[i] > t[h.simFold()[i]] ? h.simReplicas()[q][i] : 0;
                    }
                    for (int i = 0; i < sb.simScore().length; i++) {
                        ySb += sb.simScore()[i] > t[sb.simFold()[i]] ? sb.simReplicas()[q][i] : 0;
                    }
                    ratioK[q] = ySr / ySb;
                }
                double jr = Math.sqrt(SaladSelection.jackknifeVariance(ratioK)) / (learned.predicted() / predSb);
                diag.computeIfAbsent("selection " + eff + ", jackknife relative error of SR/SB", q -> new ArrayList<>()).add(jr);
                double rel2 = Math.pow(learned.statError() / learned.predicted(), 2) + 1.0 / obsSb + predSb2 / (predSb * predSb)
                        + jr * jr;
                diag.computeIfAbsent("selection " + eff + ", calibrated with all sideband data (even-index half included): pull", q -> new ArrayList<>())
                        .add((learned.observed() - p) / Math.sqrt(p + p * p * rel2));
                // the sideband data of each half apart: the selecting reweighting trained on the even-index events, whose
                // fluctuations the classifier may have learned; the odd-index half is clean
                int[] dSbIdx = ev.data().indices("SB");
                int[] passHalf = new int[2];
                int[] allHalf = new int[2];
                for (int i = 0; i < sb.dataScore().length; i++) {
                    int hf = dSbIdx[i] % 2;
                    allHalf[hf]++;
                    passHalf[hf] += sb.dataScore()[i] > t[sb.dataFold()[i]] ? 1 : 0;
                }
                double sbTot = 0;
                for (double wv : sb.simWeight()) {
                    sbTot += wv;
                }
                double fPred = predSb / sbTot;
                for (int hf = 0; hf < 2; hf++) {
                    double fData = (double) passHalf[hf] / allHalf[hf];
                    diag.computeIfAbsent("sidebands, selection " + eff + ", half " + hf + " data: observed/learned - 1",
                            q -> new ArrayList<>()).add(fData / fPred - 1);
                }
            }
            if (exactSearch) {
                double[] exactAll = new double[exactW.length];
                for (int i = 0; i < exactAll.length; i++) {
                    exactAll[i] = exactW[i] * nSb / sbExact;
                }
                AnomalySearch ax = AnomalySearch.of(ev, exactAll, null, s);
                for (double eff : new double[] {1.0, 0.5, 0.1}) {
                    diag.computeIfAbsent("search on the exactly weighted simulation, selection " + eff, q -> new ArrayList<>())
                            .add(SaladSelection.of(ax.heldOut(), eff, exactNormRel).pull());
                }
            }
            // as ratiofit anomaly predicts: cross-fitted, calibrated in the sidebands (the predicting half's data) with
            // -Dsalad.calibrate=true as with --sideband-calibration; the other variant among the diagnostics
            boolean calibrate = Boolean.getBoolean("salad.calibrate");
            boolean[] oddSb = SidebandCalibration.predictingHalf(ev.data().indices("SB"));
            SaladSelection half = SaladSelection.of(a.heldOut(), 0.5, normRel);
            SaladSelection sel = SaladSelection.of(a.heldOut(), 0.1, normRel);
            SaladSelection other = null;
            if (!noCrossFit) {
                SaladSelection allC = all.withCalibration(SidebandCalibration.of(a.heldOut(), a.sidebands(), oddSb, 1.0));
                SaladSelection halfC = half.withCalibration(SidebandCalibration.of(a.heldOut(), a.sidebands(), oddSb, 0.5));
                SaladSelection selC = sel.withCalibration(SidebandCalibration.of(a.heldOut(), a.sidebands(), oddSb, 0.1));
                diag.computeIfAbsent("selection 0.5, calibration factor - 1", q -> new ArrayList<>())
                        .add(halfC.calibration().factor() - 1);
                diag.computeIfAbsent("selection 0.1, calibration factor - 1", q -> new ArrayList<>())
                        .add(selC.calibration().factor() - 1);
                diag.computeIfAbsent("selection 0.1, calibration's relative error (level)", q -> new ArrayList<>())
                        .add(selC.calibration().relativeError());
                diag.computeIfAbsent("selection 0.1, calibration's relative error (reweighting jackknife)",
                        q -> new ArrayList<>()).add(selC.calibration().reweightingRelative());
                diag.computeIfAbsent("selection 1.0, calibrated: pull", q -> new ArrayList<>()).add(allC.pull());
                diag.computeIfAbsent("selection 0.5, calibrated: pull", q -> new ArrayList<>()).add(halfC.pull());
                diag.computeIfAbsent("selection 0.1, calibrated: pull", q -> new ArrayList<>()).add(selC.pull());
                other = calibrate ? sel : selC;
                if (calibrate) {
                    all = allC;
                    half = halfC;
                    sel = selC;
                }
            }
            pullsAll.add(all.pull());
            pullsHalf.add(half.pull());
            double b = sel.background();
            double sigma = Math.sqrt(b + Math.pow(sel.backgroundStatError(), 2) + Math.pow(sel.levelRelative() * b, 2)
                    + Math.pow(sel.reweightingNormsys() * b, 2));
            double zGauss = Math.max(0, sel.observed() - b) / sigma;
            diag.computeIfAbsent("selection 0.1, Gaussian Z > 2 (fraction of sets)", q -> new ArrayList<>())
                    .add(zGauss > 2 ? 1.0 : 0.0);
            // the significance as ratiofit significance gives it: q_0 on the selection's workspace (calibrated: on/off)
            Path ws = d.resolve("salad-pyhf.json");
            sel.writePyhf(ws);
            double z = org.ratiofit.samplers.profile.HypoTests.defaults()
                    .observedDiscovery(org.ratiofit.likelihood.histfactory.PyhfWorkspace.read(ws).model()).significance();
            if (other != null) {
                other.writePyhf(ws);
                double zOther = org.ratiofit.samplers.profile.HypoTests.defaults()
                        .observedDiscovery(org.ratiofit.likelihood.histfactory.PyhfWorkspace.read(ws).model()).significance();
                diag.computeIfAbsent("selection 0.1, " + (calibrate ? "not " : "") + "calibrated: workspace Z > 2 (fraction of sets)",
                        q -> new ArrayList<>()).add(zOther > 2 ? 1.0 : 0.0);
            }
            above2 += z > 2 ? 1 : 0;
            pulls.add(sel.pull());
            log.append(String.format(Locale.ROOT, "%d %d %.1f %.1f %.3f %+.4f %.2f %.4f %+.4f %+.4f %+.4f%n", k, sel.observed(),
                    sel.background(), sel.backgroundStatError(), sel.reweightingNormsys(), sel.pull(), z, normRel, all.pull(), half.pull(),
                    exactPulls.get(exactPulls.size() - 1)));
            System.out.print(log.substring(log.lastIndexOf("\n", log.length() - 2) + 1));
        }
        double mean = pulls.stream().mapToDouble(x -> x).average().orElseThrow();
        double sd = Math.sqrt(pulls.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / (pulls.size() - 1));
        double meanAll = pullsAll.stream().mapToDouble(x -> x).average().orElseThrow();
        double sdAll = Math.sqrt(pullsAll.stream().mapToDouble(x -> (x - meanAll) * (x - meanAll)).sum() / (sets - 1));
        String summary0 = String.format(Locale.ROOT, "reweighting %s; no selection: mean pull %.3f ± %.3f, width %.3f%n",
                System.getProperty("salad.reweighting", "FACTORISED"), meanAll, sdAll / Math.sqrt(sets), sdAll)
                + String.format(Locale.ROOT, "%d sets (%d folds x %d members): selection 0.1: mean pull %.3f ± %.3f,"
                + " pull width %.3f, Z > 2 in %d; no selection: mean pull %.3f, selection 0.5: mean pull %.3f; no selection with exact weights: mean pull %.3f%n", sets, folds,
                members, mean, sd / Math.sqrt(sets), sd, above2, pullsAll.stream().mapToDouble(x -> x).average().orElseThrow(),
                pullsHalf.stream().mapToDouble(x -> x).average().orElseThrow(),
                exactPulls.stream().mapToDouble(x -> x).average().orElseThrow())
                + String.format(Locale.ROOT, "sets %d..%d; mean pull ± error (width): no selection %s, selection 0.5 %s,"
                + " selection 0.1 %s, no selection with exact weights %s%n", first, first + sets - 1, meanErrWidth(pullsAll),
                meanErrWidth(pullsHalf), meanErrWidth(pulls), meanErrWidth(exactPulls));
        String summary = summary0;
        for (Map.Entry<String, List<Double>> e : diag.entrySet()) {
            summary += e.getKey() + ": " + meanErrWidth(e.getValue()) + "\n";
        }
        System.out.print(summary);
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve("pulls-" + System.getProperty("salad.reweighting", "FACTORISED").toLowerCase(Locale.ROOT)
                + (first == 0 ? "" : "-from" + first) + ".txt"), log + summary);
        assertTrue(Math.abs(mean) < 0.2 + 2 * sd / Math.sqrt(sets), summary);
        assertTrue(Math.abs(sd - 1) < 0.2 + 2 * sd / Math.sqrt(2 * sets), summary);
        assertTrue(above2 <= 0.05 * sets, summary);
    }

    private static String meanErrWidth(List<Double> p) {
        double m = p.stream().mapToDouble(x -> x).average().orElseThrow();
        double sd = Math.sqrt(p.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / (p.size() - 1));
        return String.format(Locale.ROOT, "%+.3f ± %.3f (%.3f)", m, sd / Math.sqrt(p.size()), sd);
    }

    private static double meanLevel(SimulationReweighting rw, String region) {
        double n = 0;
        double s = 0;
        for (ConditionalLevel l : rw.conditionalLevels()) {
            if (region.equals(l.region())) {
                n += l.events();
                s += l.events() * l.level();
            }
        }
        return s / n;
    }
}
