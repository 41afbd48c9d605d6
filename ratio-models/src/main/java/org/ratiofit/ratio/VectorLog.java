package org.ratiofit.ratio;

/**
 * Natural logarithms of many doubles at once: SIMD (the JDK's vector API, whose LOG is the SVML
 * routine on x86, about 2.5 times faster than {@link Math#log} per value) when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}, {@link Math#log} otherwise. The two agree to 1 ulp,
 * far inside float32 precision of the network outputs they are applied to.
 */
final class VectorLog {
    private VectorLog() {}

    static final boolean SIMD = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** dst[dstOff + k] = ln(src[srcOff + k]) for k in [0, n). */
    static void log(double[] src, int srcOff, double[] dst, int dstOff, int n) {
        if (SIMD) {
            Simd.log(src, srcOff, dst, dstOff, n);
            return;
        }
        for (int k = 0; k < n; k++) dst[dstOff + k] = Math.log(src[srcOff + k]);
    }

    /** Loaded only when the module is present. */
    private static final class Simd {
        private static final jdk.incubator.vector.VectorSpecies<Double> S = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED;

        static void log(double[] src, int srcOff, double[] dst, int dstOff, int n) {
            int l = S.length(), k = 0;
            for (; k + l <= n; k += l) {
                jdk.incubator.vector.DoubleVector.fromArray(S, src, srcOff + k)
                        .lanewise(jdk.incubator.vector.VectorOperators.LOG).intoArray(dst, dstOff + k);
            }
            for (; k < n; k++) dst[dstOff + k] = Math.log(src[srcOff + k]);
        }
    }
}
