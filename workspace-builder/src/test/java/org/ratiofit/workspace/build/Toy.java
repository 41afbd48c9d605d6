package org.ratiofit.workspace.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;

/**
 * A Gaussian signal (mean M, width S) on an exponential background (rate LAMBDA, the reference),
 * one feature x, with exact log-ratio ensembles: the signal against the background and the
 * signal with its peak shifted by ±DELTA against the nominal signal.
 */
final class Toy {
    static final double M = 2.0, S = 0.4, LAMBDA = 1.0, DELTA = 0.15;
    static final double SIGNAL_TOTAL = 40, BACKGROUND_TOTAL = 300;

    private Toy() {}

    static double lnGauss(double x, double mean) {
        return -0.5 * (x - mean) * (x - mean) / (S * S) - Math.log(S * Math.sqrt(2 * Math.PI));
    }

    static double lnExp(double x) {
        return Math.log(LAMBDA) - LAMBDA * x;
    }

    /** ln r = a x² + b x + c of the signal against the background. */
    static double[] signalAbc() {
        return new double[] {-0.5 / (S * S), M / (S * S) + LAMBDA, -0.5 * M * M / (S * S) - Math.log(S * Math.sqrt(2 * Math.PI)) - Math.log(LAMBDA)};
    }

    /** ln(N(x; M + shift) / N(x; M)) = b x + c. */
    static double[] shiftAbc(double shift) {
        return new double[] {0, shift / (S * S), -shift * M / (S * S) - 0.5 * shift * shift / (S * S)};
    }

    static EventTable events(String name, double[] x, double[] w) {
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        if (w != null) cols.put("w", w);
        return new EventTable(name, cols);
    }

    static double[] background(Random r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = -Math.log(1 - r.nextDouble()) / LAMBDA;
        return x;
    }

    static double[] signal(Random r, int n, double mean) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = mean + S * r.nextGaussian();
        return x;
    }

    static double[] constant(int n, double v) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, v);
        return w;
    }

    /** Writes events, ensembles and returns the folder; the YAML is written by the caller. */
    static void writeInputs(Path dir, long seed, int nData, int nSignal, int nBackground) throws IOException {
        Random r = new Random(seed);
        Files.createDirectories(dir);
        double[] bx = background(r, nData - nData / 8);
        double[] sx = signal(r, nData / 8, M);
        double[] data = new double[nData];
        System.arraycopy(bx, 0, data, 0, bx.length);
        System.arraycopy(sx, 0, data, bx.length, sx.length);
        EventFiles.write(dir.resolve("data.csv"), events("data", data, null), null);
        EventFiles.write(dir.resolve("signal.npz"), events("signal", signal(r, nSignal, M), constant(nSignal, SIGNAL_TOTAL / nSignal)), null);
        EventFiles.write(dir.resolve("background.csv"),
                events("background", background(r, nBackground), constant(nBackground, BACKGROUND_TOTAL / nBackground)), null);
        double[] s = signalAbc();
        ToyModels.ratioEnsemble(dir.resolve("models/S_vs_B"), "x", s[0], s[1], s[2], 2);
        double[] u = shiftAbc(DELTA);
        double[] d = shiftAbc(-DELTA);
        ToyModels.ratioEnsemble(dir.resolve("models/S_shift_up"), "x", u[0], u[1], u[2], 2);
        ToyModels.ratioEnsemble(dir.resolve("models/S_shift_dn"), "x", d[0], d[1], d[2], 3);
    }

    static final String YAML = """
            Version: 1
            General:
              Measurement:
                Name: toy
                POI: mu
              ChunkSize: 100
            TrainingFeatures: [x]
            Samples:
              - Name: data
                Data: true
                SamplePath: data.csv
              - Name: S
                UseAsBasis: true
                SamplePath: signal.npz
                Weight: w
                Ensemble: models/S_vs_B
              - Name: B
                UseAsBasis: true
                UseAsReference: true
                SamplePath: background.csv
                Weight: w
            NormFactors:
              - Name: mu
                Samples: S
                Nominal: 1.0
                Bounds: [0.0, 10.0]
            Systematics:
              - Name: shift
                Type: Shape
                Interpolation: code1
                Up:
                  - {SampleName: S, Ensemble: models/S_shift_up}
                Dn:
                  - {SampleName: S, Ensemble: models/S_shift_dn}
              - Name: bnorm
                Type: Norm
                Interpolation: code1
                Up:
                  - {SampleName: B, Yield: 1.1}
                Dn:
                  - {SampleName: B, Yield: 0.9}
            Regions:
              - Name: SR
                Type: unbinned
                Filter: "x > 0.5"
            Asimov:
              - Name: background_only
                Parameters: {mu: 0.0}
            """;
}
