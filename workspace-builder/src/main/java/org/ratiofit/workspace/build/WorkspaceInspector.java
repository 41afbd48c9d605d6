package org.ratiofit.workspace.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.io.Npy;
import org.ratiofit.likelihood.workspace.Workspace;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.workspace.build.WorkspaceSummary.ChannelInfo;
import org.ratiofit.workspace.build.WorkspaceSummary.ColumnStats;
import org.ratiofit.workspace.build.WorkspaceSummary.ParameterInfo;
import org.ratiofit.workspace.build.WorkspaceSummary.ProvenanceInfo;
import org.ratiofit.workspace.build.WorkspaceSummary.SampleInfo;
import org.ratiofit.workspace.io.Checksums;
import org.ratiofit.workspace.io.Provenance;

/**
 * A summary of a workspace folder: parameters, channels, samples, yields, modifiers and
 * per-sample log-ratio statistics, with warnings. It reads {@code workspace.json} and the column
 * files itself (so that a column with NaN is counted rather than refused), then checks the whole
 * workspace with the likelihood's {@link WorkspaceReader} and reports a failure as a warning.
 */
public final class WorkspaceInspector {

    /** A sample's ratio below this at an event counts as tiny (ln 1e-6 ≈ −13.8). */
    public static final double TINY_LOG_RATIO = Math.log(1e-6);

    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkspaceInspector() {}

