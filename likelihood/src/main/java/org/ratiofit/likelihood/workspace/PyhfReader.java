package org.ratiofit.likelihood.workspace;

import java.io.IOException;
import java.nio.file.Path;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.histfactory.InterpCodes;
import org.ratiofit.likelihood.histfactory.PyhfWorkspace;

/**
 * Reads a pyhf (HistFactory JSON 1.0.0) workspace into the binned channels of a {@link Model},
 * with pyhf's default interpolation codes. Kept for existing callers: the reader is
 * {@link PyhfWorkspace} (all seven modifier types, measurements, patches, schema checks).
 */
public final class PyhfReader {

    private PyhfReader() {
    }

    /** Reads the workspace with its first measurement. */
    public static Model read(Path file) throws IOException {
        return read(file, null);
    }

    /** Reads the workspace with the named measurement (null: the first). */
    public static Model read(Path file, String measurement) throws IOException {
        return PyhfWorkspace.read(file).model(measurement, InterpCodes.PYHF_DEFAULT);
    }
}
