package org.ratiofit.workspace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;

class EventChunksTest {

    @TempDir
    Path dir;

    static Stream<Long> seeds() {
        return Stream.of(1L, 2L, 3L, 4L);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void chunksCoverEveryEventOnceInOrderAcrossFiles(long seed) throws IOException {
        java.util.Random rnd = new java.util.Random(seed);
        String[] names = {"a.npy", "b.csv", "c.h5", "d.npz"};
        List<Path> files = new ArrayList<>();
        int next = 0;
        for (String n : names) {
            int count = 1 + rnd.nextInt(50);
            double[] v = new double[count];
            for (int i = 0; i < count; i++) v[i] = next++;
            Path f = dir.resolve(n);
            EventFiles.write(f, new EventTable(n, Map.of("idx", v)), ReadOptions.DEFAULT);
            files.add(f);
        }
        int total = next;
        int chunk = 1 + rnd.nextInt(20);
        List<Long> progress = new ArrayList<>();
        long[] expectedFirst = {0};
        EventChunks.forEachFile(files, ReadOptions.DEFAULT, List.of("idx"), chunk, (done, all) -> {
            assertEquals(total, all, "seed " + seed + ": total");
            progress.add(done);
        }, (t, first) -> {
            assertEquals(expectedFirst[0], first, "seed " + seed + ": first index of the chunk");
            assertTrue(t.size() <= chunk && t.size() > 0, "seed " + seed + ": chunk of " + t.size());
            for (int i = 0; i < t.size(); i++) {
                assertEquals(first + i, t.column("idx")[i], 0.0, "seed " + seed + ": event " + (first + i));
            }
            expectedFirst[0] += t.size();
        });
        assertEquals(total, expectedFirst[0], "seed " + seed + ": every event seen");
        assertEquals(0L, progress.get(0));
        assertEquals((long) total, progress.get(progress.size() - 1));
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i) > progress.get(i - 1), "seed " + seed + ": progress increases");
        }
    }
}
