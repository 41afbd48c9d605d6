package org.ratiofit.ratio.data;

import java.util.List;

/**
 * Where the events sit inside a file, for formats that need it.
 *
 * @param group HDF5: the path of the group of column datasets, or of a compound or 2-D dataset
 *     (null or "/" for the root group); ignored by the other formats
 * @param columnNames names of the columns of a 2-D array (NumPy 2-D {@code .npy}, 2-D HDF5
 *     dataset), in column order; null to take them from the side file
 *     {@code <name>.columns.txt} beside a {@code .npy} (one name a line)
 */
public record ReadOptions(String group, List<String> columnNames) {

    public static final ReadOptions DEFAULT = new ReadOptions(null, null);

    public ReadOptions {
        columnNames = columnNames == null ? null : List.copyOf(columnNames);
    }

    public static ReadOptions group(String group) {
        return new ReadOptions(group, null);
    }

    public static ReadOptions columns(List<String> names) {
        return new ReadOptions(null, names);
    }
}
