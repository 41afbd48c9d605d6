package org.ratiofit.workspace.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.BinnedChannel;
import org.ratiofit.likelihood.BinnedSample;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Modifier;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;

/**
 * The toy without observed data: the peak shift as an exact polynomial systematic (ln N(x; M + δα)
 * − ln N(x; M) = α Δ1(x) + α² Δ2), a background normsys from varied event files, a binned control
 * region, and the Asimov data set of the configuration.
 */
class PolynomialBinnedAsimovTest {

    @TempDir
    Path dir;

    static final String YAML = """
            Version: 1
            General:
              Measurement: {Name: toy, POI: mu}
              ChunkSize: 50
            TrainingFeatures: [x]
            Samples:
              - Name: S
                UseAsBasis: true
                SamplePath: signal.npz
                Weight: w
                Ensemble: models/S_vs_B
              - Name: B
                UseAsBasis: true
                UseAsReference: true
                SamplePath: background.csv
                Weight: w
            NormFactors:
              - Name: mu
                Samples: S
                Nominal: 1.0
                Bounds: [0.0, 10.0]
            Systematics:
              - Name: peak
                Type: Polynomial
                Parameters: [shift]
                Monomials: [[shift, shift], [shift]]
                Models:
                  - {SampleName: S, Ensemble: models/S_poly, YieldCoefficients: [0.0, 0.0]}
              - Name: bnorm
                Type: Norm
                Interpolation: code4
                Up:
                  - {SampleName: B, Path: background_up.csv, Weight: w}
                Dn:
                  - {SampleName: B, Path: background_dn.csv, Weight: w}
            Regions:
              - Name: SR
                Filter: "x > 1"
              - Name: CR
                Filter: "x <= 1"
                Variable: x
                Binning: [0, 0.25, 0.5, 1.0]
            Asimov:
              - Name: sm
                Parameters: {mu: 1.0}
            """;

