package org.ratiofit.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ratiofit.likelihood.score.ScoreHistogramLikelihood;
import org.ratiofit.workspace.nre.SallyHistogramFile;

/** What {@code fit} adds for a SALLY/SALLINO histogram likelihood: the file, cells, reference and observed event counts. */
final class SallyHistogramReport {

    private SallyHistogramReport() {}

    static Map<String, Object> report(Output out, SallyHistogramFile file) {
        ScoreHistogramLikelihood l = file.likelihood();
        double observed = 0;
        for (double n : l.observedCounts()) observed += n;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", file.file().toString());
        json.put("cells", l.cells());
        json.put("referenceEvents", l.referenceEvents());
        json.put("observedEvents", observed);
        json.put("extended", l.extended());
        out.paragraph("SALLY histogram likelihood " + file.file() + ": " + l.cells() + " cells in the estimated score, " + l.referenceEvents()
                + " reference events reweighted to θ, " + observed + " observed (" + (l.extended() ? "extended" : "shape only")
                + "); gradient exact (the joint scores)");
        return json;
    }
}
