package org.ratiofit.ratio.data;

/**
 * An event file that cannot be read as asked: the message names the file and, where it applies,
 * the line and the column. Unchecked so that it passes through streams and lambdas unchanged.
 */
public class EventFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public EventFileException(String message) {
        super(message);
    }

    public EventFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
