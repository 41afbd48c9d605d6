package org.ratiofit.workspace.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.TrainingRecords;

/**
 * Members trained by a {@link MemberRunner} (here: in this JVM, each task and outcome through Java
 * serialisation, as Spark ships them) keep the local path's NaN-loss semantics: a binary ensemble
 * with a NaN member trains again, all its members, with the retry seed; a NaN loss of a multiclass
 * or PNN member fails the command with its message, without a retry and without writing any folder.
 */
class MemberRunnerNanTest {

    @TempDir
    Path dir;

    /** Runs the tasks here; on its first call, the task of {@code nanKind}/{@code nanJob}/member 1 reports a NaN loss. */
    static final class Runner implements MemberRunner {
        final MemberTask.Kind nanKind;
        final int nanJob;
        final List<List<MemberTask>> calls = new ArrayList<>();

        Runner(MemberTask.Kind nanKind, int nanJob) {
            this.nanKind = nanKind;
            this.nanJob = nanJob;
        }

        @Override
        public List<MemberOutcome> run(List<MemberTask> tasks, LongConsumer finished) {
            calls.add(tasks);
            List<MemberOutcome> out = new ArrayList<>();
            for (MemberTask t : tasks) {
                MemberTask shipped = roundTrip(t);
                if (calls.size() == 1 && shipped.kind() == nanKind && shipped.job() == nanJob && shipped.member() == 1) {
                    out.add(roundTrip(new MemberOutcome(t.job(), t.member(), null, "member 1: loss became NaN or infinite (injected)")));
                } else {
                    out.add(roundTrip(MemberTraining.train(shipped)));
                }
            }
            return out;
        }

        @Override
        public String describe() {
            return "here";
        }

        @SuppressWarnings("unchecked")
        static <T> T roundTrip(T o) {
            try {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                try (ObjectOutputStream s = new ObjectOutputStream(b)) {
                    s.writeObject(o);
                }
                try (ObjectInputStream s = new ObjectInputStream(new ByteArrayInputStream(b.toByteArray()))) {
                    return (T) s.readObject();
                }
            } catch (IOException | ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }
    }

    private void write(String name, Random rng, int n, double mean) throws IOException {
        double[] x = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = mean + rng.nextGaussian();
            w[i] = 0.5 + rng.nextDouble();
        }
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        cols.put("w", w);
        EventFiles.write(dir.resolve(name), new EventTable(name, cols), null);
    }

    /** S3 against B (binary), S1 and S2 sharing models/S12 (multiclass), B's polynomial systematic (PNN). */
    private Path config() throws IOException {
        Random rng = new Random(8);
        write("data.csv", rng, 100, 0);
        write("s1.csv", rng, 400, 1);
        write("s2.csv", rng, 400, -1);
        write("s3.csv", rng, 400, 0.5);
        write("b.csv", rng, 500, 0);
        write("b_1.csv", rng, 400, 0.3);
        write("b_m1.csv", rng, 400, -0.3);
        write("b_2.csv", rng, 400, 0.6);
        Path c = dir.resolve("fit.yml");
        Files.writeString(c, """
                Version: 1
                General: {Measurement: {POI: mu}}
                TrainingFeatures: [x]
                TrainingFeaturesToStandardize: [x]
                Samples:
                  - {Name: data, Data: true, SamplePath: data.csv}
                  - {Name: S1, UseAsBasis: true, SamplePath: s1.csv, Weight: w, Ensemble: models/S12}
                  - {Name: S2, UseAsBasis: true, SamplePath: s2.csv, Weight: w, Ensemble: models/S12}
                  - {Name: S3, UseAsBasis: true, SamplePath: s3.csv, Weight: w, Ensemble: models/S3}
                  - {Name: B, UseAsBasis: true, UseAsReference: true, SamplePath: b.csv, Weight: w}
                NormFactors: [{Name: mu, Samples: S1, Bounds: [0, 5]}]
                Systematics:
                  - Name: shift_poly
                    Type: Polynomial
                    Parameters: [shift]
                    Monomials: [[shift], [shift, shift]]
                    Models:
                      - SampleName: B
                        Ensemble: models/B_poly
                        Variations:
                          - {Point: {shift: 1.0}, Path: b_1.csv, Weight: w}
                          - {Point: {shift: -1.0}, Path: b_m1.csv, Weight: w}
                          - {Point: {shift: 2.0}, Path: b_2.csv, Weight: w}
                Regions: [{Name: SR}]
                Training: {Members: 2, Epochs: 2, HiddenLayers: [8], BatchSize: 256, Seed: 4}
                """);
        return c;
    }

    private static TrainingSettings settings(Path config) throws IOException {
        return TrainingSettings.fromConfigFile(config, TrainingSettings.defaults()).withDiagnostics(false);
    }

    @Test
    void aBinaryEnsembleWithANanMemberTrainsAgainWithTheRetrySeed() throws Exception {
        Path c = config();
        Runner runner = new Runner(MemberTask.Kind.BINARY, 0);
        TrainingReport r = ConfigTraining.train(c, settings(c), false, null, runner);
        assertEquals(2, runner.calls.size(), "one retry");
        assertEquals(2 + 2 + 2, runner.calls.get(0).size(), "every member of the three ensembles in one batch");
        List<MemberTask> again = runner.calls.get(1);
        assertEquals(2, again.size(), "both members of the binary ensemble again");
        for (MemberTask t : again) {
            assertEquals(MemberTask.Kind.BINARY, t.kind());
            assertEquals(4 + ConfigTraining.RETRY_SEED_STEP, TrainingRecords.JSON.readValue(t.trainingConfig(), TrainingConfig.class).seed());
        }
        assertEquals(List.of(4 + ConfigTraining.RETRY_SEED_STEP, 4L, 4L), r.ensembles().stream().map(TrainingReport.EnsembleResult::seed).toList());
        for (String f : List.of("S3", "S12", "B_poly")) {
            assertTrue(Files.isRegularFile(dir.resolve("models").resolve(f).resolve("member-1.onnx")), f);
        }
    }

    @Test
    void aNanLossOfAMulticlassOrPnnMemberFailsWithItsMessageAndWritesNothing() throws Exception {
        for (MemberTask.Kind kind : List.of(MemberTask.Kind.MULTICLASS, MemberTask.Kind.PNN)) {
            Path c = config();
            Runner runner = new Runner(kind, 0);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ConfigTraining.train(c, settings(c), false, null, runner));
            assertTrue(e.getMessage().contains("loss became NaN or infinite (injected)"), e.getMessage());
            assertEquals(1, runner.calls.size(), kind + ": no retry");
            assertFalse(Files.exists(dir.resolve("models")), kind + ": nothing written");
        }
    }
}
