package org.ratiofit.validation.salad;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;

/**
 * The seed-style toy of a resonant anomaly search (SALAD, CATHODE): a smoothly falling resonant
 * variable m on [{@link #M_LOW}, {@link #M_HIGH}] (density ∝ e^{−m/τ}), two background features
 * correlated with m, a simulation whose background differs from the data's by a smooth
 * m-dependent distortion (shift and width of both features vary with m), and a narrow resonance at
 * m0 with localised features. Everything is known:
 *
 * <ul>
 * <li>data background: x1 ~ N(0.8 m, 1), x2 ~ N(1 − 0.5 m, 0.8 + 0.1 m);</li>
 * <li>simulation: x1 ~ N(0.8 m + 0.3 + 0.15 (m − 4), 1.15 + 0.05 (m − 4)),
 *     x2 ~ N(1 − 0.5 m − 0.2 + 0.1 (m − 4), (0.8 + 0.1 m)(1.1 + 0.05 (m − 4)));</li>
 * <li>signal: m ~ N(m0, 0.05), x1 ~ N(4.0, 0.3), x2 ~ N(0.0, 0.3): localised, inside the bulk of the
 *     background (3.2 ± 1 and −1 ± 1.2 at m0 = 4), so that only its density stands out.</li>
 * </ul>
 *
 * The injected signal is {@code signalFraction} × the data's background count in the signal
 * region [m0 − 0.2, m0 + 0.2]. The data carry a truth column {@code label} (1 signal, 0
 * background); the simulation does not.
 */
public record SaladToy(int dataBackground, int simulation, double signalFraction, double tau, double m0) {

    public static final double M_LOW = 3.0;
    public static final double M_HIGH = 5.0;
    public static final double SR_LOW = 3.8;
    public static final double SR_HIGH = 4.2;

    public SaladToy {
        if (dataBackground < 1 || simulation < 1) {
            throw new IllegalArgumentException("event counts must be positive: data " + dataBackground
                    + ", simulation " + simulation);
        }
        if (!(signalFraction >= 0) || !(tau > 0)) {
            throw new IllegalArgumentException("signal fraction must be >= 0 and tau > 0: " + signalFraction + ", " + tau);
        }
    }

    /** The default toy: m0 = 4, τ = 1.2. */
    public static SaladToy of(int dataBackground, int simulation, double signalFraction) {
        return new SaladToy(dataBackground, simulation, signalFraction, 1.2, 4.0);
    }

