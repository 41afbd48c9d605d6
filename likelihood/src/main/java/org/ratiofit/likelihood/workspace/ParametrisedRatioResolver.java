package org.ratiofit.likelihood.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.ratiofit.likelihood.ParametrisedLogRatio;

/**
 * Turns a stored parametrised ratio (an estimator path and the events' feature columns) back into
 * a {@link ParametrisedLogRatio} when a workspace is read. The likelihood module knows nothing of
 * how the estimator is evaluated: workspace-builder provides the implementation as a
 * {@link ServiceLoader} service ({@code META-INF/services}), found by {@link #find()}.
 */
public interface ParametrisedRatioResolver {

    /**
     * @param estimator    the estimator (resolved against the workspace directory)
     * @param parameters   the fit parameters θ the sample's modifier names, in the function's order
     * @param featureNames the estimator's features, in its input order
     * @param features     [feature][event]
     * @param where        the workspace file and JSON path, for error messages
     */
    ParametrisedLogRatio resolve(Path estimator, List<String> parameters, List<String> featureNames, double[][] features, String where)
            throws IOException;

    /** The first resolver on the class path, or null when there is none. */
    static ParametrisedRatioResolver find() {
        for (ParametrisedRatioResolver r : ServiceLoader.load(ParametrisedRatioResolver.class)) {
            return r;
        }
        return null;
    }
}
