package org.ratiofit.cli;

import java.nio.file.Path;

/** The demo's build step (WorkspaceBuilder, branch wsbuild): not merged yet. */
final class DemoBuild {
    private DemoBuild() {
    }

    static void build(Path config, Path workspace) {
        throw new UnsupportedOperationException("the workspace builder is not in this build yet");
    }
}
