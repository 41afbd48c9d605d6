package org.ratiofit.likelihood.histfactory;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.workspace.Workspace;

/**
 * What a pyhf workspace holds, for {@code ratiofit inspect}: its measurements, the POI, per channel
 * the bins, observed total and per sample the nominal total and modifiers, the modifiers per type
 * (distinct names and occurrences) and the parameters by kind.
 *
 * @param formatVersion  JSON layout version (1)
 * @param measurements   measurement names; the first is used unless one is chosen
 * @param measurement    the measurement used
 * @param poi            its parameter of interest
 * @param channels       per channel its samples
 * @param modifierTypes  per type: distinct names and occurrences
 * @param parameters     total parameter count
 * @param freeParameters parameters not fixed
 * @param parameterKinds count per kind (poi, normfactor, constrained (Gaussian), poisson)
 */
public record PyhfSummary(int formatVersion, List<String> measurements, String measurement, String poi, List<ChannelInfo> channels,
                          Map<String, TypeCount> modifierTypes, int parameters, int freeParameters, Map<String, Integer> parameterKinds) {

    public record ChannelInfo(String name, int bins, double observed, List<SampleInfo> samples) {
    }

    public record SampleInfo(String name, double nominal, List<String> modifiers) {
    }

    public record TypeCount(int names, int occurrences) {
    }

    public static PyhfSummary of(PyhfWorkspace ws, String measurement, InterpCodes codes) {
        Workspace w = ws.workspace(measurement, codes);
        JsonNode root = ws.json();
        String used = measurement == null ? ws.measurements().get(0) : measurement;
        String poi = null;
        for (JsonNode m : root.get("measurements")) {
            if (m.get("name").asText().equals(used)) {
                poi = m.get("config").get("poi").asText();
            }
        }
        Map<String, Double> observed = new LinkedHashMap<>();
        for (JsonNode o : root.get("observations")) {
            double t = 0;
            for (JsonNode x : o.get("data")) {
                t += x.asDouble();
            }
            observed.put(o.get("name").asText(), t);
        }
        Map<String, java.util.Set<String>> names = new TreeMap<>();
        Map<String, Integer> occ = new TreeMap<>();
        for (String t : SchemaCheck.TYPES) {
            names.put(t, new java.util.HashSet<>());
            occ.put(t, 0);
        }
        List<ChannelInfo> channels = new ArrayList<>();
        for (JsonNode ch : root.get("channels")) {
            List<SampleInfo> samples = new ArrayList<>();
            int bins = 0;
            for (JsonNode s : ch.get("samples")) {
                double t = 0;
                for (JsonNode x : s.get("data")) {
                    t += x.asDouble();
                }
                bins = s.get("data").size();
                List<String> mods = new ArrayList<>();
                for (JsonNode m : s.get("modifiers")) {
                    String type = m.get("type").asText();
                    mods.add(m.get("name").asText() + " (" + type + ")");
                    names.get(type).add(m.get("name").asText());
                    occ.merge(type, 1, Integer::sum);
                }
                samples.add(new SampleInfo(s.get("name").asText(), t, mods));
            }
            String cn = ch.get("name").asText();
            channels.add(new ChannelInfo(cn, bins, observed.getOrDefault(cn, Double.NaN), samples));
        }
        Map<String, TypeCount> types = new LinkedHashMap<>();
        for (String t : names.keySet()) {
            types.put(t, new TypeCount(names.get(t).size(), occ.get(t)));
        }
        Map<String, Integer> kinds = new LinkedHashMap<>();
        int free = 0;
        for (Parameter p : w.parameters()) {
            kinds.merge(switch (p.kind()) {
                case POI -> "poi";
                case NORM_FACTOR -> "normfactor";
                case CONSTRAINED -> "constrained (Gaussian)";
                case POISSON -> "poisson (shapesys)";
            }, 1, Integer::sum);
            if (!p.fixed()) {
                free++;
            }
        }
        return new PyhfSummary(1, ws.measurements(), used, poi, channels, types, w.parameters().size(), free, kinds);
    }
}
