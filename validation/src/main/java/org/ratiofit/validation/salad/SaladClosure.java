package org.ratiofit.validation.salad;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.validation.closure.Reweighting;

/**
 * Closure of the reweighted simulation against data, region by region: in the sidebands (each
 * simulated event weighted by models that did not train on it), in every validation region and,
 * when the data carry truth labels, in the signal region against the data's true background. Per
 * region two checks: per feature (the features and m) a χ² over equal-population bins
 * ({@link Reweighting}, the validate command's reweighting check), and a classifier two-sample
 * test (a k-fold classifier between data and the reweighted simulation, AUC with its error; AUC ≈
 * 0.5 is closure). A region closes when every feature's p-value reaches the configured minimum and
 * |AUC − 0.5| stays within the configured number of errors.
 *
 * @param regions one result per region checked
 * @param failed the names of the regions that did not close
 */
public record SaladClosure(int formatVersion, List<RegionClosure> regions, List<String> failed, boolean passed) {

    public static final int FORMAT_VERSION = 1;

    /**
     * @param comparedWith what the reweighted simulation is compared with ("data", "true background")
     * @param features per-feature χ² closure
     * @param auc the two-sample classifier's AUC (null when not run)
     */
    public record RegionClosure(String region, String comparedWith, int dataEvents, int simulationEvents,
            Reweighting features, Auc auc, boolean aucPassed, boolean passed) {}

    /**
     * @param twoSample settings of the two-sample classifiers, or null to skip the classifier test
     */
    public static SaladClosure of(SaladEvents ev, SimulationReweighting rw, KFoldClassifier.Settings twoSample) {
        return of(ev, rw.weights(), twoSample);
    }

    /**
     * The same checks for any per-event weights of the simulation (file order, normalised to the
     * data in the sidebands; {@link SaladWeights} reads and checks them from a file).
     *
     * @param weights per simulated event
     * @param twoSample settings of the two-sample classifiers, or null to skip the classifier test
     */
    public static SaladClosure of(SaladEvents ev, double[] weights, KFoldClassifier.Settings twoSample) {
        if (weights.length != ev.simulation().size()) {
            throw new IllegalArgumentException(weights.length + " weights for " + ev.simulation().size()
                    + " simulated events in " + ev.simulation().file());
        }
        SaladConfig c = ev.config();
        List<String> names = new ArrayList<>(c.features());
        names.add(c.resonantVariable());
        List<RegionClosure> out = new ArrayList<>();
        List<String> regions = new ArrayList<>();
        regions.add("SB");
        c.validationRegions().forEach(v -> regions.add(v.name()));
        long offset = 1000;
        for (String r : regions) {
            out.add(region(ev, weights, r, ev.data().indices(r), "data", names, twoSample, offset++));
        }
        if (ev.data().truth() != null) {
            int[] bkg = java.util.Arrays.stream(ev.data().indices("SR")).filter(i -> ev.data().truth()[i] == 0).toArray();
            out.add(region(ev, weights, "SR", bkg, "true background", names, twoSample, offset));
        }
        List<String> failed = out.stream().filter(x -> !x.passed()).map(x -> x.region() + " (vs " + x.comparedWith() + ")")
                .toList();
        return new SaladClosure(FORMAT_VERSION, out, failed, failed.isEmpty());
    }

    private static RegionClosure region(SaladEvents ev, double[] weights, String name, int[] dataIdx,
            String comparedWith, List<String> names, KFoldClassifier.Settings twoSample, long offset) {
        SaladConfig c = ev.config();
        int[] simIdx = ev.simulation().indices(name);
        if (dataIdx.length < 2 * c.closure().bins() || simIdx.length < 2 * c.closure().bins()) {
            throw new IllegalArgumentException("region " + name + " holds " + dataIdx.length + " data and " + simIdx.length
                    + " simulation events: too few for a closure check in " + c.closure().bins() + " bins");
        }
        double[][] d = ev.data().select(dataIdx);
        double[] dw = ev.data().weights(dataIdx);
        double[][] s = ev.simulation().select(simIdx);
        double[] sw = new double[simIdx.length];
        double[] w0 = ev.simulation().weights(simIdx);
        double[] lr = new double[simIdx.length];
        for (int i = 0; i < simIdx.length; i++) {
            sw[i] = weights[simIdx[i]];
            lr[i] = Math.log(sw[i] / w0[i]);
        }
        // the simulation's own weights w0 times r = w/w0: the check also reports the χ² before reweighting
        Reweighting f = Reweighting.of(names, d, dw, s, w0, lr, c.closure().bins(), c.closure().minPValue());
        Auc auc = null;
        boolean aucOk = true;
        if (twoSample != null) {
            KFoldClassifier k = KFoldClassifier.train(ev.inputs(), d, dw, s, sw, twoSample, offset);
            auc = Auc.of(k.heldOutA(d).logRatio(), dw, k.heldOutB(s).logRatio(), sw);
            aucOk = Math.abs(auc.value() - 0.5) <= c.closure().aucSigma() * auc.error();
        }
        return new RegionClosure(name, comparedWith, dataIdx.length, simIdx.length, f, auc, aucOk, f.passed() && aucOk);
    }
}
