package org.ratiofit.ratio.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.io.AtomicFiles;

/**
 * Saves and reads the full record of trained members as JSON ({@code NAME.training.json}): the
 * configuration, the member's seed, the split (seed, fractions and the event indices of each
 * part), the fitted scaler, the weights and the loss history, so a member can be re-exported,
 * its split rebuilt and its diagnostics redone without retraining.
 */
public final class TrainingRecords {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainingRecords() {
    }

    public static Path save(TrainedMember member, Path dir, String name) {
        Path file = dir.resolve(name + ".training.json");
        try {
            AtomicFiles.write(file, o -> JSON.writeValue(o, member));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write training record " + file + ": " + AtomicFiles.reason(e), e);
        }
        return file;
    }

    public static TrainedMember read(Path file) {
        try {
            TrainedMember m = JSON.readValue(file.toFile(), TrainedMember.class);
            if (m.formatVersion() != TrainedMember.FORMAT_VERSION) {
                throw new IllegalArgumentException("training record " + file + " has formatVersion " + m.formatVersion()
                        + "; this version reads " + TrainedMember.FORMAT_VERSION);
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read training record " + file + ": " + e.getMessage(), e);
        }
    }

    /** Saves every member as {@code prefix-<index>.training.json}. */
    public static List<Path> save(TrainedEnsemble ensemble, Path dir, String prefix) {
        List<Path> out = new ArrayList<>();
        for (TrainedMember m : ensemble.members()) {
            out.add(save(m, dir, prefix + "-" + m.index()));
        }
        return out;
    }
}
