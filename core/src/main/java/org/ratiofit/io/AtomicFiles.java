package org.ratiofit.io;

import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.UUID;

/**
 * Every file ratiofit writes appears whole or not at all: the content goes into a hidden
 * temporary sibling ({@code .NAME.tmp-XXXXXXXX.EXT}), which is flushed to disk and then renamed
 * onto the target in one step. A failure (a full disk, no permission, an exception while the
 * content is produced) deletes the temporary file and leaves an old target untouched; the
 * exception names the path and the reason ("cannot write /x/index.html: no space left on device").
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    /** Produces a file's content on a stream. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Produces a file's content at a given path (for libraries that take a file name). */
    @FunctionalInterface
    public interface PathWriter {
        void write(Path file) throws IOException;
    }

    /** Writes {@code text} (UTF-8) to {@code target} atomically. */
    public static Path writeString(Path target, String text) throws IOException {
        return writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to {@code target} atomically. */
    public static Path writeBytes(Path target, byte[] bytes) throws IOException {
        return write(target, out -> out.write(bytes));
    }

    /** Writes what {@code writer} puts on the stream to {@code target} atomically. */
    public static Path write(Path target, StreamWriter writer) throws IOException {
        return writeAt(target, tmp -> {
            try (FileChannel fc = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(fc), 1 << 16)) {
                // a writer that closes its stream (Jackson does) must not close the file before it is synced
                writer.write(new java.io.FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                });
                out.flush();
                fc.force(true);
            }
        });
    }

    /**
     * Lets {@code writer} write a temporary sibling of {@code target} (whose name ends with the
     * target's extension, for libraries that add one), then renames it onto the target.
     */
    public static Path writeAt(Path target, PathWriter writer) throws IOException {
        Path t = target.toAbsolutePath().normalize();
        Path parent = t.getParent();
        String name = t.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot) : "";
        Path tmp = parent.resolve("." + name + ".tmp-" + UUID.randomUUID().toString().substring(0, 8) + ext);
        boolean done = false;
        try {
            Files.createDirectories(parent);
            writer.write(tmp);
            if (!Files.isRegularFile(tmp)) {
                throw new IOException("nothing was written");
            }
            move(tmp, t);
            done = true;
            return t;
        } catch (IOException e) {
            throw explain(t, e);
        } catch (UncheckedIOException e) {
            throw explain(t, e.getCause());
        } catch (RuntimeException e) {
            // a library (an image encoder, an XML writer) fails on a short write with its own exception
            IOException io = ioCause(e);
            if (io != null) {
                throw explain(t, io);
            }
            throw e;
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more can be done; the temporary file is hidden and named as such
                }
            }
        }
    }

    private static IOException ioCause(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * An exception whose message is "cannot write PATH: REASON", the reason in words (permission
     * denied, no space left on device, read-only file system, ...). One already explained is
     * returned as it is.
     */
    public static IOException explain(Path path, IOException e) {
        if (e instanceof WriteFailedException) {
            return e;
        }
        return new WriteFailedException(path, reason(e), e);
    }

    /** The reason of an I/O failure in a few lower-case words, without the path. */
    public static String reason(IOException top) {
        // libraries wrap the system's reason ("I/O error writing PNG file!" around "No space left on device")
        IOException e = top;
        for (Throwable c = top.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof IOException io && io.getMessage() != null) {
                e = io;
            }
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file or folder" + (n.getFile() == null ? "" : " (" + n.getFile() + ")");
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return lower(fs.getReason());
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        if (e instanceof FileNotFoundException) {
            // "/x/y (Permission denied)"
            int open = m.lastIndexOf(" (");
            if (open >= 0 && m.endsWith(")")) {
                return lower(m.substring(open + 2, m.length() - 1));
            }
        }
        return lower(m);
    }

    private static String lower(String s) {
        String t = s.strip();
        if (t.length() > 1 && Character.isUpperCase(t.charAt(0)) && Character.isLowerCase(t.charAt(1))) {
            return t.substring(0, 1).toLowerCase(Locale.ROOT) + t.substring(1);
        }
        return t;
    }

    /** A write that failed, with the path and the reason in its message. */
    public static final class WriteFailedException extends IOException {
        private final transient Path path;
        private final String reason;

        public WriteFailedException(Path path, String reason, Throwable cause) {
            super("cannot write " + path + ": " + reason, cause);
            this.path = path;
            this.reason = reason;
        }

        public Path path() {
            return path;
        }

        public String reason() {
            return reason;
        }
    }
}
