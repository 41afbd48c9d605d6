package org.ratiofit.workspace.nre;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.likelihood.ParametrisedLogRatio;
import org.ratiofit.likelihood.workspace.ParametrisedRatioResolver;

/**
 * Rebuilds a workspace sample's parametrised ratio from the stored estimator path and feature
 * columns ({@link EstimatorLogRatio}); registered as the likelihood's {@link ParametrisedRatioResolver}
 * service, so {@code WorkspaceReader.read} finds it whenever workspace-builder is on the class path.
 */
public final class EstimatorRatioResolver implements ParametrisedRatioResolver {

    @Override
    public ParametrisedLogRatio resolve(Path estimator, List<String> parameters, List<String> featureNames, double[][] features, String where)
            throws IOException {
        Map<String, double[]> cols = new LinkedHashMap<>();
        for (int j = 0; j < featureNames.size(); j++) cols.put(featureNames.get(j), features[j]);
        EstimatorLogRatio f = EstimatorLogRatio.open(estimator, cols, where + ".estimator", null);
        if (!f.parameters().equals(parameters)) {
            f.close();
            throw new IllegalArgumentException(where + ": the sample's parametrised_ratio names parameters " + parameters + " but estimator "
                    + estimator + " has " + f.parameters());
        }
        return f;
    }
}
