package org.ratiofit.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.workspace.WorkspaceSource;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.validation.toys.GaussianOnExponential;
import org.ratiofit.validation.toys.ToyWorkspaces;

/**
 * An executor JVM reads a workspace once for all its tasks (the recipe, shipped anew in every task,
 * finds the model loaded by an earlier one), and again only when the workspace at that path was
 * rewritten.
 */
class ExecutorModelsTest {

    static final GaussianOnExponential TOY = new GaussianOnExponential(GaussianOnExponential.Config.standard());

    @TempDir
    Path tmp;

    static Model workspace(long dataSeed) {
        return ToyWorkspaces.gaussianOnExponential(TOY, TOY.generate(new double[] {0.3, 0, 0}, dataSeed), 2000, 6, false);
    }

    @Test
    void aWorkspaceIsLoadedOncePerJvmAndAgainWhenRewritten() throws Exception {
        Path ws = tmp.resolve("ws");
        WorkspaceWriter.write(workspace(5), ws);
        long loads = ExecutorModels.loads();
        StatisticalModel first = ExecutorModels.get(WorkspaceSource.of(ws, Map.of(), Map.of(), false));
        // each task deserialises its own copy of the recipe: equal, not the same object
        StatisticalModel again = ExecutorModels.get(WorkspaceSource.of(ws, Map.of(), Map.of(), false));
        assertSame(first, again);
        assertEquals(loads + 1, ExecutorModels.loads());
        // another recipe for the same directory (a parameter fixed) is another model
        StatisticalModel fixed = ExecutorModels.get(WorkspaceSource.of(ws, Map.of(), Map.of("mu", 1.0), false));
        assertNotSame(first, fixed);
        assertEquals(loads + 2, ExecutorModels.loads());

        Model other = workspace(6);
        WorkspaceWriter.write(other, ws);
        StatisticalModel reread = ExecutorModels.get(WorkspaceSource.of(ws, Map.of(), Map.of(), false));
        assertNotSame(first, reread, "the workspace was rewritten: the executor must read it again");
        assertEquals(loads + 3, ExecutorModels.loads());
        double[] p = first.parameters().stream().mapToDouble(s -> s.initial()).toArray();
        assertEquals(other.value(p), reread.value(p), 1e-9 * Math.abs(other.value(p)), "the rewritten workspace's likelihood");
        assertSame(reread, ExecutorModels.get(WorkspaceSource.of(ws, Map.of(), Map.of(), false)));
    }
}
