package org.ratiofit.samplers.fit;

import org.ratiofit.objective.ParameterSpec;

/**
 * Minuit's map between a bounded external parameter and the unbounded internal one the
 * minimiser works with: sin for two-sided bounds, sqrt for one-sided ones, identity otherwise.
 */
final class BoundTransform {

    enum Kind { NONE, BOTH, LOWER, UPPER }

    /** Keeps internal values off the flat points of the sine at +-pi/2 (as Minuit does). */
    private static final double DISTNN = 8 * Math.sqrt(Migrad.EPS2);

    final Kind kind;
    final double lower;
    final double upper;

    BoundTransform(double lower, double upper) {
        this.lower = lower;
        this.upper = upper;
        boolean lo = lower != Double.NEGATIVE_INFINITY;
        boolean hi = upper != Double.POSITIVE_INFINITY;
        kind = lo && hi ? Kind.BOTH : lo ? Kind.LOWER : hi ? Kind.UPPER : Kind.NONE;
    }

    static BoundTransform of(ParameterSpec p) {
        return new BoundTransform(p.lower(), p.upper());
    }

    boolean bounded() {
        return kind != Kind.NONE;
    }

    double toExternal(double in) {
        return switch (kind) {
            case NONE -> in;
            case BOTH -> lower + 0.5 * (upper - lower) * (Math.sin(in) + 1);
            case LOWER -> lower - 1 + Math.sqrt(in * in + 1);
            case UPPER -> upper + 1 - Math.sqrt(in * in + 1);
        };
    }

    double toInternal(double ext) {
        switch (kind) {
            case NONE:
                return ext;
            case BOTH: {
                double y = 2 * (ext - lower) / (upper - lower) - 1;
                double lim = Math.PI / 2 - DISTNN;
                if (y * y > 1 - Migrad.EPS2) {
                    return y < 0 ? -lim : lim;
                }
                return Math.asin(y);
            }
            case LOWER: {
                double y = ext - lower + 1;
                return y * y < 1 ? 0 : Math.sqrt(y * y - 1);
            }
            default: {
                double y = upper - ext + 1;
                return y * y < 1 ? 0 : Math.sqrt(y * y - 1);
            }
        }
    }

    /** d(external)/d(internal). */
    double derivative(double in) {
        return switch (kind) {
            case NONE -> 1;
            case BOTH -> 0.5 * (upper - lower) * Math.cos(in);
            case LOWER -> in / Math.sqrt(in * in + 1);
            case UPPER -> -in / Math.sqrt(in * in + 1);
        };
    }

    /** d^2(external)/d(internal)^2. */
    double secondDerivative(double in) {
        return switch (kind) {
            case NONE -> 0;
            case BOTH -> -0.5 * (upper - lower) * Math.sin(in);
            case LOWER -> 1 / ((in * in + 1) * Math.sqrt(in * in + 1));
            case UPPER -> -1 / ((in * in + 1) * Math.sqrt(in * in + 1));
        };
    }

    /** An internal step matching an external error {@code err} around external value {@code ext}. */
    double internalError(double ext, double err) {
        if (kind == Kind.NONE) {
            return err;
        }
        double in = toInternal(ext);
        double up = toInternal(Math.min(ext + err, upper));
        double dn = toInternal(Math.max(ext - err, lower));
        double d = 0.5 * (Math.abs(up - in) + Math.abs(in - dn));
        if (kind == Kind.BOTH) {
            d = Math.min(d, 1.0);
        }
        return d > 0 ? d : Math.min(err, 1.0);
    }

    /** Whether {@code ext} sits on a bound, to the resolution the transform allows. */
    boolean atLimit(double ext, double error) {
        if (kind == Kind.NONE) {
            return false;
        }
        // Near a bound the transform flattens: judge by its slope relative to its largest slope.
        double in = toInternal(ext);
        double slope = Math.abs(derivative(in)) / (kind == Kind.BOTH ? 0.5 * (upper - lower) : 1);
        double dist = Math.min(ext - lower, upper - ext);
        return slope < 0.02 || dist <= 1e-3 * Math.abs(error);
    }
}
