package org.ratiofit.ratio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SIMD and plain kernels agree bit for bit (so switching between them never changes a result), and both compute a·b + bias. */
class DenseKernelsTest {

    @ParameterizedTest(name = "{0}×{1} · {1}×{2}")
    @CsvSource({"1,3,4", "4,64,64", "7,64,64", "13,5,9", "256,64,64", "6,1,64", "9,17,3", "5,20,20"})
    void simdAndScalarAreBitIdentical(int m, int p, int n) {
        Random r = new Random(m * 1000L + p * 10L + n);
        double[] a = new double[m * p], b = new double[p * n], bias = new double[n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextGaussian() * (r.nextInt(5) == 0 ? 0 : 1);
        for (int i = 0; i < b.length; i++) b[i] = r.nextGaussian();
        for (int i = 0; i < n; i++) bias[i] = r.nextGaussian();
        for (double[] bs : new double[][] {bias, null}) {
            double[] plain = new double[m * n];
            DenseKernels.scalar(a, 0, m, p, b, n, bs, plain);
            for (int i = 0; i < m; i++) {
                for (int o = 0; o < n; o++) {
                    double s = bs == null ? 0 : bs[o];
                    for (int k = 0; k < p; k++) s += a[i * p + k] * b[k * n + o];
                    assertEquals(s, plain[i * n + o], 1e-12 * (1 + Math.abs(s)));
                }
            }
            if (!DenseKernels.SIMD) continue;
            double[] simd = new double[m * n];
            DenseKernels.Simd.multiply(a, m, p, b, n, bs, simd);
            for (int q = 0; q < plain.length; q++) assertEquals(Double.doubleToRawLongBits(plain[q]), Double.doubleToRawLongBits(simd[q]), "element " + q);
        }
    }

    /** The shared exp against Math.exp on [−700, 0]: within 4 ulp, exactly 1 at 0, and −1000 clamped. */
    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "2", "3"})
    void expNonPositiveIsWithinAFewUlpOfMathExp(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < 20000; i++) {
            double y = i % 2 == 0 ? -r.nextDouble() * 3 : -r.nextDouble() * 700;
            double want = Math.exp(y), got = DenseKernels.expNonPositive(y);
            assertEquals(want, got, 4 * Math.ulp(want), "y = " + y);
        }
        assertEquals(1.0, DenseKernels.expNonPositive(0.0));
        assertEquals(DenseKernels.expNonPositive(-700.0), DenseKernels.expNonPositive(-1000.0));
    }

    /** Swish and its derivative: the SIMD lanes and the plain loop give the same bits, and both match the textbook form. */
    @ParameterizedTest(name = "length {0}")
    @CsvSource({"1", "7", "64", "129", "1000"})
    void swishSimdAndScalarAreBitIdenticalAndRight(int len) {
        Random r = new Random(len);
        double[] x = new double[len];
        for (int i = 0; i < len; i++) x[i] = i % 11 == 0 ? (r.nextBoolean() ? 800 : -800) * r.nextDouble() : 6 * r.nextGaussian();
        if (len > 3) {
            x[1] = 0.0;
            x[2] = -0.0;
        }
        double[] z = x.clone(), der = new double[len];
        DenseKernels.swish(z, der, len); // whichever kernel is in use now
        double[] zs = x.clone(), ds = new double[len];
        for (int q = 0; q < len; q++) { // the plain loop's formula
            double e = DenseKernels.expNonPositive(-Math.abs(zs[q]));
            double s = zs[q] >= 0 ? 1 / (1 + e) : e / (1 + e);
            ds[q] = s + zs[q] * s * (1 - s);
            zs[q] = zs[q] * s;
        }
        for (int q = 0; q < len; q++) {
            assertEquals(Double.doubleToRawLongBits(zs[q]), Double.doubleToRawLongBits(z[q]), "swish at " + x[q]);
            assertEquals(Double.doubleToRawLongBits(ds[q]), Double.doubleToRawLongBits(der[q]), "derivative at " + x[q]);
            double s = 1 / (1 + Math.exp(-x[q]));
            assertEquals(x[q] * s, z[q], 1e-15 * (1 + Math.abs(x[q])), "textbook swish at " + x[q]);
            assertEquals(s + x[q] * s * (1 - s), der[q], 1e-14, "textbook derivative at " + x[q]);
        }
        if (!DenseKernels.SIMD) return;
        double[] zv = x.clone(), dv = new double[len];
        int done = DenseKernels.Simd.swish(zv, dv, len);
        for (int q = 0; q < done; q++) {
            assertEquals(Double.doubleToRawLongBits(zs[q]), Double.doubleToRawLongBits(zv[q]), "SIMD swish at " + x[q]);
            assertEquals(Double.doubleToRawLongBits(ds[q]), Double.doubleToRawLongBits(dv[q]), "SIMD derivative at " + x[q]);
        }
    }
}
