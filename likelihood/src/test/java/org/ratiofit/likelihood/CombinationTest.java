package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.likelihood.histfactory.InterpCodes;
import org.ratiofit.likelihood.histfactory.PyhfWorkspace;
import org.ratiofit.likelihood.workspace.Combination;
import org.ratiofit.likelihood.workspace.CombinationException;
import org.ratiofit.likelihood.workspace.Renaming;
import org.ratiofit.likelihood.workspace.Workspace;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;

/**
 * {@link Combination}: the combined −ln L is the sum of the inputs' −ln L less the constraint terms
 * that several inputs share (recomputed here by hand: ½((θ − aux)/σ)²), with the gradient likewise;
 * renaming decorrelates; inconsistent constraints and clashing channels are refused by name; the
 * combination (binned channels with per-bin Poisson and Gaussian factors, unbinned columns) survives
 * the workspace round trip to the bit.
 */
class CombinationTest {

    /** A: an unbinned channel "SR" (every per-event modifier) and a binned "CR" (mc-stat gammas): mu, k, a0..a5. */
    static Workspace a(long seed) {
        return Workspace.of(RandomModels.model(seed, 300, true, true));
    }

    /** B: a binned channel "CR2" sharing mu (free) and a3 (A's Gaussian) with A, and its own b1 and mc-stat gammas. */
    static Workspace b(Workspace a, double a3Sigma) {
        Parameter a3 = a.parameters().stream().filter(p -> p.name().equals("a3")).findFirst().orElseThrow();
        ModelBuilder mb = new ModelBuilder()
                .parameter(Parameter.poi("mu", 1, 0, 10))
                .parameter(Parameter.constrained("a3", 0, -5, 5, a3.aux(), a3Sigma))
                .parameter(Parameter.constrained("b1"));
        mb.binned("CR2", new double[] {55, 47, 29})
                .sample("sig", new double[] {3, 5, 2}).normFactor("mu").end()
                .sample("bkg2", new double[] {50, 40, 30}).normSys("a3", 1, 1.2, 0.85)
                .histoSys("b1", "4p", new double[] {53, 41, 33}, new double[] {48, 38.5, 28}).end()
                .mcStat(new double[] {0.03, 0.04, 0.05})
                .end();
        return Workspace.of(mb.build());
    }

    /** C: pyhf's 1bin_shapesys (mu free, one Poisson-constrained gamma). */
    static Workspace c() throws Exception {
        return PyhfWorkspace.read(resource("1bin_shapesys.json")).workspace(null, InterpCodes.PYHF_DEFAULT);
    }

    static Path resource(String name) {
        return Path.of("src/test/resources/pyhf/validation").resolve(name);
    }

    static Model model(Workspace w) {
        return new Model(w.parameters(), w.channels(), null);
    }

    /** A random point of {@code m}: mu in [1, 2], k near 1, gammas near 1, the rest in [-1.5, 1.5]. */
    static double[] point(Model m, long seed) {
        Random r = new Random(seed * 31 + 7);
        double[] x = new double[m.dimension()];
        for (int i = 0; i < x.length; i++) {
            String n = m.parameters().get(i).name();
            if (n.equals("mu")) {
                x[i] = 1 + r.nextDouble();
            } else if (n.equals("k") || n.contains("[")) {
                x[i] = 0.85 + 0.3 * r.nextDouble();
            } else {
                x[i] = -1.5 + 3 * r.nextDouble();
            }
        }
        return x;
    }

    /** The values of {@code part}'s parameters, taken by name from the combined point. */
    static double[] restrict(Model part, Model whole, double[] x) {
        List<String> names = whole.parameters().stream().map(org.ratiofit.objective.ParameterSpec::name).toList();
        double[] y = new double[part.dimension()];
        for (int i = 0; i < y.length; i++) {
            y[i] = x[names.indexOf(part.parameters().get(i).name())];
        }
        return y;
    }

