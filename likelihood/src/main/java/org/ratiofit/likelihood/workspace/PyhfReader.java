package org.ratiofit.likelihood.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.likelihood.BinnedChannel;
import org.ratiofit.likelihood.BinnedSample;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Modifier;
import org.ratiofit.likelihood.Parameter;

/**
 * Reads a pyhf JSON workspace (HistFactory schema 1.0.0) into binned channels. Supported modifiers:
 * normfactor, normsys (code 4, pyhf's default), histosys (code 4p, pyhf's default), lumi and
 * staterror (Gaussian, Barlow-Beeston lite). shapesys (Poisson constraints) and shapefactor are not
 * supported and are reported by name. The -ln L drops ln n! (pyhf's logpdf keeps it).
 */
public final class PyhfReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PyhfReader() {
    }

    /** Reads the workspace with its first measurement. */
    public static Model read(Path file) throws IOException {
        return read(file, null);
    }

    /** Reads the workspace with the named measurement (null: the first). */
    public static Model read(Path file, String measurement) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new WorkspaceFormatException(file + ": not found");
        }
        JsonNode root = JSON.readTree(file.toFile());
        String where = file.toString();
        JsonNode meas = null;
        for (JsonNode m : need(root, "measurements", where)) {
            if (measurement == null || measurement.equals(m.path("name").asText())) {
                meas = m;
                break;
            }
        }
        if (meas == null) {
            throw new WorkspaceFormatException(where + ": no measurement " + (measurement == null ? "" : "named '" + measurement + "'"));
        }
        JsonNode config = need(meas, "config", where);
        String poi = config.path("poi").asText(null);
        Map<String, JsonNode> overrides = new LinkedHashMap<>();
        for (JsonNode p : config.path("parameters")) {
            overrides.put(p.path("name").asText(), p);
        }
        Map<String, double[]> observed = new LinkedHashMap<>();
        for (JsonNode o : need(root, "observations", where)) {
            observed.put(o.path("name").asText(), numbers(o.path("data")));
        }
        Map<String, Parameter> params = new LinkedHashMap<>();
        List<Channel> channels = new ArrayList<>();
        for (JsonNode ch : need(root, "channels", where)) {
            String cname = ch.path("name").asText();
            double[] obs = observed.get(cname);
            if (obs == null) {
                throw new WorkspaceFormatException(where + ": no observation for channel '" + cname + "'");
            }
            int nb = obs.length;
            List<BinnedSample> samples = new ArrayList<>();
            double[] statVar = null;
            double[] statNom = null;
            for (JsonNode s : ch.path("samples")) {
                String sname = s.path("name").asText();
                double[] nominal = numbers(s.path("data"));
                List<Modifier> mods = new ArrayList<>();
                boolean stat = false;
                for (JsonNode m : s.path("modifiers")) {
                    String type = m.path("type").asText();
                    String name = m.path("name").asText();
                    String mw = where + ": channel '" + cname + "' sample '" + sname + "' modifier '" + name + "'";
                    switch (type) {
                        case "normfactor" -> {
                            params.putIfAbsent(name, override(new Parameter(name, name.equals(poi) ? Parameter.Kind.POI : Parameter.Kind.NORM_FACTOR,
                                    1, 0, 10, false, 0, 1), overrides.get(name)));
                            mods.add(new Modifier.NormFactor(name));
                        }
                        case "lumi" -> {
                            JsonNode o = overrides.get(name);
                            if (o == null || !o.has("sigmas")) {
                                throw new WorkspaceFormatException(mw + ": lumi needs its auxdata and sigmas in the measurement's parameters");
                            }
                            params.putIfAbsent(name, override(Parameter.constrained(name, 1, 0, 10, 1, 0.1), o));
                            mods.add(new Modifier.NormFactor(name));
                        }
                        case "normsys" -> {
                            params.putIfAbsent(name, override(Parameter.constrained(name), overrides.get(name)));
                            mods.add(new Modifier.NormSys(name, 4, m.path("data").path("hi").asDouble(), m.path("data").path("lo").asDouble()));
                        }
                        case "histosys" -> {
                            params.putIfAbsent(name, override(Parameter.constrained(name), overrides.get(name)));
                            mods.add(new Modifier.HistoSys(name, "4p", numbers(m.path("data").path("hi_data")), numbers(m.path("data").path("lo_data"))));
                        }
                        case "staterror" -> {
                            double[] err = numbers(m.path("data"));
                            if (err.length != nb) {
                                throw new WorkspaceFormatException(mw + ": " + err.length + " uncertainties for " + nb + " bins");
                            }
                            if (statVar == null) {
                                statVar = new double[nb];
                                statNom = new double[nb];
                            }
                            for (int b = 0; b < nb; b++) {
                                statVar[b] += err[b] * err[b];
                                statNom[b] += nominal[b];
                            }
                            stat = true;
                        }
                        default -> throw new WorkspaceFormatException(mw + ": modifier type '" + type
                                + "' is not supported by this reader (normfactor, normsys, histosys, lumi, staterror)");
                    }
                }
                samples.add(new BinnedSample(sname, nominal, mods, stat));
            }
            List<String> gammas = null;
            if (statVar != null) {
                gammas = new ArrayList<>();
                for (int b = 0; b < nb; b++) {
                    String g = "staterror_" + cname + "[" + b + "]";
                    gammas.add(g);
                    double rel = statNom[b] > 0 ? Math.sqrt(statVar[b]) / statNom[b] : 0;
                    // a bin without MC uncertainty keeps gamma fixed at 1
                    Parameter p = rel > 0 ? Parameter.constrained(g, 1, 1e-10, 10, 1, rel)
                            : Parameter.constrained(g, 1, 1e-10, 10, 1, 1).withFixed(true);
                    params.put(g, p);
                }
            }
            channels.add(new BinnedChannel(cname, obs, samples, gammas));
        }
        return new Model(new ArrayList<>(params.values()), channels);
    }

    private static Parameter override(Parameter p, JsonNode o) {
        if (o == null) {
            return p;
        }
        double lo = p.lower();
        double hi = p.upper();
        if (o.has("bounds")) {
            lo = o.path("bounds").get(0).get(0).asDouble();
            hi = o.path("bounds").get(0).get(1).asDouble();
        }
        double init = o.has("inits") ? o.path("inits").get(0).asDouble() : p.initial();
        boolean fixed = o.path("fixed").asBoolean(p.fixed());
        double aux = o.has("auxdata") ? o.path("auxdata").get(0).asDouble() : p.aux();
        double sigma = o.has("sigmas") ? o.path("sigmas").get(0).asDouble() : p.sigma();
        return new Parameter(p.name(), p.kind(), init, lo, hi, fixed, aux, sigma);
    }

    private static JsonNode need(JsonNode o, String field, String where) {
        JsonNode v = o.get(field);
        if (v == null || !v.isArray() && !v.isObject()) {
            throw new WorkspaceFormatException(where + ": field '" + field + "' missing");
        }
        return v;
    }

    private static double[] numbers(JsonNode arr) {
        double[] v = new double[arr.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = arr.get(i).asDouble();
        }
        return v;
    }
}
