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
        List<String> warnings) {

    public static final int FORMAT_VERSION = 1;
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
