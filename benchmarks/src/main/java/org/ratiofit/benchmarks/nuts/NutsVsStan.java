package org.ratiofit.benchmarks.nuts;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.hipparchus.analysis.differentiation.Gradient;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.samplers.nuts.ChainResult;
import org.ratiofit.samplers.nuts.HipparchusObjectives;
import org.ratiofit.samplers.nuts.NutsResult;
import org.ratiofit.samplers.nuts.NutsSampler;
import org.ratiofit.samplers.nuts.NutsSettings;

/**
 * The Java half of the NUTS-against-Stan benchmark (benchmarks/scripts/nuts_vs_stan.sh): writes
 * the models' data for the R script, runs ratiofit's NUTS on the same models and writes the draws
 * in CmdStan's CSV layout plus a table of gradient evaluations, so that one R script computes the
 * ESS of both samplers with the same estimator.
 *
 * <p>Usage: {@code NutsVsStan OUT_DIR [SEEDS] [CHAINS] [THREADS]}
 */
public final class NutsVsStan {

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/nuts-vs-stan");
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int chains = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Files.createDirectories(out.resolve("java"));

        int d = 100;
        double[] mean = new double[d];
        double[][] cov = correlatedCovariance(d, 0.5, mean);
        double[][] precision = new CholeskyDecomposition(MatrixUtils.createRealMatrix(cov)).getSolver().getInverse().getData();
        writeMatrix(out.resolve("gauss100_mean.csv"), new double[][] {mean});
        writeMatrix(out.resolve("gauss100_precision.csv"), precision);
        double[] y = new double[100];
        Random r = new Random(42);
        for (int i = 0; i < y.length; i++) {
            y[i] = 1 + 2 * r.nextGaussian();
        }
        writeMatrix(out.resolve("normal2_y.csv"), new double[][] {y});

