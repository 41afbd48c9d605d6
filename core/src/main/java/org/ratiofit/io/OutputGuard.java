package org.ratiofit.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The one rule for every folder a ratiofit command writes (build's workspace, train's ensembles,
 * {@code --report}, {@code --plots}, {@code sample --out}, {@code demo --out}): checked before any
 * long work starts, so that a typo never costs a user's files.
 *
 * <ul>
 *   <li>A target that is, contains, or lies inside an input the command reads (the configuration,
 *       event files, models, the workspace) is refused.</li>
 *   <li>A folder that is replaced as a whole ({@link Kind#replaces()}: a workspace, an ensemble)
 *       must not exist, or, with {@code --overwrite}, must carry ratiofit's own marker (a
 *       workspace's {@code workspace.json} + {@code build.json} (or {@code combine.json}), an ensemble's
 *       {@code ensemble.json} + training records). Anything else is refused.</li>
 *   <li>A folder that files are written into (reports, plots, draws, the demo) must be absent,
 *       empty, or carry ratiofit's marker of that kind ({@value #OUTPUT_MARKER}, written by
 *       {@link #prepare}; the demo's own marker).</li>
 *   <li>The folder (or the nearest existing folder above it) must be writable: a probe file is
 *       created and deleted, so "permission denied" or "no space left on device" shows at once.</li>
 * </ul>
 */
public final class OutputGuard {

    /** The marker of a folder of files written into by a command (reports, plots, draws). */
    public static final String OUTPUT_MARKER = "ratiofit-output.json";

    /** What a command writes, and how a folder it wrote is recognised. */
    public enum Kind {
        WORKSPACE("a ratiofit workspace", "workspace.json + build.json or combine.json", true,
                d -> Files.isRegularFile(d.resolve("workspace.json"))
                        && (Files.isRegularFile(d.resolve("build.json")) || Files.isRegularFile(d.resolve("combine.json")))),
        ENSEMBLE("a ratio ensemble trained by ratiofit", "ensemble.json + member-*.training.json", true,
                d -> Files.isRegularFile(d.resolve("ensemble.json")) && hasFile(d, ".training.json")),
        DEMO("a ratiofit demo folder", "ratiofit-demo.json", false, d -> Files.isRegularFile(d.resolve("ratiofit-demo.json"))),
        REPORT("a ratiofit report folder", OUTPUT_MARKER, false, d -> Files.isRegularFile(d.resolve(OUTPUT_MARKER))),
        PLOTS("a ratiofit plots folder", OUTPUT_MARKER, false, d -> Files.isRegularFile(d.resolve(OUTPUT_MARKER))),
        DRAWS("a ratiofit draws folder", OUTPUT_MARKER, false, d -> Files.isRegularFile(d.resolve(OUTPUT_MARKER)));

        private final String description;
        private final String marker;
        private final boolean replaces;
        private final Predicate<Path> ours;

        Kind(String description, String marker, boolean replaces, Predicate<Path> ours) {
            this.description = description;
            this.marker = marker;
            this.replaces = replaces;
            this.ours = ours;
        }

        /** Whether the command replaces the folder as a whole (true) or writes files into it (false). */
        public boolean replaces() {
            return replaces;
        }

        /** Whether {@code dir} carries this kind's marker. */
        public boolean isOurs(Path dir) {
            return Files.isDirectory(dir) && ours.test(dir);
        }

        public String description() {
            return description;
        }

        public String marker() {
            return marker;
        }
    }

    /** A target that the rules refuse; the message says which rule and what to do. */
    public static final class RefusedException extends IOException {
        public RefusedException(String message) {
            super(message);
        }
    }

    private OutputGuard() {}

    /**
     * Checks {@code target} against the rules and returns it absolute and normalised. Nothing is
     * created or changed (the writability probe is created and deleted).
     *
     * @param option how the command line names the target ({@code "-o"}, {@code "--report"}), for messages
     * @param inputs the files and folders the command reads
     */
    public static Path check(String option, Path target, Kind kind, boolean overwrite, Collection<Path> inputs)
            throws IOException {
        Path t = real(target);
        String label = option == null || option.isEmpty() ? t.toString() : option + " " + t;
        for (Path in : inputs) {
            if (in == null) {
                continue;
            }
            Path i = real(in);
            if (i.equals(t)) {
                throw new RefusedException(label + " is an input this command reads; choose another folder for the output");
            }
            if (i.startsWith(t)) {
                throw new RefusedException(label + " contains " + i + ", an input this command reads; "
                        + "choose a folder that holds none of the inputs");
            }
            if (t.startsWith(i)) {
                throw new RefusedException(label + " lies inside " + i + ", an input this command reads; "
                        + "choose a folder outside the inputs");
            }
        }
        if (Files.exists(t)) {
            if (!Files.isDirectory(t)) {
                throw new RefusedException(label + " is a file, not a folder");
            }
            boolean empty = isEmpty(t);
            if (kind.replaces() && !overwrite) {
                throw new RefusedException(label + " exists; remove it or add --overwrite (which replaces only "
                        + kind.description() + ")");
            }
            if (!empty && !kind.isOurs(t)) {
                throw new RefusedException(label + " exists and is not " + kind.description() + " (it has no "
                        + kind.marker() + "); ratiofit " + (kind.replaces() ? "replaces" : "writes into")
                        + " only folders it wrote: choose another folder, or empty this one yourself");
            }
            probe(t, t);
        } else {
            Path above = t.getParent();
            while (above != null && !Files.exists(above)) {
                above = above.getParent();
            }
            if (above == null) {
                throw new RefusedException(label + ": no folder above it exists");
            }
            if (!Files.isDirectory(above)) {
                throw new RefusedException(label + ": " + above + " is a file, not a folder");
            }
            probe(above, t);
        }
        return t;
    }

    /**
     * {@link #check}s a folder that files are written into, creates it and marks it as ratiofit's
     * (so a later run may write into it again); returns it absolute.
     */
    public static Path prepare(String option, Path target, Kind kind, Collection<Path> inputs) throws IOException {
        if (kind.replaces()) {
            throw new IllegalArgumentException(kind + " folders are replaced as a whole, not prepared");
        }
        Path t = check(option, target, kind, false, inputs);
        try {
            Files.createDirectories(t);
        } catch (IOException e) {
            throw AtomicFiles.explain(t, e);
        }
        if (kind != Kind.DEMO && !Files.exists(t.resolve(OUTPUT_MARKER))) {
            AtomicFiles.writeString(t.resolve(OUTPUT_MARKER), "{\"format\": \"ratiofit-output\", \"formatVersion\": 1, \"kind\": \""
                    + kind.name().toLowerCase(java.util.Locale.ROOT) + "\"}\n");
        }
        return t;
    }

    /** The absolute, normalised path with the symbolic links of its existing part resolved. */
    static Path real(Path p) {
        Path a = p.toAbsolutePath().normalize();
        Path existing = a;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return a;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(a)).normalize();
        } catch (IOException e) {
            return a;
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static boolean hasFile(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(f -> f.getFileName().toString().endsWith(suffix));
        } catch (IOException e) {
            return false;
        }
    }

    /** Creates and deletes a small file in {@code dir}; a failure names {@code target} and the reason. */
    private static void probe(Path dir, Path target) throws IOException {
        Path f = null;
        try {
            f = Files.createTempFile(dir, ".ratiofit-probe-", ".tmp");
            Files.write(f, new byte[] {'\n'});
        } catch (IOException e) {
            throw AtomicFiles.explain(target, e);
        } finally {
            if (f != null) {
                Files.deleteIfExists(f);
            }
        }
    }
}
