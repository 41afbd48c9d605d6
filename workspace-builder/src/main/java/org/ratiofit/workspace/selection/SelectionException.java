package org.ratiofit.workspace.selection;

/** A selection expression that does not parse; the message shows the expression and where. */
public final class SelectionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int position;

    public SelectionException(String expression, int position, String problem) {
        super(problem + " at character " + (position + 1) + " of '" + expression + "'");
        this.position = position;
    }

    /** Zero-based character position of the problem in the expression. */
    public int position() {
        return position;
    }
}
