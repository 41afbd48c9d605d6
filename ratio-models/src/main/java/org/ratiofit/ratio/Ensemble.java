package org.ratiofit.ratio;

import com.fasterxml.jackson.databind.JsonNode;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.ratio.EnsembleManifest.Aggregation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An ensemble of ratio models with identical features (and parameters), combined per event by
 * {@link Aggregation} with member weights: equal (the committee) or expectation-based from the
 * members' closure on a denominator sample. Close it to release the members' sessions.
 */
public final class Ensemble implements AutoCloseable {
    private final String name;
    private final List<RatioModel> members;
    private final Aggregation aggregation;
    private final Double manifestBeta;
    private double[] weights;
    private EnsembleReport report;
    /** All members are binary models fed identical tensors: each chunk is prepared once for all. */
    private final boolean sharedInputs;

    /** An ensemble of already-loaded models (takes ownership: closing the ensemble closes them). */
    public Ensemble(String name, List<RatioModel> members, Aggregation aggregation) {
        this(name, members, aggregation, null);
    }

    private Ensemble(String name, List<RatioModel> members, Aggregation aggregation, Double beta) {
        if (members.isEmpty()) throw new RatioModelException("ensemble '" + name + "' has no members");
        this.name = name;
        this.members = List.copyOf(members);
        this.aggregation = aggregation == null ? Aggregation.MEAN_RATIO : aggregation;
        this.manifestBeta = beta;
        RatioModel first = members.get(0);
        for (RatioModel m : members) {
            if (!m.features().equals(first.features())) {
                throw new RatioModelException("ensemble '" + name + "': member '" + m.name() + "' has features " + m.features()
                        + " but member '" + first.name() + "' has " + first.features() + " (" + Sidecars.listDiff(m.features(), first.features()) + ")");
            }
            if (!m.parameters().equals(first.parameters())) {
                throw new RatioModelException("ensemble '" + name + "': member '" + m.name() + "' has parameters " + m.parameters()
                        + " but member '" + first.name() + "' has " + first.parameters());
            }
        }
        boolean shared = true;
        for (RatioModel m : members) shared &= m.isBinary() && first.sameInputs(m);
        this.sharedInputs = shared;
        this.weights = new double[members.size()];
        Arrays.fill(weights, 1.0 / members.size());
        this.report = new EnsembleReport(name, memberNames(), this.aggregation, 0, null, weights.clone(), 0);
    }

    /** Loads an ensemble from its folder (containing {@value EnsembleManifest#FILE_NAME}) or manifest file. */
    public static Ensemble load(Path folderOrManifest, InferenceOptions options) {
        Path manifest = Files.isDirectory(folderOrManifest) ? folderOrManifest.resolve(EnsembleManifest.FILE_NAME) : folderOrManifest;
        EnsembleManifest mf = readManifest(manifest);
        List<RatioModel> loaded = new ArrayList<>();
        try {
            Path dir = manifest.toAbsolutePath().getParent();
            for (String member : mf.members()) {
                Path p = dir.resolve(member);
                if (!Files.exists(p)) {
                    throw new RatioModelException("ensemble manifest " + manifest + ": member sidecar " + p + " does not exist");
                }
                loaded.add(RatioModel.load(p, options));
            }
            String n = mf.name() != null ? mf.name() : manifest.toAbsolutePath().getParent().getFileName().toString();
            return new Ensemble(n, loaded, mf.aggregation(), mf.beta());
        } catch (RuntimeException e) {
            for (RatioModel m : loaded) m.close();
            throw e;
        }
    }

    public static Ensemble load(Path folderOrManifest) {
        return load(folderOrManifest, InferenceOptions.DEFAULT);
    }

