package org.ratiofit.ratio.training;

/**
 * Keeps DJL offline. Every training entry point calls {@link #ensure()} before touching any DJL
 * class: {@code ai.djl.engine.Engine}'s static initialiser calls {@code Ec2Utils.callHome}, which
 * sends a telemetry request to an EC2 metadata address unless DJL sees offline mode or
 * {@code OPT_OUT_TRACKING}. What DJL 0.35.1 reads (checked in its bytecode):
 * <ul>
 *   <li>{@code Utils.isOfflineMode()}: environment {@code DJL_OFFLINE}, else system property
 *       {@code ai.djl.offline}, else system property {@code offline};</li>
 *   <li>{@code Ec2Utils.callHome}: returns at once when offline, or when
 *       {@code Utils.getEnvOrSystemProperty("OPT_OUT_TRACKING")} (environment first, then system
 *       property) parses as true.</li>
 * </ul>
 * An environment variable wins over the system property, so an explicit
 * {@code DJL_OFFLINE=false} or {@code OPT_OUT_TRACKING=false} in the environment is refused here.
 * It also sets PyTorch's intra- and inter-op thread counts to 1 unless already set
 * ({@code ai.djl.pytorch.num_threads}, {@code ai.djl.pytorch.num_interop_threads}).
 */
public final class DjlOffline {
    static {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        // Small MLPs: PyTorch's default of one OpenMP thread per core spins against the other
        // threads of a loaded machine (measured 10x slower on 2 shared cores). One intra-op thread
        // unless the caller chose otherwise (read once, at PyTorch engine start).
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        refuseEnvironmentOverride("DJL_OFFLINE");
        refuseEnvironmentOverride("OPT_OUT_TRACKING");
    }

    private DjlOffline() {
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static void refuseEnvironmentOverride(String name) {
        String value = System.getenv(name);
        if (value != null && !Boolean.parseBoolean(value)) {
            throw new IllegalStateException("environment variable " + name + "=" + value
                    + " would let DJL go online (download or telemetry); unset it or set it to true");
        }
    }

    /** Sets the offline properties (once, in the static initialiser); call before any DJL class loads. */
    public static void ensure() {
        // the work is done by the static initialiser
    }

    /**
     * Sets PyTorch's intra-op thread count ({@code ai.djl.pytorch.num_threads}) on the calling
     * thread. OpenMP's and MKL's counts are per thread and the engine sets them only on the thread
     * that starts it; on any other thread the kernels would run with one thread per core, whose
     * reductions (and MKL's dynamic choice of threads under load) change the last bits. Every
     * trainer calls this first, so that a member is the same on whichever thread trains it.
     */
    public static void intraOpThreadsOnThisThread() {
        ensure();
        Integer threads = Integer.getInteger("ai.djl.pytorch.num_threads");
        if (threads != null && threads > 0) {
            ai.djl.engine.Engine.getEngine("PyTorch");
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
    }
}
