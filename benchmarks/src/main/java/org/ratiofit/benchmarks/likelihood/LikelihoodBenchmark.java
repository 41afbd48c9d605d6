package org.ratiofit.benchmarks.likelihood;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;

/**
 * Value + gradient of the unbinned -ln L: N events, 3 basis samples, 10 per-event code-4 shape
 * systematics per sample and 5 normsys (the configuration); the polynomial form with 3
 * nuisance parameters (9 monomials) per sample; and a STREAM-like triad over as many bytes as the
 * shape benchmark's per-event inputs, as the memory-bandwidth reference. Same formula in numpy:
 * benchmarks/scripts/likelihood_numpy.py; both run by benchmarks/scripts/likelihood_bench.sh.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "--add-modules", "jdk.incubator.vector"})
public class LikelihoodBenchmark {

    static final int SAMPLES = 3;
    static final int SHAPES = 10;
    static final int NORMSYS = 5;

    static double[] gauss(SplittableRandom r, int n, double mean, double sd) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            // sum of uniforms: cheap, roughly Gaussian, enough for a benchmark
            c[i] = mean + sd * (r.nextDouble() + r.nextDouble() + r.nextDouble() - 1.5) * 2;
        }
        return c;
    }

    static double[] ratio(SplittableRandom r, int n, double sd) {
        double[] c = gauss(r, n, 0, sd);
        for (int i = 0; i < n; i++) {
            c[i] = Math.exp(c[i]);
        }
        return c;
    }

    @State(Scope.Benchmark)
    public static class ShapeState {
        @Param({"1000000"})
        public int events;
        /** Storage of the per-event shape columns in the event loop. */
        @Param({"float32", "float64"})
        public String storage;
        public Model model;
        public double[] x;
        public double[] g;
        public double[][] h;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom r = new SplittableRandom(1);
            ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1.2, 0, 10));
            for (int k = 0; k < SHAPES; k++) {
                b.parameter(Parameter.constrained("shape" + k));
            }
            for (int k = 0; k < NORMSYS; k++) {
                b.parameter(Parameter.constrained("norm" + k));
            }
            ModelBuilder.UnbinnedBuilder u = b.unbinned("SR", events);
            double[] yields = {50, 200, 5000};
            for (int p = 0; p < SAMPLES; p++) {
                ModelBuilder.SampleBuilder s = u.sample("s" + p, yields[p], gauss(r, events, 0, 0.5));
                if (p == 0) {
                    s.normFactor("mu");
                }
                for (int k = 0; k < SHAPES; k++) {
                    s.shapeSys("shape" + k, 4, ratio(r, events, 0.05), ratio(r, events, 0.05));
                }
                for (int k = 0; k < NORMSYS; k++) {
                    if ((k + p) % 2 == 0) {
                        s.normSys("norm" + k, 4, 1.05, 0.96);
                    }
                }
                s.end();
            }
            // the shape factors normalised over reference events (a tenth as many; as in the end-to-end benchmark)
            int nRef = events / 10;
            java.util.Map<String, org.ratiofit.likelihood.SampleColumns> ref = new java.util.LinkedHashMap<>();
            for (int p = 0; p < SAMPLES; p++) {
                List<double[]> up = new ArrayList<>();
                List<double[]> down = new ArrayList<>();
                for (int k = 0; k < SHAPES; k++) {
                    up.add(ratio(r, nRef, 0.05));
                    down.add(ratio(r, nRef, 0.05));
                }
                ref.put("s" + p, new org.ratiofit.likelihood.SampleColumns(gauss(r, nRef, 0, 0.5), up, down, List.of()));
            }
            u.reference(new org.ratiofit.likelihood.EventSet(nRef, null, ref));
            u.shapeNormalisation(org.ratiofit.likelihood.ShapeNormalisation.REFERENCE_AND_CLOSURE);
            u.end();
            model = b.float32("float32".equals(storage)).build();
            x = model.initialValues();
            for (int k = 1; k < x.length; k++) {
                x[k] = 0.7 * Math.sin(k); // inside |alpha| < 1: the polynomial branch, the costlier one
            }
            g = new double[x.length];
            h = new double[x.length][x.length];
        }
    }

    @State(Scope.Benchmark)
    public static class PolyState {
        @Param({"1000000"})
        public int events;
        public Model model;
        public double[] x;
        public double[] g;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom r = new SplittableRandom(2);
            List<String> nps = List.of("a0", "a1", "a2");
            ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1.2, 0, 10));
            nps.forEach(n -> b.parameter(Parameter.constrained(n)));
            ModelBuilder.UnbinnedBuilder u = b.unbinned("SR", events);
            double[] yields = {50, 200, 5000};
            for (int p = 0; p < SAMPLES; p++) {
                List<double[]> cols = new ArrayList<>();
                for (int a = 0; a < 9; a++) {
                    cols.add(gauss(r, events, 0, a < 3 ? 0.05 : 0.01));
                }
                ModelBuilder.SampleBuilder s = u.sample("s" + p, yields[p], gauss(r, events, 0, 0.5));
                if (p == 0) {
                    s.normFactor("mu");
                }
                s.polynomial(nps, new double[] {0.02, -0.01, 0.03, 0.001, 0.002, -0.001, 0.003, 0.0, 0.001}, cols).end();
            }
            u.end();
            model = b.build();
            x = new double[] {1.2, 0.3, -0.4, 0.8};
            g = new double[x.length];
        }
    }

    /** The triad a = b + s c over arrays holding as many bytes as the shape benchmark's inputs. */
    @State(Scope.Benchmark)
    public static class TriadState {
        @Param({"1000000"})
        public int events;
        public double[] a;
        public double[] b;
        public double[] c;

        @Setup(Level.Trial)
        public void setUp() {
            // the input: per event 3 samples x (1 log-ratio + 10 shapes x up, down) float64
            long bytes = (long) events * SAMPLES * (1 + SHAPES * 2) * 8;
            int n = (int) (bytes / 8 / 3);
            a = new double[n];
            b = new double[n];
            c = new double[n];
            for (int i = 0; i < n; i++) {
                b[i] = i;
                c[i] = 1.0 / (i + 1);
            }
        }
    }

    @Benchmark
    public double shapeCode4ValueAndGradient(ShapeState s) {
        return s.model.valueAndGradient(s.x, s.g);
    }

    /** The same pass with the exact Hessian (16 x 16 over the channel's parameters). */
    @Benchmark
    public double shapeCode4ValueGradientAndHessian(ShapeState s) {
        return s.model.valueGradientAndHessian(s.x, s.g, s.h);
    }

    @Benchmark
    public double shapeCode4Value(ShapeState s) {
        return s.model.value(s.x);
    }

    @Benchmark
    public double polynomialValueAndGradient(PolyState s) {
        return s.model.valueAndGradient(s.x, s.g);
    }

    @Benchmark
    public double triad(TriadState t) {
        double[] a = t.a;
        double[] b = t.b;
        double[] c = t.c;
        int n = a.length;
        int block = 1 << 16;
        int nb = (n + block - 1) / block;
        IntStream.range(0, nb).parallel().forEach(k -> {
            int lo = k * block;
            int hi = Math.min(n, lo + block);
            for (int i = lo; i < hi; i++) {
                a[i] = b[i] + 3.0 * c[i];
            }
        });
        return a[n / 2];
    }
}
