package org.ratiofit.likelihood.workspace;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.ratiofit.likelihood.BinnedChannel;
import org.ratiofit.likelihood.BinnedSample;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.Modifier;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.UnbinnedSample;

/**
 * Renames parameters and channels of a {@link Workspace}: in the parameter list, in every modifier
 * that reads them and in the binned channels' MC-stat lists. A name {@code OLD} that is not a
 * parameter but has per-bin parameters {@code OLD[0]}, {@code OLD[1]}, ... (pyhf's shapesys,
 * staterror, shapefactor) renames the whole set to {@code NEW[b]}, and the per-bin modifier's name
 * with it. The event columns are shared, not copied.
 */
public final class Renaming {

    private Renaming() {
    }

    /** Whether {@code name} names a parameter of {@code ws} or a per-bin set {@code name[b]}. */
    public static boolean matches(Workspace ws, String name) {
        for (Parameter p : ws.parameters()) {
            if (p.name().equals(name) || isBinOf(p.name(), name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isBinOf(String parameter, String set) {
        return parameter.startsWith(set + "[") && parameter.endsWith("]")
                && parameter.substring(set.length() + 1, parameter.length() - 1).chars().allMatch(Character::isDigit)
                && parameter.length() > set.length() + 2;
    }

    /**
     * {@code ws} with its parameters renamed by {@code renames} (OLD to NEW; OLD names that are
     * not in {@code ws} are ignored). Two parameters ending with one name is an error naming
     * {@code source}.
     */
    public static Workspace parameters(Workspace ws, Map<String, String> renames, String source) {
        if (renames.isEmpty()) {
            return ws;
        }
        Map<String, String> full = new LinkedHashMap<>();
        Map<String, String> sets = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        ws.parameters().forEach(p -> names.add(p.name()));
        for (Map.Entry<String, String> r : renames.entrySet()) {
            String old = r.getKey();
            if (names.contains(old)) {
                full.put(old, r.getValue());
                continue;
            }
            boolean set = false;
            for (Parameter p : ws.parameters()) {
                if (isBinOf(p.name(), old)) {
                    full.put(p.name(), r.getValue() + p.name().substring(old.length()));
                    set = true;
                }
            }
            if (set) {
                sets.put(old, r.getValue());
            }
        }
        UnaryOperator<String> f = n -> full.getOrDefault(n, n);
        List<Parameter> params = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (Parameter p : ws.parameters()) {
            String n = f.apply(p.name());
            String before = seen.put(n, p.name());
            if (before != null) {
                throw new CombinationException(source + ": renaming makes '" + before + "' and '" + p.name() + "' one parameter '" + n
                        + "' within this input; rename to a name the input does not use");
            }
            params.add(new Parameter(n, p.kind(), p.initial(), p.lower(), p.upper(), p.fixed(), p.aux(), p.sigma()));
        }
        List<Channel> channels = new ArrayList<>();
        for (Channel c : ws.channels()) {
            if (c instanceof UnbinnedChannel u) {
                List<UnbinnedSample> ss = new ArrayList<>();
                for (UnbinnedSample s : u.samples()) {
                    ss.add(new UnbinnedSample(s.name(), s.nominalYield(), modifiers(s.modifiers(), f, sets)));
                }
                channels.add(new UnbinnedChannel(u.name(), ss, u.data(), u.reference(), u.normalisation()));
            } else {
                BinnedChannel b = (BinnedChannel) c;
                List<BinnedSample> ss = new ArrayList<>();
                for (BinnedSample s : b.samples()) {
                    ss.add(new BinnedSample(s.name(), s.nominal(), modifiers(s.modifiers(), f, sets), s.mcStat()));
                }
                List<String> gammas = b.mcStatParameters() == null ? null : b.mcStatParameters().stream().map(f).toList();
                channels.add(new BinnedChannel(b.name(), b.observed(), ss, gammas));
            }
        }
        return new Workspace(params, channels);
    }

    /** {@code ws} with channel {@code old} called {@code renamed}; an unknown channel is an error naming {@code source}. */
    public static Workspace channel(Workspace ws, String old, String renamed, String source) {
        List<Channel> channels = new ArrayList<>();
        boolean found = false;
        for (Channel c : ws.channels()) {
            if (!c.name().equals(old)) {
                channels.add(c);
                continue;
            }
            found = true;
            if (c instanceof UnbinnedChannel u) {
                channels.add(new UnbinnedChannel(renamed, u.samples(), u.data(), u.reference(), u.normalisation()));
            } else {
                BinnedChannel b = (BinnedChannel) c;
                channels.add(new BinnedChannel(renamed, b.observed(), b.samples(), b.mcStatParameters()));
            }
        }
        if (!found) {
            throw new CombinationException(source + ": --rename-channel " + old + "=" + renamed + ": no channel '" + old + "' (its channels: "
                    + ws.channels().stream().map(Channel::name).toList() + ")");
        }
        return new Workspace(ws.parameters(), channels);
    }

    private static List<Modifier> modifiers(List<Modifier> mods, UnaryOperator<String> f, Map<String, String> sets) {
        List<Modifier> out = new ArrayList<>();
        for (Modifier m : mods) {
            if (m instanceof Modifier.NormFactor n) {
                out.add(new Modifier.NormFactor(f.apply(n.parameter())));
            } else if (m instanceof Modifier.Coefficient c) {
                out.add(new Modifier.Coefficient(f.apply(c.parameter()), c.c(), c.a()));
            } else if (m instanceof Modifier.NormSys n) {
                out.add(new Modifier.NormSys(f.apply(n.parameter()), n.code(), n.up(), n.down()));
            } else if (m instanceof Modifier.ShapeSys s) {
                out.add(new Modifier.ShapeSys(f.apply(s.parameter()), s.code()));
            } else if (m instanceof Modifier.Polynomial p) {
                out.add(new Modifier.Polynomial(p.parameters().stream().map(f).toList(), p.yieldCoefficients()));
            } else if (m instanceof Modifier.YieldSpline ys) {
                out.add(new Modifier.YieldSpline(f.apply(ys.parameter()), ys.knots(), ys.values()));
            } else if (m instanceof Modifier.HistoSys h) {
                out.add(new Modifier.HistoSys(f.apply(h.parameter()), h.code(), h.up(), h.down()));
            } else {
                Modifier.PerBin pb = (Modifier.PerBin) m;
                String[] bins = pb.bins().clone();
                for (int b = 0; b < bins.length; b++) {
                    bins[b] = bins[b] == null ? null : f.apply(bins[b]);
                }
                out.add(new Modifier.PerBin(sets.getOrDefault(pb.name(), pb.name()), pb.type(), bins));
            }
        }
        return out;
    }
}
