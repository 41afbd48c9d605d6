package org.ratiofit.workspace.build;

import java.util.List;
import java.util.Map;

/**
 * What a build did (written as {@code build.json} beside the workspace and returned to the
 * caller; every field is JSON through Jackson).
 *
 * @param formatVersion version of this record's JSON layout
 * @param workspace     the workspace folder written
 * @param config        the configuration file read
 * @param threads       worker threads used
 * @param chunkSize     events per chunk
 * @param channels      per region: events, nominal and varied yields
 * @param ensembles     ensembles loaded (distinct folders)
 * @param evaluations   ensemble evaluations made (events × ensembles, over every pass)
 * @param timings       where the time went
 * @param warnings      things that deserve a look (empty regions, yields ≤ 0, ...)
 * @param memberWeights the expectation-based member weights fitted for each ensemble whose
 *                      manifest sets {@code beta} (empty when none does)
 */
public record BuildResult(
        int formatVersion,
        String workspace,
        String config,
        int threads,
        int chunkSize,
        List<Channel> channels,
        int ensembles,
        long evaluations,
        Timings timings,
        List<String> warnings,
        List<MemberWeights> memberWeights) {

    /** Version 2 added {@code memberWeights}. */
    public static final int FORMAT_VERSION = 2;
    public static final String FILE_NAME = "build.json";

    /**
     * One region.
     *
     * @param name            region name
     * @param type            {@code unbinned} or {@code binned}
     * @param dataEvents      observed events selected (0 without data; Asimov data then)
     * @param referenceEvents reference-sample events selected (unbinned regions)
     * @param observed        the weighted count of observed (or Asimov) events
     * @param samples         per basis sample, its yields
     */
    public record Channel(String name, String type, long dataEvents, long referenceEvents, double observed, List<SampleYield> samples) {}

    /**
     * A basis sample's yields in a region (binned regions: summed over bins).
     *
     * @param name       sample name
     * @param nominal    nominal yield ν (weighted count of the sample's selected events)
     * @param variations per systematic with a yield effect: {@code [down, up]} absolute yields
     */
    public record SampleYield(String name, double nominal, Map<String, double[]> variations) {}

    /**
     * The member weights of one basis sample's ratio ensemble in one region, fitted on that
     * region's reference events: w_i = exp(−β|E_i|)/Σ_j exp(−β|E_j|), E_i the member's closure
     * deviation there (the mean of its region-renormalised ratio over the reference events, minus 1).
     *
     * @param sample          basis sample
     * @param region          region name, or {@code (every reference event)} for a sample given by
     *                        ensemble and Yield alone (its weights then hold in every region)
     * @param ensemble        the ensemble folder
     * @param beta            β from the ensemble's manifest
     * @param aggregation     how the weighted members combine per event
     * @param members         member names
     * @param deviations      E_i per member
     * @param weights         w_i per member (sum 1)
     * @param referenceEvents reference events the deviations were measured on
     */
    public record MemberWeights(String sample, String region, String ensemble, double beta, String aggregation, List<String> members,
                                double[] deviations, double[] weights, long referenceEvents) {}

    /**
     * Seconds.
     *
     * @param total          wall time of the whole build
     * @param validation     reading and checking the configuration
     * @param evaluation     wall time of the passes over the events (reading, inference, gathering)
     * @param inference      thread-seconds inside ensemble evaluation (feature scaling, ONNX Runtime,
     *                       output conversion), summed over the worker threads
     * @param write          writing the workspace, provenance and reports
     * @param inferenceShare {@code inference / (threads × total)}: the share of the build's thread
     *                       time spent in ensemble evaluation
     */
    public record Timings(double total, double validation, double evaluation, double inference, double write, double inferenceShare) {}
}
