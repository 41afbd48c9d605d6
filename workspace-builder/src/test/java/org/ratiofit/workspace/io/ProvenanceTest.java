package org.ratiofit.workspace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceTest {

    @TempDir
    Path dir;

    @Test
    void sha256MatchesKnownDigests() throws IOException {
        // FIPS 180-2 test vectors.
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Checksums.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Checksums.sha256(new byte[0]));
        Path f = Files.writeString(dir.resolve("abc.txt"), "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Checksums.sha256(f));
    }

    @Test
    void folderDigestsFollowEveryFile() throws IOException {
        Path m = Files.createDirectories(dir.resolve("ens/sub"));
        Files.writeString(dir.resolve("ens/member_0.onnx"), "abc");
        Files.writeString(m.resolve("scaler.json"), "");
        Map<String, String> tree = Checksums.sha256Tree(dir.resolve("ens"));
        assertEquals(List.of("member_0.onnx", "sub/scaler.json"), List.copyOf(tree.keySet()));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", tree.get("member_0.onnx"));
        String before = Checksums.sha256Folder(dir.resolve("ens"));
        Files.writeString(m.resolve("scaler.json"), " ");
        assertNotEquals(before, Checksums.sha256Folder(dir.resolve("ens")));
    }

    @Test
    void recordsAndRoundTripsAsJson() throws IOException {
        Path config = Files.writeString(dir.resolve("fit.yml"), "abc");
        Path ens = Files.createDirectories(dir.resolve("ens"));
        Files.writeString(ens.resolve("member_0.onnx"), "");
        Path data = Files.writeString(dir.resolve("data.csv"), "abc");
        Provenance p = Provenance.of(config, List.of(ens), List.of(data), Instant.parse("2026-11-23T11:30:00.123Z"));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", p.configSha256());
        assertEquals("2026-11-23T11:30:00Z", p.createdAt());
        assertEquals(Map.of("member_0.onnx", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                p.modelSha256().get(ens.toString()));
        assertEquals(p.configSha256(), p.inputSha256().get(data.toString()));
        assertTrue(p.ratiofitVersion().matches("\\d+\\.\\d+\\.\\d+.*"), "version from the Maven build: " + p.ratiofitVersion());
        Path out = Files.createDirectories(dir.resolve("ws"));
        p.write(out);
        assertEquals(p, Provenance.read(out));
        assertTrue(Files.readString(out.resolve(Provenance.FILE_NAME)).contains("\"formatVersion\" : 1"));
    }
}
