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
}
