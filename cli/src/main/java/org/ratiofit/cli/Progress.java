package org.ratiofit.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on standard error for long work (scans, limits, sampling). It stays silent with
 * {@code --json}, with {@code --quiet}, and when the process has no terminal, so scripts and
 * pipes see only results.
 */
final class Progress implements AutoCloseable {

    private final ProgressBar bar;
    private long offset;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * @param total number of steps, or a negative number when not known in advance
     */
    static Progress start(boolean enabled, String task, long total) {
        if (!enabled || System.console() == null) {
            return new Progress(null);
        }
        ProgressBar b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .clearDisplayOnFinish()
                .build();
        return new Progress(b);
    }

    /** Steps done so far in the current stage (added to the steps of the stages before it). */
    void stepTo(long done) {
        if (bar != null) {
            bar.stepTo(offset + done);
        }
    }

    /** The total once it is known (for work whose size is found after starting). */
    void maxHint(long total) {
        if (bar != null) {
            bar.maxHint(total);
        }
    }

    void step() {
        if (bar != null) {
            bar.step();
        }
    }

    /** Starts a new stage: later {@link #stepTo} counts go on from the current count. */
    void nextStage() {
        if (bar != null) {
            offset = bar.getCurrent();
        }
    }

    void message(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
