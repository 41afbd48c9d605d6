package org.ratiofit.likelihood.workspace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.Evaluation;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Parameter;

/**
 * One workspace from several: the union of their channels and parameters, where a parameter name
 * that appears in several inputs is one parameter (rename beforehand with {@link Renaming} to
 * correlate or decorrelate). The combined −ln L is the sum of the inputs' −ln L, with the
 * constraint term of each shared parameter counted once.
 *
 * <p>Rules: a shared parameter must have the same constraint in every input (free in all; or a
 * Gaussian of the same centre and width; or a Poisson of the same τ and auxiliary count), else a
 * {@link CombinationException} names the parameter, both inputs and both constraints. Its start
 * value, bounds and fixed flag come from the first input that has it (differences are listed in
 * {@link Result#notes()}). Two channels of one name are refused. One parameter of interest: the
 * one asked for, else the first input's; the other inputs' parameters of interest become free
 * norm factors (noted).
 */
public final class Combination {

    /** Relative tolerance on constraint widths and centres (they come from arithmetic on the inputs' numbers). */
    static final double TOLERANCE = 1e-9;

    private Combination() {
    }

    /**
     * One input.
     *
     * @param label how messages name it, e.g. {@code "input 2 (cr.json)"}
     */
    public record Input(String label, Workspace workspace) {
    }

    /**
     * A parameter in more than one input.
     *
     * @param parameter  its name
     * @param inputs     the labels of the inputs holding it
     * @param constraint its constraint, in words
     */
    public record Shared(String parameter, List<String> inputs, String constraint) {
    }

    /**
     * @param workspace the combined workspace
     * @param shared    the parameters that several inputs share (one constraint term each)
     * @param notes     what the combination chose: settings taken from the first input, demoted parameters of interest
     */
    public record Result(Workspace workspace, List<Shared> shared, List<String> notes) {
    }

    /**
     * Combines the inputs.
     *
     * @param poi the parameter of interest of the result (null: the first input's)
     */
    public static Result combine(List<Input> inputs, String poi) {
        if (inputs.isEmpty()) {
            throw new CombinationException("nothing to combine: no inputs");
        }
        Map<String, Parameter> params = new LinkedHashMap<>();
        Map<String, List<String>> holders = new LinkedHashMap<>();
        Map<String, Channel> channels = new LinkedHashMap<>();
        Map<String, String> channelInput = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (Input in : inputs) {
            for (Parameter p : in.workspace().parameters()) {
                Parameter first = params.get(p.name());
                if (first == null) {
                    params.put(p.name(), p);
                    holders.put(p.name(), new ArrayList<>(List.of(in.label())));
                    continue;
                }
                String firstLabel = holders.get(p.name()).get(0);
                if (!sameConstraint(first, p)) {
                    throw new CombinationException("parameter '" + p.name() + "' has " + constraint(first) + " in " + firstLabel + " but "
                            + constraint(p) + " in " + in.label() + ": one parameter needs one constraint; keep them apart with"
                            + " --rename (e.g. --rename " + (inputs.indexOf(in) + 1) + ":" + p.name() + "=" + p.name() + "_2), or make them agree");
                }
                String diff = settings(first, p);
                if (!diff.isEmpty()) {
                    notes.add("parameter '" + p.name() + "': " + diff + " in " + in.label() + " differ from " + firstLabel + "'s; the combination uses "
                            + firstLabel + "'s");
                }
                holders.get(p.name()).add(in.label());
            }
            for (Channel c : in.workspace().channels()) {
                String before = channelInput.putIfAbsent(c.name(), in.label());
                if (before != null) {
                    throw new CombinationException("channel '" + c.name() + "' is in " + before + " and in " + in.label()
                            + ": channel names must differ; rename one with --rename-channel " + (inputs.indexOf(in) + 1) + ":"
                            + c.name() + "=NEW");
                }
                channels.put(c.name(), c);
            }
        }
        choosePoi(params, poi, inputs, notes);
        List<Shared> shared = new ArrayList<>();
        holders.forEach((name, labels) -> {
            if (labels.size() > 1) {
                shared.add(new Shared(name, List.copyOf(labels), constraint(params.get(name))));
            }
        });
        Workspace ws = new Workspace(new ArrayList<>(params.values()), new ArrayList<>(channels.values()));
        check(ws);
        return new Result(ws, shared, notes);
    }

