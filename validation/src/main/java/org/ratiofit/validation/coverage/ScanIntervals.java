package org.ratiofit.validation.coverage;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.profile.ProfileScan;
import org.ratiofit.samplers.profile.Scan1D;

/**
 * The profile-likelihood interval from a scan of t_mu = -2 ln lambda(mu) over a fixed grid: the
 * crossings of each level (1 and 4 for 68.3% and 95.4%) by linear interpolation of the signed root
 * of t_mu between grid points ({@link Scan1D#crossings}), exact for a Gaussian likelihood.
 *
 * <p>To save fits, each toy first scans the grid points within its best fit +- (sqrt(top level) +
 * 1.5) HESSE errors (and one point beyond on each side); only when a crossing is not found there
 * and the grid goes further does it scan the whole grid. An interval end beyond the grid makes the
 * toy invalid ("interval runs off the grid"), except where the grid's end is the parameter's bound:
 * there the interval ends at the bound. A toy is also invalid when its fit, or a conditional fit of
 * a grid point inside the interval or bracketing its ends, is not valid.
 */
public final class ScanIntervals implements IntervalMethod {

    /** Failure reason of a toy whose interval reaches beyond the grid. */
    public static final String OFF_GRID = "interval runs off the grid";

    private final double[] grid;

    /** @param grid the scan points of the parameter of interest, ascending, at least 2 */
    public ScanIntervals(double[] grid) {
        if (grid.length < 2) {
            throw new IllegalArgumentException("a scan grid needs at least 2 points, got " + grid.length);
        }
        for (int i = 0; i + 1 < grid.length; i++) {
            if (!(grid[i] < grid[i + 1])) {
                throw new IllegalArgumentException("the scan grid must be strictly ascending, got " + Arrays.toString(grid));
            }
        }
        this.grid = grid.clone();
    }

    @Override
    public String name() {
        return "scan";
    }

    @Override
    public String describe() {
        return "profile-likelihood scan intervals (" + grid.length + " points on [" + grid[0] + ", " + grid[grid.length - 1]
                + "], crossings interpolated)";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gridFrom", grid[0]);
        m.put("gridTo", grid[grid.length - 1]);
        m.put("gridPoints", grid.length);
        return m;
    }

    @Override
    public ToyInterval interval(Objective nll, String poiName, List<ConfidenceLevel> levels, long seed) {
        Migrad migrad = ProfileCoverage.migrad();
        FitResult fit = migrad.minimise(nll);
        FitResult best = Hesse.compute(nll, fit, 1, true);
        if (!best.status().validMinimum()) {
            return ToyInterval.failed("fit not valid");
        }
        int poi = best.indexOf(poiName);
        ParameterSpec spec = nll.parameters().get(poi);
        double xhat = best.values()[poi];
        double err = best.errors()[poi];
        double top = 0;
        for (ConfidenceLevel c : levels) {
            top = Math.max(top, Math.sqrt(c.deltaChi2(1)));
        }
        ProfileScan scanner = new ProfileScan(migrad);
        double[] window = window(xhat, err, top + 1.5);
        ToyInterval r = fromScan(scanner.scan(nll, best, poiName, window, false), levels, spec, best);
        if (!r.valid() && OFF_GRID.equals(r.failure()) && window.length < grid.length) {
            r = fromScan(scanner.scan(nll, best, poiName, grid, false), levels, spec, best);
        }
        return r;
    }

    /** The grid points within xhat +- width errors, with one more on each side; the whole grid when the error is unusable. */
    double[] window(double xhat, double err, double width) {
        if (!(err > 0) || !Double.isFinite(err) || !Double.isFinite(xhat)) {
            return grid;
        }
        int from = 0;
        while (from + 1 < grid.length && grid[from + 1] < xhat - width * err) {
            from++;
        }
        int to = grid.length - 1;
        while (to - 1 >= 0 && grid[to - 1] > xhat + width * err) {
            to--;
        }
        if (to - from < 1) {
            return grid;
        }
        return Arrays.copyOfRange(grid, from, to + 1);
    }

    private ToyInterval fromScan(Scan1D s, List<ConfidenceLevel> levels, ParameterSpec spec, FitResult best) {
        double[] x = s.points();
        double[] lo = new double[levels.size()];
        double[] hi = new double[levels.size()];
        for (int l = 0; l < levels.size(); l++) {
            double[] t = s.crossings(levels.get(l));
            double level = levels.get(l).deltaChi2(1);
            if (Double.isNaN(t[0])) {
                // no crossing below: the interval reaches the scan's lower end
                boolean atBound = x[0] == grid[0] && grid[0] <= spec.lower() && s.q()[0] < level && x[0] <= s.bestFit();
                if (!atBound) {
                    return ToyInterval.failed(OFF_GRID);
                }
                t[0] = x[0];
            }
            if (Double.isNaN(t[1])) {
                int n = x.length - 1;
                boolean atBound = x[n] == grid[grid.length - 1] && grid[grid.length - 1] >= spec.upper() && s.q()[n] < level
                        && x[n] >= s.bestFit();
                if (!atBound) {
                    return ToyInterval.failed(OFF_GRID);
                }
                t[1] = x[n];
            }
            // the points that decide the interval (inside it and one beyond each end) must be valid fits
            for (int i = 0; i < x.length; i++) {
                boolean matters = (i + 1 < x.length && x[i + 1] >= t[0] || i + 1 == x.length) && (i == 0 || x[i - 1] <= t[1]);
                if (matters && (!s.valid()[i] || !Double.isFinite(s.q()[i]))) {
                    return ToyInterval.failed("scan fit not valid");
                }
            }
            lo[l] = t[0];
            hi[l] = t[1];
        }
        int poi = best.indexOf(s.parameter());
        return ToyInterval.of(best.values()[poi], best.errors()[poi], lo, hi);
    }
}
