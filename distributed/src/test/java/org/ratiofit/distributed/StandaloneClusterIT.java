package org.ratiofit.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.workspace.WorkspaceSource;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;
import org.ratiofit.samplers.profile.TestStatistic;
import org.ratiofit.samplers.toys.FitSettings;
import org.ratiofit.samplers.toys.LocalToyRunner;
import org.ratiofit.samplers.toys.ToyPlan;
import org.ratiofit.samplers.toys.ToySamples;
import org.ratiofit.validation.toys.ToyWorkspaces;

/**
 * A real standalone Spark cluster on 127.0.0.1: a master and a worker started as separate JVMs from
 * the Maven jars of the test class path (no Spark distribution: SPARK_TESTING=1 with
 * SPARK_DIST_CLASSPATH gives the worker's executors the same class path), a toy study submitted to
 * it, the samples compared with the local thread pool's, and both processes stopped by their
 * process ids. Tagged "integration": run with {@code mvn -B verify -pl distributed -am -Pspark-integration}.
 */
@Tag("integration")
class StandaloneClusterIT {

    @TempDir
    Path tmp;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    Process start(String name, List<String> args, Map<String, String> env) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(JavaModuleOptions.defaultModuleOptions().split(" ")));
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(cp);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile());
        pb.environment().putAll(env);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    static void waitForPort(int port, Process p, Path log) throws Exception {
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                assertTrue(p.isAlive(), () -> "process died:\n" + read(log));
                Thread.sleep(200);
            }
        }
        throw new AssertionError("port " + port + " never opened:\n" + read(log));
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Test
    void aToyStudyOnAStandaloneMasterAndWorkerEqualsTheLocalRun() throws Exception {
        Model m = ToyWorkspaces.gaussianOnExponential(SparkToyRunnerTest.TOY,
                SparkToyRunnerTest.TOY.generate(new double[] {0.3, 0, 0}, 8), 3000, 9, false);
        Path ws = tmp.resolve("ws");
        WorkspaceWriter.write(m, ws);
        WorkspaceSource source = WorkspaceSource.of(ws, Map.of(), Map.of(), false);
        Model model = source.load();
        ToyPlan plan = ToyPlan.cls(model, FitSettings.defaults(), TestStatistic.Q_TILDE_MU, new double[] {0.6, 1.2}, 4);
        ToySamples local = new LocalToyRunner(model, 2).run(plan.study(0, 24), null);

        int port = freePort();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path home = Files.createDirectories(tmp.resolve("spark-home"));
        Map<String, String> env = Map.of("SPARK_HOME", home.toString(), "SPARK_TESTING", "1", "SPARK_SCALA_VERSION", "2.13",
                "SPARK_DIST_CLASSPATH", cp, "SPARK_WORKER_DIR", tmp.resolve("work").toString());
        Process master = start("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--webui-port", String.valueOf(freePort())), env);
        Process worker = null;
        try {
            waitForPort(port, master, tmp.resolve("master.log"));
            worker = start("worker", List.of("org.apache.spark.deploy.worker.Worker", "spark://127.0.0.1:" + port, "--host", "127.0.0.1",
                    "--cores", "2", "--memory", "1g", "--webui-port", String.valueOf(freePort())), env);
            ToySamples spark;
            System.setProperty("spark.executor.memory", "700m");
            try (SparkToyRunner r = new SparkToyRunner("spark://127.0.0.1:" + port, source, 8)) {
                spark = r.run(plan.study(0, 24), null);
            } finally {
                System.clearProperty("spark.executor.memory");
                SparkContexts.stop();
            }
            for (int e = 0; e < local.ensembles().size(); e++) {
                for (int k = 0; k < local.ensembles().get(e).values().length; k++) {
                    assertArrayEquals(local.ensembles().get(e).values()[k], spark.ensembles().get(e).values()[k], "ensemble " + e);
                }
            }
        } catch (Throwable t) {
            throw new AssertionError(t.getMessage() + "\n--- master log\n" + read(tmp.resolve("master.log")) + "\n--- worker log\n"
                    + read(tmp.resolve("worker.log")), t);
        } finally {
            for (Process p : new Process[] {worker, master}) {
                if (p != null) {
                    long pid = p.pid();
                    p.destroy();
                    if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor();
                    }
                    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " still runs");
                }
            }
        }
    }
}
