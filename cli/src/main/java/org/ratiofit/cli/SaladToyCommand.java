package org.ratiofit.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.ratiofit.validation.salad.SaladToy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratiofit salad-toy}: writes the SALAD toy's event files and a configuration that reads them. */
@Command(name = "salad-toy", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Write the SALAD toy (data, simulation, truth samples) and its configuration salad.yml.",
        description = {
            "A falling m spectrum on [3, 5], features x1, x2 correlated with m, a simulation whose background differs",
            "from the data's by a smooth m-dependent shift and width, a narrow resonance at m = 4 with localised",
            "features, injected at --signal-fraction of the signal region's background. Writes data.csv (with the",
            "truth column 'label'), simulation.csv, background.csv (true background), signal.csv, test.csv (labelled",
            "signal-region events) and salad.yml (SR [3.8, 4.2], sidebands [3.4, 3.8] and [4.2, 4.6], validation",
            "regions [3.0, 3.4] and [4.6, 5.0])."},
        footer = {"", "Example:", "  ratiofit salad-toy toy --signal-fraction 0.02 && ratiofit reweight toy/salad.yml"})
public final class SaladToyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder to write into.")
    Path dir;

    @Option(names = "--data", paramLabel = "N", description = "Data background events (default ${DEFAULT-VALUE}).")
    int data = 40000;

    @Option(names = "--simulation", paramLabel = "N", description = "Simulated events (default ${DEFAULT-VALUE}).")
    int simulation = 40000;

    @Option(names = "--signal-fraction", paramLabel = "F",
            description = "Injected signal / SR background of the data (default ${DEFAULT-VALUE}).")
    double signalFraction = 0;

    @Option(names = "--seed", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // never replace a file of the user's: the toy's file names are common ones
        List<String> present = new java.util.ArrayList<>();
        for (String f : List.of("data.csv", "simulation.csv", "background.csv", "signal.csv", "test.csv", "salad.yml")) {
            if (java.nio.file.Files.exists(dir.resolve(f))) {
                present.add(f);
            }
        }
        if (!present.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "'" + dir + "' already holds " + present
                    + ": salad-toy writes those names and replaces no file; choose a new folder or remove them");
        }
        Path cfg = SaladToy.of(data, simulation, signalFraction).write(dir, seed);
        spec.commandLine().getOut().println("wrote the SALAD toy into " + dir + "; configuration " + cfg);
        return 0;
    }
}