    /** Columns m, x1, x2, label of the data: background plus injected signal (appended). */
    public Map<String, double[]> data(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] b = background(dataBackground, rng, false);
        int nSr = 0;
        for (double m : b[0]) {
            nSr += m >= SR_LOW && m < SR_HIGH ? 1 : 0;
        }
        int nSig = (int) Math.round(signalFraction * nSr);
        double[][] s = signal(nSig, rng);
        return columns(b, s);
    }

    /** Columns m, x1, x2 of the simulated background. */
    public Map<String, double[]> simulation(long seed) {
        double[][] b = background(simulation, new SplittableRandom(seed ^ 0x5A1AD5A1ADL), true);
        Map<String, double[]> c = new LinkedHashMap<>();
        c.put("m", b[0]);
        c.put("x1", b[1]);
        c.put("x2", b[2]);
        return c;
    }

    /** n data-like background events (label 0): the idealised classifier's "true background". */
    public Map<String, double[]> trueBackground(int n, long seed) {
        return columns(background(n, new SplittableRandom(seed ^ 0x7B7B7BL), false), new double[3][0]);
    }

    /** n signal events (label 1). */
    public Map<String, double[]> signal(int n, long seed) {
        return columns(new double[3][0], signal(n, new SplittableRandom(seed ^ 0x51651L)));
    }

    /**
     * A labelled test set in the signal region: nBackground data-like background events and nSignal
     * signal events, for efficiencies (SIC) of classifiers that never saw them.
     */
    public Map<String, double[]> testSet(int nBackground, int nSignal, long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x7E57L);
        double[][] b = new double[3][nBackground];
        int k = 0;
        while (k < nBackground) {
            double[][] one = background(1, rng, false);
            if (one[0][0] >= SR_LOW && one[0][0] < SR_HIGH) {
                for (int j = 0; j < 3; j++) {
                    b[j][k] = one[j][0];
                }
                k++;
            }
        }
        return columns(b, signal(nSignal, rng));
    }

    private double[][] background(int n, SplittableRandom rng, boolean simulated) {
        double[][] out = new double[3][n];
        double a = Math.exp(-M_LOW / tau);
        double c = Math.exp(-M_HIGH / tau);
        for (int i = 0; i < n; i++) {
            double m = -tau * Math.log(a - rng.nextDouble() * (a - c));
            double mu1 = 0.8 * m;
            double s1 = 1.0;
            double mu2 = 1 - 0.5 * m;
            double s2 = 0.8 + 0.1 * m;
            if (simulated) {
                double d = m - 4;
                mu1 += 0.3 + 0.15 * d;
                s1 *= 1.15 + 0.05 * d;
                mu2 += -0.2 + 0.1 * d;
                s2 *= 1.1 + 0.05 * d;
            }
            out[0][i] = m;
            out[1][i] = mu1 + s1 * rng.nextGaussian();
            out[2][i] = mu2 + s2 * rng.nextGaussian();
        }
        return out;
    }

    /** The exact ln p_data(x|m)/p_sim(x|m) of the background (the same m spectrum in both): what the reweighting learns. */
    public static double exactLogRatio(double m, double x1, double x2) {
        double d = m - 4;
        double mu1 = 0.8 * m;
        double mu2 = 1 - 0.5 * m;
        double s2 = 0.8 + 0.1 * m;
        return logNormal(x1, mu1, 1.0) - logNormal(x1, mu1 + 0.3 + 0.15 * d, 1.15 + 0.05 * d)
                + logNormal(x2, mu2, s2) - logNormal(x2, mu2 - 0.2 + 0.1 * d, s2 * (1.1 + 0.05 * d));
    }

    private static double logNormal(double x, double mu, double sigma) {
        double z = (x - mu) / sigma;
        return -0.5 * z * z - Math.log(sigma);
    }

    private double[][] signal(int n, SplittableRandom rng) {
        double[][] out = new double[3][n];
        for (int i = 0; i < n; i++) {
            out[0][i] = m0 + 0.05 * rng.nextGaussian();
            out[1][i] = 4.0 + 0.3 * rng.nextGaussian();
            out[2][i] = 0.0 + 0.3 * rng.nextGaussian();
        }
        return out;
    }

    private static Map<String, double[]> columns(double[][] b, double[][] s) {
        int nb = b[0].length;
        int n = nb + s[0].length;
        Map<String, double[]> c = new LinkedHashMap<>();
        String[] names = {"m", "x1", "x2"};
        for (int j = 0; j < 3; j++) {
            double[] v = new double[n];
            System.arraycopy(b[j], 0, v, 0, nb);
            System.arraycopy(s[j], 0, v, nb, s[0].length);
            c.put(names[j], v);
        }
        double[] label = new double[n];
        for (int i = nb; i < n; i++) {
            label[i] = 1;
        }
        c.put("label", label);
        return c;
    }

    /**
     * Writes data.csv, simulation.csv, background.csv (true background, as many events as the
     * data), signal.csv (2000 events), test.csv (SR: 20000 background, 2000 signal) and salad.yml,
     * a configuration that reads them, into a folder; returns the configuration's path.
     */
    public Path write(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        EventFiles.write(dir.resolve("data.csv"), new EventTable("data", data(seed)), ReadOptions.DEFAULT);
        EventFiles.write(dir.resolve("simulation.csv"), new EventTable("simulation", simulation(seed)), ReadOptions.DEFAULT);
        EventFiles.write(dir.resolve("background.csv"), new EventTable("background", trueBackground(dataBackground, seed)),
                ReadOptions.DEFAULT);
        EventFiles.write(dir.resolve("signal.csv"), new EventTable("signal", signal(2000, seed)), ReadOptions.DEFAULT);
        EventFiles.write(dir.resolve("test.csv"), new EventTable("test", testSet(20000, 2000, seed)), ReadOptions.DEFAULT);
        String yml = String.format(Locale.ROOT, """
                Version: 1
                # generated by SaladToy(dataBackground=%d, simulation=%d, signalFraction=%s, tau=%s, m0=%s), seed %d
                ResonantVariable: m
                Features: [x1, x2]
                SignalRegion: [%s, %s]
                Sidebands: [[3.4, %s], [%s, 4.6]]
                ValidationRegions:
                  - {Name: VR_low, Range: [3.0, 3.4]}
                  - {Name: VR_high, Range: [4.6, 5.0]}
                Data: data.csv
                Simulation: simulation.csv
                Truth:
                  Column: label
                  TrueBackground: background.csv
                  Signal: signal.csv
                  TestEvents: test.csv
                """, dataBackground, simulation, signalFraction, tau, m0, seed, SR_LOW, SR_HIGH, SR_LOW, SR_HIGH);
        Path config = dir.resolve("salad.yml");
        AtomicFiles.writeString(config, yml);
        return config;
    }
}
