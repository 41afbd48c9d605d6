package org.ratiofit.likelihood.workspace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.objective.StatisticalModelSource;

/**
 * A workspace as a recipe a distributed engine ships to its executors: the directory (which must
 * be readable at the same path on every executor: a shared filesystem), start values and fixed
 * parameters, and the storage precision. Each executor reads the workspace once and builds the
 * model without an event-loop pool (its toys run in parallel instead).
 *
 * @param directory the workspace directory, absolute
 * @param set       start values by parameter name
 * @param fix       fixed values by parameter name
 * @param float32   float32 storage of the per-event shape columns
 */
public record WorkspaceSource(String directory, Map<String, Double> set, Map<String, Double> fix, boolean float32)
        implements StatisticalModelSource {

    public WorkspaceSource {
        set = new LinkedHashMap<>(set);
        fix = new LinkedHashMap<>(fix);
    }

    public static WorkspaceSource of(Path directory, Map<String, Double> set, Map<String, Double> fix, boolean float32) {
        return new WorkspaceSource(directory.toAbsolutePath().normalize().toString(), set, fix, float32);
    }

    @Override
    public Model load() {
        Workspace ws;
        try {
            ws = WorkspaceReader.read(Path.of(directory));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the workspace '" + directory + "' (on an executor it must lie at the same path, "
                    + "on a shared filesystem): " + e.getMessage(), e);
        }
        List<Parameter> params = new ArrayList<>(ws.parameters());
        List<String> names = params.stream().map(Parameter::name).toList();
        set.forEach((k, v) -> {
            int i = index(names, k);
            params.set(i, params.get(i).withInitial(v));
        });
        fix.forEach((k, v) -> {
            int i = index(names, k);
            params.set(i, params.get(i).withInitial(v).withFixed(true));
        });
        return new Model(params, ws.channels(), null, float32);
    }

    private int index(List<String> names, String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("workspace '" + directory + "' has no parameter '" + name + "'; it has " + names);
        }
        return i;
    }

    @Override
    public String describe() {
        return "workspace " + directory;
    }
}
