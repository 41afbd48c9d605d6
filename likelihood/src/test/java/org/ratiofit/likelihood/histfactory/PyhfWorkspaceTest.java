package org.ratiofit.likelihood.histfactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.BinnedChannel;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Parameter;

/** Reading pyhf JSON: pyhf's semantics for each modifier type and the measurement, and every bad input named by its JSON path. */
class PyhfWorkspaceTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Path resource(String name) throws Exception {
        return PyhfReferenceLogPdfTest.resource(name);
    }

    static ObjectNode readme() throws Exception {
        return (ObjectNode) JSON.readTree(resource("validation/readme_2bin_shapesys.json").toFile());
    }

    static Parameter param(Model m, String name) {
        return m.modelParameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }

    @Test
    void shapesysIsPoissonWithTauFromTheRelativeUncertainty() throws Exception {
        Model m = PyhfWorkspace.of(readme(), "readme").model();
        assertEquals(List.of("mu", "uncorr_bkguncrt[0]", "uncorr_bkguncrt[1]"), m.parameterNames());
        Parameter g0 = param(m, "uncorr_bkguncrt[0]");
        assertEquals(Parameter.Kind.POISSON, g0.kind());
        assertEquals((50.0 / 3) * (50.0 / 3), g0.aux(), 1e-12);
        assertEquals((50.0 / 3) * (50.0 / 3), g0.tau(), 1e-9);
        assertEquals((52.0 / 7) * (52.0 / 7), param(m, "uncorr_bkguncrt[1]").tau(), 1e-9);
        assertEquals(1e-10, g0.lower());
        assertEquals(10, g0.upper());
        // -ln L by hand at a point: Poisson main terms plus tau*gamma - tau*ln(tau*gamma)
        double mu = 0.7;
        double g1 = 1.1;
        double g2 = 0.95;
        double t1 = Math.pow(50.0 / 3, 2);
        double t2 = Math.pow(52.0 / 7, 2);
        double l1 = 12 * mu + 50 * g1;
        double l2 = 11 * mu + 52 * g2;
        double expected = l1 - 51 * Math.log(l1) + l2 - 48 * Math.log(l2) + t1 * g1 - t1 * Math.log(t1 * g1) + t2 * g2 - t2 * Math.log(t2 * g2);
        assertEquals(expected, m.value(new double[] {mu, g1, g2}), 1e-12 * Math.abs(expected));
    }

    @Test
    void shapesysBinsWithZeroUncertaintyGetNoParameter() throws Exception {
        Model m = PyhfWorkspace.read(resource("validation/shapesys_nuisparfilter.json")).model();
        assertEquals(List.of("SigXsecOverSM", "syst[0]"), m.parameterNames());
    }

    @Test
    void staterrorIsNamedAfterItsModifierSharedByTheChannelsSamplesAndOverridable() throws Exception {
        ObjectNode ws = readme();
        ArrayNode samples = (ArrayNode) ws.get("channels").get(0).get("samples");
        ((ObjectNode) samples.get(0)).putArray("modifiers").addObject().put("name", "stat_A").put("type", "staterror").putArray("data").add(2).add(3);
        ArrayNode bm = (ArrayNode) samples.get(1).get("modifiers");
        bm.addObject().put("name", "stat_A").put("type", "staterror").putArray("data").add(4).add(5);
        bm.addObject().put("name", "stat_B").put("type", "staterror").putArray("data").add(1).add(0);
        ((ArrayNode) samples.get(0).get("modifiers")).addObject().put("name", "mu").put("type", "normfactor").putNull("data");
        ObjectNode over = ((ArrayNode) ws.get("measurements").get(0).get("config").get("parameters")).addObject();
        over.put("name", "stat_A");
        over.putArray("inits").add(1.01).add(0.99);
        Model m = PyhfWorkspace.of(ws, "t").model();
        assertEquals(List.of("stat_A[0]", "stat_A[1]", "mu", "uncorr_bkguncrt[0]", "uncorr_bkguncrt[1]", "stat_B[0]"), m.parameterNames());
        Parameter a0 = param(m, "stat_A[0]");
        assertEquals(Parameter.Kind.CONSTRAINED, a0.kind());
        assertEquals(Math.sqrt(4 + 16) / (12 + 50), a0.sigma(), 1e-15);
        assertEquals(Math.sqrt(9 + 25) / (11 + 52), param(m, "stat_A[1]").sigma(), 1e-15);
        assertEquals(1.01, a0.initial());
        assertEquals(0.99, param(m, "stat_A[1]").initial());
        assertEquals(1.0 / 50, param(m, "stat_B[0]").sigma(), 1e-15);
        assertEquals(1, a0.aux());
    }

    @Test
    void couplingByNameAcrossChannelsIsOneParameter() throws Exception {
        for (String f : List.of("2bin_2channel_couplednorm.json", "2bin_2channel_coupledhistosys.json")) {
            Model m = PyhfWorkspace.read(resource("validation/" + f)).model();
            assertEquals(2, m.parameterNames().size(), f + ": " + m.parameterNames());
        }
        Model sf = PyhfWorkspace.read(resource("validation/2bin_2channel_coupledshapefactor.json")).model();
        assertEquals(List.of("mu", "coupled_shapefactor[0]", "coupled_shapefactor[1]"), sf.parameterNames());
        // the shared factor moves both channels: d(-lnL)/d gamma_0 has both channels' terms
        double[] x = {1, 1.3, 0.8};
        double[] g = new double[3];
        sf.valueAndGradient(x, g);
        double expected = (1 - 220 / (20 + 100 * 1.3)) * 100 + (1 - 200 / (100 * 1.3)) * 100;
        assertEquals(expected, g[1], 1e-12);
    }

    @Test
    void lumiTakesItsConstraintFromTheMeasurement() throws Exception {
        Model m = PyhfWorkspace.read(resource("validation/1bin_lumi.json")).model();
        Parameter l = param(m, "lumi");
        assertEquals(Parameter.Kind.CONSTRAINED, l.kind());
        assertEquals(0.1, l.sigma());
        assertEquals(1, l.aux());
        ObjectNode ws = (ObjectNode) JSON.readTree(resource("validation/1bin_lumi.json").toFile());
        ((ArrayNode) ws.get("measurements").get(0).get("config").get("parameters")).removeAll();
        HistFactoryException e = assertThrows(HistFactoryException.class, () -> PyhfWorkspace.of(ws, "f.json").model());
        assertTrue(e.getMessage().contains("$.channels[0].samples[1].modifiers[0]") && e.getMessage().contains("sigmas"), e.getMessage());
    }

    @Test
    void interpolationCodesAreParsedAsPyhfNamesThem() {
        assertEquals(new InterpCodes(1, "0"), InterpCodes.parse("normsys=code1,histosys=code0"));
        assertEquals(new InterpCodes(4, "0"), InterpCodes.parse("histosys=0"));
        assertEquals(InterpCodes.PYHF_DEFAULT, InterpCodes.parse(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InterpCodes.parse("normsys=code2"));
        assertTrue(e.getMessage().contains("code1 or code4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> InterpCodes.parse("shapesys=code1"));
    }

    @Test
    void measurementsAreChosenByNameAndAPoiMustBeAParameter() throws Exception {
        ObjectNode ws = readme();
        ObjectNode second = ((ArrayNode) ws.get("measurements")).addObject();
        second.put("name", "fixed_mu");
        ObjectNode cfg = second.putObject("config");
        cfg.put("poi", "mu");
        ObjectNode p = cfg.putArray("parameters").addObject();
        p.put("name", "mu");
        p.put("fixed", true);
        p.putArray("inits").add(0.5);
        PyhfWorkspace w = PyhfWorkspace.of(ws, "w.json");
        assertEquals(List.of("Measurement", "fixed_mu"), w.measurements());
        Parameter mu = w.model("fixed_mu", InterpCodes.PYHF_DEFAULT).modelParameters().get(0);
        assertTrue(mu.fixed());
        assertEquals(0.5, mu.initial());
        HistFactoryException e = assertThrows(HistFactoryException.class, () -> w.model("nope", InterpCodes.PYHF_DEFAULT));
        assertTrue(e.getMessage().contains("no measurement named 'nope'") && e.getMessage().contains("fixed_mu"), e.getMessage());
        cfg.put("poi", "xsec");
        HistFactoryException e2 = assertThrows(HistFactoryException.class, () -> PyhfWorkspace.of(ws, "w.json").model("fixed_mu", InterpCodes.PYHF_DEFAULT));
        assertTrue(e2.getMessage().contains("$.measurements[1].config.poi: 'xsec' is not a parameter"), e2.getMessage());
    }

    /** Each mutation of a valid workspace must be refused with a message naming the JSON path. */
    static void refused(Consumer<ObjectNode> mutation, String... expected) throws Exception {
        ObjectNode ws = readme();
        mutation.accept(ws);
        HistFactoryException e = assertThrows(HistFactoryException.class, () -> PyhfWorkspace.of(ws, "bad.json").model());
        for (String s : expected) {
            assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
        }
        assertTrue(e.getMessage().startsWith("bad.json: "), e.getMessage());
    }

    static ObjectNode sample(ObjectNode ws, int s) {
        return (ObjectNode) ws.get("channels").get(0).get("samples").get(s);
    }

    @Test
    void schemaViolationsAreNamedByTheirJsonPath() throws Exception {
        refused(ws -> ((ObjectNode) sample(ws, 1).get("modifiers").get(0)).put("type", "shapesyst"),
                "$.channels[0].samples[1].modifiers[0].type: unknown modifier type 'shapesyst'");
        refused(ws -> ((ArrayNode) sample(ws, 0).get("data")).add(3), "$.channels[0].samples[0].data: 3 bins, but its observation has 2");
        refused(ws -> ((ArrayNode) sample(ws, 1).get("modifiers").get(0).get("data")).add(1),
                "$.channels[0].samples[1].modifiers[0].data: 3 uncertainties, the sample has 2 bins");
        refused(ws -> ((ObjectNode) ws.get("observations").get(0)).put("name", "other"),
                "no observation for channel 'singlechannel'");
        refused(ws -> ((ArrayNode) ws.get("channels")).add(ws.get("channels").get(0).deepCopy()),
                "$.channels[1].name: duplicate channel 'singlechannel'");
        refused(ws -> sample(ws, 1).put("name", "signal"), "$.channels[0].samples[1].name: duplicate sample 'signal'");
        refused(ws -> ((ObjectNode) sample(ws, 1).get("modifiers").get(0)).putObject("data").put("hi", 1.1),
                "$.channels[0].samples[1].modifiers[0].data: must be an array");
        refused(ws -> ((ObjectNode) sample(ws, 0).get("modifiers").get(0)).put("type", "normsys"),
                "$.channels[0].samples[0].modifiers[0].data: must be an object");
        refused(ws -> ws.remove("version"), "$: missing required field 'version'");
        refused(ws -> ws.put("extra", 1), "$.extra: unknown field");
        refused(ws -> {
            ((ArrayNode) sample(ws, 0).get("modifiers")).addObject().put("name", "uncorr_bkguncrt").put("type", "normfactor").putNull("data");
        }, "modifier 'uncorr_bkguncrt' is shapesys here but normfactor at $.channels[0].samples[0].modifiers[1]");
        // every problem at once
        refused(ws -> {
            sample(ws, 0).remove("modifiers");
            ((ArrayNode) ws.get("observations").get(0).get("data")).add(-1);
        }, "$.channels[0].samples[0]: missing required field 'modifiers'", "$.observations[0].data: 3 bins");
    }

    @Test
    void negativeExpectedCountsAtTheStartAreNamedByChannelBinAndSample() throws Exception {
        refused(ws -> ((ArrayNode) sample(ws, 1).get("data")).set(1, -20.0),
                "channel 'singlechannel' bin 1", "negative yields of [background (-20.0)]");
    }

    @Test
    void filesMayBeGzippedAndMalformedJsonIsNamed(@TempDir Path dir) throws Exception {
        Path gz = dir.resolve("ws.json.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(Files.readAllBytes(resource("validation/readme_2bin_shapesys.json")));
        }
        assertTrue(PyhfWorkspace.isPyhfFile(gz));
        assertEquals(3, PyhfWorkspace.read(gz).model().parameterNames().size());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"channels\": [\n  {\"name\": }]}");
        HistFactoryException e = assertThrows(HistFactoryException.class, () -> PyhfWorkspace.read(bad));
        assertTrue(e.getMessage().startsWith(bad + ": malformed JSON at line 2"), e.getMessage());
    }

    @Test
    void channelsAreBinnedChannelsWithPerBinFactors() throws Exception {
        Model m = PyhfWorkspace.read(resource("validation/2bin_2channel.json")).model();
        assertEquals(2, m.channels().size());
        assertTrue(m.channels().get(0) instanceof BinnedChannel);
        assertNull(((BinnedChannel) m.channels().get(0)).mcStatParameters());
    }

    @Test
    void asimovSetsPoissonAuxToTauGammaAndPseudoDataDrawsIt() throws Exception {
        Model m = PyhfWorkspace.of(readme(), "readme").model();
        double[] x = {0, 1.2, 0.9};
        Model a = m.asimov(x);
        Parameter g0 = param(a, "uncorr_bkguncrt[0]");
        assertEquals(g0.tau() * 1.2, g0.aux(), 1e-9);
        assertEquals(50 * 1.2, ((BinnedChannel) a.channels().get(0)).observed()[0], 1e-12);
        // at the Asimov point the gradient of every parameter vanishes (the Asimov property)
        double[] g = new double[3];
        a.valueAndGradient(x, g);
        assertEquals(0, g[1], 1e-9);
        assertEquals(0, g[2], 1e-9);
        Model toy = m.pseudoExperiment(x, 7);
        double aux = param(toy, "uncorr_bkguncrt[0]").aux();
        assertEquals(Math.rint(aux), aux);
    }
}
