package org.ratiofit.likelihood.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.ShapeNormalisation;
import org.ratiofit.likelihood.TestModels;
import org.ratiofit.likelihood.UnbinnedChannel;

/** The channel field "shape_normalisation": written, read back, legacy value honoured, bad values named. */
class ShapeNormalisationFormatTest {

    @TempDir
    Path tmp;

    @Test
    void fieldRoundTripsAndChangesTheLikelihood() throws IOException {
        Model m = TestModels.withReference(4, 200);
        Path dir = tmp.resolve("ref");
        WorkspaceWriter.write(m, dir);
        assertTrue(Files.readString(dir.resolve(Workspace.FILE)).contains("\"shape_normalisation\" : \"reference\""));
        Model back = WorkspaceReader.readModel(dir);
        double[] x = TestModels.point(m, 4);
        assertEquals(m.value(x), back.value(x), 1e-12 * Math.abs(m.value(x)));
        // the legacy value is read as such and gives a different -ln L
        String json = Files.readString(dir.resolve(Workspace.FILE)).replace("\"shape_normalisation\" : \"reference\"", "\"shape_normalisation\" : \"none\"");
        Files.writeString(dir.resolve(Workspace.FILE), json);
        Model legacy = WorkspaceReader.readModel(dir);
        assertEquals(ShapeNormalisation.NONE, ((UnbinnedChannel) legacy.channels().get(0)).normalisation());
        assertTrue(Math.abs(legacy.value(x) - m.value(x)) > 1e-6, "normalisation changes -ln L");
        // absent field: the default, reference
        Files.writeString(dir.resolve(Workspace.FILE), json.replace("\"shape_normalisation\" : \"none\",", ""));
        assertEquals(ShapeNormalisation.REFERENCE, ((UnbinnedChannel) WorkspaceReader.readModel(dir).channels().get(0)).normalisation());
        Files.writeString(dir.resolve(Workspace.FILE), json.replace("\"shape_normalisation\" : \"none\"", "\"shape_normalisation\" : \"sometimes\""));
        WorkspaceFormatException e = assertThrows(WorkspaceFormatException.class, () -> WorkspaceReader.readModel(dir));
        assertTrue(e.getMessage().contains("shape_normalisation") && e.getMessage().contains("'sometimes'"), e.getMessage());
    }

    @Test
    void shapesWithoutReferenceAreRefusedUnlessLegacy() throws IOException {
        ModelBuilder b = new ModelBuilder().parameter(Parameter.constrained("a"));
        b.unbinned("SR", 2).shapeNormalisation(ShapeNormalisation.NONE)
                .sample("S", 3, new double[2]).shapeSys("a", 4, new double[] {1.1, 1}, new double[] {0.9, 1}).end().end();
        Path dir = tmp.resolve("legacy");
        WorkspaceWriter.write(b.build(), dir);
        assertEquals(ShapeNormalisation.NONE, ((UnbinnedChannel) WorkspaceReader.readModel(dir).channels().get(0)).normalisation());
        Path f = dir.resolve(Workspace.FILE);
        Files.writeString(f, Files.readString(f).replace("\"shape_normalisation\" : \"none\"", "\"shape_normalisation\" : \"reference\""));
        WorkspaceFormatException e = assertThrows(WorkspaceFormatException.class, () -> WorkspaceReader.readModel(dir));
        assertTrue(e.getMessage().contains("channels[0]") && e.getMessage().contains("reference"), e.getMessage());
    }
}
