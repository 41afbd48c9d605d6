package org.ratiofit.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --json} switch, declared once per wording: {@link Results} (also the switch of
 * {@link OutputOptions}, for the commands with a report page and plots) and {@link Summary}.
 * Commands whose only output choice it is take one of them as a mixin.
 */
final class JsonOption {
    private JsonOption() {}

    /**
     * {@code --json} of a command that computes results (demo, train; and, through
     * {@link OutputOptions}, which extends it, every command with a report page).
     */
    static class Results {
        @Option(names = "--json", description = "Write the results as one JSON object on standard output instead of tables.")
        boolean json;
    }

    /** {@code --json} of a command that summarises what it wrote or read (combine, inspect). */
    static final class Summary {
        @Option(names = "--json", description = "Write the summary as one JSON object on standard output instead of tables.")
        boolean json;

        /** Output options with this switch alone (no report page, no plots). */
        OutputOptions outputOptions() {
            OutputOptions oo = new OutputOptions();
            oo.json = json;
            return oo;
        }
    }
}
