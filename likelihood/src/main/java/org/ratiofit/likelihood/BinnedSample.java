package org.ratiofit.likelihood;

import java.util.Arrays;
import java.util.List;

/**
 * A sample of a binned channel.
 *
 * @param name    sample name
 * @param nominal nominal expected yield per bin
 * @param modifiers yield modifiers (normfactor, coefficient, normsys) and histosys
 * @param mcStat  whether the channel's per-bin MC statistical factors multiply this sample
 */
public record BinnedSample(String name, double[] nominal, List<Modifier> modifiers, boolean mcStat) {

    public BinnedSample {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("sample name must not be empty");
        }
        modifiers = List.copyOf(modifiers);
        for (int b = 0; b < nominal.length; b++) {
            if (!Double.isFinite(nominal[b])) {
                throw new IllegalArgumentException("binned sample '" + name + "': non-finite nominal yield at bin " + b);
            }
        }
        for (Modifier m : modifiers) {
            if (m instanceof Modifier.ShapeSys || m instanceof Modifier.Polynomial || m instanceof Modifier.YieldSpline
                    || m instanceof Modifier.ParametrisedRatio) {
                throw new IllegalArgumentException("binned sample '" + name + "': " + m.getClass().getSimpleName()
                        + " is per-event (unbinned only); use histosys");
            }
            if (m instanceof Modifier.HistoSys h && h.up().length != nominal.length) {
                throw new IllegalArgumentException("binned sample '" + name + "': histosys '" + h.parameter() + "' has "
                        + h.up().length + " bins, the sample " + nominal.length);
            }
            if (m instanceof Modifier.PerBin pb && pb.bins().length != nominal.length) {
                throw new IllegalArgumentException("binned sample '" + name + "': " + pb.type() + " '" + pb.name() + "' has "
                        + pb.bins().length + " bins, the sample " + nominal.length);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinnedSample x && x.name.equals(name) && Arrays.equals(x.nominal, nominal)
                && x.modifiers.equals(modifiers) && x.mcStat == mcStat;
    }

    @Override
    public int hashCode() {
        return name.hashCode() + Arrays.hashCode(nominal);
    }
}
