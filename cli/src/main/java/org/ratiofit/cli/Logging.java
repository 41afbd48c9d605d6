package org.ratiofit.cli;

/**
 * Libraries' log lines (jHDF, DJL, ONNX Runtime through slf4j-simple) go to standard error at WARN,
 * or at INFO with {@code --debug}, never to standard output, where they would break {@code --json}.
 * jHDF ships a {@code simplelogger.properties} that sends INFO to standard output; system properties
 * take precedence over it, so they are set before any logger exists. A property the user set
 * ({@code -Dorg.slf4j.simpleLogger...}) is kept.
 */
final class Logging {

    static final String LOG_FILE = "org.slf4j.simpleLogger.logFile";
    static final String LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private Logging() {}

    static void configure(String[] args) {
        boolean debug = false;
        for (String a : args) {
            debug |= "--debug".equals(a);
        }
        if (System.getProperty(LOG_FILE) == null) {
            System.setProperty(LOG_FILE, "System.err");
        }
        if (System.getProperty(LEVEL) == null) {
            System.setProperty(LEVEL, debug ? "info" : "warn");
        }
    }
}
