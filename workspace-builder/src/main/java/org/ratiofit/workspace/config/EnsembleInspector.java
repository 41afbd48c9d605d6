package org.ratiofit.workspace.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads what a ratio ensemble folder declares, cheaply (its sidecar metadata, not the networks),
 * so that a configuration is checked against its models before any expensive work. The ONNX
 * ensemble reader of ratio-models implements it; {@link #NONE} checks nothing beyond the folder's
 * existence (done by the validator itself).
 */
public interface EnsembleInspector {

    /**
     * What an ensemble declares.
     *
     * @param features the input feature names, in the order the networks take them
     * @param members the number of ensemble members
     * @param outputs the number of outputs per event (1 for a ratio; one per monomial for a polynomial systematic)
     */
    record EnsembleInfo(List<String> features, int members, int outputs) {}

    /**
     * Inspects an ensemble folder. Throws {@link IOException} or {@link IllegalArgumentException}
     * with a message naming the file when the folder is not a readable ensemble.
     */
    EnsembleInfo inspect(Path folder) throws IOException;

    /** Does not look inside ensemble folders. */
    EnsembleInspector NONE = folder -> null;
}
