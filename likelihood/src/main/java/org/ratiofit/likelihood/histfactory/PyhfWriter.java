package org.ratiofit.likelihood.histfactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.likelihood.BinnedChannel;
import org.ratiofit.likelihood.BinnedSample;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.Modifier;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.workspace.Workspace;

/**
 * Writes a binned ratiofit workspace as a pyhf (HistFactory JSON 1.0.0) workspace that
 * {@link PyhfWorkspace} reads back into the same parameters and channels, so −ln L is the same to
 * the bit (with {@link Written#codes()}, the interpolation codes the model uses: pyhf JSON keeps
 * them outside the file).
 *
 * <p>Mapping: normfactor on a free parameter → {@code normfactor}; on a Gaussian-constrained one
 * → {@code lumi}; normsys → {@code normsys {hi, lo}}; histosys → {@code histosys {hi_data,
 * lo_data}}; per-bin factors keep their HistFactory type ({@code shapesys}, {@code staterror},
 * {@code shapefactor}, name {@code NAME} for the parameters {@code NAME[b]}); the legacy MC-stat
 * gammas of a ratiofit binned channel ({@code staterror_CH[b]}) → a {@code staterror} modifier on
 * the samples marked {@code mc_stat}. Every parameter's settings are written into the measurement
 * (inits, bounds, fixed; auxdata and sigmas of Gaussian constraints; auxdata and factors τ of
 * Poisson ones), so nothing depends on defaults. The modifier data that pyhf derives widths from
 * (staterror's and shapesys's per-bin uncertainties) are written consistently with those widths
 * (staterror: σ_{s,b} ∝ ν_{s,b} with √Σσ²/Σν the width; shapesys: σ = ν/√τ). Not expressible and
 * refused by name: unbinned channels, coefficient modifiers, mixed interpolation codes, per-bin
 * parameters not named {@code NAME[b]}, a workspace without a parameter of interest.
 */
