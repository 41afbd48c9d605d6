package org.ratiofit.workspace.build;

import java.util.List;

/**
 * What {@link WorkspaceInspector#inspect} found in a workspace folder (JSON through Jackson).
 *
 * @param formatVersion   version of this record's JSON layout
 * @param workspace       the folder
 * @param workspaceFormat the workspace's own format version
 * @param parameters      every parameter
 * @param channels        every channel
 * @param provenance      what {@code provenance.json} records, with the checksums checked again (null without one)
 * @param warnings        what deserves a look
 */
public record WorkspaceSummary(
        int formatVersion,
        String workspace,
        int workspaceFormat,
        List<ParameterInfo> parameters,
        List<ChannelInfo> channels,
        ProvenanceInfo provenance,
        List<String> warnings) {

    public static final int FORMAT_VERSION = 1;

    /** Quantile levels of {@link ColumnStats#quantiles()}. */
    public static final double[] QUANTILE_LEVELS = {0.01, 0.16, 0.5, 0.84, 0.99};

    /** A parameter; bounds null where unbounded; aux and sigma for constrained ones. */
    public record ParameterInfo(String name, String kind, double initial, Double lower, Double upper, boolean fixed, Double aux, Double sigma) {}

    /**
     * A channel.
     *
     * @param dataEvents      events of the data event set (unbinned) or bins (binned)
     * @param observed        the weighted count of the data (or Asimov) events, or the sum of the observed counts
     * @param referenceEvents events of the reference event set (unbinned; 0 without one)
     */
    public record ChannelInfo(String name, String type, long dataEvents, double observed, long referenceEvents, List<SampleInfo> samples) {}

    /**
     * A sample of a channel.
     *
     * @param yield              nominal yield (binned: summed over bins)
     * @param modifiers          its modifiers, one short line each
     * @param dataLogRatio       statistics of ln(p_sample/p_ref) over the data events (null for binned channels)
     * @param referenceLogRatio  the same over the reference events (null without them)
     */
    public record SampleInfo(String name, double yield, List<String> modifiers, ColumnStats dataLogRatio, ColumnStats referenceLogRatio) {}

    /**
     * Statistics of a per-event column; min, max, mean and quantiles over its finite values.
     *
     * @param quantiles at {@link #QUANTILE_LEVELS}, linear interpolation between order statistics (NumPy's default)
     */
    public record ColumnStats(long count, long nanCount, double min, double max, double mean, double[] quantiles) {}

    /**
     * The provenance record and its checks.
     *
     * @param changedFiles model or input files whose SHA-256 no longer matches (or that are gone)
     */
    public record ProvenanceInfo(String ratiofitVersion, String createdAt, String configFile, String configSha256, int modelFiles,
                                 int inputFiles, List<String> changedFiles) {}
}
