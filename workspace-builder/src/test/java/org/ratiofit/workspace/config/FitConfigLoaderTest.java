package org.ratiofit.workspace.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;
import org.ratiofit.workspace.config.FitConfig.RegionType;
import org.ratiofit.workspace.config.FitConfig.SystematicType;

/**
 * The complete example of the module README, with generated event files and ensemble folders:
 * it reads and validates; each bad input gives its problem with its YAML path, and nothing is
 * written.
 */
class FitConfigLoaderTest {

    @TempDir
    Path dir;

    static final List<String> FEATURES = List.of("m4l", "pt4l", "mela");

    /** Declares the configured features (in another order: matching is by name), 3 members. */
    final Map<String, EnsembleInspector.EnsembleInfo> overrides = new LinkedHashMap<>();
    final EnsembleInspector inspector = folder -> {
        EnsembleInspector.EnsembleInfo o = overrides.get(folder.getFileName().toString());
        if (o != null) {
            return o;
        }
        return new EnsembleInspector.EnsembleInfo(List.of("mela", "m4l", "pt4l"), 3,
                folder.getFileName().toString().contains("poly") ? 2 : 1);
    };

    static String exampleYaml() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf("### Complete example");
        int start = readme.indexOf("```yaml\n", at) + "```yaml\n".length();
        int end = readme.indexOf("\n```", start);
        if (at < 0 || start < at || end < start) {
            fail("README.md has no yaml block under '### Complete example'");
        }
        return readme.substring(start, end + 1);
    }

    static EventTable table(long seed, int n, boolean weight) {
        Random rnd = new Random(seed);
        Map<String, double[]> cols = new LinkedHashMap<>();
        for (String f : FEATURES) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = 100 + 300 * rnd.nextDouble();
            cols.put(f, v);
        }
        if (weight) {
            double[] w = new double[n];
            for (int i = 0; i < n; i++) w[i] = 0.5 + rnd.nextDouble();
            cols.put("weight", w);
        }
        return new EventTable("seed " + seed, cols);
    }

    @BeforeEach
    void writeInputs() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        EventFiles.write(data.resolve("observed.csv"), table(1, 20, false), null);
        for (String f : List.of("signal.h5", "signal_JES_up.h5", "signal_JES_dn.h5")) {
            EventFiles.write(data.resolve(f), table(f.hashCode(), 15, true), ReadOptions.group("/events"));
        }
        EventFiles.write(data.resolve("sbi.npz"), table(3, 12, true), null);
        EventFiles.write(data.resolve("bkg_part1.npy"), table(4, 10, true), null);
        EventFiles.write(data.resolve("bkg_part2.npy"), table(5, 11, true), null);
        for (String f : List.of("qqzz.csv", "qqzz_JES_up.csv", "qqzz_JES_dn.csv")) {
            EventFiles.write(data.resolve(f), table(f.hashCode(), 9, true), null);
        }
        for (String m : List.of("S_vs_B", "SBI_vs_B", "qqZZ_vs_B", "S_JES_up", "S_JES_dn", "qqZZ_JES_up", "qqZZ_JES_dn",
                "qqZZ_TES_poly")) {
            Files.writeString(Files.createDirectories(dir.resolve("models").resolve(m)).resolve("member_0.onnx"), "stand-in");
        }
    }

    Path writeConfig(String yaml) throws IOException {
        Path f = dir.resolve("fit.yml");
        Files.writeString(f, yaml);
        return f;
    }

    Map<String, Long> snapshot() throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                out.put(dir.relativize(p).toString(), Files.isRegularFile(p) ? Files.size(p) : -1L);
            }
        }
        return out;
    }

    @Test
    void completeExampleReadsAndValidates() throws IOException {
        Path f = writeConfig(exampleYaml());
        FitConfigLoader.Result r = FitConfigLoader.check(f, inspector);
        assertEquals(List.of(), r.problems(), "the README example should validate");
        FitConfig c = FitConfigLoader.load(f, inspector);
        assertEquals(1, c.version());
        assertEquals("mu", c.general().poi());
        assertEquals(65536, c.general().chunkSize());
        assertEquals(org.ratiofit.likelihood.ShapeNormalisation.REFERENCE, c.general().shapeNormalisation(), "the default");
        FitConfig closure = FitConfigLoader.load(writeConfig(exampleYaml().replace("ChunkSize: 65536",
                "ChunkSize: 65536\n  ShapeNormalisation: Reference_And_Closure")), inspector);
        assertEquals(org.ratiofit.likelihood.ShapeNormalisation.REFERENCE_AND_CLOSURE, closure.general().shapeNormalisation());
        assertEquals(FEATURES, c.trainingFeatures());
        assertEquals(List.of("data", "S", "SBI", "B", "qqZZ"), c.samples().stream().map(FitConfig.Sample::name).toList());
        assertEquals("data", c.dataSample().orElseThrow().name());
        assertEquals(List.of("B"), c.referenceSamples().stream().map(FitConfig.Sample::name).toList());
        assertEquals(4, c.basisSamples().size());
        FitConfig.Sample b = c.sample("B").orElseThrow();
        assertEquals(List.of(dir.resolve("data/bkg_part1.npy"), dir.resolve("data/bkg_part2.npy")), b.events().paths());
        assertEquals(dir.resolve("models/S_vs_B"), c.sample("S").orElseThrow().ensemble());
        assertEquals("/events", c.sample("S").orElseThrow().events().tree());
        assertEquals(List.of("mu", "mu_qqZZ", "lumi", "JES", "TES"), c.parameterNames());
        assertEquals(List.of(SystematicType.NORM, SystematicType.NORM_PLUS_SHAPE, SystematicType.POLYNOMIAL),
                c.systematics().stream().map(FitConfig.Systematic::type).toList());
        assertEquals(1.02, c.systematics().get(0).up().get(0).yieldFactor());
        assertEquals(List.of(List.of("TES"), List.of("TES", "TES")), c.systematics().get(2).monomials());
        assertEquals(RegionType.UNBINNED, c.regions().get(0).type());
        assertEquals(List.of(180.0, 190.0, 200.0, 220.0), c.regions().get(1).binning());
        assertEquals(Map.of("mu", 0.0, "JES", 0.0), c.asimov().get(1).parameters());
        assertEquals(8, c.ensembles().size());

        // The off-shell Higgs coefficients: (mu - sqrt mu) + sqrt mu + (1 - sqrt mu) at mu = 4 is 4 - 2 + 2 + 1 - 2.
        double mu = 4;
        double sum = 0;
        for (String s : List.of("S", "SBI", "B")) {
            sum += c.sample(s).orElseThrow().coefficient().value(mu);
        }
        assertEquals(3.0, sum, 1e-15);
        assertEquals(-1.0, c.sample("B").orElseThrow().coefficient().value(4), 1e-15);
        // d/dmu (mu - sqrt mu) = 1 - 1/(2 sqrt mu) = 0.75 at mu = 4.
        assertEquals(0.75, c.sample("S").orElseThrow().coefficient().derivative(4), 1e-15);
        // The configuration is a public result type: it writes as JSON.
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(c);
        assertTrue(json.contains("\"poi\":\"mu\""), json);
    }

    /** One bad input: a text replacement in the example, the YAML path and a piece of the message expected. */
    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("unknown key", "    Weight: weight\n    Ensemble: models/S_vs_B/",
                        "    Wieght: weight\n    Ensemble: models/S_vs_B/", "Samples[1].Wieght", "did you mean 'Weight'"),
                Arguments.of("replaced toolkit key", "Asimov:\n", "TrainedModels: {}\nAsimov:\n", "TrainedModels",
                        "Samples[].Ensemble"),
                Arguments.of("missing file", "SamplePath: data/signal.h5", "SamplePath: data/signl.h5",
                        "Samples[1].SamplePath", "no such file"),
                Arguments.of("missing file in a list", "data/bkg_part2.npy]", "data/bkg_part3.npy]",
                        "Samples[3].SamplePath[1]", "no such file"),
                Arguments.of("missing ensemble folder", "Ensemble: models/SBI_vs_B/", "Ensemble: models/SBI_vs_BB/",
                        "Samples[2].Ensemble", "no such ensemble folder"),
                Arguments.of("unknown sample in a norm factor", "Samples: qqZZ\n", "Samples: qqZ\n", "NormFactors[1].Samples",
                        "unknown sample 'qqZ' (did you mean 'qqZZ'?)"),
                Arguments.of("unknown sample in a variation", "{SampleName: qqZZ, Yield: 1.02}", "{SampleName: ggZZ, Yield: 1.02}",
                        "Systematics[0].Up[0].SampleName", "unknown sample 'ggZZ'"),
                Arguments.of("unknown parameter in a coefficient", "      Parameter: mu\n      Terms:\n        - {Factor: 1.0, Power: 0.5}",
                        "      Parameter: muu\n      Terms:\n        - {Factor: 1.0, Power: 0.5}", "Samples[2].Coefficient.Parameter",
                        "unknown norm factor 'muu' (did you mean 'mu'?)"),
                Arguments.of("unknown parameter of interest", "POI: mu\n", "POI: mu_sig\n", "General.Measurement.POI",
                        "unknown norm factor 'mu_sig'"),
                Arguments.of("unknown parameter to fit", "ParametersToFit: [mu, mu_qqZZ, lumi, JES, TES]",
                        "ParametersToFit: [mu, mu_qqZZ, lumi, JER, TES]", "General.Measurement.ParametersToFit[3]",
                        "unknown parameter 'JER'"),
                Arguments.of("unknown Asimov parameter", "Parameters: {mu: 1.0}", "Parameters: {mu: 1.0, lum: 0.5}",
                        "Asimov[0].Parameters.lum", "did you mean 'lumi'"),
                Arguments.of("Asimov value out of bounds", "Parameters: {mu: 1.0}", "Parameters: {mu: 25.0}",
                        "Asimov[0].Parameters.mu", "outside the parameter's bounds"),
                Arguments.of("feature missing from a file", "TrainingFeatures: [m4l, pt4l, mela]",
                        "TrainingFeatures: [m4l, pt4l, mela, eta]", "Samples[0].SamplePath", "has no column 'eta'"),
                Arguments.of("filter column missing from a file", "mela >= 0.1 | pt4l > 50", "mela >= 0.1 | pt4l > 50 | njets > 2",
                        "Samples[4].SamplePath", "no column 'njets' (needed by Regions[0].Filter)"),
                Arguments.of("weight column missing", "    SamplePath: data/sbi.npz\n    Weight: weight",
                        "    SamplePath: data/sbi.npz\n    Weight: wgt", "Samples[2].SamplePath", "no column 'wgt' (needed by Samples[2].Weight)"),
                Arguments.of("bad filter", "Filter: \"180 <= m4l <= 220\"", "Filter: \"180 <= m4l <= \"", "Regions[1].Filter",
                        "expression ends"),
                Arguments.of("single = in a filter", "Filter: \"180 <= m4l <= 220\"", "Filter: \"m4l = 200\"", "Regions[1].Filter",
                        "use '=='"),
                Arguments.of("binning not increasing", "Binning: [180, 190, 200, 220]", "Binning: [180, 200, 190, 220]",
                        "Regions[1].Binning[2]", "bin edges must increase"),
                Arguments.of("binned region without a variable", "    Variable: m4l\n", "", "Regions[1].Variable", "missing"),
                Arguments.of("bounds reversed", "Bounds: [0.0, 5.0]", "Bounds: [5.0, 0.0]", "NormFactors[1].Bounds",
                        "is not below upper bound"),
                Arguments.of("fractional power below zero", "Bounds: [0.0, 20.0]", "Bounds: [-1.0, 20.0]",
                        "Samples[1].Coefficient.Terms", "fractional power of 'mu' needs its lower bound >= 0"),
                Arguments.of("wrong version", "Version: 1\n", "Version: 2\n", "Version", "not supported"),
                Arguments.of("missing version", "Version: 1\n", "", "Version", "missing"),
                Arguments.of("wrong type", "ChunkSize: 65536", "ChunkSize: lots", "General.ChunkSize", "expected a number"),
                Arguments.of("unknown shape normalisation", "ChunkSize: 65536", "ChunkSize: 65536\n  ShapeNormalisation: closure",
                        "General.ShapeNormalisation", "expected reference (the default), reference_and_closure or none, found 'closure'"),
                Arguments.of("unknown systematic type", "Type: NormPlusShape", "Type: NormAndShape", "Systematics[1].Type",
                        "did you mean 'normplusshape'"),
                Arguments.of("shape variation without ensemble", "        Ensemble: models/qqZZ_JES_dn/\n", "",
                        "Systematics[1].Dn[1].Ensemble", "shape variation needs"),
                Arguments.of("norm variation without a yield", "{SampleName: qqZZ, Yield: 0.98}", "{SampleName: qqZZ}",
                        "Systematics[0].Dn[0]", "missing the varied yield"),
                Arguments.of("polynomial coefficients", "YieldCoefficients: [0.012, 0.001]", "YieldCoefficients: [0.012]",
                        "Systematics[2].Models[0].YieldCoefficients", "1 coefficients for 2 monomials"),
                Arguments.of("polynomial monomial of an unknown parameter", "Monomials: [[TES], [TES, TES]]",
                        "Monomials: [[TES], [TES, JES]]", "Systematics[2].Monomials[1]", "unknown parameter 'JES'"),
                Arguments.of("duplicate sample", "  - Name: qqZZ\n    UseAsBasis: true", "  - Name: SBI\n    UseAsBasis: true",
                        "Samples[4].Name", "is used twice"),
                Arguments.of("basis sample without ensemble", "    Ensemble: models/qqZZ_vs_B/\n", "", "Samples[4].Ensemble",
                        "needs the folder of its ratio ensemble"),
                Arguments.of("no reference", "    UseAsReference: true\n", "", "Samples", "no reference sample"),
                Arguments.of("duplicate key", "    Weight: weight\n    Ensemble: models/S_vs_B/",
                        "    Weight: weight\n    Weight: w2\n    Ensemble: models/S_vs_B/", "", "Duplicate field 'Weight'"),
                Arguments.of("Tree on a CSV file", "    SamplePath: data/qqzz.csv\n", "    SamplePath: data/qqzz.csv\n    Tree: /events\n",
                        "Samples[4].Tree", "HDF5 files only"),
                Arguments.of("Columns on an npz file", "    SamplePath: data/sbi.npz\n", "    SamplePath: data/sbi.npz\n    Columns: [a, b]\n",
                        "Samples[2].Columns", "names its columns"),
                Arguments.of("polynomial samples and models differ", "    Parameters: [TES]\n", "    Parameters: [TES]\n    Samples: [S]\n",
                        "Systematics[2].Samples", "but the models cover [qqZZ]"),
                Arguments.of("norm factor counted twice", "  - Name: mu\n    Nominal: 1.0\n", "  - Name: mu\n    Samples: SBI\n    Nominal: 1.0\n",
                        "Samples[2].Coefficient.Parameter", "would count it twice"),
                Arguments.of("not valid YAML", "Regions:\n", "Regions: [\n", "", "not valid YAML"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGivesItsProblemAndWritesNothing(String what, String from, String to, String path, String message)
            throws IOException {
        String yaml = exampleYaml();
        assertTrue(yaml.contains(from), what + ": the example should contain '" + from + "'");
        Path f = writeConfig(yaml.replace(from, to));
        Map<String, Long> before = snapshot();
        ConfigException e = assertThrows(ConfigException.class, () -> FitConfigLoader.load(f, inspector), what);
        assertEquals(before, snapshot(), what + ": validation must write nothing");
        assertTrue(e.getMessage().startsWith(f.toString()), what + ": the message names the file: " + e.getMessage());
        List<ConfigProblem> matching = new ArrayList<>();
        for (ConfigProblem p : e.problems()) {
            if (p.path().equals(path) && p.message().contains(message)) {
                matching.add(p);
            }
        }
        assertEquals(1, matching.size(), what + ": expected one problem at '" + path + "' containing '" + message
                + "', got:\n" + e.getMessage());
    }

    @Test
    void modelWhoseFeaturesDifferFromTheConfiguredOnes() throws IOException {
        overrides.put("SBI_vs_B", new EnsembleInspector.EnsembleInfo(List.of("m4l", "pt4l", "mela_v2"), 3, 1));
        overrides.put("qqZZ_TES_poly", new EnsembleInspector.EnsembleInfo(FEATURES, 3, 1));
        Path f = writeConfig(exampleYaml());
        ConfigException e = assertThrows(ConfigException.class, () -> FitConfigLoader.load(f, inspector));
        assertEquals(2, e.problems().size(), e.getMessage());
        ConfigProblem p = e.problems().get(0);
        assertEquals("Samples[2].Ensemble", p.path());
        assertTrue(p.message().contains("not configured: [mela_v2]") && p.message().contains("not taken by the model: [mela]"),
                p.message());
        assertEquals("Systematics[2].Models[0].Ensemble", e.problems().get(1).path());
        assertTrue(e.problems().get(1).message().contains("1 outputs per event, expected 2"), e.getMessage());
    }

    @Test
    void unreadableEnsembleIsReportedWithItsPath() throws IOException {
        EnsembleInspector broken = folder -> {
            throw new IOException(folder.resolve("ensemble.json") + ": no such file");
        };
        Path f = writeConfig(exampleYaml());
        ConfigException e = assertThrows(ConfigException.class, () -> FitConfigLoader.load(f, broken));
        assertEquals(8, e.problems().size(), e.getMessage());
        assertTrue(e.problems().stream().allMatch(p -> p.path().endsWith(".Ensemble") && p.message().contains("ensemble.json")),
                e.getMessage());
    }

    @Test
    void everyProblemIsReportedTogether() throws IOException {
        String yaml = exampleYaml().replace("POI: mu\n", "POI: mu_sig\n").replace("Wieght", "x")
                .replace("    Weight: weight\n    Ensemble: models/S_vs_B/", "    Wieght: weight\n    Ensemble: models/S_vs_B/")
                .replace("SamplePath: data/qqzz.csv", "SamplePath: data/qqzz.cvs");
        FitConfigLoader.Result r = FitConfigLoader.check(writeConfig(yaml), inspector);
        assertNotNull(r.config());
        List<String> paths = r.problems().stream().map(ConfigProblem::path).toList();
        assertTrue(paths.containsAll(List.of("General.Measurement.POI", "Samples[1].Wieght", "Samples[4].SamplePath")),
                paths.toString());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("", ""),
                Arguments.of("- a list\n- at the top\n", ""),
                Arguments.of("Version: 1\nSamples: 3\nRegions: {a: 1}\nGeneral: x\nTrainingFeatures: [a]\n", "Samples"),
                Arguments.of("Version: 1\nSamples: [3, {Name: s}]\nRegions: [[]]\nGeneral: {Measurement: 2}\n", "Samples[0]"),
                Arguments.of("Version: one\nSamples:\n  - Name: [a]\n    UseAsBasis: yes please\n", "Version"));
    }

    @ParameterizedTest(name = "malformed {index}")
    @MethodSource("malformed")
    void malformedStructureGivesProblemsNotCrashes(String yaml, String somePath) throws IOException {
        Path f = writeConfig(yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> FitConfigLoader.load(f, inspector));
        assertTrue(e.problems().stream().anyMatch(p -> p.path().equals(somePath)), e.getMessage());
    }

    @Test
    void missingConfigurationFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> FitConfigLoader.load(dir.resolve("nope.yml"), inspector));
        assertTrue(e.getMessage().contains("no such configuration file"), e.getMessage());
    }
}
