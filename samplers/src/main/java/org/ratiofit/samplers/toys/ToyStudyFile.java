package org.ratiofit.samplers.toys;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.samplers.fit.Json;

/**
 * A toy study on disk: what it is for (the command, the workspace, the confidence levels), the
 * plan (observed values, ensembles, seed) and the toys of one index range. Runs over ranges
 * ({@code --toy-range}, e.g. one per job of a batch array) write one file each; {@link #merge}
 * joins them into the file the whole study would have written.
 *
 * @param command   "limit", "significance" or "neyman"
 * @param workspace the workspace the plan was made from
 * @param levels    the confidence levels of the result
 */
public record ToyStudyFile(int formatVersion, String command, String workspace, double[] levels, ToyPlan plan, ToySamples samples) {

    public static ToyStudyFile of(String command, String workspace, double[] levels, ToyPlan plan, ToySamples samples) {
        return new ToyStudyFile(Json.FORMAT_VERSION, command, workspace, levels.clone(), plan, samples);
    }

    /** Writes beside the target, then renames: a reader never sees half a file. */
    public void write(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, Json.write(this));
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static ToyStudyFile read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("toy file '" + file + "' does not exist");
        }
        ToyStudyFile f;
        try {
            f = Json.mapper().readValue(file.toFile(), ToyStudyFile.class);
        } catch (IOException e) {
            throw new IOException("'" + file + "' is not a ratiofit toy file: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (f.formatVersion() != Json.FORMAT_VERSION || f.plan() == null || f.samples() == null) {
            throw new IOException("'" + file + "' is not a ratiofit toy file of format version " + Json.FORMAT_VERSION);
        }
        return f;
    }

    /**
     * The same plan: kind, statistic, grid, seed and fit settings exactly; the numbers fitted to
     * the data (observed statistic, best fit, asymptotic values) to 1e-8 relative, since another
     * machine may round their last bits differently. The merged result uses the first file's.
     */
    static boolean samePlan(ToyPlan a, ToyPlan b) {
        if (a.kind() != b.kind() || a.statistic() != b.statistic() || a.seed() != b.seed() || !a.fit().equals(b.fit())
                || !a.parameterOfInterest().equals(b.parameterOfInterest()) || !java.util.Arrays.equals(a.grid(), b.grid())
                || !ToySamples.close(a.observed(), b.observed()) || !ToySamples.close(new double[] {a.observedMuHat()}, new double[] {b.observedMuHat()})
                || a.asymptotic().length != b.asymptotic().length) {
            return false;
        }
        for (int i = 0; i < a.asymptotic().length; i++) {
            if (!ToySamples.close(a.asymptotic()[i], b.asymptotic()[i])) {
                return false;
            }
        }
        return ToySamples.sameDefinition(a.study(0, 1), b.study(0, 1));
    }

    /**
     * Joins files of one study: same command, workspace, levels and plan (same data and options);
     * their ranges must tile an interval.
     */
    public static ToyStudyFile merge(List<ToyStudyFile> parts, List<String> names) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no toy files to merge");
        }
        ToyStudyFile first = parts.get(0);
        List<ToySamples> samples = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
            ToyStudyFile p = parts.get(k);
            if (!p.command().equals(first.command()) || !java.util.Arrays.equals(p.levels(), first.levels())
                    || !samePlan(p.plan(), first.plan())) {
                throw new IllegalArgumentException("'" + names.get(k) + "' belongs to another study than '" + names.get(0)
                        + "' (command, levels, observed values, seed or ensembles differ)");
            }
            samples.add(p.samples());
        }
        return new ToyStudyFile(Json.FORMAT_VERSION, first.command(), first.workspace(), first.levels(), first.plan(),
                ToySamples.merge(samples));
    }
}
