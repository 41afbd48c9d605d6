package org.ratiofit.distributed;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The one Spark context of this JVM (Spark allows one): created on first use with ratiofit's
 * settings (no web UI, quiet logging, loopback when SPARK_LOCAL_IP says so), reused by every toy
 * study with the same master, replaced when another master is asked for. A standalone master that
 * cannot be reached, or a cluster that gives no executor, is an error within
 * {@link #EXECUTOR_WAIT_MS} ms instead of a hang.
 */
public final class SparkContexts {

    /** How long a new context waits for its first executor. */
    public static final long EXECUTOR_WAIT_MS = 30_000;

    private static JavaSparkContext current;
    private static String currentMaster;

    private SparkContexts() {
    }

    /** Spark's and its libraries' loggers at warn (slf4j-simple reads these before its first logger). */
    static void quietLogging() {
        String[] noisy = {"org.apache.spark", "org.sparkproject", "org.apache.hadoop", "io.netty", "org.apache.parquet"};
        for (String n : noisy) {
            System.setProperty("org.slf4j.simpleLogger.log." + n, System.getProperty("org.slf4j.simpleLogger.log." + n, "warn"));
        }
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.spark.util.Utils",
                System.getProperty("org.slf4j.simpleLogger.log.org.apache.spark.util.Utils", "error"));
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.hadoop.util.NativeCodeLoader", "error");
    }

    /**
     * The context for {@code master} (null: the master spark-submit configured).
     */
    public static synchronized JavaSparkContext get(String master) {
        String key = master == null ? "<spark-submit>" : master;
        if (current != null && key.equals(currentMaster) && !current.sc().isStopped()) {
            return current;
        }
        if (master != null && master.startsWith("spark://")) {
            checkReachable(master);
        }
        stop();
        quietLogging();
        SparkConf conf = new SparkConf().setAppName("ratiofit toys")
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
        if (master != null) {
            conf.setMaster(master);
        }
        String local = System.getenv("SPARK_LOCAL_IP");
        if (local != null && !local.isBlank() && !conf.contains("spark.driver.host")) {
            conf.set("spark.driver.host", local).set("spark.driver.bindAddress", local);
        }
        if (!conf.contains("spark.jars")) {
            String jars = System.getProperty("ratiofit.spark.jars");
            if (jars != null && !jars.isBlank()) {
                conf.set("spark.jars", jars);
            }
        }
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        current = sc;
        currentMaster = key;
        if (!sc.sc().isLocal()) {
            waitForExecutor(sc, master);
        }
        return sc;
    }

    /** Stops the context, if any. */
    public static synchronized void stop() {
        if (current != null) {
            current.stop();
            current = null;
            currentMaster = null;
        }
    }

    private static void checkReachable(String master) {
        for (String hp : master.substring("spark://".length()).split(",")) {
            URI u = URI.create("spark://" + hp.trim());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 7077 : u.getPort()), 5000);
                return;
            } catch (IOException | IllegalArgumentException e) {
                // try the next master of a high-availability list
            }
        }
        throw new IllegalStateException("the Spark master " + master + " cannot be reached (no answer within 5 s): is it running, "
                + "and is the address the one its log shows?");
    }

    private static void waitForExecutor(JavaSparkContext sc, String master) {
        long end = System.currentTimeMillis() + EXECUTOR_WAIT_MS;
        while (System.currentTimeMillis() < end) {
            // the driver itself is one entry
            if (sc.sc().statusTracker().getExecutorInfos().length > 1) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stop();
        throw new IllegalStateException("no Spark executor registered with " + (master == null ? "the master" : master) + " within "
                + EXECUTOR_WAIT_MS / 1000 + " s: are workers running, with enough free cores and memory?");
    }
}
