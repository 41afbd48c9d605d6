package org.ratiofit.samplers.nuts;

/**
 * Settings of a NUTS run. Defaults are CmdStan's: 4 chains of 1000 warm-up and 1000 sampling
 * iterations, maximum tree depth 10, divergence when the energy error exceeds 1000, dual averaging
 * with delta 0.8, gamma 0.05, t0 10, kappa 0.75, a diagonal metric adapted in windows of 75/25/50.
 *
 * <p>Fluent setters return {@code this}; Jackson writes the settings as JSON.
 */
public final class NutsSettings {

    /** Shape of the adapted inverse metric (mass matrix). */
    public enum Metric { UNIT, DIAGONAL, DENSE }

    private int chains = 4;
    private int warmup = 1000;
    private int samples = 1000;
    private int thin = 1;
    private long seed = 0;
    private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int maxDepth = 10;
    private double maxDeltaH = 1000;
    private double delta = 0.8;
    private double gamma = 0.05;
    private double t0 = 10;
    private double kappa = 0.75;
    private double initStepSize = 1;
    private Metric metric = Metric.DIAGONAL;
    private int initBuffer = 75;
    private int termBuffer = 50;
    private int baseWindow = 25;
    private double initJitter = 1;
    private boolean quiet = false;
    private double initUniform = Double.NaN;

    public NutsSettings() {
    }

    public static NutsSettings defaults() {
        return new NutsSettings();
    }

    public NutsSettings copy() {
        NutsSettings s = new NutsSettings();
        s.chains = chains; s.warmup = warmup; s.samples = samples; s.thin = thin; s.seed = seed;
        s.threads = threads; s.maxDepth = maxDepth; s.maxDeltaH = maxDeltaH; s.delta = delta;
        s.gamma = gamma; s.t0 = t0; s.kappa = kappa; s.initStepSize = initStepSize; s.metric = metric;
        s.initBuffer = initBuffer; s.termBuffer = termBuffer; s.baseWindow = baseWindow;
        s.initJitter = initJitter; s.quiet = quiet;
        s.initUniform = initUniform;
        return s;
    }

    /** Throws naming the first setting out of range. */
    public void validate() {
        positive("chains", chains);
        if (warmup < 0) throw bad("warmup", warmup, "must be >= 0");
        positive("samples", samples);
        if (!Double.isNaN(initUniform) && !(initUniform > 0 && initUniform < Double.POSITIVE_INFINITY)) {
            throw bad("initUniform", initUniform, "must be positive and finite (or NaN: start at the initial values)");
        }
        positive("thin", thin);
        positive("threads", threads);
        positive("maxDepth", maxDepth);
        if (!(maxDeltaH > 0)) throw bad("maxDeltaH", maxDeltaH, "must be positive");
        if (!(delta > 0 && delta < 1)) throw bad("delta", delta, "must lie in (0, 1)");
        if (!(gamma > 0)) throw bad("gamma", gamma, "must be positive");
        if (!(t0 >= 0)) throw bad("t0", t0, "must be >= 0");
        if (!(kappa > 0 && kappa <= 1)) throw bad("kappa", kappa, "must lie in (0, 1]");
        if (!(initStepSize > 0) || Double.isInfinite(initStepSize)) throw bad("initStepSize", initStepSize, "must be positive and finite");
        if (initBuffer < 0 || termBuffer < 0) throw bad("initBuffer/termBuffer", Math.min(initBuffer, termBuffer), "must be >= 0");
        positive("baseWindow", baseWindow);
        if (!(initJitter >= 0)) throw bad("initJitter", initJitter, "must be >= 0");
        if (metric == null) throw new IllegalArgumentException("NUTS setting metric must not be null");
    }

    private static void positive(String name, int v) {
        if (v <= 0) throw bad(name, v, "must be positive");
    }

    private static IllegalArgumentException bad(String name, double v, String why) {
        return new IllegalArgumentException("NUTS setting " + name + " = " + v + " " + why);
    }

    public int getChains() { return chains; }
    public int getWarmup() { return warmup; }
    public int getSamples() { return samples; }
    public int getThin() { return thin; }
    public long getSeed() { return seed; }
    public int getThreads() { return threads; }
    public int getMaxDepth() { return maxDepth; }
    public double getMaxDeltaH() { return maxDeltaH; }
    public double getDelta() { return delta; }
    public double getGamma() { return gamma; }
    public double getT0() { return t0; }
    public double getKappa() { return kappa; }
    public double getInitStepSize() { return initStepSize; }
    public Metric getMetric() { return metric; }
    public int getInitBuffer() { return initBuffer; }
    public int getTermBuffer() { return termBuffer; }
    public int getBaseWindow() { return baseWindow; }
    public double getInitJitter() { return initJitter; }
    public boolean isQuiet() { return quiet; }

    public NutsSettings chains(int v) { chains = v; return this; }
    public NutsSettings warmup(int v) { warmup = v; return this; }
    public NutsSettings samples(int v) { samples = v; return this; }
    /** Keep every {@code v}-th sampling iteration. */
    public NutsSettings thin(int v) { thin = v; return this; }
    public NutsSettings seed(long v) { seed = v; return this; }
    /** Worker threads for the chains; the draws do not depend on it. */
    public NutsSettings threads(int v) { threads = v; return this; }
    public NutsSettings maxDepth(int v) { maxDepth = v; return this; }
    public NutsSettings maxDeltaH(double v) { maxDeltaH = v; return this; }
    /** Target acceptance statistic of dual averaging. */
    public NutsSettings delta(double v) { delta = v; return this; }
    public NutsSettings gamma(double v) { gamma = v; return this; }
    public NutsSettings t0(double v) { t0 = v; return this; }
    public NutsSettings kappa(double v) { kappa = v; return this; }
    public NutsSettings initStepSize(double v) { initStepSize = v; return this; }
    public NutsSettings metric(Metric v) { metric = v; return this; }
    public NutsSettings initBuffer(int v) { initBuffer = v; return this; }
    public NutsSettings termBuffer(int v) { termBuffer = v; return this; }
    public NutsSettings baseWindow(int v) { baseWindow = v; return this; }
    /**
     * Spread of the starting points: each chain starts at the parameters' initial values moved by
     * a uniform draw in (-v, v) times each parameter's step (in unconstrained units, at most 2).
     */
    public NutsSettings initJitter(double v) { initJitter = v; return this; }
    /** No progress bar. */
    public NutsSettings quiet(boolean v) { quiet = v; return this; }

    /**
     * Stan-style starting points: every sampled coordinate drawn uniformly in (−radius, radius) on
     * the unconstrained scale, independently per chain (Stan's default is radius 2), instead of
     * the initial values with {@link #initJitter}. NaN (the default) turns it off.
     */
    public NutsSettings initUniform(double radius) { initUniform = radius; return this; }
    /** Stan's default initialisation: uniform in (−2, 2) on the unconstrained scale. */
    public NutsSettings stanInit() { return initUniform(2); }
    public double getInitUniform() { return initUniform; }
}
