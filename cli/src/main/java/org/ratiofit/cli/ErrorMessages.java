package org.ratiofit.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.ratiofit.io.AtomicFiles;

/**
 * The one line a failed command prints: what failed, on which path, and why, in words. File-system
 * exceptions carry only the path in their message ("/x/ro/rep"); this adds the operation and the
 * reason ("cannot write /x/ro/rep: permission denied"). A programming error (an index out of
 * bounds, a null) is called an internal error and points to {@code --debug}.
 */
final class ErrorMessages {

    private ErrorMessages() {}

    static String describe(Throwable ex) {
        Throwable e = unwrap(ex);
        if (e instanceof AtomicFiles.WriteFailedException) {
            return e.getMessage();
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " exists" + (f.getReason() == null ? "" : ": " + f.getReason());
        }
        if (e instanceof AccessDeniedException a) {
            return "cannot access " + a.getFile() + ": permission denied" + (a.getReason() == null ? "" : " (" + a.getReason() + ")");
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file or folder: " + n.getFile() + (n.getReason() == null ? "" : " (" + n.getReason() + ")");
        }
        if (e instanceof FileSystemException fs) {
            String files = fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile());
            return "cannot access " + files + ": " + AtomicFiles.reason(fs);
        }
        if (e instanceof FileNotFoundException f && f.getMessage() != null && f.getMessage().endsWith(")")) {
            String m = f.getMessage();
            int open = m.lastIndexOf(" (");
            if (open > 0) {
                return "cannot open " + m.substring(0, open) + ": " + AtomicFiles.reason(f);
            }
        }
        if (e instanceof IOException io && io.getMessage() != null && io.getMessage().strip().equalsIgnoreCase("no space left on device")) {
            return "no space left on device";
        }
        if (e instanceof org.ratiofit.samplers.fit.NonFiniteStartException) {
            // every objective of the command line is a -ln L
            return e.getMessage().replaceFirst("^the objective is", "-ln L is") + "; start elsewhere (--set NAME=VALUE, --fix), or print -ln L at a point with fit --eval";
        }
        if (isInternal(e)) {
            return "internal error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + " (a bug in ratiofit: rerun with --debug for the stack trace, and please report it)";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Wrappers that add nothing to the wrapped exception's message. */
    static Throwable unwrap(Throwable ex) {
        Throwable e = ex;
        while (e.getCause() != null && e.getCause() != e
                && (e.getMessage() == null || e.getMessage().equals(e.getCause().toString())
                        || e.getCause() instanceof AtomicFiles.WriteFailedException
                        || ((e instanceof CompletionException || e instanceof ExecutionException) && e.getMessage().contains("Exception")))) {
            e = e.getCause();
        }
        return e;
    }

    private static boolean isInternal(Throwable e) {
        return e instanceof IndexOutOfBoundsException || e instanceof NullPointerException || e instanceof ClassCastException
                || e instanceof ArithmeticException || e instanceof NegativeArraySizeException
                || e instanceof ArrayStoreException;
    }
}
