package org.ratiofit.likelihood.workspace;

/** A workspace directory that cannot be read: the message names the file, the field and the value. */
public final class WorkspaceFormatException extends IllegalArgumentException {

    public WorkspaceFormatException(String message) {
        super(message);
    }

    public WorkspaceFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
