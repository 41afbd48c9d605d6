package org.ratiofit.cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
class ScratchWriteTest {
    @Test
    void write() throws Exception {
        ToyWorkspace.write(Path.of("/tmp/cli-ws"), new double[] {1, 0, 0}, 11);
    }
}
