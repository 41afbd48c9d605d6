package org.ratiofit.workspace.nre;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;

/** Named, finite columns of an event file, read for a likelihood file; errors name the file, the field and the value. */
final class EventColumns {

    private EventColumns() {}

    /**
     * The columns {@code names} ([column][event]); {@code fields} names the JSON field of each
     * column, for the error when it is missing.
     */
    static double[][] read(String where, String fileField, Path file, List<String> names, List<String> fields) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, where + ": " + fileField + " does not exist");
        List<String> available = EventFiles.columnNames(file, ReadOptions.DEFAULT);
        for (int j = 0; j < names.size(); j++) {
            if (!available.contains(names.get(j))) {
                throw new IllegalArgumentException(where + ": " + fields.get(j) + ": column '" + names.get(j) + "' is not in " + file + " (its columns: "
                        + String.join(", ", available) + ")");
            }
        }
        EventTable t = EventFiles.read(file, ReadOptions.DEFAULT, names.stream().distinct().toList());
        if (t.size() == 0) throw new IllegalArgumentException(where + ": " + file + " has no events");
        double[][] out = new double[names.size()][];
        for (int j = 0; j < out.length; j++) {
            out[j] = t.column(names.get(j));
            for (int i = 0; i < out[j].length; i++) {
                if (!Double.isFinite(out[j][i])) {
                    throw new IllegalArgumentException(where + ": column '" + names.get(j) + "' of " + file + " is " + out[j][i] + " in row " + i + " (counting from 0)");
                }
            }
        }
        return out;
    }

    static List<String> strings(com.fasterxml.jackson.databind.JsonNode list, String where, String field) {
        if (!list.isArray() || list.isEmpty()) throw new IllegalArgumentException(where + ": field '" + field + "' must be a non-empty list of column names");
        List<String> out = new ArrayList<>();
        list.forEach(c -> out.add(c.asText()));
        return out;
    }
}
