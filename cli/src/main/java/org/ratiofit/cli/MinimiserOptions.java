package org.ratiofit.cli;

import org.ratiofit.samplers.fit.Migrad;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Settings of MIGRAD shared by the commands that fit. */
public final class MinimiserOptions {

    /**
     * MIGRAD's tolerance unless --tolerance is given: one value for every command, so that fit,
     * scan, limit and significance report the same best fit of a workspace and settings.
     */
    static final double DEFAULT_TOLERANCE = 0.01;

    /** Minuit's strategy unless --strategy is given. */
    static final String DEFAULT_STRATEGY = "1";

    @Option(names = "--strategy", paramLabel = "0|1|2", defaultValue = DEFAULT_STRATEGY,
            description = "Minuit strategy: 0 fewest calls, 1 default, 2 most careful (HESSE at start and end). Default: ${DEFAULT-VALUE}.")
    int strategy;

    @Option(names = "--tolerance", paramLabel = "TOL",
            description = "MIGRAD stops when EDM < 0.002 * TOL * errorDef. Default: 0.01 for every command, so that "
                    + "fit, scan, limit and significance give the same best fit.")
    Double tolerance;

    /** MIGRAD as the commands run it without --strategy and --tolerance (the demo's too). */
    static Migrad defaults() {
        return Migrad.builder().strategy(Integer.parseInt(DEFAULT_STRATEGY)).tolerance(DEFAULT_TOLERANCE).build();
    }

    Migrad migrad(CommandLine cl, double defaultTolerance) {
        if (strategy < 0 || strategy > 2) {
            throw new CommandLine.ParameterException(cl, "--strategy must be 0, 1 or 2, got " + strategy);
        }
        if (tolerance != null && !(tolerance > 0 && Double.isFinite(tolerance))) {
            throw new CommandLine.ParameterException(cl, "--tolerance must be positive, got " + tolerance);
        }
        return Migrad.builder().strategy(strategy).tolerance(tolerance == null ? defaultTolerance : tolerance).build();
    }
}
