package org.ratiofit.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a command's results go: tables (default) or JSON on standard output, plots, a report page. */
public final class OutputOptions extends JsonOption.Results {

    // --json: inherited from JsonOption.Results

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write an HTML report (DIR/index.html) with the tables and plots of this run.")
    Path report;

    @Option(names = "--plots", paramLabel = "DIR", description = "Write the plots (PNG and SVG) into DIR.")
    Path plots;
}
