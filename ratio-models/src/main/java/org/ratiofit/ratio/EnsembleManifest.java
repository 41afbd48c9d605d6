package org.ratiofit.ratio;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The manifest of an ensemble folder ({@value #FILE_NAME}, format {@value #FORMAT}, version
 * {@value #FORMAT_VERSION}).
 *
 * @param members     member sidecar paths, relative to the manifest's folder
 * @param aggregation how member ratios combine (default mean of ratios)
 * @param beta        expectation-based weighting strength; null means the plain committee
 *                    (weights are fitted by {@link Ensemble#fitExpectationWeights})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnsembleManifest(String format, int formatVersion, String name, List<String> members,
                               Aggregation aggregation, Double beta) {
    public static final String FORMAT = "ratiofit-ratio-ensemble";
    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "ensemble.json";

    public static EnsembleManifest of(String name, List<String> members, Aggregation aggregation) {
        return new EnsembleManifest(FORMAT, FORMAT_VERSION, name, members, aggregation, null);
    }

    /** How the members' ratios are combined per event. */
    public enum Aggregation {
        /** ln Σ_i w_i r_i (the common default). */
        @JsonProperty("mean_ratio") MEAN_RATIO,
        /** weighted median of r_i. */
        @JsonProperty("median_ratio") MEDIAN_RATIO,
        /** Σ_i w_i ln r_i. */
        @JsonProperty("mean_log_ratio") MEAN_LOG_RATIO
    }
}
