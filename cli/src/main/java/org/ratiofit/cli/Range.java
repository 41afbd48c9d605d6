package org.ratiofit.cli;

import picocli.CommandLine;

/** An interval FROM:TO given on the command line, such as {@code --range 0:3}. */
record Range(double from, double to) {

    /** Parses FROM:TO; the message of a bad value says what was expected. */
    static final class Converter implements CommandLine.ITypeConverter<Range> {
        @Override
        public Range convert(String value) {
            String[] parts = value.split(":", -1);
            if (parts.length != 2) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a range FROM:TO (for example 0:3)");
            }
            double a;
            double b;
            try {
                a = Double.parseDouble(parts[0].trim());
                b = Double.parseDouble(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a range FROM:TO of two numbers (for example 0:3)");
            }
            if (!Double.isFinite(a) || !Double.isFinite(b) || !(b > a)) {
                throw new CommandLine.TypeConversionException("range '" + value + "' needs finite FROM < TO");
            }
            return new Range(a, b);
        }
    }

    double[] grid(int points) {
        double[] g = new double[points];
        for (int i = 0; i < points; i++) {
            g[i] = from + (to - from) * i / (points - 1);
        }
        return g;
    }
}
