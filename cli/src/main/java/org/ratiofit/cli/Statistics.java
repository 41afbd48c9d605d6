package org.ratiofit.cli;

import java.util.Locale;
import org.ratiofit.samplers.profile.TestStatistic;
import picocli.CommandLine;

/** Test statistics by their usual short names: qtilde (q~_mu) and q (q_mu). */
final class Statistics {

    private Statistics() {
    }

    static final class Converter implements CommandLine.ITypeConverter<TestStatistic> {
        @Override
        public TestStatistic convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "qtilde", "q~", "qtilde_mu", "q~_mu" -> TestStatistic.Q_TILDE_MU;
                case "q", "qmu", "q_mu" -> TestStatistic.Q_MU;
                default -> throw new CommandLine.TypeConversionException("'" + value
                        + "' is not a test statistic for limits: qtilde (q~_mu, for mu >= 0) or q (q_mu)");
            };
        }
    }

    static String name(TestStatistic ts) {
        return switch (ts) {
            case Q_TILDE_MU -> "q~_mu";
            case Q_MU -> "q_mu";
            case Q_0 -> "q_0";
            case T_MU -> "t_mu";
            case T_TILDE_MU -> "t~_mu";
        };
    }
}
