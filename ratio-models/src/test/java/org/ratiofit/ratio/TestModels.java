package org.ratiofit.ratio;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Exact test models and their double-precision references, computed independently in Java. */
final class TestModels {
    private TestModels() {}

    /**
     * ln N(z; μ1, Σ1) − ln N(z; μ0, Σ0) = zᵀAz + bᵀz + c with A = (P0 − P1)/2, b = P1μ1 − P0μ0,
     * c = (μ0ᵀP0μ0 − μ1ᵀP1μ1)/2 + (ln|P1| − ln|P0|)/2, P = Σ⁻¹ (diagonal-plus-coupling 2×2 blocks
     * kept simple: the precisions are given directly).
     */
    record Gaussians(double[] mu0, double[][] p0, double[] mu1, double[][] p1) {
        int d() {
            return mu0.length;
        }

        double[][] a() {
            int d = d();
            double[][] a = new double[d][d];
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) a[i][j] = 0.5 * (p0[i][j] - p1[i][j]);
            return a;
        }

        double[] b() {
            int d = d();
            double[] b = new double[d];
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) b[i] += p1[i][j] * mu1[j] - p0[i][j] * mu0[j];
            return b;
        }

        double c() {
            return 0.5 * (quad(p0, mu0) - quad(p1, mu1)) + 0.5 * (logDet(p1) - logDet(p0));
        }

        /** The exact log-ratio from the two densities' formulas. */
        double logRatio(double[] z) {
            double[] d1 = new double[d()], d0 = new double[d()];
            for (int i = 0; i < d(); i++) {
                d1[i] = z[i] - mu1[i];
                d0[i] = z[i] - mu0[i];
            }
            return -0.5 * quad(p1, d1) + 0.5 * logDet(p1) + 0.5 * quad(p0, d0) - 0.5 * logDet(p0);
        }

        static double quad(double[][] p, double[] v) {
            double s = 0;
            for (int i = 0; i < v.length; i++) for (int j = 0; j < v.length; j++) s += v[i] * p[i][j] * v[j];
            return s;
        }

        static double logDet(double[][] p) {
            // Cholesky of a symmetric positive-definite matrix
            int n = p.length;
            double[][] l = new double[n][n];
            double ld = 0;
            for (int j = 0; j < n; j++) {
                double s = p[j][j];
                for (int k = 0; k < j; k++) s -= l[j][k] * l[j][k];
                l[j][j] = Math.sqrt(s);
                ld += 2 * Math.log(l[j][j]);
                for (int i = j + 1; i < n; i++) {
                    double t = p[i][j];
                    for (int k = 0; k < j; k++) t -= l[i][k] * l[j][k];
                    l[i][j] = t / l[j][j];
                }
            }
            return ld;
        }
    }

    static Gaussians gaussians3() {
        return new Gaussians(new double[]{0.0, 0.2, -0.1}, new double[][]{{1.0, 0.2, 0.0}, {0.2, 1.5, -0.3}, {0.0, -0.3, 0.8}},
                new double[]{0.5, -0.3, 0.2}, new double[][]{{1.3, -0.1, 0.1}, {-0.1, 0.9, 0.2}, {0.1, 0.2, 1.1}});
    }

    /**
     * The Gaussian log-ratio as an ONNX graph: MatMul(z, A) ⊙ z summed by MatMul with ones,
     * plus MatMul(z, b) plus c; with {@code sigmoid} the graph ends in Sigmoid (a score model).
     */
    static ModelProto gaussianGraph(Gaussians g, String in, String out, boolean sigmoid) {
        int d = g.d();
        OnnxGraphBuilder b = new OnnxGraphBuilder("gaussian_log_ratio");
        b.input(in, OnnxGraphBuilder.BATCH, d);
        double[] a = new double[d * d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) a[i * d + j] = g.a()[i][j];
        String aName = b.initializer("A", a, d, d);
        double[] ones = new double[d];
        java.util.Arrays.fill(ones, 1);
        String onesName = b.initializer("ones", ones, d, 1);
        String bName = b.initializer("b", g.b(), d, 1);
        String cName = b.initializer("c", new double[]{g.c()}, 1);
        String za = b.node("MatMul", "za", in, aName);
        String zaz = b.node("Mul", "zaz", za, in);
        String q = b.node("MatMul", "q", zaz, onesName);
        String lin = b.node("MatMul", "lin", in, bName);
        String sum = b.node("Add", "sum", q, lin);
        if (sigmoid) {
            String l = b.node("Add", "logit", sum, cName);
            b.nodeNamed("Sigmoid", List.of(l), out, Map.of());
        } else {
            b.nodeNamed("Add", List.of(sum, cName), out, Map.of());
        }
        b.output(out, OnnxGraphBuilder.BATCH, 1);
        return b.build();
    }

    /** Seeded random layers in→hidden…→out with the given activations. */
    static List<Layer> randomLayers(long seed, int[] widths, Activation[] acts, double weightScale) {
        Random r = new Random(seed);
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            double[][] w = new double[widths[l + 1]][widths[l]];
            double[] b = new double[widths[l + 1]];
            for (double[] row : w) for (int i = 0; i < row.length; i++) row[i] = weightScale * r.nextGaussian() / Math.sqrt(widths[l]);
            for (int i = 0; i < b.length; i++) b[i] = 0.1 * r.nextGaussian();
            layers.add(new Layer(w, b, acts[l], acts[l] == Activation.LEAKY_RELU ? 0.05 : acts[l] == Activation.ELU ? 0.7 : Double.NaN));
        }
        return layers;
    }

    /** Forward pass of an MLP in double precision, written independently of the ONNX code. */
    static double[] mlpForward(List<Layer> layers, double[] x) {
        double[] h = x;
        for (Layer layer : layers) {
            double[] y = new double[layer.out()];
            for (int o = 0; o < y.length; o++) {
                double s = layer.bias()[o];
                for (int i = 0; i < h.length; i++) s += layer.weights()[o][i] * h[i];
                y[o] = s;
            }
            double alpha = layer.alpha();
            switch (layer.activation()) {
                case IDENTITY -> {}
                case RELU -> { for (int i = 0; i < y.length; i++) y[i] = Math.max(0, y[i]); }
                case TANH -> { for (int i = 0; i < y.length; i++) y[i] = Math.tanh(y[i]); }
                case SIGMOID -> { for (int i = 0; i < y.length; i++) y[i] = 1 / (1 + Math.exp(-y[i])); }
                case SWISH -> { for (int i = 0; i < y.length; i++) y[i] = y[i] / (1 + Math.exp(-y[i])); }
                case LEAKY_RELU -> { for (int i = 0; i < y.length; i++) y[i] = y[i] >= 0 ? y[i] : (Double.isNaN(alpha) ? 0.01 : alpha) * y[i]; }
                case ELU -> { for (int i = 0; i < y.length; i++) y[i] = y[i] >= 0 ? y[i] : (Double.isNaN(alpha) ? 1 : alpha) * (Math.exp(y[i]) - 1); }
                case SOFTPLUS -> { for (int i = 0; i < y.length; i++) y[i] = Math.log(1 + Math.exp(y[i])); }
                case SOFTMAX -> {
                    double s = 0;
                    for (double v : y) s += Math.exp(v);
                    for (int i = 0; i < y.length; i++) y[i] = Math.exp(y[i]) / s;
                }
            }
            h = y;
        }
        return h;
    }

    static double[][] randomColumns(long seed, int d, int n, double scale, double shift) {
        Random r = new Random(seed);
        double[][] c = new double[d][n];
        for (int j = 0; j < d; j++) for (int i = 0; i < n; i++) c[j][i] = shift + scale * r.nextGaussian();
        return c;
    }

    static double[] row(double[][] cols, int i) {
        double[] x = new double[cols.length];
        for (int j = 0; j < cols.length; j++) x[j] = cols[j][i];
        return x;
    }

    static double[] roundToFloat(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) x[i];
        return y;
    }

    static List<String> names(String prefix, int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(prefix + i);
        return l;
    }
}
