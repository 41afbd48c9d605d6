package org.ratiofit.cli;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.ratiofit.validation.closure.Reweighting;
import org.ratiofit.validation.salad.SaladClosure;
import org.ratiofit.validation.salad.SaladConfig;

/**
 * The SALAD closure report, one for {@code ratiofit reweight} and {@code ratiofit validate --salad}:
 * per region and feature the χ² before and after reweighting with its p-value, the two-sample AUC,
 * the closure plots, and the verdict naming the regions that failed.
 */
final class SaladClosureReport {

    private SaladClosureReport() {}

    static void show(Output o, SaladClosure cl, SaladConfig.Closure settings) throws java.io.IOException {
        o.heading("Closure: reweighted simulation against data (chi2 over " + settings.bins()
                + " equal-population bins, p >= " + settings.minPValue() + "; two-sample AUC within "
                + settings.aucSigma() + " errors of 0.5)");
        List<List<String>> rows = new ArrayList<>();
        for (SaladClosure.RegionClosure r : cl.regions()) {
            for (Reweighting.Feature f : r.features().features()) {
                rows.add(List.of(r.region() + " vs " + r.comparedWith(), f.feature(),
                        Output.num(f.chi2OriginalDenominator()) + " / " + f.ndf(),
                        Output.num(f.chi2()) + " / " + f.ndf(), Output.num4(f.pValue()), f.passed() ? "ok" : "FAIL"));
            }
            if (r.auc() != null) {
                rows.add(List.of(r.region() + " vs " + r.comparedWith(), "two-sample AUC", "",
                        String.format(java.util.Locale.ROOT, "%.4f ± %.4f", r.auc().value(), r.auc().error()),
                        String.format(java.util.Locale.ROOT, "%+.1f sigma", r.auc().pull()), r.aucPassed() ? "ok" : "FAIL"));
            }
            if (o.plotting()) {
                for (Reweighting.Feature f : r.features().features()) {
                    o.figure(plot(r, f), "closure_" + r.region() + "_" + f.feature(),
                            r.region() + ": " + f.feature() + ", data vs simulation before and after reweighting");
                }
            }
        }
        o.table(List.of("region", "feature", "chi2/ndf unweighted", "chi2/ndf reweighted", "p", ""), rows);
        o.paragraph(cl.passed() ? "closure passed in every region" : "closure FAILED in " + String.join(", ", cl.failed()));
    }

    private static XYChart plot(SaladClosure.RegionClosure r, Reweighting.Feature f) {
        XYChart ch = Output.chart(r.region() + ": " + f.feature(), f.feature() + " bin (equal population)", "fraction");
        double[] x = new double[f.numerator().length];
        for (int b = 0; b < x.length; b++) {
            x[b] = b;
        }
        ch.addSeries(r.comparedWith(), x, f.numerator(), f.numeratorError())
                .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        ch.addSeries("simulation", x, f.denominator()).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        ch.addSeries("reweighted simulation", x, f.reweighted()).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        return ch;
    }
}
