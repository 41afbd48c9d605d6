package org.ratiofit.likelihood.workspace;

/** A combination of workspaces that cannot be made: inconsistent constraints, clashing channels, bad renames. */
public final class CombinationException extends IllegalArgumentException {

    public CombinationException(String message) {
        super(message);
    }
}
