package org.ratiofit.ratio.data;

import java.nio.file.Path;
import java.util.Locale;

/** The event file formats ratiofit reads, told apart by file name extension. */
public enum EventFormat {
    /** Comma-separated values with a header row of column names. */
    CSV,
    /** HDF5: a group of 1-D datasets (one per column), a compound dataset, or a 2-D dataset with column names. */
    HDF5,
    /** NumPy {@code .npy}: a structured array, a 2-D array with column names, or a 1-D array (one column). */
    NPY,
    /** NumPy {@code .npz}: one 1-D array per column. */
    NPZ;

    /** The format of a file by its extension ({@code .csv}, {@code .h5/.hdf5/.hdf}, {@code .npy}, {@code .npz}). */
    public static EventFormat of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv") || name.endsWith(".csv.txt")) {
            return CSV;
        }
        if (name.endsWith(".h5") || name.endsWith(".hdf5") || name.endsWith(".hdf") || name.endsWith(".he5")) {
            return HDF5;
        }
        if (name.endsWith(".npy")) {
            return NPY;
        }
        if (name.endsWith(".npz")) {
            return NPZ;
        }
        throw new EventFileException(file + ": unknown event file format (expected .csv, .h5/.hdf5, .npy or .npz)");
    }

    /** Whether the file name has one of the known extensions. */
    public static boolean isKnown(Path file) {
        try {
            of(file);
            return true;
        } catch (EventFileException e) {
            return false;
        }
    }
}