    private static void choosePoi(Map<String, Parameter> params, String poi, List<Input> inputs, List<String> notes) {
        String chosen = poi;
        if (chosen == null) {
            for (Parameter p : params.values()) {
                if (p.kind() == Parameter.Kind.POI) {
                    chosen = p.name();
                    break;
                }
            }
        } else {
            Parameter p = params.get(chosen);
            if (p == null) {
                throw new CombinationException("--poi " + chosen + ": no input has a parameter '" + chosen + "'");
            }
            if (p.isConstrained()) {
                throw new CombinationException("--poi " + chosen + ": '" + chosen + "' is a constrained nuisance parameter; the parameter of"
                        + " interest must be free (a poi or normfactor)");
            }
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Parameter p = e.getValue();
            if (p.name().equals(chosen) && p.kind() != Parameter.Kind.POI) {
                e.setValue(new Parameter(p.name(), Parameter.Kind.POI, p.initial(), p.lower(), p.upper(), p.fixed(), 0, 1));
            } else if (!p.name().equals(chosen) && p.kind() == Parameter.Kind.POI) {
                e.setValue(new Parameter(p.name(), Parameter.Kind.NORM_FACTOR, p.initial(), p.lower(), p.upper(), p.fixed(), 0, 1));
                notes.add("parameter '" + p.name() + "' is a parameter of interest in its input; in the combination '" + chosen
                        + "' is, and '" + p.name() + "' a free norm factor");
            }
        }
    }

    /** The combined model is built once, so that a reference the inputs could not see fails here, not in a later command. */
    private static void check(Workspace ws) {
        Model m;
        try {
            m = new Model(ws.parameters(), ws.channels(), null);
        } catch (IllegalArgumentException e) {
            throw new CombinationException("the combined workspace is not valid: " + e.getMessage());
        }
        double[] x = ws.parameters().stream().mapToDouble(Parameter::initial).toArray();
        Evaluation e = m.evaluate(x, false);
        if (!Double.isFinite(e.value())) {
            throw new CombinationException("-ln L of the combination is not finite at the start point (" + e.reason()
                    + "); the shared parameters' start values come from the first input that has them");
        }
    }

    /** Same kind of constraint, centre and width (free parameters: both free). */
    static boolean sameConstraint(Parameter a, Parameter b) {
        boolean freeA = !a.isConstrained();
        boolean freeB = !b.isConstrained();
        if (freeA || freeB) {
            return freeA && freeB;
        }
        return a.kind() == b.kind() && close(a.aux(), b.aux()) && close(a.sigma(), b.sigma());
    }

    private static boolean close(double x, double y) {
        return Math.abs(x - y) <= TOLERANCE * Math.max(1e-300, Math.max(Math.abs(x), Math.abs(y))) || x == y;
    }

    /** The constraint in words: "a Gaussian constraint (centre 0, width 1)", "a Poisson constraint (tau 25, aux 25)", "no constraint (free)". */
    public static String constraint(Parameter p) {
        return switch (p.kind()) {
            case CONSTRAINED -> "a Gaussian constraint (centre " + num(p.aux()) + ", width " + num(p.sigma()) + ")";
            case POISSON -> "a Poisson constraint (tau " + num(p.tau()) + ", aux " + num(p.aux()) + ")";
            default -> "no constraint (free)";
        };
    }

    private static String settings(Parameter a, Parameter b) {
        List<String> d = new ArrayList<>();
        if (a.initial() != b.initial()) {
            d.add("start " + num(b.initial()) + " (not " + num(a.initial()) + ")");
        }
        if (a.lower() != b.lower() || a.upper() != b.upper()) {
            d.add("bounds [" + num(b.lower()) + ", " + num(b.upper()) + "] (not [" + num(a.lower()) + ", " + num(a.upper()) + "])");
        }
        if (a.fixed() != b.fixed()) {
            d.add(b.fixed() ? "fixed (not free)" : "free (not fixed)");
        }
        return String.join(", ", d);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+(e|$)", "$1");
    }
}