    static Combination.Result combine(Workspace... ws) {
        List<Combination.Input> in = new ArrayList<>();
        for (int k = 0; k < ws.length; k++) {
            in.add(new Combination.Input("input " + (k + 1), ws[k]));
        }
        return Combination.combine(in, null);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void combinedNllIsTheSumLessTheSharedConstraints(long seed) throws Exception {
        Workspace wa = a(seed);
        Parameter a3 = wa.parameters().stream().filter(p -> p.name().equals("a3")).findFirst().orElseThrow();
        Workspace wb = b(wa, a3.sigma());
        Workspace wc = c();
        Combination.Result r = combine(wa, wb, wc);
        Model all = model(r.workspace());
        Model ma = model(wa);
        Model mb = model(wb);
        Model mc = model(wc);
        assertEquals(wa.parameters().size() + 4 + 1, all.dimension(), "A's parameters, B's b1 and 3 gammas, C's gamma");
        assertEquals(List.of("mu", "a3"), r.shared().stream().map(Combination.Shared::parameter).toList());
        assertEquals(List.of("input 1", "input 2", "input 3"), r.shared().get(0).inputs());
        int ia3 = all.parameters().stream().map(org.ratiofit.objective.ParameterSpec::name).toList().indexOf("a3");
        for (int t = 0; t < 4; t++) {
            double[] x = point(all, seed * 100 + t);
            double[] gx = new double[x.length];
            Evaluation e = all.evaluate(x, true);
            double[] xa = restrict(ma, all, x);
            double[] xb = restrict(mb, all, x);
            double[] xc = restrict(mc, all, x);
            Evaluation ea = ma.evaluate(xa, true);
            Evaluation eb = mb.evaluate(xb, true);
            Evaluation ec = mc.evaluate(xc, true);
            double z = (x[ia3] - a3.aux()) / a3.sigma();
            double expected = ea.value() + eb.value() + ec.value() - 0.5 * z * z;
            assertEquals(expected, e.value(), 1e-11 * Math.abs(expected), "seed " + seed + " point " + t);
            // gradient: the parts' gradients summed by name, less the shared constraint's derivative
            for (Model part : List.of(ma, mb, mc)) {
                Evaluation ep = part == ma ? ea : part == mb ? eb : ec;
                for (int i = 0; i < part.dimension(); i++) {
                    gx[all.parameters().stream().map(org.ratiofit.objective.ParameterSpec::name).toList()
                            .indexOf(part.parameters().get(i).name())] += ep.gradient()[i];
                }
            }
            gx[ia3] -= z / a3.sigma();
            for (int i = 0; i < x.length; i++) {
                assertEquals(gx[i], e.gradient()[i], 1e-9 * (1 + Math.abs(gx[i])), "gradient " + all.parameters().get(i).name());
            }
        }
    }

    @Test
    void combinationSurvivesTheWorkspaceRoundTripToTheBit(@TempDir Path dir) throws Exception {
        Workspace wa = a(7);
        Parameter a3 = wa.parameters().stream().filter(p -> p.name().equals("a3")).findFirst().orElseThrow();
        Workspace ws = combine(wa, b(wa, a3.sigma()), c()).workspace();
        new WorkspaceWriter().write(ws, dir);
        Workspace back = WorkspaceReader.read(dir);
        assertEquals(ws.parameters(), back.parameters());
        Model m = model(ws);
        Model n = model(back);
        for (int t = 0; t < 3; t++) {
            double[] x = point(m, t);
            Evaluation e = m.evaluate(x, true);
            Evaluation f = n.evaluate(x, true);
            assertEquals(e.value(), f.value(), 0.0);
            assertArrayEquals(e.gradient(), f.gradient(), 0.0);
        }
        // the pyhf per-bin factor and its Poisson constraint are kept as such
        BinnedChannel single = (BinnedChannel) back.channels().stream().filter(ch -> ch.name().equals("singlechannel")).findFirst().orElseThrow();
        assertTrue(single.samples().stream().flatMap(s -> s.modifiers().stream())
                .anyMatch(mod -> mod instanceof Modifier.PerBin pb && pb.type().equals("shapesys")));
        assertEquals(Parameter.Kind.POISSON, back.parameters().stream().filter(p -> p.name().equals("uncorr_bkguncrt[0]")).findFirst()
                .orElseThrow().kind());
    }

    @Test
    void renamingDecorrelates() throws Exception {
        Workspace wa = a(3);
        Parameter a3 = wa.parameters().stream().filter(p -> p.name().equals("a3")).findFirst().orElseThrow();
        Workspace wb = Renaming.parameters(b(wa, a3.sigma()), Map.of("a3", "a3_cr2", "mu", "mu_cr2"), "input 2");
        Workspace wc = Renaming.parameters(c(), Map.of("uncorr_bkguncrt", "gamma_c", "mu", "mu_c"), "input 3");
        assertTrue(wc.parameters().stream().anyMatch(p -> p.name().equals("gamma_c[0]")), wc.parameters().toString());
        Combination.Result r = combine(wa, wb, wc);
        assertTrue(r.shared().isEmpty(), r.shared().toString());
        Model all = model(r.workspace());
        assertEquals(wa.parameters().size() + 6 + 2, all.dimension());
        // the other inputs' parameters of interest became free norm factors
        assertEquals(Parameter.Kind.NORM_FACTOR, r.workspace().parameters().stream().filter(p -> p.name().equals("mu_c")).findFirst()
                .orElseThrow().kind());
        assertEquals(2, r.notes().stream().filter(s -> s.contains("free norm factor")).count(), r.notes().toString());
        double[] x = point(all, 11);
        double expected = 0;
        for (Workspace part : List.of(wa, wb, wc)) {
            Model m = model(part);
            expected += m.evaluate(restrict(m, all, x), false).value();
        }
        assertEquals(expected, all.evaluate(x, false).value(), 1e-11 * Math.abs(expected));
        // the per-bin modifier carries the new name (for writing pyhf JSON back)
        assertTrue(wc.channels().get(0) instanceof BinnedChannel ch && ch.samples().stream().flatMap(s -> s.modifiers().stream())
                .anyMatch(mod -> mod instanceof Modifier.PerBin pb && pb.name().equals("gamma_c")));
    }

    @Test
    void inconsistentConstraintsAreRefusedNamingBothInputs() throws Exception {
        Workspace wa = a(2);
        Parameter a3 = wa.parameters().stream().filter(p -> p.name().equals("a3")).findFirst().orElseThrow();
        CombinationException e = assertThrows(CombinationException.class, () -> combine(wa, b(wa, a3.sigma() * 1.5)));
        assertTrue(e.getMessage().contains("parameter 'a3'") && e.getMessage().contains("input 1") && e.getMessage().contains("input 2")
                && e.getMessage().contains("width " ) && e.getMessage().contains("--rename"), e.getMessage());
        // free in one input, constrained in another
        ModelBuilder free = new ModelBuilder().parameter(Parameter.normFactor("a3", 1, 0, 5));
        free.binned("X", new double[] {5}).sample("s", new double[] {4}).normFactor("a3").end().end();
        CombinationException f = assertThrows(CombinationException.class, () -> combine(wa, Workspace.of(free.build())));
        assertTrue(f.getMessage().contains("a Gaussian constraint") && f.getMessage().contains("no constraint (free)"), f.getMessage());
        // Gaussian against Poisson: C's gamma renamed onto a Gaussian staterror gamma of A
        Workspace wc = Renaming.parameters(c(), Map.of("uncorr_bkguncrt[0]", "staterror_CR[0]"), "input 2");
        CombinationException g = assertThrows(CombinationException.class, () -> combine(wa, wc));
        assertTrue(g.getMessage().contains("Poisson") && g.getMessage().contains("staterror_CR[0]"), g.getMessage());
    }

    @Test
    void clashingChannelsAreRefused() throws Exception {
        CombinationException e = assertThrows(CombinationException.class, () -> combine(c(), c()));
        assertTrue(e.getMessage().contains("channel 'singlechannel'") && e.getMessage().contains("input 1")
                && e.getMessage().contains("input 2") && e.getMessage().contains("--rename-channel"), e.getMessage());
        Workspace renamed = Renaming.channel(c(), "singlechannel", "other", "input 2");
        Combination.Result r = combine(c(), renamed);
        assertEquals(List.of("singlechannel", "other"), r.workspace().channels().stream().map(Channel::name).toList());
        // one mu and one gamma: the same pyhf workspace twice is the same measurement counted twice, its constraint once
        assertEquals(2, r.workspace().parameters().size());
        assertNotNull(assertThrows(CombinationException.class, () -> Renaming.channel(c(), "nope", "x", "input 1")).getMessage());
    }

    @Test
    void renamingOntoAnotherParameterOfTheSameInputIsRefused() throws Exception {
        CombinationException e = assertThrows(CombinationException.class,
                () -> Renaming.parameters(a(1), Map.of("a1", "a2"), "input 1"));
        assertTrue(e.getMessage().contains("'a1' and 'a2'") || e.getMessage().contains("'a2' and 'a1'"), e.getMessage());
    }
}
