package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.workspace.config.EnsembleInspector;
import org.ratiofit.workspace.config.FitConfig;
import org.ratiofit.workspace.config.FitConfigLoader;

/** YAML's special floats: infinite bounds as YAML writes them are accepted, NaN is refused by name. */
class YamlSpecialFloatsTest {

    @TempDir
    Path dir;

    @Test
    void infiniteBoundsAreAcceptedAndNanIsRefused() throws IOException {
        Path cfg = Analysis.write(dir);
        Files.writeString(cfg, BuildCommandTest.YAML.replace("Bounds: [0.0, 10.0]", "Bounds: [-.inf, .inf]"));
        FitConfig c = FitConfigLoader.load(cfg, EnsembleInspector.NONE);
        FitConfig.NormFactor mu = c.normFactors().get(0);
        assertEquals(Double.NEGATIVE_INFINITY, mu.lower());
        assertEquals(Double.POSITIVE_INFINITY, mu.upper());
        ToyWorkspace.Run r = ToyWorkspace.run("build", cfg.toString(), "-o", dir.resolve("ws").toString());
        assertEquals(0, r.code(), r::toString);

        Files.writeString(cfg, BuildCommandTest.YAML.replace("Bounds: [0.0, 10.0]", "Bounds: [.nan, 10.0]"));
        ToyWorkspace.Run nan = ToyWorkspace.run("build", cfg.toString(), "-o", dir.resolve("ws2").toString());
        BadInputTest.oneLine(nan, 1, "NormFactors[0].Bounds", "NaN (.nan) is not a bound");
        Files.writeString(cfg, BuildCommandTest.YAML.replace("Nominal: 1.0", "Nominal: .nan"));
        BadInputTest.oneLine(ToyWorkspace.run("build", cfg.toString(), "-o", dir.resolve("ws2").toString()), 1, "NormFactors[0].Nominal",
                "NaN (.nan) is not a usable value");
        assertTrue(!Files.exists(dir.resolve("ws2")));
    }
}
