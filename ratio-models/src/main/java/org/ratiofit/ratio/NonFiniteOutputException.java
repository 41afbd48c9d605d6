package org.ratiofit.ratio;

/**
 * The network returned NaN or an infinite value for an event. At an extreme θ of a parametrised
 * model this can be legitimate (ln r = −∞ where the density vanishes), so a likelihood may treat it
 * as "not defined here" rather than as bad input; {@link #row()} names the event.
 */
public final class NonFiniteOutputException extends RatioModelException {
    private final int row;
    private final double value;

    public NonFiniteOutputException(String message, int row, double value) {
        super(message);
        this.row = row;
        this.value = value;
    }

    public int row() {
        return row;
    }

    public double value() {
        return value;
    }
}
