package org.ratiofit.workspace.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.ratiofit.io.AtomicFiles;

/**
 * Where a workspace came from: the configuration's digest, a digest of every model file and
 * every input event file, the ratiofit version and the creation time. Written as
 * {@code provenance.json} into the workspace.
 *
 * @param formatVersion version of this record's JSON layout
 * @param ratiofitVersion the ratiofit version that built the workspace
 * @param createdAt creation time, ISO-8601 UTC, whole seconds
 * @param configFile the configuration file as given
 * @param configSha256 SHA-256 of the configuration file's bytes
 * @param modelSha256 per ensemble folder: relative file path to SHA-256, for every file in it
 * @param inputSha256 per input event file: SHA-256
 */
public record Provenance(
        int formatVersion,
        String ratiofitVersion,
        String createdAt,
        String configFile,
        String configSha256,
        Map<String, Map<String, String>> modelSha256,
        Map<String, String> inputSha256) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "provenance.json";

    /** Gathers the digests; {@code now} is the creation time to record. */
    public static Provenance of(Path configFile, Iterable<Path> ensembleFolders, Iterable<Path> inputFiles, Instant now)
            throws IOException {
        Map<String, Map<String, String>> models = new LinkedHashMap<>();
        for (Path d : ensembleFolders) {
            models.put(d.toString(), Checksums.sha256Tree(d));
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        for (Path f : inputFiles) {
            inputs.put(f.toString(), Checksums.sha256(f));
        }
        return new Provenance(FORMAT_VERSION, RatiofitVersion.get(), now.truncatedTo(ChronoUnit.SECONDS).toString(),
                configFile.toString(), Checksums.sha256(configFile), models, inputs);
    }

    /** Writes {@code provenance.json} into a folder. */
    public void write(Path folder) throws IOException {
        AtomicFiles.write(folder.resolve(FILE_NAME), o -> new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o, this));
    }

    public static Provenance read(Path folder) throws IOException {
        Path f = folder.resolve(FILE_NAME);
        if (!Files.isRegularFile(f)) {
            throw new IOException(f + ": no such file");
        }
        Provenance p = new ObjectMapper().readValue(f.toFile(), Provenance.class);
        if (p.formatVersion() > FORMAT_VERSION) {
            throw new IOException(f + ": provenance format version " + p.formatVersion() + " is newer than this ratiofit reads ("
                    + FORMAT_VERSION + ")");
        }
        return p;
    }
}
