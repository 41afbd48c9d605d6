package org.ratiofit.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.cli.RatiofitCommand;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.workspace.WorkspaceSource;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;
import org.ratiofit.samplers.profile.TestStatistic;
import org.ratiofit.samplers.toys.FitSettings;
import org.ratiofit.samplers.toys.LocalToyRunner;
import org.ratiofit.samplers.toys.ToyPlan;
import org.ratiofit.samplers.toys.ToySamples;
import org.ratiofit.validation.toys.GaussianOnExponential;
import org.ratiofit.validation.toys.ToyWorkspaces;

/**
 * The Spark toy runner in local mode (one context shared by the JVM): the same samples as the
 * local thread pool, also when Spark retries a failed task (the first attempt of task 0 fails on
 * purpose here); the command line finds the runner through ServiceLoader; an unreachable master is
 * a clear error, quickly.
 */
class SparkToyRunnerTest {

    static final String MASTER = "local[2,3]";
    static final GaussianOnExponential TOY = new GaussianOnExponential(GaussianOnExponential.Config.standard());

    @TempDir
    static Path tmp;

    static Path wsDir;
    static Model model;

    @BeforeAll
    static void setUp() throws Exception {
        // every job's task 0 fails once: Spark retries it (local[2,3]: up to 3 attempts)
        System.setProperty(SparkToyRunner.FAIL_FIRST_ATTEMPT, "true");
        double[] data = TOY.generate(new double[] {0.3, 0, 0}, 5);
        Model m = ToyWorkspaces.gaussianOnExponential(TOY, data, 3000, 6, false);
        wsDir = tmp.resolve("ws");
        WorkspaceWriter.write(m, wsDir);
        model = WorkspaceSource.of(wsDir, Map.of(), Map.of(), false).load();
    }

    @AfterAll
    static void tearDown() {
        SparkContexts.stop();
        System.clearProperty(SparkToyRunner.FAIL_FIRST_ATTEMPT);
    }

    @Test
    void sparkGivesTheLocalThreadPoolsSamplesEvenWithARetriedTask() {
        ToyPlan plan = ToyPlan.cls(model, FitSettings.defaults(), TestStatistic.Q_TILDE_MU, new double[] {0.6, 1.2}, 4);
        ToySamples local = new LocalToyRunner(model, 2).run(plan.study(0, 16), null);
        long[] last = new long[1];
        // tapered tasks (the default: 16 toys x 3 on 2 slots gives tasks of 12 toys down to 2)
        // and uniform ones of 7 toys
        for (boolean tapered : new boolean[] {true, false}) {
            ToySamples spark;
            try (SparkToyRunner r = new SparkToyRunner(MASTER, WorkspaceSource.of(wsDir, Map.of(), Map.of(), false), tapered ? 2 : 7,
                    tapered)) {
                spark = r.run(plan.study(0, 16), d -> last[0] = d);
            }
            assertEquals(48, last[0], "the progress reaches every toy");
            for (int e = 0; e < local.ensembles().size(); e++) {
                for (int m = 0; m < local.ensembles().get(e).values().length; m++) {
                    assertArrayEquals(local.ensembles().get(e).values()[m], spark.ensembles().get(e).values()[m], "ensemble " + e);
                }
                assertArrayEquals(local.ensembles().get(e).muHat(), spark.ensembles().get(e).muHat());
                assertArrayEquals(local.ensembles().get(e).valid(), spark.ensembles().get(e).valid());
            }
        }
    }

    static String[] run(int expected, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RatiofitCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(expected, code, () -> "stdout:\n" + out + "\nstderr:\n" + err);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void theCommandLineRunsToysOnSparkWithTheSameResult() throws Exception {
        String[] base = {"significance", wsDir.toString(), "--toys", "20", "--seed", "3", "--json"};
        ObjectMapper json = new ObjectMapper();
        JsonNode local = json.readTree(run(0, base)[0]);
        String[] withMaster = java.util.Arrays.copyOf(base, base.length + 4);
        withMaster[base.length] = "--master";
        withMaster[base.length + 1] = MASTER;
        withMaster[base.length + 2] = "--toys-per-task";
        withMaster[base.length + 3] = "6";
        JsonNode spark = json.readTree(run(0, withMaster)[0]);
        assertEquals(local.get("significance"), spark.get("significance"));
    }

    @Test
    void anUnreachableMasterIsAClearErrorWithinSeconds() {
        long t0 = System.nanoTime();
        String[] r = run(1, "limit", wsDir.toString(), "--toys", "5", "--grid", "0.5:1:2", "--master", "spark://127.0.0.1:1");
        assertTrue(r[1].contains("cannot be reached"), r[1]);
        assertTrue((System.nanoTime() - t0) / 1e9 < 30, "took too long");
    }
}
