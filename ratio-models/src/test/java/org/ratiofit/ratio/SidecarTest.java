package org.ratiofit.ratio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.ratio.ModelSidecar.ClassPriors;
import org.ratiofit.ratio.ModelSidecar.Histogram;
import org.ratiofit.ratio.ModelSidecar.Isotonic;
import org.ratiofit.ratio.ModelSidecar.MinMax;
import org.ratiofit.ratio.ModelSidecar.Multiclass;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.ModelSidecar.Platt;
import org.ratiofit.ratio.ModelSidecar.Standard;
import org.ratiofit.ratio.ModelSidecar.YeoJohnson;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SidecarTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void roundTripKeepsEveryField(long seed) {
        Random r = new Random(seed);
        double[] v3 = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
        var sc = new ModelSidecar(ModelSidecar.FORMAT, 1, "m" + seed, "sub/m.onnx", "input", "out",
                List.of("a", "b", "c", "d"), List.of("theta"), null,
                List.of(new Standard(List.of("a"), new double[]{v3[0]}, new double[]{1 + r.nextDouble()}),
                        new MinMax(List.of("b", "theta"), new double[]{-1, -2}, new double[]{1, 2}, new double[]{-1.5, 1.5}),
                        new YeoJohnson(List.of("c"), new double[]{r.nextDouble()}, new double[]{v3[1]}, new double[]{2})),
                OutputConvention.SCORE, "sig", "bkg", new ClassPriors(0.3, 0.7), new double[]{1e-7, 1 - 1e-7},
                seed % 3 == 0 ? new Platt(r.nextDouble(), r.nextGaussian())
                        : seed % 3 == 1 ? new Isotonic(new double[]{0.1, 1, 2}, new double[]{0.2, 1, 2.5})
                        : new Histogram(new double[]{0, 1, 5}, new double[]{0.5, 2}),
                null);
        Path p = dir.resolve("m.json");
        Sidecars.write(sc, p);
        ModelSidecar back = Sidecars.read(p);
        assertEquals(Sidecars.toJson(sc), Sidecars.toJson(back), "seed " + seed);
        assertArrayEquals(sc.clip(), back.clip());
        assertEquals(sc.scaling().get(1), sc.scaling().get(1));
    }

    @Test
    void multiclassRoundTripAndSnakeCaseNames() throws Exception {
        var sc = ModelSidecar.binary("mc", "m.onnx", "x", List.of("a"), OutputConvention.SOFTMAX, null, null)
                .withMulticlass(new Multiclass(List.of("ggF", "VBF", "bkg"), "bkg", new double[]{0.2, 0.3, 0.5},
                        Map.of("VBF", new Platt(1.1, 0.0))));
        Path p = dir.resolve("mc.json");
        Sidecars.write(sc, p);
        String json = Files.readString(p);
        assertTrue(json.contains("\"format_version\" : 1"), json);
        assertTrue(json.contains("\"input_name\""), json);
        assertTrue(json.contains("\"type\" : \"platt\""), json);
        assertEquals(Sidecars.toJson(sc), Sidecars.toJson(Sidecars.read(p)));
    }

    @Test
    void nameDefaultsToFileName() throws Exception {
        String json = "{\"format\":\"ratiofit-ratio-model\",\"format_version\":1,\"onnx\":\"m.onnx\",\"input_name\":\"x\","
                + "\"features\":[\"a\"],\"output\":\"logit\"}";
        Files.writeString(dir.resolve("bdt_like.json"), json);
        ModelSidecar s = Sidecars.read(dir.resolve("bdt_like.json"));
        assertEquals("bdt_like", s.name());
        assertArrayEquals(ModelSidecar.DEFAULT_CLIP, s.clipBounds());
        assertEquals(List.of(), s.parameterList());
    }
}
