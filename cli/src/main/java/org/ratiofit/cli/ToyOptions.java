package org.ratiofit.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Options of the toy-based commands ({@code limit --toys}, {@code significance --toys},
 * {@code scan --neyman}, {@code coverage}): how many pseudo-experiments, their seed, the index
 * range of this run, where the toys are saved, and where they run.
 */
public final class ToyOptions {

    @Option(names = "--toys", paramLabel = "N",
            description = "Pseudo-experiments per ensemble (switches limit and significance from asymptotic formulae to toys).")
    Integer toys;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1",
            description = "Seed of the study: toy i of each ensemble is seeded from SEED, the ensemble and i alone, so results "
                    + "are identical on any number of threads or machines. Default: ${DEFAULT-VALUE}.")
    String seed;

    @Option(names = "--toy-range", paramLabel = "FROM:TO",
            description = "Run only toys FROM (inclusive) to TO (exclusive) of each ensemble, e.g. one job of a batch array; "
                    + "needs --save-toys; join the files with 'ratiofit merge-toys'.")
    String toyRange;

    @Option(names = "--save-toys", paramLabel = "FILE",
            description = "Write the study (plan and toys, JSON) to FILE for 'ratiofit merge-toys'.")
    Path saveToys;

    @Option(names = "--master", paramLabel = "URL",
            description = "Run the toys on Apache Spark: local[N], spark://HOST:PORT, or 'spark-submit' for the master "
                    + "spark-submit set (needs the distributed module: ./ratiofit-spark). The workspace must lie at the same "
                    + "path on every executor.")
    String master;

    @Option(names = "--toys-per-task", paramLabel = "N", defaultValue = "50",
            description = "Toys per Spark task at the end of the study (a task costs a few ms of overhead); earlier "
                    + "tasks take larger shares, up to 8x N, so that there are few tasks and the last ones are short. "
                    + "Default: ${DEFAULT-VALUE}.")
    int toysPerTask;

    /** Whether any toy option asks for toys. */
    boolean requested() {
        return toys != null || toyRange != null;
    }

    /** The seed, checked: a non-negative integer. */
    long seed(CommandLine cl) {
        try {
            long s = Long.parseLong(seed.trim());
            if (s < 0) {
                throw new CommandLine.ParameterException(cl, "--seed must be a non-negative integer, got " + seed);
            }
            return s;
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(cl, "--seed must be a non-negative integer, got '" + seed + "'");
        }
    }

    /** {from, to} of this run's toys, checked. */
    long[] range(CommandLine cl) {
        if (toys != null && toys < 1) {
            throw new CommandLine.ParameterException(cl, "--toys must be at least 1, got " + toys);
        }
        if (toysPerTask < 1) {
            throw new CommandLine.ParameterException(cl, "--toys-per-task must be at least 1, got " + toysPerTask);
        }
        if (toyRange == null) {
            return new long[] {0, toys};
        }
        String[] p = toyRange.split(":");
        long from;
        long to;
        try {
            if (p.length != 2) {
                throw new NumberFormatException();
            }
            from = Long.parseLong(p[0].trim());
            to = Long.parseLong(p[1].trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(cl, "--toy-range must be FROM:TO (two integers), got '" + toyRange + "'");
        }
        if (from < 0 || to <= from) {
            throw new CommandLine.ParameterException(cl, "--toy-range " + toyRange + ": need 0 <= FROM < TO");
        }
        if (toys != null && to > toys) {
            throw new CommandLine.ParameterException(cl, "--toy-range " + toyRange + " goes beyond --toys " + toys);
        }
        if (saveToys == null) {
            throw new CommandLine.ParameterException(cl, "--toy-range runs part of a study: give --save-toys FILE to keep it for merge-toys");
        }
        return new long[] {from, to};
    }

    /** A grid FROM:TO:N, checked. */
    static double[] grid(CommandLine cl, String option, String spec) {
        String[] p = spec.split(":");
        try {
            if (p.length != 3) {
                throw new NumberFormatException();
            }
            double a = Double.parseDouble(p[0].trim());
            double b = Double.parseDouble(p[1].trim());
            int n = Integer.parseInt(p[2].trim());
            if (!Double.isFinite(a) || !Double.isFinite(b) || !(b > a)) {
                throw new CommandLine.ParameterException(cl, option + " " + spec + ": need finite FROM < TO");
            }
            if (n < 2 || n > 10_000) {
                throw new CommandLine.ParameterException(cl, option + " " + spec + ": N must lie in [2, 10000]");
            }
            double[] g = new double[n];
            for (int i = 0; i < n; i++) {
                g[i] = a + (b - a) * i / (n - 1);
            }
            return g;
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(cl, option + " must be FROM:TO:N (for example 0.1:3:15), got '" + spec + "'");
        }
    }
}
