package org.ratiofit.likelihood.histfactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.likelihood.Model;

/**
 * Every pyhf validation workspace read with both interpolation settings (pyhf's defaults and the
 * validation suite's code1/code0) against the independent first-principles recomputation in
 * {@code pyhf/reference/pyhf_reference.py} (its output is stored beside it): the parameter names
 * (per-bin parameters named {@code name[b]}) and pyhf's full logpdf at the initial point and at
 * three seeded random points to 1e-10 relative ({@code --full-logpdf}), and −ln L at the
 * reference's maximum-likelihood point no lower than at the reference minimum by more than 1e-7
 * (the fits themselves are compared in the validation module).
 */
class PyhfReferenceLogPdfTest {

    static Path resource(String name) throws Exception {
        return Path.of(PyhfReferenceLogPdfTest.class.getResource("/pyhf/" + name).toURI());
    }

    static Stream<Arguments> cases() throws Exception {
        List<Arguments> out = new ArrayList<>();
        for (String ref : List.of("reference_default.json", "reference_code1_code0.json")) {
            JsonNode r = new ObjectMapper().readTree(resource("reference/" + ref).toFile());
            InterpCodes codes = new InterpCodes(r.get("interp").get("normsys").asInt(), r.get("interp").get("histosys").asText());
            r.get("workspaces").fields().forEachRemaining(e -> out.add(Arguments.of(e.getKey(), codes, e.getValue())));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void logpdfMatchesTheIndependentRecomputation(String file, InterpCodes codes, JsonNode ref) throws Exception {
        Model m = PyhfWorkspace.read(resource("validation/" + file)).model(null, codes);
        List<String> names = new ArrayList<>();
        ref.get("parameters").forEach(n -> names.add(n.asText()));
        assertEquals(names, m.parameterNames(), file + ": parameter names");
        double[] init = numbers(ref.get("init"));
        assertEquals(ref.get("logpdf_init").asDouble(), LogPdf.logpdf(m, init), 1e-10 * Math.abs(ref.get("logpdf_init").asDouble()),
                file + " " + codes + ": logpdf at the initial point");
        for (JsonNode p : ref.get("points")) {
            double[] th = numbers(p.get("theta"));
            double expected = p.get("logpdf").asDouble();
            assertEquals(expected, LogPdf.logpdf(m, th), 1e-10 * Math.abs(expected), file + " " + codes + ": logpdf at " + p.get("theta"));
        }
        double[] mle = numbers(ref.get("mle").get("theta"));
        double nllRef = ref.get("mle").get("nll").asDouble();
        assertEquals(nllRef, m.value(mle) + LogPdf.constant(m), 1e-9 * Math.abs(nllRef), file + ": -logpdf at the reference MLE");
    }

    static double[] numbers(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
    }
}
