package org.ratiofit.likelihood.histfactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;

/**
 * Seeded random pyhf workspaces with every modifier type, for property tests and benchmarks: a
 * signal sample (normfactor "mu") plus background samples per channel; each background carries
 * lumi, a normsys and a histosys drawn from a shared pool (so they couple across channels), a
 * staterror per channel, and with some probability a shapesys, a shapefactor shared by all
 * channels with the same bin count, or a second normfactor. Observed counts are Poisson-like draws
 * around the nominal total.
 */
public final class SyntheticWorkspace {

    private SyntheticWorkspace() {
    }

    /**
     * @param channels        number of channels
     * @param samples         samples per channel (the first is the signal)
     * @param bins            bins per channel
     * @param normsysPool     number of distinct normsys names (coupled across channels)
     * @param histosysPool    number of distinct histosys names
     * @param shapesys        probability that a background sample carries a shapesys
     * @param shapefactor     whether the first background of each channel carries the shared shapefactor
     */
    public static JsonNode generate(long seed, int channels, int samples, int bins, int normsysPool, int histosysPool,
                                    double shapesys, boolean shapefactor) {
        SplittableRandom rng = new SplittableRandom(seed);
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        ArrayNode chans = root.putArray("channels");
        ArrayNode obs = root.putArray("observations");
        for (int c = 0; c < channels; c++) {
            ObjectNode ch = chans.addObject();
            String cname = "ch" + c;
            ch.put("name", cname);
            ArrayNode ss = ch.putArray("samples");
            double[] total = new double[bins];
            for (int s = 0; s < samples; s++) {
                ObjectNode smp = ss.addObject();
                smp.put("name", s == 0 ? "signal" : "bkg" + s);
                double scale = s == 0 ? 2 + 8 * rng.nextDouble() : 20 + 200 * rng.nextDouble();
                double[] nom = new double[bins];
                ArrayNode data = smp.putArray("data");
                for (int b = 0; b < bins; b++) {
                    nom[b] = scale * (0.5 + rng.nextDouble());
                    data.add(nom[b]);
                    total[b] += nom[b];
                }
                ArrayNode mods = smp.putArray("modifiers");
                if (s == 0) {
                    mods.addObject().put("name", "mu").put("type", "normfactor").putNull("data");
                    mods.addObject().put("name", "lumi").put("type", "lumi").putNull("data");
                    continue;
                }
                mods.addObject().put("name", "lumi").put("type", "lumi").putNull("data");
                ObjectNode ns = mods.addObject().put("name", "norm" + rng.nextInt(normsysPool)).put("type", "normsys");
                double up = 1 + 0.02 + 0.15 * rng.nextDouble();
                double down = 1 - 0.02 - 0.12 * rng.nextDouble();
                if (rng.nextDouble() < 0.2) {
                    double t = up;
                    up = 2 - down;
                    down = 2 - t;
                }
                ns.putObject("data").put("hi", up).put("lo", down);
                ObjectNode hs = mods.addObject().put("name", "shape" + rng.nextInt(histosysPool)).put("type", "histosys");
                ObjectNode hd = hs.putObject("data");
                ArrayNode hi = hd.putArray("hi_data");
                ArrayNode lo = hd.putArray("lo_data");
                for (int b = 0; b < bins; b++) {
                    double d = 0.02 + 0.1 * rng.nextDouble();
                    double asym = 0.5 + rng.nextDouble();
                    hi.add(nom[b] * (1 + d));
                    lo.add(nom[b] * (1 - d * asym));
                }
                ArrayNode se = mods.addObject().put("name", "staterror_" + cname).put("type", "staterror").putArray("data");
                for (int b = 0; b < bins; b++) {
                    se.add(nom[b] * (0.01 + 0.05 * rng.nextDouble()));
                }
                if (rng.nextDouble() < shapesys) {
                    ArrayNode sd = mods.addObject().put("name", "shapesys_" + cname + "_" + s).put("type", "shapesys").putArray("data");
                    for (int b = 0; b < bins; b++) {
                        sd.add(nom[b] * (0.03 + 0.1 * rng.nextDouble()));
                    }
                }
                if (shapefactor && s == 1) {
                    mods.addObject().put("name", "sf_" + bins).put("type", "shapefactor").putNull("data");
                }
            }
            ObjectNode o = obs.addObject();
            o.put("name", cname);
            ArrayNode od = o.putArray("data");
            for (int b = 0; b < bins; b++) {
                double x = total[b] + Math.sqrt(total[b]) * gaussian(rng);
                od.add(Math.max(0, Math.rint(x)));
            }
        }
        ObjectNode m = root.putArray("measurements").addObject();
        m.put("name", "meas");
        ObjectNode cfg = m.putObject("config");
        cfg.put("poi", "mu");
        ObjectNode lumi = cfg.putArray("parameters").addObject();
        lumi.put("name", "lumi");
        lumi.putArray("auxdata").add(1.0);
        lumi.putArray("sigmas").add(0.017);
        lumi.putArray("bounds").addArray().add(0.915).add(1.085);
        lumi.putArray("inits").add(1.0);
        root.put("version", "1.0.0");
        return root;
    }

    private static double gaussian(SplittableRandom rng) {
        double u = rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