    /**
     * Inspects a workspace folder.
     *
     * @throws IOException when the folder or its {@code workspace.json} cannot be read at all
     */
    public static WorkspaceSummary inspect(Path workspaceDir) throws IOException {
        Path dir = workspaceDir.toAbsolutePath().normalize();
        Path file = dir.resolve(Workspace.FILE);
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such workspace folder");
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "not a workspace: " + Workspace.FILE + " is missing");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !Workspace.FORMAT.equals(root.path("format").asText())) {
            throw new IOException(file + ": field 'format' must be '" + Workspace.FORMAT + "'");
        }
        List<String> warnings = new ArrayList<>();
        List<ParameterInfo> params = new ArrayList<>();
        for (JsonNode p : root.path("parameters")) {
            params.add(new ParameterInfo(p.path("name").asText(), p.path("kind").asText(), p.path("initial").asDouble(),
                    number(p.get("lower")), number(p.get("upper")), p.path("fixed").asBoolean(false), number(p.get("aux")),
                    number(p.get("sigma"))));
        }
        Map<String, double[]> cache = new LinkedHashMap<>();
        List<ChannelInfo> channels = new ArrayList<>();
        for (JsonNode c : root.path("channels")) {
            channels.add("binned".equals(c.path("type").asText()) ? binned(c, warnings) : unbinned(dir, c, cache, warnings));
        }
        try {
            WorkspaceReader.read(dir);
        } catch (IOException | RuntimeException e) {
            warnings.add("the likelihood does not read this workspace: " + e.getMessage());
        }
        ProvenanceInfo prov = provenance(dir, warnings);
        return new WorkspaceSummary(WorkspaceSummary.FORMAT_VERSION, dir.toString(), root.path("version").asInt(), params, channels, prov,
                List.copyOf(warnings));
    }

    private static Double number(JsonNode n) {
        return n == null || n.isNull() ? null : n.asDouble();
    }

    private static ChannelInfo binned(JsonNode c, List<String> warnings) {
        String name = c.path("name").asText();
        double observed = 0;
        for (JsonNode v : c.path("observed")) observed += v.asDouble();
        List<SampleInfo> samples = new ArrayList<>();
        for (JsonNode s : c.path("samples")) {
            double y = 0;
            for (JsonNode v : s.path("nominal")) y += v.asDouble();
            if (!(y > 0)) warnings.add("channel '" + name + "': sample '" + s.path("name").asText() + "' has yield " + y);
            samples.add(new SampleInfo(s.path("name").asText(), y, modifiers(s.path("modifiers")), null, null));
        }
        return new ChannelInfo(name, "binned", c.path("observed").size(), observed, 0, samples);
    }

    private static ChannelInfo unbinned(Path dir, JsonNode c, Map<String, double[]> cache, List<String> warnings) throws IOException {
        String name = c.path("name").asText();
        JsonNode data = c.path("data");
        JsonNode ref = c.get("reference");
        double[] dataW = data.path("weights").isTextual() ? column(dir, data.path("weights").asText(), cache) : null;
        long nData = data.path("events").asLong();
        double observed = 0;
        if (dataW == null) {
            observed = nData;
        } else {
            for (double w : dataW) observed += w;
        }
        List<SampleInfo> samples = new ArrayList<>();
        List<double[]> dataLogRatios = new ArrayList<>();
        for (JsonNode s : c.path("samples")) {
            String sn = s.path("name").asText();
            double y = s.path("yield").asDouble();
            if (!(y > 0)) warnings.add("channel '" + name + "': sample '" + sn + "' has yield " + y);
            boolean parametrised = data.path("columns").path(sn).has("parametrised_ratio");
            String lrName = parametrised ? "the parametrised ratio of " + data.path("columns").path(sn).path("parametrised_ratio").path("estimator").asText()
                    : data.path("columns").path(sn).path("log_ratio").asText();
            double[] lr = parametrised ? parametrisedLogRatio(dir, name, sn, false) : column(dir, lrName, cache);
            if (parametrised) {
                warnings.add("channel '" + name + "': sample '" + sn + "': log-ratio r(x|θ) from estimator "
                        + data.path("columns").path(sn).path("parametrised_ratio").path("estimator").asText()
                        + " (its statistics below at the parameters' initial values)");
            }
            if (lr.length != nData) {
                // counted, not indexed past its end: fit refuses such a workspace, inspect says why
                warnings.add("channel '" + name + "': sample '" + sn + "': " + lrName + " has " + lr.length
                        + " values but the data has " + nData + " events");
            } else {
                dataLogRatios.add(lr);
            }
            String clip = BuildChecks.clipping(lr);
            if (clip != null) {
                warnings.add("channel '" + name + "': sample '" + sn + "': " + clip + " of " + nData
                        + " data events; export logits instead of scores (README, 'Clipped log-ratios')");
            }
            ColumnStats ds = stats(lr);
            ColumnStats rs = null;
            if (ref != null && !ref.isNull()) {
                rs = stats(parametrised ? parametrisedLogRatio(dir, name, sn, true) : column(dir, ref.path("columns").path(sn).path("log_ratio").asText(), cache));
            }
            if (ds.nanCount() > 0) warnings.add("channel '" + name + "': sample '" + sn + "' has " + ds.nanCount() + " NaN log-ratios in the data");
            if (rs != null && rs.nanCount() > 0) {
                warnings.add("channel '" + name + "': sample '" + sn + "' has " + rs.nanCount() + " NaN log-ratios in the reference events");
            }
            samples.add(new SampleInfo(sn, y, modifiers(s.path("modifiers")), ds, rs));
        }
        int tiny = 0;
        int first = -1;
        for (int i = 0; i < nData; i++) {
            boolean all = true;
            for (double[] lr : dataLogRatios) all &= lr[i] < TINY_LOG_RATIO;
            if (all && !dataLogRatios.isEmpty()) {
                if (first < 0) first = i;
                tiny++;
            }
        }
        if (tiny > 0) {
            warnings.add("channel '" + name + "': at " + tiny + " of " + nData + " data events (the first: event " + first
                    + ") every sample's ratio to the reference is below 1e-6: the model gives these events almost no density");
        }
        long nRef = ref == null || ref.isNull() ? 0 : ref.path("events").asLong();
        return new ChannelInfo(name, "unbinned", nData, observed, nRef, samples);
    }

    /** A parametrised sample's log-ratio at the initial θ: the workspace read by the likelihood's reader (the estimator evaluated once). */
    private static double[] parametrisedLogRatio(Path dir, String channel, String sample, boolean reference) throws IOException {
        Workspace read = org.ratiofit.likelihood.workspace.WorkspaceReader.read(dir);
        for (org.ratiofit.likelihood.Channel c : read.channels()) {
            if (c instanceof org.ratiofit.likelihood.UnbinnedChannel u && u.name().equals(channel)) {
                org.ratiofit.likelihood.EventSet es = reference ? u.reference() : u.data();
                return es.columns().get(sample).logRatio().clone();
            }
        }
        throw new IllegalStateException("no unbinned channel '" + channel + "'");
    }

    private static double[] column(Path dir, String name, Map<String, double[]> cache) throws IOException {
        double[] c = cache.get(name);
        if (c == null) {
            Path f = dir.resolve(name);
            if (!Files.isRegularFile(f)) {
                throw new NoSuchFileException(f.toString(), null, "column file named in " + Workspace.FILE + " is missing");
            }
            c = Npy.read(f).asDoubles();
            cache.put(name, c);
        }
        return c;
    }

    private static List<String> modifiers(JsonNode ms) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : ms) {
            String type = m.path("type").asText();
            StringBuilder sb = new StringBuilder(type).append('(');
            if (m.has("parameter")) sb.append(m.get("parameter").asText());
            if (m.has("parameters")) sb.append(m.get("parameters").toString());
            switch (type) {
                case "normsys" -> sb.append(", code ").append(m.path("code").asText()).append(", up ").append(m.path("up").asDouble())
                        .append(", down ").append(m.path("down").asDouble());
                case "shapesys" -> sb.append(", code ").append(m.path("code").asText());
                case "histosys" -> sb.append(", code ").append(m.path("code").asText());
                case "coefficient" -> {
                    for (JsonNode t : m.path("terms")) sb.append(", ").append(t.path("c").asDouble()).append("·x^").append(t.path("power").asDouble());
                }
                case "polynomial" -> sb.append(", yield coefficients ").append(m.path("yield_coefficients").toString());
                case "yieldspline" -> sb.append(", knots ").append(m.path("knots").toString()).append(", values ")
                        .append(m.path("values").toString());
                default -> { }
            }
            out.add(sb.append(')').toString());
        }
        return out;
    }

    /** Count, NaN count, and over the finite values min, max, mean and the quantiles (linear interpolation). */
    static ColumnStats stats(double[] v) {
        double[] f = Arrays.stream(v).filter(Double::isFinite).toArray();
        long nan = Arrays.stream(v).filter(Double::isNaN).count();
        if (f.length == 0) {
            double[] q = new double[WorkspaceSummary.QUANTILE_LEVELS.length];
            Arrays.fill(q, Double.NaN);
            return new ColumnStats(v.length, nan, Double.NaN, Double.NaN, Double.NaN, q);
        }
        Arrays.sort(f);
        double sum = 0;
        for (double x : f) sum += x;
        double[] q = new double[WorkspaceSummary.QUANTILE_LEVELS.length];
        for (int k = 0; k < q.length; k++) {
            double pos = WorkspaceSummary.QUANTILE_LEVELS[k] * (f.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(lo + 1, f.length - 1);
            q[k] = f[lo] + (pos - lo) * (f[hi] - f[lo]);
        }
        return new ColumnStats(v.length, nan, f[0], f[f.length - 1], sum / f.length, q);
    }

    private static ProvenanceInfo provenance(Path dir, List<String> warnings) {
        if (!Files.isRegularFile(dir.resolve(Provenance.FILE_NAME))) {
            warnings.add("no " + Provenance.FILE_NAME + ": where this workspace came from is not recorded");
            return null;
        }
        Provenance p;
        try {
            p = Provenance.read(dir);
        } catch (IOException | RuntimeException e) {
            warnings.add(Provenance.FILE_NAME + " does not read: " + e.getMessage());
            return null;
        }
        List<String> changed = new ArrayList<>();
        int modelFiles = 0;
        for (Map.Entry<String, Map<String, String>> folder : p.modelSha256().entrySet()) {
            for (Map.Entry<String, String> f : folder.getValue().entrySet()) {
                modelFiles++;
                check(Path.of(folder.getKey()).resolve(f.getKey()), f.getValue(), "model file", changed, warnings);
            }
        }
        for (Map.Entry<String, String> f : p.inputSha256().entrySet()) {
            check(Path.of(f.getKey()), f.getValue(), "input file", changed, warnings);
        }
        return new ProvenanceInfo(p.ratiofitVersion(), p.createdAt(), p.configFile(), p.configSha256(), modelFiles, p.inputSha256().size(),
                List.copyOf(changed));
    }

    private static void check(Path f, String sha, String what, List<String> changed, List<String> warnings) {
        String now;
        try {
            now = Files.isRegularFile(f) ? Checksums.sha256(f) : null;
        } catch (IOException e) {
            now = null;
        }
        if (now == null) {
            changed.add(f.toString());
            warnings.add(what + " " + f + " is gone since the build");
        } else if (!now.equals(sha)) {
            changed.add(f.toString());
            warnings.add(what + " " + f + " has changed since the build (its SHA-256 no longer matches the provenance)");
        }
    }
}
