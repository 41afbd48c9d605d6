package org.ratiofit.cli;

import org.ratiofit.samplers.profile.AsimovClosure;

/** The Asimov closure line of {@code limit} and {@code significance}, and its warning. */
final class AsimovCheck {

    private AsimovCheck() {}

    static void report(Output out, AsimovClosure c) {
        out.paragraph("Asimov check: the data set made with " + c.parameter() + " = " + Output.plain(c.injected()) + " fits back to "
                + String.format(java.util.Locale.ROOT, "%.6f", c.muHat()) + " +- " + Output.num4(c.error()) + " ("
                + String.format(java.util.Locale.ROOT, "%.2g", c.pull()) + " errors; at most " + AsimovClosure.MAX_PULL + " pass)");
        String w = c.warning();
        if (w != null) {
            out.paragraph("warning: " + w);
        }
    }
}
