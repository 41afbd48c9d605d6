package org.ratiofit.ratio;

/** Bad model, sidecar, ensemble or input; the message names the model and the item. */
public class RatioModelException extends RuntimeException {
    public RatioModelException(String message) {
        super(message);
    }

    public RatioModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
