package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * An option that several commands declare word for word (same names, same help text) is declared
 * once, in a mixin: otherwise one copy's default or wording can change without the others.
 */
class SharedOptionsTest {

    /** The class whose field declares the option. */
    private static String declaringClass(OptionSpec o) {
        Object member = o.userObject();
        if (member instanceof Field f) {
            return f.getDeclaringClass().getName();
        }
        return String.valueOf(member);
    }

    private static void collect(CommandLine cl, Map<String, Set<String>> declarers, Map<String, Set<String>> commands) {
        for (OptionSpec o : cl.getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            String key = String.join("|", o.names()) + " :: " + String.join(" ", o.description());
            declarers.computeIfAbsent(key, k -> new TreeSet<>()).add(declaringClass(o));
            commands.computeIfAbsent(key, k -> new TreeSet<>()).add(cl.getCommandSpec().qualifiedName());
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().parent() == cl.getCommandSpec()) {
                collect(sub, declarers, commands);
            }
        }
    }

    @Test
    void anOptionSharedWordForWordHasOneDeclaration() {
        Map<String, Set<String>> declarers = new TreeMap<>();
        Map<String, Set<String>> commands = new TreeMap<>();
        collect(RatiofitCommand.commandLine(), declarers, commands);
        List<String> repeated = new ArrayList<>();
        int shared = 0;
        for (var e : declarers.entrySet()) {
            if (commands.get(e.getKey()).size() > 1) {
                shared++;
            }
            if (e.getValue().size() > 1) {
                repeated.add(e.getKey() + " declared in " + e.getValue() + " for " + commands.get(e.getKey()));
            }
        }
        assertEquals(List.of(), repeated, "move these options into a mixin");
        // the check sees the mixins: --json, --strategy and the workspace options are shared by several commands
        assertTrue(shared >= 5, "only " + shared + " options shared between commands: is the command tree read?");
    }
}
