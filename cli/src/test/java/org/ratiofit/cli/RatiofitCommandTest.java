package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class RatiofitCommandTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RatiofitCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheSubcommands() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("demo"), r.out());
    }

    @Test
    void everySubcommandHasAOneLineSummaryAndHelpThatFormatsCleanly() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        picocli.CommandLine root = new picocli.CommandLine(new RatiofitCommand());
        try {
            // picocli reports a description it cannot format (an unescaped '%') on System.err
            System.setErr(new java.io.PrintStream(captured, true));
            for (var e : root.getSubcommands().entrySet()) {
                if (e.getKey().equals("help")) {
                    continue;
                }
                String[] header = e.getValue().getCommandSpec().usageMessage().header();
                assertEquals(1, header.length, e.getKey() + ": one summary line for the command list");
                assertTrue(header[0].endsWith("."), e.getKey() + ": summary is a sentence: " + header[0]);
                String usage = e.getValue().getUsageMessage();
                assertTrue(usage.contains("--help"), e.getKey() + " usage lists --help");
            }
        } finally {
            System.setErr(saved);
        }
        assertFalse(captured.toString().contains("picocli WARN"), captured.toString());
        Run r = run("--help");
        for (String name : root.getSubcommands().keySet()) {
            assertTrue(r.out().contains("  " + name + " "), name + " listed in --help");
        }
    }

    @Test
    void unknownSubcommandIsAUsageErrorWithNonZeroExit() {
        Run r = run("no-such-command");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("no-such-command"), r.err());
    }
}
