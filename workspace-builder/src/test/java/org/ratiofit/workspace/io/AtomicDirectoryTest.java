package org.ratiofit.workspace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {

    @TempDir
    Path dir;

    List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void commitMakesTheFolderAppearWhole() throws IOException {
        Path target = dir.resolve("ws");
        try (AtomicDirectory out = AtomicDirectory.create(target, false)) {
            Files.writeString(out.path().resolve("a.json"), "{}");
            Files.createDirectories(out.path().resolve("arrays"));
            Files.writeString(out.path().resolve("arrays/x.npy"), "x");
            assertFalse(Files.exists(target), "nothing under the target name before the commit");
            assertTrue(out.path().getFileName().toString().startsWith(".ws.partial-"));
            assertEquals(target, out.commit());
        }
        assertEquals(List.of("ws"), listing());
        assertEquals("x", Files.readString(target.resolve("arrays/x.npy")));
    }

    @Test
    void failedBuildLeavesNothingBehind() throws IOException {
        Path target = dir.resolve("ws");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (AtomicDirectory out = AtomicDirectory.create(target, false)) {
                Files.writeString(out.path().resolve("half.npy"), "partial");
                Files.createDirectories(out.path().resolve("deep/er"));
                Files.writeString(out.path().resolve("deep/er/file"), "partial");
                throw new IllegalStateException("evaluation failed");
            }
        });
        assertEquals("evaluation failed", e.getMessage());
        assertEquals(List.of(), listing());
    }

    @Test
    void existingTargetIsRefusedBeforeAnyWork() throws IOException {
        Path target = Files.createDirectory(dir.resolve("ws"));
        Files.writeString(target.resolve("old.json"), "old");
        assertThrows(FileAlreadyExistsException.class, () -> AtomicDirectory.create(target, false));
        assertEquals(List.of("ws"), listing());
        assertEquals("old", Files.readString(target.resolve("old.json")));
    }

    @Test
    void overwriteReplacesTheOldResultOnlyOnCommit() throws IOException {
        Path target = Files.createDirectory(dir.resolve("ws"));
        Files.writeString(target.resolve("old.json"), "old");
        try (AtomicDirectory out = AtomicDirectory.create(target, true)) {
            Files.writeString(out.path().resolve("new.json"), "new");
            // A failure now must keep the old result intact: check it is still there mid-build.
            assertEquals("old", Files.readString(target.resolve("old.json")));
            out.commit();
        }
        assertEquals(List.of("ws"), listing());
        assertFalse(Files.exists(target.resolve("old.json")));
        assertEquals("new", Files.readString(target.resolve("new.json")));

        assertThrows(IOException.class, () -> {
            try (AtomicDirectory out = AtomicDirectory.create(target, true)) {
                Files.writeString(out.path().resolve("newer.json"), "newer");
                throw new IOException("failed");
            }
        });
        assertEquals(List.of("ws"), listing());
        assertEquals(List.of("new.json"), Files.list(target).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void targetThatIsAFileIsRefused() throws IOException {
        Path target = Files.writeString(dir.resolve("ws"), "a file");
        assertThrows(FileAlreadyExistsException.class, () -> AtomicDirectory.create(target, true));
        assertEquals("a file", Files.readString(target));
    }
}
