package org.ratiofit.ratio;

import org.ratiofit.ratio.onnx.GraphEvaluator;

import java.util.HashMap;
import java.util.Map;

/** The two ways {@link RatioModel#logRatioGradient} differentiates with respect to θ. */
final class ThetaGradients {
    private ThetaGradients() {}

    static final int BLOCK = 2048;

    /** Relative step of the central differences: balances float32 rounding of the network against truncation. */
    static final double FD_STEP = 5e-3;

    static ThetaGradient exact(RatioModel m, GraphEvaluator ge, double[][] cols, double[] theta, int n) {
        return exact(m, ge, cols, theta, null, n);
    }

    /**
     * Exact gradients at one θ ({@code theta}) or at a θ per event ({@code thetaCols[j][event]},
     * with {@code theta} null).
     */
    static ThetaGradient exact(RatioModel m, GraphEvaluator ge, double[][] cols, double[] theta, double[][] thetaCols, int n) {
        int nf = m.nFeatures(), np = m.nParams();
        boolean sep = m.separateParams();
        boolean perEvent = thetaCols != null;
        int dMain = nf + (sep ? 0 : np);
        FeatureScaler ms = m.mainScaler(), ps = m.paramScaler();
        double[] zTheta = new double[np], dzTheta = new double[np];
        if (!perEvent) {
            for (int j = 0; j < np; j++) {
                zTheta[j] = sep ? ps.apply(j, theta[j]) : ms.apply(nf + j, theta[j]);
                dzTheta[j] = sep ? ps.derivative(j, theta[j]) : ms.derivative(nf + j, theta[j]);
            }
        }
        // per-event θ: the scaler's derivative at each event's θ, [parameter][row in block]
        double[][] dzRows = perEvent ? new double[np][Math.min(BLOCK, n)] : null;
        double[] lr = new double[n];
        double[][] grad = new double[np][n];
        long[] clipped = new long[2];
        double[] dOut = new double[1];
        for (int start = 0; start < n; start += BLOCK) {
            int b = Math.min(BLOCK, n - start);
            double[] main = new double[b * dMain];
            for (int j = 0; j < nf; j++) {
                double[] src = cols[j];
                for (int i = 0; i < b; i++) {
                    double x = src[start + i];
                    if (!Double.isFinite(x)) {
                        throw new RatioModelException("ratio model '" + m.name() + "': feature '" + m.features().get(j) + "' is " + x + " at row " + (start + i) + " (counted from 0)");
                    }
                    main[i * dMain + j] = ms.apply(j, x);
                }
            }
            Map<String, double[]> in = new HashMap<>();
            in.put(m.inputName(), main);
            double[] par = sep ? new double[b * np] : null;
            for (int j = 0; j < np; j++) {
                for (int i = 0; i < b; i++) {
                    double z = zTheta[j];
                    if (perEvent) {
                        double t = thetaCols[j][start + i];
                        z = sep ? ps.apply(j, t) : ms.apply(nf + j, t);
                        dzRows[j][i] = sep ? ps.derivative(j, t) : ms.derivative(nf + j, t);
                    }
                    if (sep) par[i * np + j] = z;
                    else main[i * dMain + nf + j] = z;
                }
            }
            if (sep) in.put(m.parameterInputName(), par);
            double[] seed = new double[b];
            java.util.Arrays.fill(seed, 1.0);
            GraphEvaluator.Gradient g = ge.gradient(in, b, m.outputName(), seed);
            double[] gMain = g.inputGradients().get(m.inputName());
            double[] gPar = sep ? g.inputGradients().get(m.parameterInputName()) : null;
            for (int i = 0; i < b; i++) {
                lr[start + i] = m.convertOne(g.output()[i], start + i, clipped, dOut);
                for (int j = 0; j < np; j++) {
                    double dz = sep ? gPar[i * np + j] : gMain[i * dMain + nf + j];
                    grad[j][start + i] = dOut[0] * dz * (perEvent ? dzRows[j][i] : dzTheta[j]);
                }
            }
            m.options().progress().progress(m.name() + " θ-gradient", start + b, n);
        }
        return new ThetaGradient(m.name(), perEvent ? null : theta.clone(), lr, grad, "exact");
    }

