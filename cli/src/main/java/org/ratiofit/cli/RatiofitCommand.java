package org.ratiofit.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code ratiofit} command: one subcommand per job, tables by default, JSON on request. */
@Command(name = "ratiofit",
        mixinStandardHelpOptions = true,
        versionProvider = RatiofitCommand.Version.class,
        description = "Neural density ratios to statistical results: unbinned likelihoods, fits, intervals and posteriors.",
        footer = {"", "Exit codes: 0 success, 1 error (bad file, failed computation), 2 bad argument,",
            "3 results written but not trustworthy (e.g. the fit did not converge)."},
        // One line per subcommand: adding a command is adding its class here.
        subcommands = {
            TrainCommand.class,
            TrainEstimatorCommand.class,
            BuildCommand.class,
            CombineCommand.class,
            InspectCommand.class,
            FitCommand.class,
            ScanCommand.class,
            LimitCommand.class,
            SignificanceCommand.class,
            SampleCommand.class,
            DemoCommand.class,
            ValidateCommand.class,
            FisherCommand.class,
            CoverageCommand.class,
            MergeToysCommand.class,
            SaladToyCommand.class,
            ReweightCommand.class,
            AnomalyCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class RatiofitCommand implements Runnable {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Show the full stack trace when a command fails.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns its exit code, writing to the given streams. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        Logging.configure(args);
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new RatiofitCommand());
        // 'ratiofit COMMAND --version' prints the same version as 'ratiofit --version'
        cl.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(new Version()));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            RatiofitCommand root = commandLine.getCommandSpec().root().userObject() instanceof RatiofitCommand r ? r : null;
            PrintWriter err = commandLine.getErr();
            if (root != null && root.debug) {
                ex.printStackTrace(err);
            } else {
                // One clear line for the user; --debug shows the trace.
                String msg = ErrorMessages.describe(ex);
                err.println(commandLine.getCommandSpec().qualifiedName() + ": error: " + oneLine(msg));
            }
            err.flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter err = c.getErr();
            RatiofitCommand root = c.getCommandSpec().root().userObject() instanceof RatiofitCommand r ? r : null;
            if (root != null && root.debug) {
                ex.printStackTrace(err);
            }
            // One line: what was wrong, and where the usage is.
            err.println(c.getCommandSpec().qualifiedName() + ": " + oneLine(ex.getMessage())
                    + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return 2;
        });
        return cl;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RatiofitCommand.class.getPackage().getImplementationVersion();
            return new String[] {"ratiofit " + (v == null ? "development build" : v)};
        }
    }
}
