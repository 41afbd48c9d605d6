package org.ratiofit.likelihood.workspace;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ratiofit.io.Npy;
import org.ratiofit.likelihood.BinnedChannel;
import org.ratiofit.likelihood.BinnedSample;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Modifier;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.ParametrisedLogRatio;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.UnbinnedSample;

/**
 * Writes a workspace directory: {@code workspace.json} plus one {@code .npy} file per per-event
 * column. Build the model in memory (for example with {@link org.ratiofit.likelihood.ModelBuilder})
 * and call {@link #write(Model, Path)}. See likelihood/README.md for the format.
 */
public final class WorkspaceWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final boolean float32;

    /** A writer storing columns as float64 (exact round trip). */
    public WorkspaceWriter() {
        this(false);
    }

    /** @param float32 store per-event columns as float32 (half the size; about 1e-7 relative rounding) */
    public WorkspaceWriter(boolean float32) {
        this.float32 = float32;
    }

    public static void write(Model model, Path dir) throws IOException {
        new WorkspaceWriter().write(Workspace.of(model), dir);
    }

    /** Writes {@code ws} into {@code dir} (created if needed; existing files of the same names are replaced). */
    public void write(Workspace ws, Path dir) throws IOException {
        Files.createDirectories(dir);
        Set<String> used = new HashSet<>();
        ObjectNode root = JSON.createObjectNode();
        root.put("format", Workspace.FORMAT);
        boolean param = ws.channels().stream().anyMatch(c -> c instanceof UnbinnedChannel u
                && u.samples().stream().anyMatch(x -> x.parametrisedRatio() != null));
        root.put("version", param ? Workspace.VERSION_PARAMETRISED : Workspace.VERSION);
        ArrayNode params = root.putArray("parameters");
        for (Parameter p : ws.parameters()) {
            ObjectNode o = params.addObject();
            o.put("name", p.name());
            o.put("kind", kindName(p.kind()));
            o.put("initial", p.initial());
            putBound(o, "lower", p.lower());
            putBound(o, "upper", p.upper());
            o.put("fixed", p.fixed());
            if (p.isConstrained()) {
                o.put("aux", p.aux());
                o.put("sigma", p.sigma());
            }
        }
        ArrayNode chans = root.putArray("channels");
        for (Channel c : ws.channels()) {
            ObjectNode o = chans.addObject();
            o.put("name", c.name());
            if (c instanceof UnbinnedChannel u) {
                o.put("type", "unbinned");
                o.put("shape_normalisation", u.normalisation().jsonName());
                ArrayNode ss = o.putArray("samples");
                for (UnbinnedSample s : u.samples()) {
                    ObjectNode so = ss.addObject();
                    so.put("name", s.name());
                    so.put("yield", s.nominalYield());
                    writeModifiers(so.putArray("modifiers"), s.modifiers());
                }
                o.set("data", eventSet(u, u.data(), "data", dir, used));
                if (u.reference() != null) {
                    o.set("reference", eventSet(u, u.reference(), "reference", dir, used));
                }
            } else {
                BinnedChannel b = (BinnedChannel) c;
                o.put("type", "binned");
                putArray(o.putArray("observed"), b.observed());
                ArrayNode ss = o.putArray("samples");
                for (BinnedSample s : b.samples()) {
                    ObjectNode so = ss.addObject();
                    so.put("name", s.name());
                    putArray(so.putArray("nominal"), s.nominal());
                    so.put("mc_stat", s.mcStat());
                    writeModifiers(so.putArray("modifiers"), s.modifiers());
                }
                if (b.mcStatParameters() != null) {
                    ArrayNode g = o.putArray("mc_stat_parameters");
                    b.mcStatParameters().forEach(g::add);
                }
            }
        }
        Path json = dir.resolve(Workspace.FILE);
        Path tmp = dir.resolve(Workspace.FILE + ".tmp");
        JSON.writeValue(tmp.toFile(), root);
        Files.move(tmp, json, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The estimator's path relative to the workspace directory and the events' feature columns. */
    private ObjectNode parametrised(ParametrisedLogRatio f, UnbinnedChannel u, UnbinnedSample s, String set, String sp, Path dir, Set<String> used)
            throws IOException {
        ParametrisedLogRatio.Source src = f.source();
        if (src == null) {
            throw new IllegalArgumentException("channel '" + u.name() + "' sample '" + s.name() + "' (" + set + "): its parametrised log-ratio"
                    + " names no estimator and features (ParametrisedLogRatio.source() is null), so a workspace cannot store it");
        }
        ObjectNode o = JSON.createObjectNode();
        Path rel = dir.toAbsolutePath().normalize().relativize(src.estimator().toAbsolutePath().normalize());
        o.put("estimator", rel.toString().replace(java.io.File.separatorChar, '/'));
        ArrayNode names = o.putArray("feature_names");
        ArrayNode cols = o.putArray("features");
        for (int j = 0; j < src.featureNames().size(); j++) {
            names.add(src.featureNames().get(j));
            cols.add(column(dir, used, sp + ".feature." + safe(src.featureNames().get(j)), src.features()[j]));
        }
        return o;
    }

    private ObjectNode eventSet(UnbinnedChannel u, EventSet es, String set, Path dir, Set<String> used) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("events", es.events());
        String prefix = safe(u.name()) + "." + set;
        if (es.weights() != null) {
            o.put("weights", column(dir, used, prefix + ".weights", es.weights()));
        } else {
            o.putNull("weights");
        }
        ObjectNode cols = o.putObject("columns");
        for (UnbinnedSample s : u.samples()) {
            SampleColumns sc = es.columns().get(s.name());
            String sp = prefix + "." + safe(s.name());
            ObjectNode co = cols.putObject(s.name());
            if (sc.parametrised() != null) {
                co.set("parametrised_ratio", parametrised(sc.parametrised().function(), u, s, set, sp, dir, used));
                continue;
            }
            co.put("log_ratio", column(dir, used, sp + ".log_ratio", sc.logRatio()));
            List<Modifier.ShapeSys> shapes = s.shapeSystematics();
            ArrayNode sh = co.putArray("shapesys");
            for (int k = 0; k < shapes.size(); k++) {
                ObjectNode e = sh.addObject();
                String p = shapes.get(k).parameter();
                e.put("parameter", p);
                e.put("up", column(dir, used, sp + ".shapesys." + safe(p) + ".up", sc.shapeUp().get(k)));
                e.put("down", column(dir, used, sp + ".shapesys." + safe(p) + ".down", sc.shapeDown().get(k)));
            }
            ArrayNode poly = co.putArray("polynomial");
            for (int a = 0; a < sc.polynomial().size(); a++) {
                poly.add(column(dir, used, sp + ".polynomial." + a, sc.polynomial().get(a)));
            }
        }
        return o;
    }

    private String column(Path dir, Set<String> used, String stem, double[] values) throws IOException {
        String name = stem + ".npy";
        for (int i = 2; !used.add(name); i++) {
            name = stem + "_" + i + ".npy";
        }
        if (float32) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            Npy.write(dir.resolve(name), f);
        } else {
            Npy.write(dir.resolve(name), values);
        }
        return name;
    }

    /** File names keep letters, digits, '-' and '_' only. */
    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    private static void writeModifiers(ArrayNode arr, List<Modifier> mods) {
        for (Modifier m : mods) {
            ObjectNode o = arr.addObject();
            if (m instanceof Modifier.NormFactor n) {
                o.put("type", "normfactor");
                o.put("parameter", n.parameter());
            } else if (m instanceof Modifier.Coefficient c) {
                o.put("type", "coefficient");
                o.put("parameter", c.parameter());
                ArrayNode t = o.putArray("terms");
                for (int k = 0; k < c.c().length; k++) {
                    ObjectNode to = t.addObject();
                    to.put("c", c.c()[k]);
                    to.put("power", c.a()[k]);
                }
            } else if (m instanceof Modifier.NormSys n) {
                o.put("type", "normsys");
                o.put("parameter", n.parameter());
                o.put("code", n.code());
                o.put("up", n.up());
                o.put("down", n.down());
            } else if (m instanceof Modifier.ShapeSys s) {
                o.put("type", "shapesys");
                o.put("parameter", s.parameter());
                o.put("code", s.code());
            } else if (m instanceof Modifier.Polynomial p) {
                o.put("type", "polynomial");
                ArrayNode ps = o.putArray("parameters");
                p.parameters().forEach(ps::add);
                putArray(o.putArray("yield_coefficients"), p.yieldCoefficients());
            } else if (m instanceof Modifier.ParametrisedRatio pr) {
                o.put("type", "parametrised_ratio");
                ArrayNode ps = o.putArray("parameters");
                pr.parameters().forEach(ps::add);
            } else if (m instanceof Modifier.YieldSpline ys) {
                o.put("type", "yieldspline");
                o.put("parameter", ys.parameter());
                putArray(o.putArray("knots"), ys.knots());
                putArray(o.putArray("values"), ys.values());
            } else if (m instanceof Modifier.HistoSys h) {
                o.put("type", "histosys");
                o.put("parameter", h.parameter());
                o.put("code", h.code());
                putArray(o.putArray("up"), h.up());
                putArray(o.putArray("down"), h.down());
            } else if (m instanceof Modifier.PerBin pb) {
                o.put("type", "perbin");
                o.put("name", pb.name());
                o.put("origin", pb.type());
                ArrayNode bins = o.putArray("parameters");
                for (String b : pb.bins()) {
                    if (b == null) {
                        bins.addNull();
                    } else {
                        bins.add(b);
                    }
                }
            }
        }
    }

    private static void putArray(ArrayNode a, double[] v) {
        for (double x : v) {
            a.add(x);
        }
    }

    private static void putBound(ObjectNode o, String field, double v) {
        if (Double.isInfinite(v)) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }

    static String kindName(Parameter.Kind k) {
        return switch (k) {
            case POI -> "poi";
            case NORM_FACTOR -> "normfactor";
            case CONSTRAINED -> "constrained";
            case POISSON -> "poisson";
        };
    }

    static final Map<String, Parameter.Kind> KINDS = Map.of("poi", Parameter.Kind.POI, "normfactor", Parameter.Kind.NORM_FACTOR,
            "constrained", Parameter.Kind.CONSTRAINED, "poisson", Parameter.Kind.POISSON);
}
