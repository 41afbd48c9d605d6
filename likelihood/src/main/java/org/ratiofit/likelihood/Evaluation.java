package org.ratiofit.likelihood;

/**
 * One evaluation of the model's -ln L.
 *
 * @param value         -ln L (errordef 0.5), or +infinity where the model is not defined
 * @param gradient      d(-ln L)/d(theta) for every parameter (fixed ones included); null when not
 *                      asked for; zeros when the value is infinite
 * @param invalidEvents events (or bins) where the mixture density / expected count is not positive
 * @param reason        why the value is infinite, readable; null when finite
 */
public record Evaluation(double value, double[] gradient, long invalidEvents, String reason) {

    public boolean isValid() {
        return reason == null;
    }
}
