package org.ratiofit.likelihood;

import java.util.List;

/**
 * One sample's per-event columns in an event set.
 *
 * @param logRatio   ln(p_sample(x_i) / p_reference(x_i)) per event
 * @param shapeUp    per shapesys modifier of the sample (in its order): r+(x_i)/r0(x_i)
 * @param shapeDown  likewise r-(x_i)/r0(x_i)
 * @param polynomial per monomial of the sample's polynomial modifier: Delta_A(x_i); empty without one
 */
public record SampleColumns(double[] logRatio, List<double[]> shapeUp, List<double[]> shapeDown, List<double[]> polynomial) {

    public SampleColumns {
        shapeUp = List.copyOf(shapeUp);
        shapeDown = List.copyOf(shapeDown);
        polynomial = List.copyOf(polynomial);
    }

    public static SampleColumns of(double[] logRatio) {
        return new SampleColumns(logRatio, List.of(), List.of(), List.of());
    }
}
