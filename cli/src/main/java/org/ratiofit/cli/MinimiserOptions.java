package org.ratiofit.cli;

import org.ratiofit.samplers.fit.Migrad;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Settings of MIGRAD shared by the commands that fit. */
public final class MinimiserOptions {

    @Option(names = "--strategy", paramLabel = "0|1|2", defaultValue = "1",
            description = "Minuit strategy: 0 fewest calls, 1 default, 2 most careful (HESSE at start and end). Default: ${DEFAULT-VALUE}.")
    int strategy;

    @Option(names = "--tolerance", paramLabel = "TOL",
            description = "MIGRAD stops when EDM < 0.002 * TOL * errorDef. Default: 0.1 for fit, 0.01 for the fits "
                    + "inside scans, limits and significances.")
    Double tolerance;

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