    /** Reads and checks a manifest. */
    public static EnsembleManifest readManifest(Path manifest) {
        JsonNode tree;
        try {
            tree = Sidecars.MAPPER.readTree(Files.readAllBytes(manifest));
        } catch (NoSuchFileException e) {
            throw new RatioModelException("ensemble manifest " + manifest + " does not exist");
        } catch (IOException e) {
            throw new RatioModelException("ensemble manifest " + manifest + " is not valid JSON: " + e.getMessage(), e);
        }
        if (tree == null || !EnsembleManifest.FORMAT.equals(tree.path("format").asText(null))) {
            throw new RatioModelException("ensemble manifest " + manifest + ": field 'format' must be '" + EnsembleManifest.FORMAT + "'");
        }
        if (tree.path("format_version").asInt(-1) != EnsembleManifest.FORMAT_VERSION) {
            throw new RatioModelException("ensemble manifest " + manifest + ": unknown format_version " + tree.path("format_version")
                    + " (this ratiofit reads version " + EnsembleManifest.FORMAT_VERSION + ")");
        }
        EnsembleManifest mf;
        try {
            mf = Sidecars.MAPPER.treeToValue(tree, EnsembleManifest.class);
        } catch (IOException e) {
            throw new RatioModelException("ensemble manifest " + manifest + ": " + e.getMessage(), e);
        }
        if (mf.members() == null || mf.members().isEmpty()) throw new RatioModelException("ensemble manifest " + manifest + ": field 'members' is missing or empty");
        if (mf.beta() != null && !(mf.beta() >= 0)) throw new RatioModelException("ensemble manifest " + manifest + ": 'beta' must be >= 0");
        return mf;
    }

