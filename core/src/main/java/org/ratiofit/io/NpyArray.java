package org.ratiofit.io;

import java.util.Arrays;

/**
 * A numeric array read from a NumPy {@code .npy} file, held as float64 (every supported dtype is
 * widened to double without loss except int64 beyond 2^53) or as float32 when stored as float32.
 *
 * @param dtype the NumPy dtype string as stored, e.g. {@code <f8}
 * @param shape the array's shape in C order
 * @param doubles the values for every dtype other than float32, else null
 * @param floats the values for float32 arrays, else null
 */
public record NpyArray(String dtype, int[] shape, double[] doubles, float[] floats) {

    public long size() {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    public boolean isFloat32() {
        return floats != null;
    }

    /** The values as float64, widening float32 storage (a copy in that case). */
    public double[] asDoubles() {
        if (doubles != null) {
            return doubles;
        }
        double[] d = new double[floats.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = floats[i];
        }
        return d;
    }

    /** The values as float32, narrowing float64 storage (a copy in that case). */
    public float[] asFloats() {
        if (floats != null) {
            return floats;
        }
        float[] f = new float[doubles.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) doubles[i];
        }
        return f;
    }

    @Override
    public String toString() {
        return "NpyArray[dtype=" + dtype + ", shape=" + Arrays.toString(shape) + "]";
    }
}
