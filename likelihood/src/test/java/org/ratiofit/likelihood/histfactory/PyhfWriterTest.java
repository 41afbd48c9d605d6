package org.ratiofit.likelihood.histfactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.likelihood.BinnedChannel;
import org.ratiofit.likelihood.BinnedSample;
import org.ratiofit.likelihood.Evaluation;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.workspace.Workspace;

/**
 * {@link PyhfWriter}: every workspace of pyhf's validation suite (the copies in the test
 * resources, identical to ../shared/data/pyhf-validation), read, written back as pyhf JSON and
 * read again, gives the same parameters (every field), the same channels, and −ln L and its
 * gradient equal to the bit at random points, with pyhf's default codes and the validation
 * suite's; writing again gives the same JSON. A ratiofit-native binned model (legacy MC-stat
 * gammas, a lumi-like constrained norm factor, code-1 normsys, code-0 histosys) survives too.
 */
class PyhfWriterTest {

    static Stream<Arguments> workspaces() throws Exception {
        Path dir = PyhfReferenceLogPdfTest.resource("validation");
        List<String> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 15, files.toString());
        return files.stream().flatMap(f -> Stream.of(Arguments.of(f, InterpCodes.PYHF_DEFAULT), Arguments.of(f, new InterpCodes(1, "0"))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("workspaces")
    void roundTripIsExact(String file, InterpCodes codes) throws Exception {
        Workspace w1 = PyhfWorkspace.read(PyhfReferenceLogPdfTest.resource("validation/" + file)).workspace(null, codes);
        PyhfWriter.Written out = PyhfWriter.write(w1, "roundtrip");
        assertTrue(out.notes().isEmpty(), out.notes().toString());
        Workspace w2 = PyhfWorkspace.of(out.json(), file + " written back").workspace("roundtrip", out.codes());
        assertSame(w1, w2);
        // writing the copy again gives the same file
        assertEquals(out.json(), PyhfWriter.write(w2, "roundtrip").json());
    }

    /** Same parameters (all fields, same order), same channels, −ln L and gradient equal to the bit. */
    static void assertSame(Workspace w1, Workspace w2) {
        assertEquals(w1.parameters(), w2.parameters());
        assertEquals(w1.channels().size(), w2.channels().size());
        for (int c = 0; c < w1.channels().size(); c++) {
            BinnedChannel a = (BinnedChannel) w1.channels().get(c);
            BinnedChannel b = (BinnedChannel) w2.channels().get(c);
            assertEquals(a.name(), b.name());
            assertArrayEquals(a.observed(), b.observed(), 0.0);
            assertEquals(a.samples(), b.samples(), "channel " + a.name());
        }
        Model m1 = new Model(w1.parameters(), w1.channels(), null);
        Model m2 = new Model(w2.parameters(), w2.channels(), null);
        Random r = new Random(w1.parameters().size());
        for (int t = 0; t < 5; t++) {
            double[] x = new double[m1.dimension()];
            for (int i = 0; i < x.length; i++) {
                Parameter p = w1.parameters().get(i);
                x[i] = p.isConstrained() && p.kind() == Parameter.Kind.CONSTRAINED && p.aux() == 0 ? -1.5 + 3 * r.nextDouble()
                        : p.initial() * (0.8 + 0.4 * r.nextDouble());
            }
            Evaluation e1 = m1.evaluate(x, true);
            Evaluation e2 = m2.evaluate(x, true);
            assertEquals(e1.value(), e2.value(), 0.0);
            assertArrayEquals(e1.gradient(), e2.gradient(), 0.0);
        }
    }

    @Test
    void aRatiofitBinnedModelSurvives(@TempDir Path dir) throws Exception {
        // parameters declared in the order of their first use, as the reader orders them
        ModelBuilder b = new ModelBuilder()
                .parameter(Parameter.poi("mu", 1, -1, 20))
                .parameter(new Parameter("lumi", Parameter.Kind.CONSTRAINED, 1, 0.5, 1.5, false, 1, 0.017))
                .parameter(Parameter.constrained("jes", 0.1, -4, 4, 0.2, 1))
                .parameter(Parameter.normFactor("k_bkg", 1, 0, 3))
                .parameter(Parameter.constrained("shape"));
        b.binned("SR", new double[] {20, 31, 12.5})
                .sample("signal", new double[] {2, 5, 1.5}).normFactor("mu").normFactor("lumi").normSys("jes", 1, 1.07, 0.95).mcStat(false).end()
                .sample("bkg", new double[] {18, 24, 11}).normFactor("k_bkg").histoSys("shape", "0", new double[] {19, 25, 10},
                        new double[] {17, 23.5, 12.2}).end()
                .sample("other", new double[] {1, 0, 0.5}).normSys("jes", 1, 1.2, 0.9).end()
                .mcStat(new double[] {0.05, 0.07, 0.1})
                .end();
        b.binned("CR", new double[] {100, 80})
                .sample("bkg", new double[] {95, 85}).normFactor("k_bkg").end()
                .mcStat(new double[] {0.02, 0.03})
                .end();
        Workspace w1 = Workspace.of(b.build());
        PyhfWriter.Written out = PyhfWriter.write(w1, "native");
        assertEquals(new InterpCodes(1, "0"), out.codes());
        Path file = dir.resolve("native.json");
        out.writeTo(file);
        Workspace w2 = PyhfWorkspace.read(file).workspace("native", out.codes());
        assertEquals(w1.parameters(), w2.parameters());
        Model m1 = new Model(w1.parameters(), w1.channels(), null);
        Model m2 = new Model(w2.parameters(), w2.channels(), null);
        Random r = new Random(5);
        for (int t = 0; t < 5; t++) {
            double[] x = m1.parameters().stream().mapToDouble(p -> p.initial() + (p.fixed() ? 0 : 0.1 * r.nextGaussian())).toArray();
            Evaluation e1 = m1.evaluate(x, true);
            Evaluation e2 = m2.evaluate(x, true);
            assertEquals(e1.value(), e2.value(), 0.0);
            assertArrayEquals(e1.gradient(), e2.gradient(), 0.0);
        }
        // the legacy MC-stat gammas became pyhf staterror modifiers with the same parameters
        JsonNode mods = out.json().get("channels").get(0).get("samples").get(1).get("modifiers");
        assertEquals("staterror", mods.get(2).get("type").asText());
        assertEquals("staterror_SR", mods.get(2).get("name").asText());
        BinnedSample other = ((BinnedChannel) w2.channels().get(0)).samples().get(2);
        assertEquals(2, other.modifiers().size());
        assertEquals("staterror", out.json().get("channels").get(0).get("samples").get(2).get("modifiers").get(1).get("type").asText());
    }

    @Test
    void whatPyhfCannotHoldIsRefusedByName() {
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, 0, 5)).parameter(Parameter.constrained("a"));
        b.binned("X", new double[] {3}).sample("s", new double[] {2}).coefficient("mu", new double[] {1}, new double[] {0.5}).end().end();
        HistFactoryException e = assertThrows(HistFactoryException.class, () -> PyhfWriter.write(Workspace.of(b.build()), "m"));
        assertTrue(e.getMessage().contains("channel 'X' sample 's'") && e.getMessage().contains("coefficient"), e.getMessage());
        ModelBuilder mixed = new ModelBuilder().parameter(Parameter.poi("mu", 1, 0, 5)).parameter(Parameter.constrained("a"));
        mixed.binned("X", new double[] {3, 4}).sample("s", new double[] {2, 3}).normFactor("mu").normSys("a", 1, 1.1, 0.9).end()
                .sample("t", new double[] {1, 1}).normSys("a", 4, 1.1, 0.9).end().end();
        HistFactoryException f = assertThrows(HistFactoryException.class, () -> PyhfWriter.write(Workspace.of(mixed.build()), "m"));
        assertTrue(f.getMessage().contains("mixes interpolation codes"), f.getMessage());
    }

    @Test
    void tauReproducesTheWidthToTheBit() {
        Random r = new Random(1);
        for (int k = 0; k < 10000; k++) {
            // widths that came from a tau come back exactly; any other width to one unit in the last place
            double sigma = 1 / Math.sqrt(Math.exp(-4 + 16 * r.nextDouble()));
            assertEquals(sigma, 1 / Math.sqrt(PyhfWriter.tauFor(sigma)), 0.0);
            double any = Math.exp(-6 + 8 * r.nextDouble());
            assertEquals(any, 1 / Math.sqrt(PyhfWriter.tauFor(any)), Math.ulp(any));
        }
    }
}