    @Test
    void polynomialShiftBinnedRegionAndAsimovData() throws IOException {
        Toy.writeInputs(dir, 5, 100, 1500, 3000);
        EventTable bkg = EventFiles.read(dir.resolve("background.csv"), null, null);
        double[] bx = bkg.column("x"), bw = bkg.column("w");
        double[] upW = new double[bx.length], dnW = new double[bx.length];
        for (int i = 0; i < bx.length; i++) {
            upW[i] = bw[i] * (bx[i] <= 1 ? 1.08 : 1.02);
            dnW[i] = bw[i] * (bx[i] <= 1 ? 0.95 : 0.97);
        }
        EventFiles.write(dir.resolve("background_up.csv"), Toy.events("up", bx, upW), null);
        EventFiles.write(dir.resolve("background_dn.csv"), Toy.events("dn", bx, dnW), null);
        double s2 = Toy.S * Toy.S, d = Toy.DELTA;
        // outputs in the configuration's monomial order: shift², then shift
        ToyModels.polynomialEnsemble(dir.resolve("models/S_poly"), "x",
                new double[][] {{0, 0, -0.5 * d * d / s2}, {0, d / s2, -d * Toy.M / s2}}, List.of("shift2", "shift"), 2);
        Path cfg = dir.resolve("fit.yml");
        Files.writeString(cfg, YAML);
        BuildResult res = WorkspaceBuilder.build(cfg, dir.resolve("ws"), BuildOptions.defaults().withThreads(2));
        Model model = WorkspaceReader.readModel(dir.resolve("ws"));

        List<String> names = model.modelParameters().stream().map(Parameter::name).toList();
        assertEquals(List.of("mu", "shift", "bnorm", "staterror_CR[0]", "staterror_CR[1]", "staterror_CR[2]"), names);

        EventTable sig = EventFiles.read(dir.resolve("signal.npz"), null, null);
        double[] sx = sig.column("x"), sw = sig.column("w");
        double nuS = 0, nuB = 0, totS = 0, totB = 0;
        for (int i = 0; i < sx.length; i++) {
            totS += sw[i];
            if (sx[i] > 1) nuS += sw[i];
        }
        for (int i = 0; i < bx.length; i++) {
            totB += bw[i];
            if (bx[i] > 1) nuB += bw[i];
        }
        double fS = nuS / totS, fB = nuB / totB;

        // Asimov data in SR: the expectation on the reference events, weights w_ref,i / Σ w_ref ·
        // Σ_p ν_p r_p(x_i) / R_p with R_p the ratio's reference average (equal weights here; R_B = 1)
        UnbinnedChannel sr = (UnbinnedChannel) model.channels().get(0);
        assertEquals(org.ratiofit.likelihood.ShapeNormalisation.REFERENCE_AND_CLOSURE, sr.normalisation(),
                "a channel holding Asimov data is fitted as it was made, with the closure normalisation");
        double[] x = java.util.Arrays.stream(bx).filter(v -> v > 1).toArray();
        assertEquals(x.length, sr.data().events());
        double[] w = sr.data().weights();
        double rS = 0;
        for (double xi : x) rS += Math.exp(Toy.lnGauss(xi, Toy.M) - Toy.lnExp(xi)) * fB / fS / x.length;
        assertTrue(Math.abs(rS - 1) < 0.2, "the exact ratio closes on the reference events up to sampling: " + rS);
        for (int i = 0; i < x.length; i++) {
            double r = Math.exp(Toy.lnGauss(x[i], Toy.M) - Toy.lnExp(x[i])) * fB / fS;
            assertEquals((nuS * r / rS + nuB) / x.length, w[i], 3e-5 * w[i], "Asimov weight of event " + i);
        }
        Modifier.NormSys ns = (Modifier.NormSys) sr.samples().get(1).modifiers().get(0);
        assertEquals(1.02, ns.up(), 1e-12);
        assertEquals(0.97, ns.down(), 1e-12);
        assertEquals(4, ns.code());

        // the polynomial is the exact shifted Gaussian: −ln L along the shift against the textbook
        Random rnd = new Random(13);
        double[] base = {1, 0, 0, 1, 1, 1};
        double t0 = unbinnedTextbook(0, x, w, nuS, nuB, fS, fB);
        for (int k = 0; k < 20; k++) {
            double a = -2.5 + 5 * rnd.nextDouble();
            double[] th = base.clone();
            th[1] = a;
            double expected = unbinnedTextbook(a, x, w, nuS, nuB, fS, fB) - t0 + 0.5 * a * a;
            assertEquals(expected, model.value(th) - model.value(base), 1e-3, "seed 13 shift " + a);
        }

        // the binned control region: histograms, normsys from the varied files, MC statistics, Asimov counts
        BinnedChannel cr = assertInstanceOf(BinnedChannel.class, model.channels().get(1));
        double[] edges = {0, 0.25, 0.5, 1.0};
        double[] hS = new double[3], hB = new double[3], hS2 = new double[3];
        for (int i = 0; i < sx.length; i++) fill(edges, sx[i], sw[i], hS, hS2);
        for (int i = 0; i < bx.length; i++) fill(edges, bx[i], bw[i], hB, hS2);
        BinnedSample cs = cr.samples().get(0), cb = cr.samples().get(1);
        for (int b = 0; b < 3; b++) {
            assertEquals(hS[b], cs.nominal()[b], 1e-9 * Math.max(1, hS[b]));
            assertEquals(hB[b], cb.nominal()[b], 1e-9 * hB[b]);
            assertEquals(hS[b] + hB[b], cr.observed()[b], 1e-9 * hB[b], "Asimov count of bin " + b);
            Parameter g = model.modelParameters().get(3 + b);
            assertEquals(Math.sqrt(hS2[b]) / (hS[b] + hB[b]), g.sigma(), 1e-12);
        }
        Modifier.NormSys cns = (Modifier.NormSys) cb.modifiers().get(0);
        assertEquals(1.08, cns.up(), 1e-12);
        assertEquals(0.95, cns.down(), 1e-12);
        assertTrue(res.warnings().stream().anyMatch(m -> m.contains("polynomial systematic 'peak'") && m.contains("CR")), res.warnings().toString());
        assertTrue(res.warnings().stream().anyMatch(m -> m.contains("Asimov data set 'sm'")), res.warnings().toString());
        Map<String, double[]> vars = res.channels().get(1).samples().get(1).variations();
        assertEquals(0.95 * res.channels().get(1).samples().get(1).nominal(), vars.get("bnorm")[0], 1e-9);
    }

    static void fill(double[] edges, double v, double w, double[] h, double[] h2) {
        for (int b = 0; b < h.length; b++) {
            if (v >= edges[b] && (v < edges[b + 1] || (b == h.length - 1 && v == edges[b + 1]))) {
                h[b] += w;
                h2[b] += w * w;
            }
        }
    }

    /**
     * Σ_p ν_p − Σ_i w_i ln(ν_S N(x_i; M + δα)/F_S / N_S(α) + ν_B f_B(x_i)/F_B): the weighted (Asimov)
     * textbook term, the signal density normalised over the reference events (here the events x with
     * equal weights) as an Asimov channel is, with the closure: N_S(α) = mean_ref r_S(x|α), polynomial
     * rows included.
     */
    static double unbinnedTextbook(double alpha, double[] x, double[] w, double nuS, double nuB, double fS, double fB) {
        double norm = 0;
        for (double xi : x) norm += Math.exp(Toy.lnGauss(xi, Toy.M + Toy.DELTA * alpha) - Toy.lnExp(xi)) * fB / fS / x.length;
        double s = nuS + nuB;
        for (int i = 0; i < x.length; i++) {
            double dens = nuS * Math.exp(Toy.lnGauss(x[i], Toy.M + Toy.DELTA * alpha)) / fS / norm + nuB * Math.exp(Toy.lnExp(x[i])) / fB;
            s -= w[i] * Math.log(dens);
        }
        return s;
    }
}
