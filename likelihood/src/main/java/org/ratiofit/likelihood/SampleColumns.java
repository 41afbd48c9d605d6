package org.ratiofit.likelihood;

import java.util.List;

/**
 * One sample's per-event columns in an event set.
 *
 * @param logRatio     ln(p_sample(x_i) / p_reference(x_i)) per event
 * @param shapeUp      per shapesys modifier of the sample (in its order): r+(x_i)/r0(x_i)
 * @param shapeDown    likewise r-(x_i)/r0(x_i)
 * @param polynomial   per monomial of the sample's polynomial modifier: Delta_A(x_i); empty without one
 * @param parametrised for a sample with a {@link Modifier.ParametrisedRatio}: its θ-dependent columns,
 *                     whose log-ratio array is {@code logRatio} (refreshed in place when θ changes); null otherwise
 */
public record SampleColumns(double[] logRatio, List<double[]> shapeUp, List<double[]> shapeDown, List<double[]> polynomial,
                            ParametrisedColumns parametrised) {

    public SampleColumns {
        shapeUp = List.copyOf(shapeUp);
        shapeDown = List.copyOf(shapeDown);
        polynomial = List.copyOf(polynomial);
        if (parametrised != null && logRatio != parametrised.logRatio()) {
            throw new IllegalArgumentException("a parametrised sample's log-ratio column must be its ParametrisedColumns' own array");
        }
    }

    /** Fixed columns (no θ-dependent log-ratio). */
    public SampleColumns(double[] logRatio, List<double[]> shapeUp, List<double[]> shapeDown, List<double[]> polynomial) {
        this(logRatio, shapeUp, shapeDown, polynomial, null);
    }

    public static SampleColumns of(double[] logRatio) {
        return new SampleColumns(logRatio, List.of(), List.of(), List.of());
    }

    /** The columns of a sample whose log-ratio ln r(x_i|θ) comes from {@code columns} (no shape or polynomial columns). */
    public static SampleColumns of(ParametrisedColumns columns) {
        return new SampleColumns(columns.logRatio(), List.of(), List.of(), List.of(), columns);
    }
}
