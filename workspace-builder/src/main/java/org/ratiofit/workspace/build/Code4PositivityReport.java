package org.ratiofit.workspace.build;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.LogInterpolation;
import org.ratiofit.likelihood.Modifier;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.UnbinnedSample;

/**
 * Build-time report (issue 13): per unbinned region, sample and code-4 shape systematic, how many
 * data and reference events have up/down ratios for which HistFactory's code-4 polynomial is not
 * safely positive on [-1, 1]. ratiofit interpolates shape factors in log space, positive for every
 * event, so nothing is dropped; the count says where the per-event ratios are large (and where a
 * polynomial code 4, as in the public NSBI toolkits, would have put +infinity into -ln L).
 */
final class Code4PositivityReport {

    private Code4PositivityReport() {
    }

    /** One line per column with any such event; none when all are safe. */
    static List<String> lines(List<Channel> channels) {
        List<String> out = new ArrayList<>();
        for (Channel c : channels) {
            if (!(c instanceof UnbinnedChannel u)) {
                continue;
            }
            for (UnbinnedSample s : u.samples()) {
                List<Modifier.ShapeSys> shapes = s.shapeSystematics();
                SampleColumns dc = u.data().columns().get(s.name());
                SampleColumns rc = u.reference() == null ? null : u.reference().columns().get(s.name());
                for (int k = 0; k < shapes.size(); k++) {
                    if (shapes.get(k).code() != 4) {
                        continue;
                    }
                    int nd = LogInterpolation.countPolynomialNotPositive(dc.shapeUp().get(k), dc.shapeDown().get(k));
                    int nr = rc == null ? 0 : LogInterpolation.countPolynomialNotPositive(rc.shapeUp().get(k), rc.shapeDown().get(k));
                    if (nd + nr > 0) {
                        out.add("region '" + u.name() + "': shape '" + shapes.get(k).parameter() + "' on sample '" + s.name() + "': " + nd + " of "
                                + u.data().events() + " data and " + nr + " of " + (u.reference() == null ? 0 : u.reference().events())
                                + " reference events have |ln(r+-/r0)| so large that HistFactory's code-4 polynomial would not stay positive"
                                + " on [-1, 1]; ratiofit's log-space interpolation keeps them positive (likelihood/README.md, issue 13)");
                    }
                }
            }
        }
        return out;
    }
}
