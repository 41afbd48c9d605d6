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

    /**
     * The names, sizes and modification times of the directory's files (a workspace is rewritten
     * whole: {@link WorkspaceWriter} replaces workspace.json last), so that an executor holding the
     * model reloads it once the workspace at this path changed; an unreadable directory gives a
     * stamp of its own, and {@link #load()} then says what is wrong.
     */
    @Override
    public String stamp() {
        StringBuilder s = new StringBuilder();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(Path.of(directory))) {
            for (Path f : files.sorted().toList()) {
                java.nio.file.attribute.BasicFileAttributes a = java.nio.file.Files.readAttributes(f,
                        java.nio.file.attribute.BasicFileAttributes.class);
                s.append(f.getFileName()).append(':').append(a.size()).append(':').append(a.lastModifiedTime().to(
                        java.util.concurrent.TimeUnit.NANOSECONDS)).append(';');
            }
        } catch (java.io.IOException | RuntimeException e) {
            return "unreadable: " + e;
        }
        return s.toString();
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
