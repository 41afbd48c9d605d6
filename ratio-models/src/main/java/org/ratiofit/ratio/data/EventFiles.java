package org.ratiofit.ratio.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Entry point for event files of every format (chosen by extension, see {@link EventFormat}).
 *
 * <pre>{@code
 * try (EventSource src = EventFiles.open(path, ReadOptions.group("/events"))) {
 *     List<String> names = src.columnNames();          // metadata only
 *     EventTable chunk = src.read(List.of("x", "w"), 0, 65536);
 * }
 * }</pre>
 */
public final class EventFiles {

    private EventFiles() {}

    /** Opens an event file, reading only its metadata (the header for CSV). */
    public static EventSource open(Path file, ReadOptions options) throws IOException {
        ReadOptions o = options == null ? ReadOptions.DEFAULT : options;
        return switch (EventFormat.of(file)) {
            case CSV -> CsvEvents.open(file);
            case HDF5 -> Hdf5Events.open(file, o);
            case NPY -> NpyEvents.openNpy(file, o);
            case NPZ -> NpyEvents.openNpz(file);
        };
    }

    /** The column names of a file, from its header or metadata only. */
    public static List<String> columnNames(Path file, ReadOptions options) throws IOException {
        try (EventSource s = open(file, options)) {
            return s.columnNames();
        }
    }

    /** Reads every event of the named columns (all when null). */
    public static EventTable read(Path file, ReadOptions options, List<String> columns) throws IOException {
        if (EventFormat.of(file) == EventFormat.CSV) {
            return CsvEvents.read(file, columns);
        }
        try (EventSource s = open(file, options)) {
            return s.readAll(columns);
        }
    }

    /**
     * Writes a table in the format of the file's extension: CSV; HDF5 as 1-D float64 datasets in
     * {@code options.group()}; {@code .npy} as a structured array, or as a 2-D array plus its
     * {@code .columns.txt} side file when {@code options.columnNames()} is non-null; {@code .npz}
     * as one array per column.
     */
    public static void write(Path file, EventTable table, ReadOptions options) throws IOException {
        ReadOptions o = options == null ? ReadOptions.DEFAULT : options;
        switch (EventFormat.of(file)) {
            case CSV -> CsvEvents.write(file, table);
            case HDF5 -> Hdf5Events.write(file, table, o.group());
            case NPY -> {
                if (o.columnNames() != null) {
                    NpyEvents.writeMatrix(file, table);
                } else {
                    NpyEvents.writeStructured(file, table);
                }
            }
            case NPZ -> NpyEvents.writeNpz(file, table);
        }
    }
}
