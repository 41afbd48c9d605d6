package org.ratiofit.workspace.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * An output folder that appears complete or not at all. Everything is written into a hidden
 * temporary sibling ({@code .NAME.partial-XXXX}); {@link #commit()} renames it to the target in one
 * step. Closing without a commit (an exception, a failed build) deletes the temporary folder, so a
 * failed build never leaves a folder under the target name. A process killed mid-build leaves
 * only a hidden {@code .partial} folder, which no reader takes for a result.
 *
 * <pre>{@code
 * try (AtomicDirectory out = AtomicDirectory.create(target, false)) {
 *     write(out.path());
 *     out.commit();
 * }
 * }</pre>
 */
public final class AtomicDirectory implements AutoCloseable {

    private final Path target;
    private final Path temporary;
    private final boolean overwrite;
    private boolean committed;

    private AtomicDirectory(Path target, Path temporary, boolean overwrite) {
        this.target = target;
        this.temporary = temporary;
        this.overwrite = overwrite;
    }

    /**
     * Starts an output folder. Fails at once if the target exists and {@code overwrite} is false,
     * before any work is done.
     */
    public static AtomicDirectory create(Path target, boolean overwrite) throws IOException {
        Path t = target.toAbsolutePath().normalize();
        if (Files.exists(t) && !overwrite) {
            throw new FileAlreadyExistsException(t.toString(), null, "the output folder exists; remove it or ask to overwrite");
        }
        if (Files.exists(t) && !Files.isDirectory(t)) {
            throw new FileAlreadyExistsException(t.toString(), null, "the output path is a file, not a folder");
        }
        Path parent = t.getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve("." + t.getFileName() + ".partial-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectory(tmp);
        return new AtomicDirectory(t, tmp, overwrite);
    }

    /** The temporary folder to write into. */
    public Path path() {
        if (committed) {
            throw new IllegalStateException("already committed to " + target);
        }
        return temporary;
    }

    public Path target() {
        return target;
    }

    /** Renames the temporary folder to the target (replacing an old one when allowed) and returns the target. */
    public Path commit() throws IOException {
        if (committed) {
            return target;
        }
        Path old = null;
        if (Files.exists(target)) {
            if (!overwrite) {
                throw new FileAlreadyExistsException(target.toString(), null, "the output folder appeared during the build");
            }
            // Move the old result aside first, so the target is never a mix of old and new files.
            old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID().toString().substring(0, 8));
            move(target, old);
        }
        try {
            move(temporary, target);
        } catch (IOException e) {
            if (old != null) {
                move(old, target);
            }
            throw e;
        }
        committed = true;
        if (old != null) {
            deleteTree(old);
        }
        return target;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Deletes the temporary folder unless committed. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            deleteTree(temporary);
        }
    }

    /** Deletes a folder and everything in it (nothing if it does not exist). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
