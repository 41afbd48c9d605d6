package org.ratiofit.ratio.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Foundation proof: a DJL NDArray operation works from an EMPTY DJL cache in a fresh JVM with no
 * offline flags on its command line or in its environment (only {@link DjlOffline} in code), the
 * PyTorch native library is unpacked from the Maven Central jar into that cache, and no http(s)
 * connection is attempted (neither a download nor the telemetry request).
 */
class DjlOfflineTest {

    @Test
    void ndarrayOperationRunsFromEmptyCacheWithoutNetwork(@TempDir Path cache) throws Exception {
        assertTrue(isEmpty(cache), "cache directory must start empty");
        String classPath = System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(DjlOfflineProbe.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("OPT_OUT_TRACKING");
        env.remove("DJL_OFFLINE");
        env.put("DJL_CACHE_DIR", cache.toString());
        env.put("ENGINE_CACHE_DIR", cache.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish:\n" + out);
        assertEquals(0, p.exitValue(), "probe failed:\n" + out);
        assertTrue(out.contains("DJL_ENGINE=PyTorch"), out);
        assertTrue(out.contains("SUM_OF_SQUARES=30.0"), out);
        assertTrue(out.contains("NETWORK_ATTEMPTS=0 "), out);
        // the native library now sits in the once-empty cache: it came out of the jar
        try (Stream<Path> files = Files.walk(cache)) {
            List<String> libs = files.map(Path::getFileName).map(Path::toString)
                    .filter(n -> n.startsWith("libtorch") && n.contains(".so")).toList();
            assertTrue(!libs.isEmpty(), "no libtorch*.so unpacked into " + cache + "\n" + out);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

}
