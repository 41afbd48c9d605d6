package org.ratiofit.ratio.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An open event file. Opening reads only the metadata (column names and the number of events,
 * except for CSV, which has no separate header to count events from); events are read on demand,
 * a range of rows at a time, so that large files can be processed in chunks with bounded memory.
 */
public interface EventSource extends AutoCloseable {

    Path file();

    EventFormat format();

    /** A short description of where the events are, e.g. "data.h5[/events]", for messages. */
    String describe();

    /** The column names, in file order. */
    List<String> columnNames();

    /** The number of events. */
    long size() throws IOException;

    /**
     * Events {@code [start, start + count)} of the named columns (all columns when null). An error
     * naming the file and the column for an unknown column.
     */
    EventTable read(List<String> columns, long start, int count) throws IOException;

    /** Every event of the named columns (all columns when null). */
    default EventTable readAll(List<String> columns) throws IOException {
        long n = size();
        if (n > Integer.MAX_VALUE - 8) {
            throw new EventFileException(describe() + ": " + n + " events do not fit in one table; read in chunks");
        }
        return read(columns, 0, (int) n);
    }

    /** Checks the requested columns exist, naming the closest match for a misspelt one. */
    default List<String> resolve(List<String> columns) {
        List<String> have = columnNames();
        if (columns == null) {
            return have;
        }
        for (String c : columns) {
            if (!have.contains(c)) {
                throw new EventFileException(EventTable.missingColumnMessage(describe(), c, have));
            }
        }
        return columns;
    }

    @Override
    void close() throws IOException;
}