    /** Central differences: each block of events is evaluated at θ ± h e_j in one batched run. */
    static ThetaGradient finiteDifferences(RatioModel m, double[][] cols, double[] theta, int n) {
        int nf = m.nFeatures(), np = m.nParams();
        double[] lr = m.evaluate(cols, theta).logRatio();
        double[][] grad = new double[np][n];
        double[] h = new double[np];
        for (int j = 0; j < np; j++) h[j] = FD_STEP * Math.max(1, Math.abs(theta[j]));
        int block = Math.max(1, Math.min(n, BLOCK * 4 / (2 * np)));
        long[] clipped = new long[2];
        for (int start = 0; start < n; start += block) {
            int b = Math.min(block, n - start);
            int rows = 2 * np * b;
            double[][] c = new double[nf + np][rows];
            for (int rep = 0; rep < 2 * np; rep++) {
                int j = rep / 2;
                double sign = rep % 2 == 0 ? 1 : -1;
                for (int f = 0; f < nf; f++) System.arraycopy(cols[f], start, c[f], rep * b, b);
                for (int q = 0; q < np; q++) {
                    double v = theta[q] + (q == j ? sign * h[j] : 0);
                    java.util.Arrays.fill(c[nf + q], rep * b, (rep + 1) * b, v);
                }
            }
            float[] raw = m.run(c, null, rows);
            for (int j = 0; j < np; j++) {
                for (int i = 0; i < b; i++) {
                    double up = m.convertOne(raw[(2 * j) * b + i], start + i, clipped, null);
                    double dn = m.convertOne(raw[(2 * j + 1) * b + i], start + i, clipped, null);
                    grad[j][start + i] = (up - dn) / (2 * h[j]);
                }
            }
        }
        return new ThetaGradient(m.name(), theta.clone(), lr, grad, "finite_differences");
    }

    /**
     * Central differences at a θ per event ({@code thetaCols[j][event]}); {@code all} holds the
     * feature columns followed by the θ columns. The step follows each event's own θ.
     */
    static ThetaGradient finiteDifferencesPerEvent(RatioModel m, double[][] all, int n) {
        int nf = m.nFeatures(), np = m.nParams();
        double[] lr = m.evaluate(all, null).logRatio();
        double[][] grad = new double[np][n];
        int block = Math.max(1, Math.min(n, BLOCK * 4 / (2 * np)));
        long[] clipped = new long[2];
        for (int start = 0; start < n; start += block) {
            int b = Math.min(block, n - start);
            int rows = 2 * np * b;
            double[][] c = new double[nf + np][rows];
            for (int rep = 0; rep < 2 * np; rep++) {
                int j = rep / 2;
                double sign = rep % 2 == 0 ? 1 : -1;
                for (int f = 0; f < nf + np; f++) System.arraycopy(all[f], start, c[f], rep * b, b);
                double[] t = c[nf + j];
                for (int i = 0; i < b; i++) t[rep * b + i] += sign * FD_STEP * Math.max(1, Math.abs(all[nf + j][start + i]));
            }
            float[] raw = m.run(c, null, rows);
            for (int j = 0; j < np; j++) {
                for (int i = 0; i < b; i++) {
                    double h = FD_STEP * Math.max(1, Math.abs(all[nf + j][start + i]));
                    double up = m.convertOne(raw[(2 * j) * b + i], start + i, clipped, null);
                    double dn = m.convertOne(raw[(2 * j + 1) * b + i], start + i, clipped, null);
                    grad[j][start + i] = (up - dn) / (2 * h);
                }
            }
        }
        return new ThetaGradient(m.name(), null, lr, grad, "finite_differences");
    }
}
