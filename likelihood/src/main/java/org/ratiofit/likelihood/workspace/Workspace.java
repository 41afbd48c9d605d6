package org.ratiofit.likelihood.workspace;

import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Parameter;

/** The content of a workspace directory: parameters and channels, ready to become a {@link Model}. */
public record Workspace(List<Parameter> parameters, List<Channel> channels) {

    /** The format name in workspace.json's "format" field. */
    public static final String FORMAT = "ratiofit-workspace";
    /** The format version this code writes and reads. */
    public static final int VERSION = 1;
    /**
     * The version of a workspace with a parametrised ratio (a sample's log-ratio r(x|θ) from an
     * estimator, {@code parametrised_ratio}); written only then, so that the others stay readable by
     * older readers. This code reads both.
     */
    public static final int VERSION_PARAMETRISED = 2;
    /** The JSON file inside the workspace directory. */
    public static final String FILE = "workspace.json";

    public Workspace {
        parameters = List.copyOf(parameters);
        channels = List.copyOf(channels);
    }

    public static Workspace of(Model model) {
        return new Workspace(model.modelParameters(), model.channels());
    }

    public Model toModel() {
        return new Model(parameters, channels);
    }

    public Model toModel(ForkJoinPool pool) {
        return new Model(parameters, channels, pool);
    }
}