    public static void writeManifest(EnsembleManifest mf, Path file) {
        try {
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, o -> Sidecars.MAPPER.writeValue(o, mf));
        } catch (IOException e) {
            throw new RatioModelException("cannot write ensemble manifest " + file + ": " + AtomicFiles.reason(e), e);
        }
    }

    public String name() {
        return name;
    }

    public List<RatioModel> members() {
        return members;
    }

    public List<String> memberNames() {
        return members.stream().map(RatioModel::name).toList();
    }

    public List<String> features() {
        return members.get(0).features();
    }

    public List<String> parameters() {
        return members.get(0).parameters();
    }

    public Aggregation aggregation() {
        return aggregation;
    }

    /** β from the manifest, or null. */
    public Double manifestBeta() {
        return manifestBeta;
    }

    public double[] weights() {
        return weights.clone();
    }

    /** The current weights with their closure deviations (JSON-writable). */
    public EnsembleReport report() {
        return report;
    }

    /** Writes {@link #report()} as JSON. */
    public void writeReport(Path file) {
        try {
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, o -> Sidecars.MAPPER.writeValue(o, report));
        } catch (IOException e) {
            throw new RatioModelException("cannot write ensemble report " + file + ": " + AtomicFiles.reason(e), e);
        }
    }

    /** Sets explicit member weights (normalised here). */
    public void setWeights(double[] w) {
        if (w.length != members.size()) throw new RatioModelException("ensemble '" + name + "': " + w.length + " weights for " + members.size() + " members");
        double s = 0;
        for (double v : w) {
            if (!(v >= 0) || !Double.isFinite(v)) throw new RatioModelException("ensemble '" + name + "': member weights must be finite and >= 0");
            s += v;
        }
        if (s <= 0) throw new RatioModelException("ensemble '" + name + "': member weights sum to 0");
        weights = new double[w.length];
        for (int i = 0; i < w.length; i++) weights[i] = w[i] / s;
        report = new EnsembleReport(name, memberNames(), aggregation, Double.NaN, null, weights.clone(), 0);
    }

    /**
     * Expectation-based weights: on a sample of the denominator hypothesis with event weights
     * {@code eventWeights} (null: all 1), E_i = Σ_k w_k r_i(x_k)/Σ_k w_k − 1 and
     * w_i = exp(−β|E_i|)/Σ_j exp(−β|E_j|). β = 0 is the plain committee. Sets and returns the weights.
     */
    public EnsembleReport fitExpectationWeights(double[][] denominatorColumns, double[] eventWeights, double[] theta, double beta) {
        if (!(beta >= 0) || !Double.isFinite(beta)) throw new RatioModelException("ensemble '" + name + "': β must be finite and >= 0, got " + beta);
        int m = members.size();
        double[] dev = new double[m];
        long n = 0;
        for (int i = 0; i < m; i++) {
            double[] lr = members.get(i).evaluate(denominatorColumns, theta).logRatio();
            n = lr.length;
            if (eventWeights != null && eventWeights.length != lr.length) {
                throw new RatioModelException("ensemble '" + name + "': " + eventWeights.length + " event weights for " + lr.length + " events");
            }
            double sw = 0, swr = 0;
            for (int k = 0; k < lr.length; k++) {
                double w = eventWeights == null ? 1 : eventWeights[k];
                sw += w;
                swr += w * Math.exp(lr[k]);
            }
            if (sw == 0) throw new RatioModelException("ensemble '" + name + "': the denominator sample has zero total weight");
            dev[i] = swr / sw - 1;
        }
        weights = expectationWeights(dev, beta);
        report = new EnsembleReport(name, memberNames(), aggregation, beta, dev, weights.clone(), n);
        return report;
    }

    public EnsembleReport fitExpectationWeights(double[][] denominatorColumns, double[] eventWeights, double beta) {
        return fitExpectationWeights(denominatorColumns, eventWeights, null, beta);
    }

    /** w_i = exp(−β|E_i|)/Σ_j exp(−β|E_j|), computed stably. */
    public static double[] expectationWeights(double[] deviations, double beta) {
        double min = Double.POSITIVE_INFINITY;
        for (double e : deviations) min = Math.min(min, Math.abs(e));
        double[] w = new double[deviations.length];
        double s = 0;
        for (int i = 0; i < w.length; i++) s += w[i] = Math.exp(-beta * (Math.abs(deviations[i]) - min));
        for (int i = 0; i < w.length; i++) w[i] /= s;
        return w;
    }

    /**
     * The closure deviation of each member on a sample of the denominator hypothesis:
     * E_i = e^shift · Σ_k w_k r_i(x_k) / Σ_k w_k − 1, from the members' log-ratios
     * {@code [member][event]} ({@code eventWeights} null: all 1). {@code shift} is a log-ratio offset
     * common to every member (a region's renormalisation), so that 0 is closure.
     */
    public static double[] deviations(double[][] memberLogRatios, double[] eventWeights, int events, double shift) {
        double[] dev = new double[memberLogRatios.length];
        for (int i = 0; i < dev.length; i++) {
            double[] lr = memberLogRatios[i];
            double sw = 0, swr = 0;
            for (int k = 0; k < events; k++) {
                double w = eventWeights == null ? 1 : eventWeights[k];
                sw += w;
                swr += w * Math.exp(lr[k] + shift);
            }
            if (!(sw > 0)) throw new RatioModelException("the denominator sample has total weight " + sw + "; member deviations need a positive total");
            dev[i] = swr / sw - 1;
        }
        return dev;
    }

    /**
     * The per-event aggregate of members' log-ratios {@code [member][event]} with member weights
     * {@code w} (summing to 1), as {@link #evaluate} combines them: Σ w_i ln r_i, ln Σ w_i r_i or
     * the weighted median. Parallel over blocks of events, the same result for any thread count.
     */
    public static double[] aggregate(double[][] memberLogRatios, double[] w, Aggregation aggregation, int events) {
        int m = memberLogRatios.length;
        if (w.length != m) throw new RatioModelException(w.length + " member weights for " + m + " members");
        double[] agg = new double[events];
        Aggregation how = aggregation == null ? Aggregation.MEAN_RATIO : aggregation;
        Blocks.forEach(events, (blk, from, to) -> {
            double[] tmp = new double[m];
            Integer[] order = new Integer[m];
            for (int k = from; k < to; k++) {
                double mean = 0, max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < m; i++) {
                    double l = memberLogRatios[i][k];
                    if (w[i] > 0) {
                        mean += w[i] * l;
                        max = Math.max(max, l);
                    }
                }
                switch (how) {
                    case MEAN_LOG_RATIO -> agg[k] = mean;
                    case MEAN_RATIO -> {
                        double s = 0;
                        for (int i = 0; i < m; i++) if (w[i] > 0) s += w[i] * Math.exp(memberLogRatios[i][k] - max);
                        agg[k] = max + Math.log(s);
                    }
                    case MEDIAN_RATIO -> {
                        for (int i = 0; i < m; i++) tmp[i] = memberLogRatios[i][k];
                        agg[k] = weightedMedian(tmp, w, order);
                    }
                }
            }
        });
        return agg;
    }

    public double[] logRatios(double[][] columns) {
        return evaluate(columns, null).logRatio();
    }

    public double[] logRatios(double[][] columns, double[] theta) {
        return evaluate(columns, theta).logRatio();
    }

    public EnsembleEvaluation evaluate(Map<String, double[]> columns, double[] theta) {
        List<String> want = new ArrayList<>(features());
        if (theta == null && members.get(0).isParametrised()) want.addAll(parameters());
        double[][] cols = new double[want.size()][];
        for (int j = 0; j < cols.length; j++) {
            cols[j] = columns.get(want.get(j));
            if (cols[j] == null) throw new RatioModelException("ensemble '" + name + "' needs column '" + want.get(j) + "', which is not among " + new java.util.TreeSet<>(columns.keySet()));
        }
        return evaluate(cols, theta);
    }

    /**
     * Evaluates every member and aggregates, with the per-event spread but without the member
     * covariance over events; columns as for {@link RatioModel#evaluate(double[][], double[])}.
     */
    public EnsembleEvaluation evaluate(double[][] columns, double[] theta) {
        return evaluate(columns, theta, false);
    }

    /**
     * Evaluates every member and aggregates. {@code memberCovariance}: also the covariance of ln r
     * between members over the events (m(m+1)/2 products per event, so off unless asked).
     *
     * <p>Members that share their inputs run as a pipeline: each chunk is scaled and converted
     * once for all members, each session runs a group of chunks in turn, and while ONNX Runtime
     * runs one group a worker thread turns the previous one's outputs into log-ratios, spread and
     * aggregate.
     */
    public EnsembleEvaluation evaluate(double[][] columns, double[] theta, boolean memberCovariance) {
        int m = members.size();
        double[] w = weights;
        if (sharedInputs) {
            RatioModel first = members.get(0);
            int n = first.checkColumns(columns, theta);
            double[][] lr = new double[m][n];
            double[] agg = new double[n], sd = new double[n];
            long[][] clip = new long[m][2];
            Sums sums = memberCovariance ? new Sums(m) : null;
            ChunkWork work = new ChunkWork(m, Math.min(n, first.options().chunkRows()));
            InferencePipeline.run(members, columns, theta, n, (start, rows, outs) -> {
                boolean ratios = true;
                for (int i = 0; i < m; i++) {
                    ratios &= members.get(i).convertBinary(outs[i], lr[i], start, rows, clip[i], work.staging, work.ratio[i]);
                }
                if (start == 0) for (int i = 0; i < m; i++) work.shift[i] = lr[i][0];
                aggregateChunk(lr, w, start, rows, agg, sd, ratios, work, sums);
            });
            long[] clipped = new long[m];
            for (int i = 0; i < m; i++) clipped[i] = clip[i][0] + clip[i][1];
            return new EnsembleEvaluation(name, agg, lr, sd, sums == null ? null : sums.covariance(n), w.clone(), clipped);
        }
        double[][] lr = new double[m][];
        long[] clipped = new long[m];
        for (int i = 0; i < m; i++) {
            Evaluation ev = members.get(i).evaluate(columns, theta);
            lr[i] = ev.logRatio();
            clipped[i] = ev.clippedLow() + ev.clippedHigh();
        }
        int n = lr[0].length;
        double[] agg = new double[n], sd = new double[n];
        int nb = Blocks.count(n);
        Sums[] blockSums = new Sums[nb];
        double[] shift = new double[m];
        for (int i = 0; i < m && n > 0; i++) shift[i] = lr[i][0];
        Blocks.forEach(n, (blk, from, to) -> {
            Sums bs = memberCovariance ? blockSums[blk] = new Sums(m) : null;
            aggregate(lr, w, from, to, agg, sd, new double[m], new Integer[m], shift, bs);
        });
        double[][] cov = null;
        if (memberCovariance) {
            // block sums combined in block order: deterministic
            Sums total = new Sums(m);
            for (Sums b : blockSums) if (b != null) total.add(b);
            cov = total.covariance(n);
        }
        return new EnsembleEvaluation(name, agg, lr, sd, cov, w.clone(), clipped);
    }

    /** Per-member sums of ln r and of cross products over events, about a per-member shift (the first event) against cancellation. */
    private static final class Sums {
        final double[] col;
        final double[][] cross;

        Sums(int m) {
            col = new double[m];
            cross = new double[m][m];
        }

        void add(Sums o) {
            for (int i = 0; i < col.length; i++) {
                col[i] += o.col[i];
                for (int j = 0; j <= i; j++) cross[i][j] += o.cross[i][j];
            }
        }

        double[][] covariance(int n) {
            int m = col.length;
            double[][] cov = new double[m][m];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j <= i; j++) {
                    double c = n > 1 ? (cross[i][j] - col[i] * col[j] / n) / (n - 1) : 0;
                    cov[i][j] = cov[j][i] = c;
                }
            }
            return cov;
        }
    }

    /** Reused per-chunk arrays of the pipelined evaluation (used by one thread at a time). */
    private static final class ChunkWork {
        final float[] staging;
        final double[][] ratio;
        final double[] mean, var, sum, tmp, shift;
        final Integer[] order;

        ChunkWork(int m, int chunk) {
            staging = new float[chunk];
            ratio = new double[m][chunk];
            mean = new double[chunk];
            var = new double[chunk];
            sum = new double[chunk];
            tmp = new double[m];
            shift = new double[m];
            order = new Integer[m];
        }
    }

    /**
     * Aggregate and weighted spread of the chunk [start, start + rows), member by member over the
     * events (loops the JIT vectorises), with the same per-event sums in the same member order as
     * {@link #aggregate}: identical spread and mean of log-ratios. With the members' ratios at hand
     * ({@code ratios}: scores, whose r is bounded by the clipping) the mean of ratios is ln Σ w_i r_i,
     * no exponentials.
     */
    private void aggregateChunk(double[][] lr, double[] w, int start, int rows, double[] agg, double[] sd, boolean ratios,
                                ChunkWork cw, Sums sums) {
        int m = lr.length;
        double[] mean = cw.mean, var = cw.var;
        java.util.Arrays.fill(mean, 0, rows, 0);
        java.util.Arrays.fill(var, 0, rows, 0);
        for (int i = 0; i < m; i++) {
            double wi = w[i];
            double[] l = lr[i];
            for (int k = 0; k < rows; k++) mean[k] += wi * l[start + k];
        }
        for (int i = 0; i < m; i++) {
            double wi = w[i];
            double[] l = lr[i];
            for (int k = 0; k < rows; k++) {
                double d = l[start + k] - mean[k];
                var[k] += wi * d * d;
            }
        }
        for (int k = 0; k < rows; k++) sd[start + k] = Math.sqrt(var[k]);
        if (sums != null) {
            for (int k = start; k < start + rows; k++) {
                for (int i = 0; i < m; i++) {
                    double u = lr[i][k] - cw.shift[i];
                    sums.col[i] += u;
                    for (int j = 0; j <= i; j++) sums.cross[i][j] += u * (lr[j][k] - cw.shift[j]);
                }
            }
        }
        switch (aggregation) {
            case MEAN_LOG_RATIO -> System.arraycopy(mean, 0, agg, start, rows);
            case MEAN_RATIO -> {
                if (ratios) {
                    double[] s = cw.sum;
                    java.util.Arrays.fill(s, 0, rows, 0);
                    for (int i = 0; i < m; i++) {
                        double wi = w[i];
                        double[] r = cw.ratio[i];
                        for (int k = 0; k < rows; k++) s[k] += wi * r[k];
                    }
                    VectorLog.log(s, 0, agg, start, rows);
                } else {
                    for (int k = start; k < start + rows; k++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int i = 0; i < m; i++) max = Math.max(max, lr[i][k]);
                        double s = 0;
                        for (int i = 0; i < m; i++) s += w[i] * Math.exp(lr[i][k] - max);
                        agg[k] = max + Math.log(s);
                    }
                }
            }
            case MEDIAN_RATIO -> {
                for (int k = start; k < start + rows; k++) {
                    for (int i = 0; i < m; i++) cw.tmp[i] = lr[i][k];
                    agg[k] = weightedMedian(cw.tmp, w, cw.order);
                }
            }
        }
    }

    /** Aggregate and weighted spread of events [from, to); member sums into {@code sums} when not null. */
    private void aggregate(double[][] lr, double[] w, int from, int to, double[] agg, double[] sd, double[] tmp, Integer[] order,
                           double[] shift, Sums sums) {
        int m = lr.length;
        for (int k = from; k < to; k++) {
            double mean = 0, max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < m; i++) {
                double l = lr[i][k];
                mean += w[i] * l;
                max = Math.max(max, l);
            }
            if (sums != null) {
                for (int i = 0; i < m; i++) {
                    double u = lr[i][k] - shift[i];
                    sums.col[i] += u;
                    for (int j = 0; j <= i; j++) sums.cross[i][j] += u * (lr[j][k] - shift[j]);
                }
            }
            double var = 0;
            for (int i = 0; i < m; i++) {
                double d = lr[i][k] - mean;
                var += w[i] * d * d;
            }
            sd[k] = Math.sqrt(var);
            switch (aggregation) {
                case MEAN_LOG_RATIO -> agg[k] = mean;
                case MEAN_RATIO -> {
                    double s = 0;
                    for (int i = 0; i < m; i++) s += w[i] * Math.exp(lr[i][k] - max);
                    agg[k] = max + Math.log(s);
                }
                case MEDIAN_RATIO -> {
                    for (int i = 0; i < m; i++) tmp[i] = lr[i][k];
                    agg[k] = weightedMedian(tmp, w, order);
                }
            }
        }
    }

    /**
     * Weighted median of the ratios, returned as a log: the smallest member value whose
     * cumulative weight reaches one half; at an exact half the two neighbouring ratios are averaged
     * (the ordinary median for equal weights).
     */
    static double weightedMedian(double[] logR, double[] w, Integer[] order) {
        int m = logR.length;
        for (int i = 0; i < m; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(logR[a], logR[b]));
        double c = 0;
        for (int q = 0; q < m; q++) {
            c += w[order[q]];
            if (Math.abs(c - 0.5) < 1e-12 && q + 1 < m) {
                double a = logR[order[q]], b = logR[order[q + 1]];
                double hi = Math.max(a, b);
                return hi + Math.log(0.5 * (Math.exp(a - hi) + Math.exp(b - hi)));
            }
            if (c > 0.5) return logR[order[q]];
        }
        return logR[order[m - 1]];
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (RatioModel m : members) {
            try {
                m.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
