package org.ratiofit.samplers.fit;

import java.util.ArrayList;
import java.util.List;

import org.ratiofit.objective.ParameterSpec;

/**
 * Fixing and releasing parameters between fits: each method returns a new list of settings, to
 * pass to {@link Migrad#minimise(org.ratiofit.objective.Objective, List)} (start from
 * {@link FitResult#parameters()} to continue from a previous minimum).
 */
public final class Parameters {

    private Parameters() {
    }

    private static int index(List<ParameterSpec> specs, String name) {
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown parameter '" + name + "'; known: "
                + specs.stream().map(ParameterSpec::name).toList());
    }

    /** Holds {@code name} fixed at {@code value}. */
    public static List<ParameterSpec> fix(List<ParameterSpec> specs, String name, double value) {
        List<ParameterSpec> out = new ArrayList<>(specs);
        int i = index(specs, name);
        out.set(i, specs.get(i).withInitial(value).withFixed(true));
        return List.copyOf(out);
    }

    /** Lets {@code name} float again, from its current value. */
    public static List<ParameterSpec> release(List<ParameterSpec> specs, String name) {
        List<ParameterSpec> out = new ArrayList<>(specs);
        int i = index(specs, name);
        out.set(i, specs.get(i).withFixed(false));
        return List.copyOf(out);
    }

    /** Changes the start value of {@code name}. */
    public static List<ParameterSpec> start(List<ParameterSpec> specs, String name, double value) {
        List<ParameterSpec> out = new ArrayList<>(specs);
        int i = index(specs, name);
        out.set(i, specs.get(i).withInitial(value));
        return List.copyOf(out);
    }
}