        List<String[]> models = List.of(new String[] {"gauss100", "analytic gradient"},
                new String[] {"normal2", "analytic gradient"}, new String[] {"normal2_hipparchus", "Hipparchus Gradient"});
        try (PrintWriter runs = new PrintWriter(Files.newBufferedWriter(out.resolve("java/runs.csv")))) {
            runs.println("model,seed,gradients_total,gradients_sampling,wall_seconds");
            for (String[] m : models) {
                Objective o = switch (m[0]) {
                    case "gauss100" -> gaussian(mean, precision);
                    case "normal2" -> normalMuSigma(y);
                    default -> normalMuSigmaHipparchus(y);
                };
                // untimed runs until the JIT has compiled the hot paths (Stan's C++ is compiled ahead);
                // on a loaded machine the compiler threads need several runs
                for (int w = 0; w < 4; w++) {
                    NutsSampler.sample(o, NutsSettings.defaults().chains(chains).threads(threads).seed(10000 + w).quiet(true));
                }
                for (int s = 1; s <= seeds; s++) {
                    NutsResult res = NutsSampler.sample(o, NutsSettings.defaults().chains(chains).threads(threads).seed(s).quiet(true));
                    res.writeCsv(out.resolve("java"), m[0] + "_seed" + s);
                    runs.printf(Locale.ROOT, "%s,%d,%d,%d,%.4f%n", m[0], s, res.gradientEvaluations(),
                            res.samplingGradientEvaluations(), res.seconds());
                    double chainSec = res.chains().stream().mapToDouble(c -> c.warmupSeconds() + c.samplingSeconds()).sum();
                    System.out.printf(Locale.ROOT, "%-20s seed %d: %8d gradients, %.2f chain-seconds, %d divergent, step %s%n",
                            m[0], s, res.gradientEvaluations(), chainSec, res.divergences(),
                            res.chains().stream().map(ChainResult::stepSize).map(v -> String.format(Locale.ROOT, "%.3f", v)).toList());
                }
            }
        }
    }

    /** Mean 0.1 i, scales 0.5 .. 5 (log-spaced), correlation rho^|i-j|. */
    static double[][] correlatedCovariance(int d, double rho, double[] mean) {
        double[] scale = new double[d];
        for (int i = 0; i < d; i++) {
            mean[i] = 0.1 * i;
            scale[i] = 0.5 * Math.pow(10, (double) i / (d - 1));
        }
        double[][] cov = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                cov[i][j] = scale[i] * scale[j] * Math.pow(rho, Math.abs(i - j));
            }
        }
        return cov;
    }

    /** 0.5 (x - m)' P (x - m) as an NLL; the same arithmetic as Stan's quad_form. */
    static Objective gaussian(double[] mean, double[][] precision) {
        int d = mean.length;
        List<ParameterSpec> specs = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            specs.add(ParameterSpec.free("x." + (i + 1), mean[i], 1));
        }
        ThreadLocal<double[]> scratch = ThreadLocal.withInitial(() -> new double[d]);
        return new Objective() {
            public List<ParameterSpec> parameters() {
                return specs;
            }

            public double value(double[] x) {
                return valueAndGradient(x, new double[d]);
            }

            public boolean hasGradient() {
                return true;
            }

            public double valueAndGradient(double[] x, double[] g) {
                // g = P (x - m) as a sum of columns (P is symmetric): axpy loops the JIT vectorises,
                // where a row-by-row dot product would be one long chain of dependent additions
                double[] dx = scratch.get();
                java.util.Arrays.fill(g, 0, d, 0);
                for (int j = 0; j < d; j++) {
                    dx[j] = x[j] - mean[j];
                }
                for (int j = 0; j < d; j++) {
                    double[] col = precision[j];
                    double dj = dx[j];
                    for (int i = 0; i < d; i++) {
                        g[i] += col[i] * dj;
                    }
                }
                double v = 0;
                for (int i = 0; i < d; i++) {
                    v += dx[i] * g[i];
                }
                return 0.5 * v;
            }

            public double errorDef() {
                return 0.5;
            }
        };
    }

    static List<ParameterSpec> muSigmaSpecs() {
        return List.of(ParameterSpec.free("mu", 0, 1), ParameterSpec.bounded("sigma", 1, 1, 0, Double.POSITIVE_INFINITY));
    }

    /** NLL of y ~ N(mu, sigma) with its gradient, one loop over the events as Stan's normal_lpdf does. */
    static Objective normalMuSigma(double[] y) {
        List<ParameterSpec> specs = muSigmaSpecs();
        return new Objective() {
            public List<ParameterSpec> parameters() {
                return specs;
            }

            public double value(double[] x) {
                return valueAndGradient(x, new double[2]);
            }

            public boolean hasGradient() {
                return true;
            }

            public double valueAndGradient(double[] x, double[] g) {
                double mu = x[0];
                double inv = 1 / x[1];
                double ss = 0;
                double s1 = 0;
                for (double v : y) {
                    double r = v - mu;
                    s1 += r;
                    ss += r * r;
                }
                g[0] = -s1 * inv * inv;
                g[1] = y.length * inv - ss * inv * inv * inv;
                return 0.5 * ss * inv * inv + y.length * Math.log(x[1]);
            }

            public double errorDef() {
                return 0.5;
            }
        };
    }

    /** The same NLL written on Hipparchus Gradient: exact derivatives without hand-written ones. */
    static Objective normalMuSigmaHipparchus(double[] y) {
        return HipparchusObjectives.ofGradient(muSigmaSpecs(), 0.5, p -> {
            Gradient ss = p[0].getField().getZero();
            for (double v : y) {
                Gradient res = p[0].negate().add(v);
                ss = ss.add(res.multiply(res));
            }
            return ss.divide(p[1].multiply(p[1]).multiply(2)).add(p[1].log().multiply(y.length));
        });
    }

    private static void writeMatrix(Path f, double[][] m) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(f))) {
            for (double[] row : m) {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < row.length; j++) {
                    sb.append(j == 0 ? "" : ",").append(Double.toString(row[j]));
                }
                w.println(sb);
            }
        }
    }
}
