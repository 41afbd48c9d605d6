package org.ratiofit.ratio.training.multiclass;

import java.util.Locale;

/**
 * How each non-reference class's ratio of a multiclass classifier is calibrated on the holdout
 * (written into the sidecar's {@code multiclass.calibration}, applied wherever the model is
 * evaluated).
 */
public enum ClassCalibration {
    /** the normalised classifier ratios as they are */
    NONE,
    /** one temperature a_c per class: ln r_c → a_c·(z_c − z_ref) + ln(π_ref/π_c) (a {@code platt} map) */
    TEMPERATURE,
    /** a monotone map per class of the one-against-reference ratio ({@link ClassIsotonicCalibration}; an {@code isotonic} map) */
    ISOTONIC;

    /** The lower-case name used in configuration files and on the command line. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses none, temperature or isotonic (any case); the message lists them. */
    public static ClassCalibration parse(String s) {
        if (s != null) {
            for (ClassCalibration c : values()) {
                if (c.key().equalsIgnoreCase(s.trim())) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("unknown multiclass calibration '" + s + "'; expected none, temperature or isotonic");
    }
}
