package org.ratiofit.ratio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The float32 kernels: SIMD and plain agree bit for bit for every epilogue (so switching between
 * them never changes a result), and both compute epilogue(a·b + bias) to float rounding.
 */
class FloatKernelsTest {

    private static float[] random(Random r, int len, double zeros) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = r.nextDouble() < zeros ? 0f : (float) (2 * r.nextGaussian());
        return x;
    }

    @ParameterizedTest(name = "{0}×{1} · {1}×{2}")
    // widths that take every column path of the SIMD kernel for 8 and 16 lanes: 4, 3, 2, 1 vectors and scalar tails
    @CsvSource({"1,3,4", "4,64,64", "7,64,64", "13,5,9", "64,64,64", "6,1,64", "9,17,3", "5,20,20", "8,64,1", "3,64,1", "11,33,40",
            "4,64,128", "6,9,80", "7,5,112", "5,20,115", "9,3,131"})
    void simdAndPlainAreBitIdenticalAndRight(int m, int p, int n) {
        Random r = new Random(m * 1000L + p * 10L + n);
        float[] a = random(r, m * p, 0.2), b = random(r, p * n, 0), bias = random(r, n, 0), derIn = random(r, m * n, 0.1);
        for (int i = 0; i < b.length; i++) b[i] /= (float) Math.sqrt(p);
        for (int epi : new int[] {FloatKernels.STORE, FloatKernels.SWISH, FloatKernels.TIMES_DER}) {
            for (float[] bs : new float[][] {bias, null}) {
                float[] plain = new float[m * n], plainDer = derIn.clone();
                FloatKernels.plain(a, m, p, b, n, bs, epi, plain, plainDer);
                for (int i = 0; i < m; i++) {
                    for (int o = 0; o < n; o++) {
                        double s = bs == null ? 0 : bs[o];
                        for (int k = 0; k < p; k++) s += (double) a[i * p + k] * b[k * n + o];
                        int q = i * n + o;
                        double want = s, wantDer = derIn[q];
                        if (epi == FloatKernels.SWISH) {
                            double sg = 1 / (1 + Math.exp(-s));
                            want = s * sg;
                            wantDer = sg + s * sg * (1 - sg);
                        } else if (epi == FloatKernels.TIMES_DER) {
                            want = s * derIn[q];
                        }
                        double scale = 1;
                        for (int k = 0; k < p; k++) scale += Math.abs((double) a[i * p + k] * b[k * n + o]);
                        assertEquals(want, plain[q], 1e-6 * scale * (epi == FloatKernels.TIMES_DER ? 1 + Math.abs(derIn[q]) : 1), "epilogue " + epi + " at " + q);
                        assertEquals(wantDer, plainDer[q], 1e-6 * scale, "derivative, epilogue " + epi + " at " + q);
                    }
                }
                if (!FloatKernels.SIMD) continue;
                float[] simd = new float[m * n], simdDer = derIn.clone();
                FloatKernels.Simd.product(a, m, p, b, n, bs, epi, simd, simdDer);
                for (int q = 0; q < plain.length; q++) {
                    assertEquals(Float.floatToRawIntBits(plain[q]), Float.floatToRawIntBits(simd[q]), "epilogue " + epi + ", element " + q);
                    assertEquals(Float.floatToRawIntBits(plainDer[q]), Float.floatToRawIntBits(simdDer[q]), "epilogue " + epi + ", derivative " + q);
                }
            }
        }
    }

    /** The first layer's swish(base + shift): SIMD and plain bit-identical, extreme and signed-zero inputs included. */
    @ParameterizedTest(name = "{0} rows × {1}")
    @CsvSource({"1,7", "3,64", "5,129", "64,64", "2,1"})
    void shiftSwishSimdAndPlainAreBitIdentical(int m, int n) {
        Random r = new Random(m * 31L + n);
        float[] base = new float[m * n], shift = new float[n];
        for (int q = 0; q < base.length; q++) base[q] = q % 11 == 0 ? (float) ((r.nextBoolean() ? 300 : -300) * r.nextDouble()) : (float) (6 * r.nextGaussian());
        for (int o = 0; o < n; o++) shift[o] = (float) r.nextGaussian();
        if (base.length > 3) {
            base[1] = 0f;
            shift[1 % n] = 0f;
            base[2] = -0f;
            shift[2 % n] = -0f;
        }
        float[] plain = new float[m * n], plainDer = new float[m * n];
        FloatKernels.plainShiftSwish(base, 0, m, shift, n, plain, plainDer);
        for (int q = 0; q < plain.length; q++) {
            double x = base[q] + shift[q % n];
            double s = 1 / (1 + Math.exp(-x));
            assertEquals(x * s, plain[q], 1e-6 * (1 + Math.abs(x)), "swish at " + x);
            assertEquals(s + x * s * (1 - s), plainDer[q], 1e-6, "derivative at " + x);
        }
        if (!FloatKernels.SIMD) return;
        float[] simd = new float[m * n], simdDer = new float[m * n];
        FloatKernels.Simd.shiftSwish(base, m, shift, n, simd, simdDer);
        for (int q = 0; q < plain.length; q++) {
            assertEquals(Float.floatToRawIntBits(plain[q]), Float.floatToRawIntBits(simd[q]), "swish, element " + q);
            assertEquals(Float.floatToRawIntBits(plainDer[q]), Float.floatToRawIntBits(simdDer[q]), "derivative, element " + q);
        }
    }

    /** The float e^−x against Math.exp(−x) on [−80, 80]: within 3 float ulp, exactly 1 at 0, clamped beyond. */
    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "2", "3"})
    void expIsWithinAFewUlpOfMathExp(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < 20000; i++) {
            float y = (float) (i % 2 == 0 ? 6 * (r.nextDouble() - 0.5) : 160 * (r.nextDouble() - 0.5));
            float want = (float) Math.exp(-y), got = FloatKernels.expNeg(y);
            assertEquals(want, got, 3 * Math.ulp(want), "y = " + y);
        }
        assertEquals(1f, FloatKernels.expNeg(0f));
        assertEquals(FloatKernels.expNeg(-80f), FloatKernels.expNeg(-1000f));
        assertEquals(FloatKernels.expNeg(80f), FloatKernels.expNeg(1000f));
    }
}
