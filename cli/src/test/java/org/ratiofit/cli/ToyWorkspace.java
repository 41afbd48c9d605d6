package org.ratiofit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;
import org.ratiofit.objective.Objective;
import org.ratiofit.validation.toys.GaussianOnExponential;
import org.ratiofit.validation.toys.ToyWorkspaces;

/**
 * A workspace written from the Gaussian-on-exponential toy's exact per-event log-ratios against the
 * background density (the reference, as a 4000-point midpoint quadrature of the window): the
 * signal's peak shift is the polynomial modifier (exactly quadratic per event), the background
 * yield a code-1 normsys with kappa 1.1. Its -ln L equals the
 * toy's textbook exactNll up to the constant sum_i ln p_ref(x_i), so the toy's exact likelihood is
 * an independent reference for every command.
 */
final class ToyWorkspace {

    static final GaussianOnExponential TOY = new GaussianOnExponential(GaussianOnExponential.Config.standard());
    static final int REFERENCE_EVENTS = 4000;

    final Path dir;
    final double[] events;
    final Model model;

    private ToyWorkspace(Path dir, double[] events, Model model) {
        this.dir = dir;
        this.events = events;
        this.model = model;
    }

    /** Generates the toy's data at {@code truth} and writes the workspace into {@code dir}. */
    static ToyWorkspace write(Path dir, double[] truth, long seed) throws IOException {
        double[] x = TOY.generate(truth, seed);
        // the validation module's workspace of the toy: exact log-ratios, the peak shift as a polynomial
        // modifier, the reference a midpoint quadrature of the background density (so the shape
        // normalisation is 1 to quadrature precision and the model is the textbook likelihood)
        Model m = ToyWorkspaces.gaussianOnExponentialQuadrature(TOY, x, REFERENCE_EVENTS, true);
        WorkspaceWriter.write(m, dir);
        return new ToyWorkspace(dir, x, m);
    }

    /** The toy's textbook -ln L of this workspace's events (mu, alpha_shift, alpha_bkg). */
    Objective exact() {
        return TOY.exactNll(events, null);
    }

    /** The objective with some parameters held fixed at the given values. */
    static Objective fixed(Objective f, Map<Integer, Double> values) {
        return f.withFixed(values);
    }

    /** The result of one command line. */
    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RatiofitCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }
}
