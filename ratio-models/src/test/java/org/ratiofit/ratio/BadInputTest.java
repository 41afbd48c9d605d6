package org.ratiofit.ratio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Input;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad-input case gives an error naming the model (or file) and the item. */
class BadInputTest {
    @TempDir
    Path dir;

    private void mlp(String file, int in, Activation last) {
        OnnxMlpWriter.write(dir.resolve(file), "x", "y", TestModels.randomLayers(3, new int[]{in, 4, 1}, new Activation[]{Activation.TANH, last}, 1.0));
    }

    private Path sidecar(String file, ModelSidecar sc) {
        Path p = dir.resolve(file);
        Sidecars.write(sc, p);
        return p;
    }

    private static void assertMessage(RuntimeException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }

    @Test
    void missingOnnxFile() {
        Path p = sidecar("m.json", ModelSidecar.binary("mine", "nowhere.onnx", "x", List.of("a"), OutputConvention.SCORE, "S", "B"));
        var e = assertThrows(RatioModelException.class, () -> RatioModel.load(p));
        assertMessage(e, "'mine'", "nowhere.onnx", "does not exist");
    }

    @Test
    void corruptOnnxFile() throws Exception {
        Files.write(dir.resolve("bad.onnx"), new byte[]{1, 2, 3, 4, 5, 6, 7});
        Path p = sidecar("m.json", ModelSidecar.binary("mine", "bad.onnx", "x", List.of("a"), OutputConvention.SCORE, "S", "B"));
        var e = assertThrows(RatioModelException.class, () -> RatioModel.load(p));
        assertMessage(e, "'mine'", "bad.onnx", "not a valid ONNX model");
    }

    @Test
    void missingSidecar() {
        var e = assertThrows(RatioModelException.class, () -> RatioModel.load(dir.resolve("absent.json")));
        assertMessage(e, "absent.json", "does not exist");
    }

    @Test
    void unknownSidecarVersionAndFormat() throws Exception {
        Files.writeString(dir.resolve("v.json"), "{\"format\": \"ratiofit-ratio-model\", \"format_version\": 7, \"onnx\": \"m.onnx\"}");
        assertMessage(assertThrows(RatioModelException.class, () -> RatioModel.load(dir.resolve("v.json"))), "v.json", "unknown format_version 7");
        Files.writeString(dir.resolve("f.json"), "{\"format\": \"something\", \"format_version\": 1}");
        assertMessage(assertThrows(RatioModelException.class, () -> RatioModel.load(dir.resolve("f.json"))), "f.json", "'format'");
        Files.writeString(dir.resolve("j.json"), "{not json");
        assertMessage(assertThrows(RatioModelException.class, () -> RatioModel.load(dir.resolve("j.json"))), "j.json", "not valid JSON");
    }

    @Test
    void unknownSidecarFieldIsNamed() throws Exception {
        mlp("m.onnx", 2, Activation.SIGMOID);
        String json = Sidecars.toJson(ModelSidecar.binary("mine", "m.onnx", "x", List.of("a", "b"), OutputConvention.SCORE, "S", "B"));
        Files.writeString(dir.resolve("u.json"), json.replace("\"input_name\"", "\"scalling\": [], \"input_name\""));
        assertMessage(assertThrows(RatioModelException.class, () -> RatioModel.load(dir.resolve("u.json"))), "u.json", "scalling");
    }

    @Test
    void featureCountDoesNotMatchGraphInput() {
        mlp("m.onnx", 3, Activation.SIGMOID);
        Path p = sidecar("m.json", ModelSidecar.binary("mine", "m.onnx", "x", List.of("a", "b"), OutputConvention.SCORE, "S", "B"));
        assertMessage(assertThrows(RatioModelException.class, () -> RatioModel.load(p)), "'mine'", "takes 3 values", "[a, b]");
    }

    @Test
    void featureOrderDoesNotMatchGraphMetadata() {
        var layers = TestModels.randomLayers(3, new int[]{3, 4, 1}, new Activation[]{Activation.TANH, Activation.SIGMOID}, 1.0);
        OnnxGraphBuilder.write(OnnxMlpWriter.mlp(List.of(new Input("x", 3)), "y", layers, List.of("pt", "eta", "phi")), dir.resolve("m.onnx"));
        Path p = sidecar("m.json", ModelSidecar.binary("mine", "m.onnx", "x", List.of("pt", "phi", "eta"), OutputConvention.SCORE, "S", "B"));
        assertMessage(assertThrows(RatioModelException.class, () -> RatioModel.load(p)), "'mine'", "position 1", "'eta'", "'phi'");
        Path ok = sidecar("ok.json", ModelSidecar.binary("mine", "m.onnx", "x", List.of("pt", "eta", "phi"), OutputConvention.SCORE, "S", "B"));
        RatioModel.load(ok).close();
    }

    @Test
    void wrongInputName() {
        mlp("m.onnx", 2, Activation.SIGMOID);
        Path p = sidecar("m.json", ModelSidecar.binary("mine", "m.onnx", "input", List.of("a", "b"), OutputConvention.SCORE, "S", "B"));
        assertMessage(assertThrows(RatioModelException.class, () -> RatioModel.load(p)), "'mine'", "no input 'input'", "[x]");
    }

