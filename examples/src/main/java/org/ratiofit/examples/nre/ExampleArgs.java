package org.ratiofit.examples.nre;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The examples' {@code --name value} options with their defaults and help text; an unknown option
 * or a malformed number is refused with a clear message.
 */
final class ExampleArgs {

    private final Map<String, String> defaults = new LinkedHashMap<>();
    private final Map<String, String> help = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private final String program;
    private final String description;

    ExampleArgs(String program, String description) {
        this.program = program;
        this.description = description;
    }

    ExampleArgs option(String name, String dflt, String text) {
        defaults.put(name, dflt);
        help.put(name, text);
        return this;
    }

    /** Parses {@code args}; returns false (after printing the usage) for {@code --help}. */
    boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println(usage());
                return false;
            }
            if (!a.startsWith("--") || !defaults.containsKey(a.substring(2))) {
                throw new IllegalArgumentException("unknown option '" + a + "'\n" + usage());
            }
            String name = a.substring(2);
            if (defaults.get(name).equals("false") || defaults.get(name).equals("true")) {
                values.put(name, "true");
                continue;
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException("option " + a + " needs a value");
            values.put(name, args[++i]);
        }
        return true;
    }

    String usage() {
        StringBuilder b = new StringBuilder("usage: examples/run " + program + " [options]\n" + description + "\noptions:\n");
        for (String k : defaults.keySet()) {
            b.append(String.format("  --%-14s %s (default %s)%n", k, help.get(k), defaults.get(k)));
        }
        return b.toString();
    }

    String string(String name) {
        return values.getOrDefault(name, defaults.get(name));
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(string(name));
    }

    int integer(String name) {
        try {
            return Integer.parseInt(string(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + ": '" + string(name) + "' is not an integer");
        }
    }

    double number(String name) {
        try {
            return Double.parseDouble(string(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + ": '" + string(name) + "' is not a number");
        }
    }

    /** A range written LO:HI. */
    double[] range(String name) {
        String[] parts = string(name).split(":");
        try {
            if (parts.length == 2) {
                double lo = Double.parseDouble(parts[0]);
                double hi = Double.parseDouble(parts[1]);
                if (lo < hi) return new double[] {lo, hi};
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("option --" + name + ": '" + string(name) + "' is not a range LO:HI with LO < HI");
    }

    /** Comma-separated positive integers, e.g. 64,64,64. */
    java.util.List<Integer> widths(String name) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (String part : string(name).split(",")) {
            try {
                int w = Integer.parseInt(part.trim());
                if (w < 1) throw new NumberFormatException();
                out.add(w);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option --" + name + ": '" + string(name) + "' is not a list of positive widths like 64,64,64");
            }
        }
        return out;
    }
}