public final class PyhfWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PyhfWriter() {
    }

    /**
     * @param json  the pyhf workspace
     * @param codes the interpolation codes to read it back with ({@code --interp})
     * @param notes parameters left out (no modifier reads them), Poisson widths not representable exactly
     */
    public record Written(JsonNode json, InterpCodes codes, List<String> notes) {

        /** Writes the JSON atomically (pretty-printed, numbers as Java writes doubles: they read back to the bit). */
        public void writeTo(Path file) throws IOException {
            AtomicFiles.write(file, o -> JSON.writeValue(o, json));
        }
    }

    /** The workspace as pyhf JSON with one measurement named {@code measurement}. */
    public static Written write(Workspace ws, String measurement) {
        Map<String, Parameter> params = new LinkedHashMap<>();
        ws.parameters().forEach(p -> params.put(p.name(), p));
        String poi = ws.parameters().stream().filter(p -> p.kind() == Parameter.Kind.POI).map(Parameter::name).findFirst()
                .orElseThrow(() -> new HistFactoryException("the workspace has no parameter of interest; pyhf's measurement needs one"));
        Set<Integer> normsysCodes = new LinkedHashSet<>();
        Set<String> histosysCodes = new LinkedHashSet<>();
        // per-bin sets: name -> type and per bin the parameter (null: none); staterror needs the sums over its samples
        Map<String, String> setType = new LinkedHashMap<>();
        Map<String, String[]> setBins = new LinkedHashMap<>();
        Map<String, double[]> stateSumNominal = new LinkedHashMap<>();
        Map<String, double[]> stateSumSquares = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        List<BinnedChannel> channels = new ArrayList<>();
        for (Channel c : ws.channels()) {
            if (!(c instanceof BinnedChannel b)) {
                throw new HistFactoryException("channel '" + c.name() + "' is unbinned; pyhf JSON holds binned channels only");
            }
            channels.add(b);
        }
        // pass 1: what each sample carries
        List<List<List<ObjectNode>>> modifiers = new ArrayList<>();
        for (BinnedChannel c : channels) {
            List<List<ObjectNode>> perSample = new ArrayList<>();
            String legacy = legacyStaterror(c);
            for (BinnedSample s : c.samples()) {
                List<ObjectNode> mods = new ArrayList<>();
                String where = "channel '" + c.name() + "' sample '" + s.name() + "'";
                for (Modifier m : s.modifiers()) {
                    ObjectNode o = JSON.createObjectNode();
                    if (m instanceof Modifier.NormFactor n) {
                        Parameter p = params.get(n.parameter());
                        String type = p.kind() == Parameter.Kind.CONSTRAINED ? "lumi" : "normfactor";
                        if (p.kind() == Parameter.Kind.POISSON) {
                            throw new HistFactoryException(where + ": normfactor on the Poisson-constrained '" + p.name()
                                    + "' has no pyhf form");
                        }
                        o.put("name", n.parameter()).put("type", type).putNull("data");
                        add(order, n.parameter());
                    } else if (m instanceof Modifier.NormSys n) {
                        normsysCodes.add(n.code());
                        o.put("name", n.parameter()).put("type", "normsys");
                        o.putObject("data").put("hi", n.up()).put("lo", n.down());
                        add(order, n.parameter());
                    } else if (m instanceof Modifier.HistoSys h) {
                        histosysCodes.add(h.code());
                        o.put("name", h.parameter()).put("type", "histosys");
                        ObjectNode d = o.putObject("data");
                        numbers(d.putArray("hi_data"), h.up());
                        numbers(d.putArray("lo_data"), h.down());
                        add(order, h.parameter());
                    } else if (m instanceof Modifier.PerBin pb) {
                        String type = pb.type();
                        if (!List.of("shapesys", "staterror", "shapefactor").contains(type)) {
                            throw new HistFactoryException(where + ": per-bin factor '" + pb.name() + "' of type '" + type
                                    + "' has no pyhf form (shapesys, staterror, shapefactor)");
                        }
                        perBin(where, pb.name(), type, pb.bins(), setType, setBins);
                        o.put("name", pb.name()).put("type", type);
                        add(order, pb.name());
                    } else {
                        throw new HistFactoryException(where + ": a " + m.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)
                                + " modifier has no pyhf form");
                    }
                    mods.add(o);
                }
                if (legacy != null && s.mcStat()) {
                    String[] bins = c.mcStatParameters().toArray(new String[0]);
                    perBin(where, legacy, "staterror", bins, setType, setBins);
                    ObjectNode o = JSON.createObjectNode().put("name", legacy).put("type", "staterror");
                    add(order, legacy);
                    mods.add(o);
                }
                for (ObjectNode o : mods) {
                    if (o.get("type").asText().equals("staterror")) {
                        String name = o.get("name").asText();
                        double[] sn = stateSumNominal.computeIfAbsent(name, k -> new double[c.bins()]);
                        double[] sq = stateSumSquares.computeIfAbsent(name, k -> new double[c.bins()]);
                        for (int b = 0; b < c.bins(); b++) {
                            sn[b] += s.nominal()[b];
                            sq[b] += s.nominal()[b] * s.nominal()[b];
                        }
                    }
                }
                perSample.add(mods);
            }
            modifiers.add(perSample);
        }
        if (normsysCodes.size() > 1 || histosysCodes.size() > 1) {
            throw new HistFactoryException("the workspace mixes interpolation codes (normsys " + normsysCodes + ", histosys " + histosysCodes
                    + "); pyhf reads one code per modifier type");
        }
        InterpCodes codes = new InterpCodes(normsysCodes.isEmpty() ? 4 : normsysCodes.iterator().next(),
                histosysCodes.isEmpty() ? "4p" : histosysCodes.iterator().next());
        // pass 2: the per-bin data pyhf derives widths from
        Map<String, double[]> shapesysTau = new LinkedHashMap<>();
        ObjectNode root = JSON.createObjectNode();
        ArrayNode chans = root.putArray("channels");
        for (int c = 0; c < channels.size(); c++) {
            BinnedChannel ch = channels.get(c);
            ObjectNode co = chans.addObject();
            co.put("name", ch.name());
            ArrayNode ss = co.putArray("samples");
            for (int s = 0; s < ch.samples().size(); s++) {
                BinnedSample smp = ch.samples().get(s);
                ObjectNode so = ss.addObject();
                so.put("name", smp.name());
                numbers(so.putArray("data"), smp.nominal());
                ArrayNode ms = so.putArray("modifiers");
                for (ObjectNode o : modifiers.get(c).get(s)) {
                    String type = o.get("type").asText();
                    String name = o.get("name").asText();
                    if (type.equals("shapefactor")) {
                        o.putNull("data");
                    } else if (type.equals("staterror")) {
                        ArrayNode d = o.putArray("data");
                        String[] bins = setBins.get(name);
                        for (int b = 0; b < ch.bins(); b++) {
                            double nu = smp.nominal()[b];
                            if (bins[b] == null || nu == 0) {
                                d.add(0.0);
                                continue;
                            }
                            double width = params.get(bins[b]).sigma();
                            double total = stateSumNominal.get(name)[b];
                            d.add(width * total * nu / Math.sqrt(stateSumSquares.get(name)[b]));
                        }
                    } else if (type.equals("shapesys")) {
                        ArrayNode d = o.putArray("data");
                        Modifier.PerBin pb = (Modifier.PerBin) smp.modifiers().stream()
                                .filter(m -> m instanceof Modifier.PerBin x && x.name().equals(name)).findFirst().orElseThrow();
                        double[] first = shapesysTau.computeIfAbsent(name, k -> new double[ch.bins()]);
                        for (int b = 0; b < ch.bins(); b++) {
                            String pn = pb.bins()[b];
                            double nu = smp.nominal()[b];
                            if (pn == null || nu == 0) {
                                d.add(0.0);
                                continue;
                            }
                            double sigma = nu * params.get(pn).sigma();
                            if (first[b] == 0) {
                                first[b] = PyhfWorkspace.tau(nu, sigma);
                            } else {
                                // samples sharing a shapesys must give the reader the same tau = (nu/sigma)^2, bit for bit
                                sigma = sigmaFor(nu, first[b], sigma, name);
                            }
                            d.add(sigma);
                        }
                    }
                    ms.add(o);
                }
            }
        }
        ArrayNode obs = root.putArray("observations");
        for (BinnedChannel ch : channels) {
            ObjectNode o = obs.addObject();
            o.put("name", ch.name());
            numbers(o.putArray("data"), ch.observed());
        }
        ObjectNode meas = root.putArray("measurements").addObject();
        meas.put("name", measurement);
        ObjectNode config = meas.putObject("config");
        config.put("poi", poi);
        ArrayNode settings = config.putArray("parameters");
        List<String> notes = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        for (String name : order) {
            ObjectNode o = settings.addObject();
            o.put("name", name);
            if (setBins.containsKey(name)) {
                perBinSettings(o, name, setBins.get(name), params, notes);
                for (String pn : setBins.get(name)) {
                    if (pn != null) {
                        used.add(pn);
                    }
                }
            } else {
                Parameter p = params.get(name);
                scalarSettings(o, p);
                used.add(name);
            }
        }
        root.put("version", "1.0.0");
        for (Parameter p : ws.parameters()) {
            if (!used.contains(p.name())) {
                notes.add("parameter '" + p.name() + "' is read by no modifier and is left out");
            }
        }
        return new Written(root, codes, notes);
    }

    /** The name of a channel's legacy MC-stat set ({@code NAME[b]} for every bin that has one), or null. */
    private static String legacyStaterror(BinnedChannel c) {
        if (c.mcStatParameters() == null || c.samples().stream().noneMatch(BinnedSample::mcStat)) {
            return null;
        }
        String g0 = c.mcStatParameters().get(0);
        int open = g0.lastIndexOf('[');
        String name = open > 0 ? g0.substring(0, open) : g0;
        for (int b = 0; b < c.bins(); b++) {
            if (!c.mcStatParameters().get(b).equals(name + "[" + b + "]")) {
                throw new HistFactoryException("channel '" + c.name() + "': MC-stat parameter '" + c.mcStatParameters().get(b) + "' of bin " + b
                        + " is not named " + name + "[" + b + "], as pyhf names a staterror's parameters");
            }
        }
        return name;
    }

    private static void perBin(String where, String name, String type, String[] bins, Map<String, String> setType,
            Map<String, String[]> setBins) {
        for (int b = 0; b < bins.length; b++) {
            if (bins[b] != null && !bins[b].equals(name + "[" + b + "]")) {
                throw new HistFactoryException(where + ": " + type + " '" + name + "' reads parameter '" + bins[b] + "' in bin " + b
                        + "; pyhf names it " + name + "[" + b + "]");
            }
        }
        String before = setType.putIfAbsent(name, type);
        if (before != null && !before.equals(type)) {
            throw new HistFactoryException(where + ": '" + name + "' is a " + type + " here and a " + before + " elsewhere");
        }
        String[] known = setBins.get(name);
        if (known == null) {
            setBins.put(name, bins.clone());
        } else if (known.length != bins.length) {
            throw new HistFactoryException(where + ": " + type + " '" + name + "' covers " + bins.length + " bins here and " + known.length
                    + " elsewhere");
        } else {
            for (int b = 0; b < bins.length; b++) {
                if (known[b] == null) {
                    known[b] = bins[b];
                }
            }
        }
    }

    private static void scalarSettings(ObjectNode o, Parameter p) {
        o.putArray("inits").add(p.initial());
        ArrayNode bd = o.putArray("bounds").addArray();
        bd.add(p.lower()).add(p.upper());
        o.put("fixed", p.fixed());
        if (p.kind() == Parameter.Kind.CONSTRAINED) {
            o.putArray("auxdata").add(p.aux());
            o.putArray("sigmas").add(p.sigma());
        }
    }

    private static void perBinSettings(ObjectNode o, String name, String[] bins, Map<String, Parameter> params, List<String> inexact) {
        ArrayNode inits = o.putArray("inits");
        ArrayNode bounds = o.putArray("bounds");
        ArrayNode aux = JSON.createArrayNode();
        ArrayNode sig = JSON.createArrayNode();
        ArrayNode fac = JSON.createArrayNode();
        Boolean fixed = null;
        for (String pn : bins) {
            Parameter p = pn == null ? null : params.get(pn);
            if (p == null) {
                inits.add(1.0);
                bounds.addArray().add(0.0).add(10.0);
                aux.add(1.0);
                sig.add(1.0);
                fac.add(1.0);
                continue;
            }
            if (fixed != null && fixed != p.fixed()) {
                throw new HistFactoryException("'" + name + "': some of its per-bin parameters are fixed and some not; pyhf fixes a set as a whole");
            }
            fixed = p.fixed();
            inits.add(p.initial());
            bounds.addArray().add(p.lower()).add(p.upper());
            aux.add(p.aux());
            sig.add(p.sigma());
            double tau = tauFor(p.sigma());
            if (1 / Math.sqrt(tau) != p.sigma()) {
                inexact.add("Poisson parameter '" + p.name() + "': width " + p.sigma() + " is no 1/sqrt(tau) of a double; written as tau = "
                        + tau + ", which reads back as " + (1 / Math.sqrt(tau)));
            }
            fac.add(tau);
        }
        o.put("fixed", fixed != null && fixed);
        Parameter any = java.util.Arrays.stream(bins).filter(java.util.Objects::nonNull).map(params::get).findFirst().orElse(null);
        if (any != null && any.kind() == Parameter.Kind.CONSTRAINED) {
            o.set("auxdata", aux);
            o.set("sigmas", sig);
        } else if (any != null && any.kind() == Parameter.Kind.POISSON) {
            o.set("auxdata", aux);
            o.set("factors", fac);
        }
    }

    /**
     * τ such that the reader's 1/√τ gives back {@code sigma}: 1/σ², then the nearest doubles
     * around it. Every width that came from a τ (pyhf's shapesys, {@link Parameter#poisson}) is
     * found exactly; for another width (not every double is 1/√τ of a double) the closest, one
     * unit in the last place away.
     */
    static double tauFor(double sigma) {
        double t = 1 / (sigma * sigma);
        double best = t;
        double bestDiff = Math.abs(1 / Math.sqrt(t) - sigma);
        double up = t;
        double down = t;
        for (int k = 0; k < 64 && bestDiff > 0; k++) {
            for (double c : new double[] {up, down}) {
                double d = Math.abs(1 / Math.sqrt(c) - sigma);
                if (d < bestDiff) {
                    best = c;
                    bestDiff = d;
                }
            }
            up = Math.nextUp(up);
            down = Math.nextDown(down);
        }
        return best;
    }

    /** A per-bin uncertainty near {@code guess} for which (nu/sigma)^2 is {@code tau} to the bit. */
    private static double sigmaFor(double nu, double tau, double guess, String name) {
        double up = guess;
        double down = guess;
        for (int k = 0; k < 256; k++) {
            if (PyhfWorkspace.tau(nu, up) == tau) {
                return up;
            }
            if (PyhfWorkspace.tau(nu, down) == tau) {
                return down;
            }
            up = Math.nextUp(up);
            down = Math.nextDown(down);
        }
        throw new HistFactoryException("shapesys '" + name + "': no uncertainty for a yield of " + nu + " gives the shared tau " + tau
                + " exactly");
    }

    private static void add(List<String> order, String name) {
        if (!order.contains(name)) {
            order.add(name);
        }
    }

    private static void numbers(ArrayNode a, double[] v) {
        for (double x : v) {
            a.add(x);
        }
    }
}
