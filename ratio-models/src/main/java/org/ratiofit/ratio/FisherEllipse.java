package org.ratiofit.ratio;

import org.hipparchus.linear.EigenDecompositionSymmetric;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.RealMatrix;

/**
 * What a Fisher information implies for the parameters: the covariance C = I⁻¹, the 1σ errors
 * √C_ii, and for two parameters the 68.3% confidence ellipse (Δχ² = 2.30 for two parameters):
 * semi-axes √(Δχ² λ_k) along the eigenvectors of C, the first axis at {@code angle} radians from
 * the first parameter's axis.
 */
public record FisherEllipse(double[][] covariance, double[] errors, double deltaChi2, double[] semiAxes, double angle) {

    /** Δχ² of a 68.27% region in two dimensions. */
    public static final double DELTA_CHI2_68_2D = 2.295748928898636;

    public static FisherEllipse of(double[][] information) {
        int p = information.length;
        RealMatrix inv = MatrixUtils.inverse(MatrixUtils.createRealMatrix(information));
        double[][] c = inv.getData();
        double[] err = new double[p];
        for (int i = 0; i < p; i++) {
            err[i] = Math.sqrt(c[i][i]);
        }
        if (p != 2) {
            return new FisherEllipse(c, err, Double.NaN, null, Double.NaN);
        }
        EigenDecompositionSymmetric e = new EigenDecompositionSymmetric(inv);
        double[] ev = e.getEigenvalues(); // decreasing
        double[] v = e.getEigenvector(0).toArray();
        double[] axes = {Math.sqrt(DELTA_CHI2_68_2D * ev[0]), Math.sqrt(DELTA_CHI2_68_2D * ev[1])};
        return new FisherEllipse(c, err, DELTA_CHI2_68_2D, axes, Math.atan2(v[1], v[0]));
    }

    /** {@code points} points on the ellipse around {@code centre} (for plots). */
    public double[][] outline(double[] centre, int points) {
        double[][] xy = new double[2][points + 1];
        double ca = Math.cos(angle), sa = Math.sin(angle);
        for (int k = 0; k <= points; k++) {
            double t = 2 * Math.PI * k / points;
            double u = semiAxes[0] * Math.cos(t), w = semiAxes[1] * Math.sin(t);
            xy[0][k] = centre[0] + ca * u - sa * w;
            xy[1][k] = centre[1] + sa * u + ca * w;
        }
        return xy;
    }
}
