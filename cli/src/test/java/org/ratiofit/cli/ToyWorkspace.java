package org.ratiofit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;
import org.ratiofit.objective.Objective;
import org.ratiofit.validation.toys.GaussianOnExponential;

/**
 * A workspace written from the Gaussian-on-exponential toy's exact per-event log-ratios against the
 * background density (the reference): the signal's peak shift is the polynomial modifier (exactly
 * quadratic per event), the background yield a code-1 normsys with kappa 1.1. Its -ln L equals the
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
        double[] ref = TOY.sampleBackground(REFERENCE_EVENTS, seed + 1);
        double[] w = new double[ref.length];
        java.util.Arrays.fill(w, 1.0 / ref.length);
        GaussianOnExponential.Config c = TOY.config();
        ModelBuilder b = new ModelBuilder()
                .parameter(Parameter.poi("mu", 1, -2, 10))
                .parameter(Parameter.constrained("alpha_shift"))
                .parameter(Parameter.constrained("alpha_bkg"));
        SampleColumns[] dataCols = columns(x);
        SampleColumns[] refCols = columns(ref);
        b.unbinned("SR", x.length)
                .sample("signal", c.signalYield(), dataCols[0].logRatio())
                .normFactor("mu")
                .polynomial(List.of("alpha_shift"), new double[] {0, 0}, dataCols[0].polynomial())
                .end()
                .sample("background", c.backgroundYield(), dataCols[1].logRatio())
                .normSys("alpha_bkg", 1, c.kappa(), 1 / c.kappa())
                .end()
                .reference(new EventSet(ref.length, w, Map.of("signal", refCols[0], "background", refCols[1])))
                .end();
        Model m = b.build();
        WorkspaceWriter.write(m, dir);
        return new ToyWorkspace(dir, x, m);
    }

    /**
     * Signal: ln(f_S(x)/f_B(x)) at zero shift, and the shift's per-event polynomial columns: a peak
     * moved by d = shift * alpha changes ln f_S by (x - m) d / s^2 - d^2 / (2 s^2), i.e. the
     * monomials alpha and alpha^2 with Delta_1 = shift (x - m) / s^2, Delta_2 = -shift^2 / (2 s^2).
     * (The window's truncation changes the normalisation by 1 to double precision: the peak is
     * 12.5 widths from either edge.) Background: log-ratio 0 against itself.
     */
    static SampleColumns[] columns(double[] x) {
        GaussianOnExponential.Config c = TOY.config();
        int n = x.length;
        double[] lrS = new double[n];
        double[] lin = new double[n];
        double[] quad = new double[n];
        double s2 = c.width() * c.width();
        for (int i = 0; i < n; i++) {
            lrS[i] = Math.log(TOY.signalPdf(x[i], 0)) - Math.log(TOY.backgroundPdf(x[i]));
            lin[i] = c.shift() * (x[i] - c.mass()) / s2;
            quad[i] = -c.shift() * c.shift() / (2 * s2);
        }
        return new SampleColumns[] {
            new SampleColumns(lrS, List.of(), List.of(), List.of(lin, quad)),
            SampleColumns.of(new double[n])};
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
