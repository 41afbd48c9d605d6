package org.ratiofit.samplers.fit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * MIGRAD that checks every result and escalates until it converges, the way Minuit2 and careful
 * users do, and says what it did:
 * <ol>
 *   <li>MIGRAD with the configured strategy;</li>
 *   <li>if the minimum is not valid, or its covariance was forced positive-definite: HESSE at that
 *       point, then MIGRAD again seeded with HESSE's covariance (Minuit2's own rerun);</li>
 *   <li>still not valid: MIGRAD with strategy 2 from the best point so far;</li>
 *   <li>still not valid: strategy 2 from the original start, then from a perturbed start.</li>
 * </ol>
 * With {@link #withRestarts} it also fits from seeded random starts after a valid fit and keeps the
 * lowest valid minimum, warning when the restarts find minima that differ by more than 0.01
 * errorDef (a likelihood with several minima). Every call is logged ({@link #log()}): the attempts
 * with their minimum, EDM and validity, whether the fit converged in the end, and any warning;
 * {@link #unconverged()} counts the calls that never reached a valid minimum, so a command can mark
 * its result and exit with code 3 instead of using such a fit silently. Thread-safe.
 */
public final class RobustMinimiser implements Minimiser {

    /** One MIGRAD run inside a call. */
    public record Attempt(String step, double minimum, double edm, boolean valid) {
    }

    /** One call: its attempts, whether a valid minimum came out, and a warning (or null). */
    public record Call(List<Attempt> attempts, boolean converged, String warning) {
        /** Whether more than the first MIGRAD was needed. */
        public boolean escalated() {
            return attempts.size() > 1;
        }
    }

    private final Migrad migrad;
    private final int restarts;
    private final long seed;
    private final List<Call> log = Collections.synchronizedList(new ArrayList<>());

    public RobustMinimiser(Migrad migrad) {
        this(migrad, 0, 1);
    }

    private RobustMinimiser(Migrad migrad, int restarts, long seed) {
        this.migrad = migrad;
        this.restarts = restarts;
        this.seed = seed;
    }

    /** The same with {@code n} extra fits from seeded random starts after every fit (0: none). */
    public RobustMinimiser withRestarts(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("restarts must be >= 0, got " + n);
        }
        return new RobustMinimiser(migrad, n, seed);
    }

    public Migrad migrad() {
        return migrad;
    }

    /**
     * A valid minimum whose covariance was not forced positive-definite — unless a parameter sits on
     * its bound, where the bound's transform makes the matrix singular whatever the minimiser does.
     */
    static boolean good(FitResult r) {
        return r.status().validMinimum() && (!r.status().forcedPositiveDefinite() || r.status().parameterAtLimit());
    }

    /** Valid before invalid, then the lower minimum. */
    static boolean better(FitResult a, FitResult than) {
        if (than == null) {
            return true;
        }
        boolean va = a.status().validMinimum();
        boolean vb = than.status().validMinimum();
        if (va != vb) {
            return va;
        }
        if (va && good(a) != good(than) && Math.abs(a.minimumValue() - than.minimumValue()) < 1e-3 * a.errorDef()) {
            return good(a);
        }
        return a.minimumValue() < than.minimumValue() || Double.isNaN(than.minimumValue());
    }

    @Override
    public FitResult minimise(Objective objective, List<ParameterSpec> parameters, double[][] seedCovariance) {
        List<Attempt> attempts = new ArrayList<>();
        FitResult best = null;
        FitResult r = run(migrad, objective, parameters, seedCovariance, "migrad strategy " + migrad.strategy(), attempts);
        best = r;
        if (!good(best)) {
            try {
                FitResult h = Hesse.compute(objective, best, Math.max(1, migrad.strategy()), migrad.usesGradient());
                if (h.status().validMinimum() && !h.status().forcedPositiveDefinite()) {
                    r = run(migrad, objective, h.parameters(), h.covariance(), "migrad seeded by hesse", attempts);
                    best = better(r, best) ? r : best;
                }
            } catch (RuntimeException e) {
                attempts.add(new Attempt("hesse failed: " + e.getMessage(), Double.NaN, Double.NaN, false));
            }
        }
        Migrad strategy2 = migrad.toBuilder().strategy(2).build();
        if (!good(best)) {
            r = run(strategy2, objective, best.parameters(), null, "migrad strategy 2 from the best point", attempts);
            best = better(r, best) ? r : best;
        }
        if (!good(best)) {
            r = run(strategy2, objective, parameters, null, "migrad strategy 2 from the start", attempts);
            best = better(r, best) ? r : best;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        if (!good(best)) {
            r = run(strategy2, objective, perturbed(parameters, rng), null, "migrad strategy 2 from a perturbed start", attempts);
            best = better(r, best) ? r : best;
        }
        String warning = null;
        if (restarts > 0 && best.status().validMinimum()) {
            double lowest = best.minimumValue();
            double highest = best.minimumValue();
            for (int k = 0; k < restarts; k++) {
                r = run(migrad, objective, perturbed(parameters, rng), null, "restart " + (k + 1) + " from a random start", attempts);
                if (r.status().validMinimum()) {
                    lowest = Math.min(lowest, r.minimumValue());
                    highest = Math.max(highest, r.minimumValue());
                    if (better(r, best)) {
                        best = r;
                    }
                }
            }
            if (highest - lowest > 0.01 * best.errorDef()) {
                warning = String.format("restarts found different minima (-ln L from %.6g to %.6g); the lowest is kept", lowest, highest);
            }
        }
        boolean converged = best.status().validMinimum();
        if (!converged) {
            warning = "no valid minimum after " + attempts.size() + " attempts (EDM " + best.edm() + ")";
        }
        log.add(new Call(List.copyOf(attempts), converged, warning));
        return best;
    }

    private static FitResult run(Migrad m, Objective o, List<ParameterSpec> specs, double[][] cov, String step, List<Attempt> attempts) {
        FitResult r = m.minimise(o, specs, cov);
        attempts.add(new Attempt(step, r.minimumValue(), r.edm(), r.status().validMinimum()));
        return r;
    }

    /** Free parameters moved by a standard-normal multiple of twice their step, kept inside their bounds. */
    static List<ParameterSpec> perturbed(List<ParameterSpec> specs, SplittableRandom rng) {
        List<ParameterSpec> out = new ArrayList<>();
        for (ParameterSpec s : specs) {
            if (s.fixed()) {
                out.add(s);
                continue;
            }
            double u = Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
            double v = s.initial() + 2 * s.step() * u;
            double lo = s.lower();
            double hi = s.upper();
            double margin = Double.isFinite(hi - lo) ? 1e-3 * (hi - lo) : 0;
            v = Math.min(Math.max(v, lo + margin), hi - margin);
            out.add(new ParameterSpec(s.name(), v, s.step(), lo, hi, false));
        }
        return out;
    }

    /** Every call so far, in order. */
    public List<Call> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Calls that ended without a valid minimum. */
    public long unconverged() {
        return log().stream().filter(c -> !c.converged()).count();
    }

    /** Calls that needed more than the first MIGRAD. */
    public long escalated() {
        return log().stream().filter(Call::escalated).count();
    }

    /** Warnings of the calls so far (restarts with different minima, fits that never converged), without repeats. */
    public List<String> warnings() {
        return log().stream().map(Call::warning).filter(w -> w != null).distinct().toList();
    }
}
