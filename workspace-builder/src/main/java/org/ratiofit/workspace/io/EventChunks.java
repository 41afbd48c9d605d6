package org.ratiofit.workspace.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import org.ratiofit.ratio.data.EventSource;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;

/**
 * Walks the events of one or more files in chunks of bounded size, in order, reporting progress
 * in events. Only one chunk's columns are held at a time (for formats read by range).
 */
public final class EventChunks {

    private EventChunks() {}

    /** Receives one chunk; {@code firstEvent} is the chunk's index among all events of all files. */
    @FunctionalInterface
    public interface ChunkConsumer {
        void accept(EventTable chunk, long firstEvent) throws IOException;
    }

    /** Iterates over one open source. */
    public static void forEach(EventSource source, List<String> columns, int chunkSize, ProgressListener progress,
                               ChunkConsumer consumer) throws IOException {
        forEach(List.of(source), columns, chunkSize, progress, consumer);
    }

    /** Iterates over several sources one after the other, as one sequence of events. */
    public static void forEach(List<EventSource> sources, List<String> columns, int chunkSize, ProgressListener progress,
                               ChunkConsumer consumer) throws IOException {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be positive, got " + chunkSize);
        }
        long total = 0;
        for (EventSource s : sources) {
            total += s.size();
        }
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        long done = 0;
        p.progress(0, total);
        for (EventSource s : sources) {
            long n = s.size();
            for (long start = 0; start < n; start += chunkSize) {
                int count = (int) Math.min(chunkSize, n - start);
                consumer.accept(s.read(columns, start, count), done);
                done += count;
                p.progress(done, total);
            }
        }
    }

    /** Opens every file with the same options, iterates, and closes them. */
    public static void forEachFile(List<Path> files, ReadOptions options, List<String> columns, int chunkSize,
                                   ProgressListener progress, ChunkConsumer consumer) throws IOException {
        List<EventSource> open = new ArrayList<>();
        try {
            for (Path f : files) {
                open.add(org.ratiofit.ratio.data.EventFiles.open(f, options));
            }
            forEach(open, columns, chunkSize, progress, consumer);
        } finally {
            IOException first = null;
            for (EventSource s : open) {
                try {
                    s.close();
                } catch (IOException e) {
                    if (first == null) first = e;
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /**
     * A progress listener drawing a console progress bar (me.tongfei progressbar) for the command
     * line; close it when the work is done.
     */
    public static final class Bar implements ProgressListener, AutoCloseable {
        private final ProgressBar bar;

        public Bar(String task) {
            this.bar = new ProgressBarBuilder().setTaskName(task).setUnit(" events", 1).showSpeed().build();
        }

        @Override
        public void progress(long done, long total) {
            bar.maxHint(total);
            bar.stepTo(done);
        }

        @Override
        public void close() {
            bar.close();
        }
    }
}
