package org.ratiofit.likelihood.histfactory;

import java.util.List;

/**
 * A pyhf (HistFactory JSON) file that cannot be used: the message names the file and the JSON
 * path of each problem; {@link #problems()} lists them one by one.
 */
public final class HistFactoryException extends IllegalArgumentException {

    private final List<String> problems;

    public HistFactoryException(String message) {
        this(message, List.of(message));
    }

    public HistFactoryException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
