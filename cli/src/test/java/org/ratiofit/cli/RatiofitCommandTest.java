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
    void unknownSubcommandIsAUsageErrorWithNonZeroExit() {
        Run r = run("no-such-command");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("no-such-command"), r.err());
    }
}
