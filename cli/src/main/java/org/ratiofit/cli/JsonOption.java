package org.ratiofit.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --json} switch of the commands whose only output choice it is (commands with a
 * report page and plots take {@link OutputOptions} instead). Two wordings, each shared verbatim
 * by its commands: {@link Results} and {@link Summary}.
 */
final class JsonOption {
    private JsonOption() {}

    /** {@code --json} of a command that computes results (demo, train). */
    static final class Results {
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
