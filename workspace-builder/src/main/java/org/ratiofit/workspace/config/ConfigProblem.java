package org.ratiofit.workspace.config;

/**
 * One problem found in a fit configuration.
 *
 * @param path the YAML path of the offending field, e.g. {@code Samples[2].Ensemble}; empty for the whole file
 * @param message what is wrong, naming the value or file
 */
public record ConfigProblem(String path, String message) {
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