    @Test
    void nonFiniteInputsAreReportedByRow() {
        mlp("m.onnx", 2, Activation.SIGMOID);
        Path p = sidecar("m.json", ModelSidecar.binary("mine", "m.onnx", "x", List.of("a", "b"), OutputConvention.SCORE, "S", "B"));
        double[] a = new double[40], b = new double[40];
        b[17] = Double.NaN;
        b[33] = Double.POSITIVE_INFINITY;
        try (RatioModel m = RatioModel.load(p, InferenceOptions.DEFAULT.withChunkRows(8))) {
            var e = assertThrows(RatioModelException.class, () -> m.logRatios(new double[][]{a, b}));
            assertMessage(e, "'mine'", "feature 'b'", "row 17 = NaN", "row 33 = Infinity", "2 non-finite");
        }
    }

    @Test
    void scoreOutputsOutsideUnitIntervalAreRejected() {
        mlp("m.onnx", 2, Activation.IDENTITY); // an unbounded output declared as a score
        Path p = sidecar("m.json", ModelSidecar.binary("mine", "m.onnx", "x", List.of("a", "b"), OutputConvention.SCORE, "S", "B"));
        double[][] cols = {{-30, 0, 30}, {30, 0, -30}};
        try (RatioModel m = RatioModel.load(p)) {
            var e = assertThrows(RatioModelException.class, () -> m.logRatios(cols));
            assertMessage(e, "'mine'", "outside (0, 1)", "at row ", "(counted from 0)");
        }
    }

    @Test
    void wrongColumnCountAndLength() {
        mlp("m.onnx", 2, Activation.SIGMOID);
        Path p = sidecar("m.json", ModelSidecar.binary("mine", "m.onnx", "x", List.of("a", "b"), OutputConvention.SCORE, "S", "B"));
        try (RatioModel m = RatioModel.load(p)) {
            assertMessage(assertThrows(RatioModelException.class, () -> m.logRatios(new double[][]{{1}})), "'mine'", "expects 2 columns");
            assertMessage(assertThrows(RatioModelException.class, () -> m.logRatios(new double[][]{{1, 2}, {1}})), "column 'b' has 1 rows");
            assertMessage(assertThrows(RatioModelException.class, () -> m.logRatios(java.util.Map.of("a", new double[1]))), "needs column 'b'");
        }
    }

    @Test
    void ensembleMembersWithDifferentFeatures() {
        mlp("m.onnx", 2, Activation.SIGMOID);
        sidecar("m0.json", ModelSidecar.binary("m0", "m.onnx", "x", List.of("a", "b"), OutputConvention.SCORE, "S", "B"));
        sidecar("m1.json", ModelSidecar.binary("m1", "m.onnx", "x", List.of("a", "c"), OutputConvention.SCORE, "S", "B"));
        Ensemble.writeManifest(EnsembleManifest.of("ens", List.of("m0.json", "m1.json"), null), dir.resolve("ensemble.json"));
        var e = assertThrows(RatioModelException.class, () -> Ensemble.load(dir));
        assertMessage(e, "ensemble 'ens'", "member 'm1'", "[a, c]", "'c' vs 'b'");
    }

    @Test
    void ensembleManifestProblems() throws Exception {
        assertMessage(assertThrows(RatioModelException.class, () -> Ensemble.load(dir)), "ensemble.json", "does not exist");
        Files.writeString(dir.resolve("ensemble.json"), "{\"format\": \"ratiofit-ratio-ensemble\", \"format_version\": 2, \"members\": []}");
        assertMessage(assertThrows(RatioModelException.class, () -> Ensemble.load(dir)), "unknown format_version 2");
        Ensemble.writeManifest(EnsembleManifest.of("ens", List.of("gone.json"), null), dir.resolve("ensemble.json"));
        assertMessage(assertThrows(RatioModelException.class, () -> Ensemble.load(dir)), "gone.json", "does not exist");
    }

    @Test
    void sidecarValidationNamesTheField() {
        var base = ModelSidecar.binary("mine", "m.onnx", "x", List.of("a", "b"), OutputConvention.SCORE, "S", "B");
        var badScale = base.withScaling(List.of(new ModelSidecar.Standard(List.of("a", "z"), new double[]{0, 0}, new double[]{1, 1})));
        assertMessage(assertThrows(RatioModelException.class, () -> Sidecars.write(badScale, dir.resolve("s.json"))), "scaling[0]", "unknown feature 'z'");
        var shortMean = base.withScaling(List.of(new ModelSidecar.Standard(List.of("a", "b"), new double[]{0}, new double[]{1, 1})));
        assertMessage(assertThrows(RatioModelException.class, () -> Sidecars.write(shortMean, dir.resolve("s.json"))), "'mean' has 1 values, expected 2");
        var badIso = base.withCalibration(new ModelSidecar.Isotonic(new double[]{1, 0.5}, new double[]{1, 2}));
        assertMessage(assertThrows(RatioModelException.class, () -> Sidecars.write(badIso, dir.resolve("s.json"))), "'calibration'", "strictly increasing");
        var badClip = base.withClip(new double[]{0.5, 0.4});
        assertMessage(assertThrows(RatioModelException.class, () -> Sidecars.write(badClip, dir.resolve("s.json"))), "'clip'");
        var multiNoClasses = new ModelSidecar(ModelSidecar.FORMAT, 1, "m", "m.onnx", "x", null, List.of("a"), null, null, null,
                OutputConvention.SOFTMAX, null, null, null, null, null, null);
        assertMessage(assertThrows(RatioModelException.class, () -> Sidecars.write(multiNoClasses, dir.resolve("s.json"))), "'multiclass'");
    }
}
