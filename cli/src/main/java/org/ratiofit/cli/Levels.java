package org.ratiofit.cli;

import java.util.Locale;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import picocli.CommandLine;

/** Confidence levels on the command line: a probability (0.95), a percentage (95%) or sigmas (2sigma). */
final class Levels {

    private Levels() {
    }

    static final class Converter implements CommandLine.ITypeConverter<ConfidenceLevel> {
        @Override
        public ConfidenceLevel convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.endsWith("sigma")) {
                    double n = Double.parseDouble(v.substring(0, v.length() - 5).trim());
                    if (!(n > 0) || n > 8) {
                        throw new CommandLine.TypeConversionException("'" + value + "': give between 0 and 8 sigma");
                    }
                    return ConfidenceLevel.sigma(n);
                }
                double p = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1).trim()) / 100
                        : Double.parseDouble(v);
                if (!(p > 0 && p < 1)) {
                    throw new CommandLine.TypeConversionException("'" + value
                            + "' is not a confidence level: give a probability in (0, 1), a percentage or N sigma");
                }
                return ConfidenceLevel.probability(p);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value
                        + "' is not a confidence level (for example 0.95, 95% or 2sigma)");
            }
        }
    }

    /** "68.27%" style label. */
    static String label(ConfidenceLevel cl) {
        return String.format(Locale.ROOT, "%.4g%%", 100 * cl.probability());
    }
}
