package org.ratiofit.likelihood.workspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.io.Npy;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.Evaluation;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.likelihood.TestModels;

class WorkspaceRoundTripTest {

    @TempDir
    Path tmp;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 6);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void roundTripGivesIdenticalNllToTheBit(long seed) throws IOException {
        Model m = TestModels.withReference(seed, 700);
        Path dir = tmp.resolve("ws" + seed);
        WorkspaceWriter.write(m, dir);
        Model back = WorkspaceReader.readModel(dir);
        assertEquals(m.parameters(), back.parameters(), "seed " + seed);
        for (int t = 0; t < 4; t++) {
            double[] x = TestModels.point(m, seed * 10 + t);
            Evaluation a = m.evaluate(x, true);
            Evaluation b = back.evaluate(x, true);
            assertEquals(Double.doubleToRawLongBits(a.value()), Double.doubleToRawLongBits(b.value()), "seed " + seed + " point " + t);
            assertArrayEquals(a.gradient(), b.gradient(), 0.0, "seed " + seed + " point " + t);
        }
        // Asimov data (reference events) survive the trip too
        double[] p = TestModels.point(m, seed);
        assertEquals(m.asimov(p).value(p), back.asimov(p).value(p), 0.0, "seed " + seed + " Asimov");
        // columns open as plain 1-d float64 arrays
        assertTrue(Files.isRegularFile(dir.resolve("SR.data.S.log_ratio.npy")));
        assertEquals(700, Npy.read(dir.resolve("SR.data.S.log_ratio.npy")).shape()[0]);
    }

    @Test
    void float32ColumnsReadBackAsTheRoundedValues() throws IOException {
        Model m = TestModels.withReference(5, 300);
        Path dir = tmp.resolve("f32");
        new WorkspaceWriter(true).write(Workspace.of(m), dir);
        assertTrue(Npy.read(dir.resolve("SR.data.S.log_ratio.npy")).isFloat32());
        Model back = WorkspaceReader.readModel(dir);
        double[] x = TestModels.point(m, 5);
        double rel = Math.abs(m.value(x) - back.value(x)) / Math.abs(m.value(x));
        assertTrue(rel < 1e-6 && rel > 0, "float32 storage changes -ln L by ~1e-7 relative, got " + rel);
    }

    private Path writeSmall() throws IOException {
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, 0, 10)).parameter(Parameter.constrained("a"));
        b.unbinned("SR", 4).shapeNormalisation(org.ratiofit.likelihood.ShapeNormalisation.NONE)
                .sample("S", 10, new double[] {0.1, 0.2, 0.3, 0.4}).normFactor("mu")
                .shapeSys("a", 4, new double[] {1.1, 1.0, 0.9, 1.2}, new double[] {0.9, 1.0, 1.1, 0.8}).end()
                .sample("B", 100, new double[] {0, 0, 0, 0}).normSys("a", 1, 1.1, 0.9).end()
                .end();
        Path dir = tmp.resolve("small");
        WorkspaceWriter.write(b.build(), dir);
        return dir;
    }

    private String error(Path dir) {
        return assertThrows(WorkspaceFormatException.class, () -> WorkspaceReader.read(dir)).getMessage();
    }

    private void editJson(Path dir, String from, String to) throws IOException {
        Path j = dir.resolve("workspace.json");
        String s = Files.readString(j);
        assertTrue(s.contains(from), "fixture lacks " + from);
        Files.writeString(j, s.replace(from, to));
    }

    @Test
    void missingColumnFileIsNamed() throws IOException {
        Path dir = writeSmall();
        Files.delete(dir.resolve("SR.data.S.shapesys.a.up.npy"));
        String msg = error(dir);
        assertTrue(msg.contains("SR.data.S.shapesys.a.up.npy") && msg.contains("not found"), msg);
    }

    @Test
    void lengthMismatchNamesTheFile() throws IOException {
        Path dir = writeSmall();
        Npy.write(dir.resolve("SR.data.B.log_ratio.npy"), new double[] {0, 0, 0});
        String msg = error(dir);
        assertTrue(msg.contains("SR.data.B.log_ratio.npy") && msg.contains("length 3") && msg.contains("4 events"), msg);
    }

    @Test
    void nanNamesFileAndFirstIndex() throws IOException {
        Path dir = writeSmall();
        Npy.write(dir.resolve("SR.data.S.log_ratio.npy"), new float[] {0.1f, 0.2f, Float.NaN, Float.POSITIVE_INFINITY});
        String msg = error(dir);
        assertTrue(msg.contains("SR.data.S.log_ratio.npy") && msg.contains("index 2") && msg.contains("NaN"), msg);
    }

    @Test
    void nonPositiveShapeRatioIsNamed() throws IOException {
        Path dir = writeSmall();
        Npy.write(dir.resolve("SR.data.S.shapesys.a.down.npy"), new double[] {0.9, 1, -0.1, 1});
        String msg = error(dir);
        assertTrue(msg.contains("SR.data.S.shapesys.a.down.npy") && msg.contains("index 2"), msg);
    }

    @Test
    void unknownModifierTypeAndParameterAreNamed() throws IOException {
        Path dir = writeSmall();
        editJson(dir, "\"normfactor\"", "\"normfaktor\"");
        String msg = error(dir);
        assertTrue(msg.contains("unknown modifier type 'normfaktor'") && msg.contains("channels[0].samples[0].modifiers[0]"), msg);
        Path dir2 = tmp.resolve("small2");
        Files.createDirectories(dir2);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir2.resolve(f.getFileName()));
            }
        }
        editJson(dir2, "\"normfaktor\"", "\"normfactor\"");
        editJson(dir2, "\"parameter\" : \"mu\"", "\"parameter\" : \"muu\"");
        msg = error(dir2);
        assertTrue(msg.contains("unknown parameter 'muu'") && msg.contains("modifiers[0].parameter"), msg);
    }

    @Test
    void unsupportedVersionAndFormatAreNamed() throws IOException {
        Path dir = writeSmall();
        editJson(dir, "\"version\" : 1", "\"version\" : 7");
        String msg = error(dir);
        assertTrue(msg.contains("unsupported version 7") && msg.contains("workspace.json"), msg);
        editJson(dir, "ratiofit-workspace", "pyhf");
        msg = error(dir);
        assertTrue(msg.contains("format is 'pyhf'"), msg);
    }

    @Test
    void missingWorkspaceJsonIsNamed() {
        String msg = error(tmp.resolve("nothing"));
        assertTrue(msg.contains("workspace.json") && msg.contains("not found"), msg);
    }

    @Test
    void referenceEventSetIsOptional() throws IOException {
        Random r = new Random(1);
        Map<String, SampleColumns> ref = new LinkedHashMap<>();
        ref.put("S", SampleColumns.of(new double[] {r.nextGaussian(), r.nextGaussian()}));
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, 0, 10));
        b.unbinned("SR", 1).reference(new EventSet(2, null, ref)).sample("S", 3, new double[] {0.5}).normFactor("mu").end().end();
        Path dir = tmp.resolve("ref");
        WorkspaceWriter.write(b.build(), dir);
        Model back = WorkspaceReader.readModel(dir);
        assertEquals(b.build().value(new double[] {2}), back.value(new double[] {2}), 0);
        assertEquals(List.of("mu"), back.parameterNames());
    }
}
