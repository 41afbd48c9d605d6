package org.ratiofit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files appear whole or not at all; a failure names the path and the reason and leaves an old file intact. */
class AtomicFilesTest {

    @TempDir
    Path dir;

    List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesAndReplaces() throws IOException {
        Path f = dir.resolve("a.csv");
        AtomicFiles.writeString(f, "one");
        assertEquals("one", Files.readString(f));
        AtomicFiles.writeString(f, "two");
        assertEquals("two", Files.readString(f));
        assertEquals(List.of("a.csv"), listing());
    }

    @Test
    void aFailureMidWayKeepsTheOldFileAndLeavesNoTemporary() throws IOException {
        Path f = dir.resolve("draws.csv");
        AtomicFiles.writeString(f, "old content");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, o -> {
            o.write("half of the new".getBytes(StandardCharsets.UTF_8));
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write " + f.toAbsolutePath() + ": no space left on device", e.getMessage());
        assertEquals("old content", Files.readString(f));
        assertEquals(List.of("draws.csv"), listing());
    }

    @Test
    void aLibraryExceptionWrappingAnIoFailureIsExplainedToo() throws IOException {
        Path f = dir.resolve("plot.svg");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeAt(f, tmp -> {
            assertTrue(tmp.getFileName().toString().endsWith(".svg"), "the temporary file keeps the extension");
            Files.writeString(tmp, "<svg");
            throw new IllegalStateException("XML parser failed", new IOException("No space left on device"));
        }));
        assertTrue(e.getMessage().endsWith("plot.svg: no space left on device"), e.getMessage());
        assertEquals(List.of(), listing());
    }

    @Test
    void aMissingFolderIsCreated() throws IOException {
        Path f = dir.resolve("a/b/c.json");
        AtomicFiles.writeString(f, "{}");
        assertEquals("{}", Files.readString(f));
    }

    @Test
    void aFileWhereTheFolderShouldBeIsNamed() throws IOException {
        Files.writeString(dir.resolve("a"), "x");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(dir.resolve("a/b.json"), "{}"));
        assertTrue(e.getMessage().startsWith("cannot write " + dir.resolve("a/b.json").toAbsolutePath() + ": "), e.getMessage());
        assertEquals("x", Files.readString(dir.resolve("a")));
    }
}
