package org.ratiofit.workspace.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.io.Npy;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;
import org.ratiofit.workspace.build.WorkspaceSummary.ColumnStats;

/** inspect: its numbers against the arrays of the workspace; warnings. */
class WorkspaceInspectorTest {

    @TempDir
    Path dir;

    @Test
    void summaryMatchesTheArraysOfABuiltWorkspace() throws IOException {
        Toy.writeInputs(dir, 21, 300, 800, 1500);
        Files.writeString(dir.resolve("fit.yml"), Toy.YAML);
        BuildResult built = WorkspaceBuilder.build(dir.resolve("fit.yml"), dir.resolve("ws"), BuildOptions.defaults().withThreads(2));
        WorkspaceSummary s = WorkspaceInspector.inspect(dir.resolve("ws"));
        assertEquals(List.of(), s.warnings());
        assertEquals(List.of("mu", "shift", "bnorm"), s.parameters().stream().map(WorkspaceSummary.ParameterInfo::name).toList());
        assertEquals("poi", s.parameters().get(0).kind());
        assertEquals(1.0, s.parameters().get(2).sigma());
        WorkspaceSummary.ChannelInfo sr = s.channels().get(0);
        assertEquals(built.channels().get(0).dataEvents(), sr.dataEvents());
        assertEquals(sr.dataEvents(), sr.observed());
        assertEquals(built.channels().get(0).referenceEvents(), sr.referenceEvents());
        assertEquals(built.channels().get(0).samples().get(0).nominal(), sr.samples().get(0).yield(), 1e-12);
        assertEquals(List.of("normfactor(mu)", "shapesys(shift, code 1)"), sr.samples().get(0).modifiers());
        assertEquals(List.of("normsys(bnorm, code 1, up 1.1, down 0.9)"), sr.samples().get(1).modifiers());

        double[] lr = Npy.read(dir.resolve("ws/SR.data.S.log_ratio.npy")).asDoubles();
        ColumnStats st = sr.samples().get(0).dataLogRatio();
        double[] sorted = lr.clone();
        Arrays.sort(sorted);
        assertEquals(lr.length, st.count());
        assertEquals(0, st.nanCount());
        assertEquals(sorted[0], st.min());
        assertEquals(sorted[sorted.length - 1], st.max());
        assertEquals(Arrays.stream(lr).sum() / lr.length, st.mean(), 1e-12 * Math.abs(st.mean()) + 1e-12);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2] : 0.5 * (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]);
        assertEquals(median, st.quantiles()[2], 1e-12);
        long below = Arrays.stream(lr).filter(v -> v <= st.quantiles()[1]).count();
        assertEquals(0.16, (double) below / lr.length, 1.5 / lr.length + 1e-9, "16% quantile");
        // the reference sample's own log-ratio is 0 against itself
        ColumnStats b = sr.samples().get(1).referenceLogRatio();
        assertEquals(0.0, b.min());
        assertEquals(0.0, b.max());
        String json = new ObjectMapper().writeValueAsString(s);
        assertTrue(json.contains("\"quantiles\""), json);
    }

    @Test
    void warningsForChangedModelsTinyRatiosZeroYieldsAndNaN() throws IOException {
        Toy.writeInputs(dir, 22, 200, 500, 800);
        Files.writeString(dir.resolve("fit.yml"), Toy.YAML);
        WorkspaceBuilder.build(dir.resolve("fit.yml"), dir.resolve("ws"), BuildOptions.defaults());
        Files.writeString(dir.resolve("models/S_shift_up/m1/model.json"), " ", StandardOpenOption.APPEND);
        WorkspaceSummary s = WorkspaceInspector.inspect(dir.resolve("ws"));
        assertEquals(List.of(dir.resolve("models/S_shift_up/m1/model.json").toString()), s.provenance().changedFiles());
        assertTrue(s.warnings().get(0).contains("S_shift_up/m1/model.json has changed since the build"), s.warnings().toString());

        // a hand-made workspace: event 1 far from every sample, a sample without yield
        double[] lrA = {0.1, -20, 0.3, 0.2};
        double[] lrB = {0.0, -15, -0.2, 0.1};
        ModelBuilder mb = new ModelBuilder().parameter(Parameter.poi("mu", 1, 0, 5));
        mb.unbinned("SR", 4).sample("A", 10, lrA).normFactor("mu").end().sample("B", 0, lrB).end().end();
        Path hand = dir.resolve("hand");
        WorkspaceWriter.write(mb.build(), hand);
        WorkspaceSummary h = WorkspaceInspector.inspect(hand);
        assertTrue(h.warnings().stream().anyMatch(w -> w.contains("sample 'B' has yield 0.0")), h.warnings().toString());
        assertTrue(h.warnings().stream().anyMatch(w -> w.contains("at 1 of 4 data events (the first: event 1)")), h.warnings().toString());
        assertTrue(h.warnings().stream().anyMatch(w -> w.contains("no provenance.json")), h.warnings().toString());
        assertNull(h.provenance());
        assertNull(h.channels().get(0).samples().get(0).referenceLogRatio());

        // a NaN written into a column: counted, and the likelihood's refusal reported
        lrA[2] = Double.NaN;
        Npy.write(hand.resolve("SR.data.A.log_ratio.npy"), lrA);
        WorkspaceSummary n = WorkspaceInspector.inspect(hand);
        assertEquals(1, n.channels().get(0).samples().get(0).dataLogRatio().nanCount());
        assertEquals(3, n.channels().get(0).samples().get(0).dataLogRatio().count() - 1);
        assertTrue(n.warnings().stream().anyMatch(w -> w.contains("1 NaN log-ratios")), n.warnings().toString());
        assertTrue(n.warnings().stream().anyMatch(w -> w.contains("the likelihood does not read this workspace")), n.warnings().toString());

        assertThrows(NoSuchFileException.class, () -> WorkspaceInspector.inspect(dir.resolve("nowhere")));
    }
}
