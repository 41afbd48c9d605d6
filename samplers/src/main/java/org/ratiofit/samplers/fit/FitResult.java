package org.ratiofit.samplers.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.RealMatrix;
import org.ratiofit.objective.ParameterSpec;

/**
 * A minimum with its uncertainties: values, parabolic errors, covariance and correlations of all
 * parameters (fixed ones with zero error), the cost and EDM at the minimum, the call counts and
 * the status flags.
 *
 * @param formatVersion      JSON layout version ({@link Json#FORMAT_VERSION})
 * @param names              parameter names in the objective's order
 * @param values             best-fit values
 * @param errors             parabolic errors sqrt(C_ii); 0 for fixed parameters
 * @param fixed              which parameters were held fixed
 * @param covariance         external covariance (errorDef-scaled); zero rows for fixed parameters
 * @param correlation        correlation matrix; identity rows for fixed parameters
 * @param globalCorrelation  global correlation coefficient of every parameter (0 when fixed)
 * @param minimumValue       cost at the minimum
 * @param edm                estimated distance to minimum
 * @param errorDef           the objective's errorDef
 * @param functionCalls      value-only calls of the objective
 * @param gradientCalls      value-and-gradient calls of the objective
 * @param covarianceSource   "hesse" (second derivatives) or "migrad" (variable-metric estimate)
 * @param status             flags a user should read
 * @param parameters         the parameter settings, with the best-fit values as initial values
 *                           and the errors as steps: ready for a follow-up fit
 */
public record FitResult(int formatVersion, List<String> names, double[] values, double[] errors, boolean[] fixed,
                        double[][] covariance, double[][] correlation, double[] globalCorrelation,
                        double minimumValue, double edm, double errorDef, long functionCalls, long gradientCalls,
                        String covarianceSource, FitStatus status, List<ParameterSpec> parameters) {

    static FitResult build(List<ParameterSpec> specs, double[] values, double[][] cov, double fmin, double edm,
                           double up, long nfcn, long ngrad, String source, FitStatus status) {
        int n = specs.size();
        double[] err = new double[n];
        boolean[] fixed = new boolean[n];
        double[][] corr = new double[n][n];
        for (int i = 0; i < n; i++) {
            fixed[i] = specs.get(i).fixed();
            err[i] = fixed[i] ? 0 : Math.sqrt(Math.max(cov[i][i], 0));
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                corr[i][j] = i == j ? 1 : (err[i] > 0 && err[j] > 0 ? cov[i][j] / (err[i] * err[j]) : 0);
            }
        }
        double[] global = globalCorrelations(cov, fixed);
        List<ParameterSpec> next = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ParameterSpec s = specs.get(i);
            double v = Math.min(Math.max(values[i], s.lower()), s.upper());
            double step = err[i] > 0 && Double.isFinite(err[i]) ? err[i] : s.step();
            next.add(new ParameterSpec(s.name(), v, step, s.lower(), s.upper(), s.fixed()));
        }
        List<String> names = specs.stream().map(ParameterSpec::name).toList();
        return new FitResult(Json.FORMAT_VERSION, names, values, err, fixed, cov, corr, global, fmin, edm, up,
                nfcn, ngrad, source, status, List.copyOf(next));
    }

    private static double[] globalCorrelations(double[][] cov, boolean[] fixed) {
        int n = cov.length;
        int[] free = java.util.stream.IntStream.range(0, n).filter(i -> !fixed[i]).toArray();
        double[] g = new double[n];
        if (free.length < 2) {
            return g;
        }
        RealMatrix c = new Array2DRowRealMatrix(free.length, free.length);
        for (int a = 0; a < free.length; a++) {
            for (int b = 0; b < free.length; b++) {
                c.setEntry(a, b, cov[free[a]][free[b]]);
            }
        }
        try {
            RealMatrix inv = new CholeskyDecomposition(c, 1e-14, 1e-300).getSolver().getInverse();
            for (int a = 0; a < free.length; a++) {
                double d = c.getEntry(a, a) * inv.getEntry(a, a);
                g[free[a]] = d > 1 ? Math.sqrt(1 - 1 / d) : 0;
            }
        } catch (RuntimeException notPositive) {
            java.util.Arrays.fill(g, Double.NaN);
        }
        return g;
    }

    public int indexOf(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown parameter '" + name + "'; known: " + names);
        }
        return i;
    }

    public double value(String name) {
        return values[indexOf(name)];
    }

    public double error(String name) {
        return errors[indexOf(name)];
    }

    /** What the covariance is, in words: second derivatives (HESSE) or MIGRAD's variable-metric estimate. */
    public String covarianceDescription() {
        return switch (covarianceSource) {
            case "hesse" -> "from HESSE (second derivatives)";
            case "migrad" -> "from MIGRAD's variable-metric updates (an estimate, not second derivatives; run HESSE for those)";
            case "none" -> "none (no free parameter)";
            default -> covarianceSource;
        };
    }

    /** A readable table: one row per parameter, then the status and the correlation matrix. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        int w = Math.max(9, names.stream().mapToInt(String::length).max().orElse(4));
        sb.append(String.format(Locale.ROOT, "%-" + w + "s %14s %12s %8s  %s%n", "parameter", "value", "error", "global", "note"));
        for (int i = 0; i < names.size(); i++) {
            ParameterSpec s = parameters.get(i);
            String note = fixed[i] ? "fixed" : (BoundTransform.of(s).atLimit(values[i], errors[i]) ? "at limit" : "");
            sb.append(String.format(Locale.ROOT, "%-" + w + "s %14.6g %12.4g %8.3f  %s%n", names.get(i), values[i],
                    errors[i], globalCorrelation[i], note));
        }
        sb.append(String.format(Locale.ROOT, "min %.10g  edm %.3g (target %.3g)  calls %d + %d with gradient  covariance %s%n",
                minimumValue, edm, status.edmTarget(), functionCalls, gradientCalls, covarianceDescription()));
        sb.append(String.format(Locale.ROOT, "valid=%b accurateCovariance=%b forcedPosDef=%b atLimit=%b aboveMaxEdm=%b callLimit=%b%n",
                status.validMinimum(), status.accurateCovariance(), status.forcedPositiveDefinite(),
                status.parameterAtLimit(), status.aboveMaxEdm(), status.callLimitReached()));
        sb.append("correlation:\n");
        for (int i = 0; i < names.size(); i++) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s", names.get(i)));
            for (int j = 0; j < names.size(); j++) {
                sb.append(String.format(Locale.ROOT, " %7.3f", correlation[i][j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    public String toJson() {
        return Json.write(this);
    }

    @Override
    public String toString() {
        return table();
    }
}
