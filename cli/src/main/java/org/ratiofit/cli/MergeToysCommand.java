package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ratiofit.samplers.toys.ToyStudyFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratiofit merge-toys}: joins toy files written over index ranges into the whole study. */
@Command(name = "merge-toys", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Join toy files of one study (--toy-range runs) and give its result.",
        description = {
            "Joins the toy files that runs of one study over index ranges wrote (limit --toys, significance --toys,",
            "scan --neyman with --toy-range FROM:TO --save-toys FILE), checks that they come from the same data, options",
            "and seed and that their ranges tile the study without gaps or overlaps, writes the merged file with -o, and",
            "prints the result exactly as one run over all toys would."},
        footer = {"", "Examples:",
            "  for i in 0 1 2 3; do ratiofit limit ws --toys 1000 --grid 0.2:3:15 --toy-range $((i*250)):$((i*250+250)) --save-toys part$i.json; done",
            "  ratiofit merge-toys part*.json -o all.json --report toy-limit"})
public final class MergeToysCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Toy files (JSON) of one study.")
    List<Path> files;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the merged toy file here (written beside, then renamed).")
    Path output;

    @Mixin
    OutputOptions out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        List<ToyStudyFile> parts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            parts.add(ToyStudyFile.read(f));
            names.add(f.toString());
        }
        if (output != null && files.stream().anyMatch(f -> f.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize()))) {
            throw new CommandLine.ParameterException(cl, "-o " + output + " is one of the input files; write the merged file elsewhere");
        }
        if (output != null && Files.isDirectory(output)) {
            throw new CommandLine.ParameterException(cl, "-o " + output + " is a directory; give a file name");
        }
        ToyStudyFile merged;
        try {
            merged = ToyStudyFile.merge(parts, names);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        if (output != null) {
            merged.write(output);
        }
        String title = "ratiofit merge-toys (" + files.size() + " files, " + merged.command() + " of " + merged.workspace() + ")";
        return ToyReports.report(new Output(cl.getOut(), out, title), merged, title);
    }
}
