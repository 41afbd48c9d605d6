package org.ratiofit.workspace.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ratiofit.ratio.training.DataSplit;
import org.ratiofit.ratio.training.DjlTrainer;
import org.ratiofit.ratio.training.TrainedMember;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.TrainingData;
import org.ratiofit.ratio.training.TrainingRecords;
import org.ratiofit.workspace.config.FitConfig;

/**
 * Trains one ensemble member from a {@link MemberTask}, the way {@link ConfigTraining} trains it
 * inside an ensemble: the configuration's plan gives the ensemble, its events are read from their
 * paths into the same training data, the split is drawn from the split seed shared by all members,
 * and {@code DjlTrainer} trains member K from the member seed derived from the configuration's seed
 * and K. The same task therefore gives the member the local path gives. A JVM keeps the training
 * data of its last few ensembles, so the members of one ensemble that land on one executor read
 * the events once.
 */
public final class MemberTraining {

    /** Ensembles whose training data an executor JVM keeps. */
    static final int CACHED_ENSEMBLES = 4;

    private static final Map<String, TrainingData> DATA = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TrainingData> eldest) {
            return size() > CACHED_ENSEMBLES;
        }
    };

    private MemberTraining() {
    }

    /** The task of member {@code member} of ensemble {@code job}, trained with {@code settings} (its seed included). */
    public static MemberTask task(Path configFile, int job, int member, TrainingSettings settings) {
        try {
            return new MemberTask(configFile.toAbsolutePath().normalize().toString(), job, member,
                    TrainingRecords.JSON.writeValueAsString(settings.toTrainingConfig()), settings.threads());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Trains the task's member; a loss that became NaN twice is an outcome with its message, as the local path sees it. */
    public static MemberOutcome train(MemberTask t) {
        if (t.threads() != null && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            // read once, when the PyTorch engine starts (as ConfigTraining.train does)
            System.setProperty("ai.djl.pytorch.num_threads", t.threads().toString());
        }
        TrainingConfig config;
        try {
            config = TrainingRecords.JSON.readValue(t.trainingConfig(), TrainingConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException("member task of " + t.configFile() + ": unreadable training configuration", e);
        }
        TrainingData data = data(t.configFile(), t.job());
        DataSplit split = DataSplit.draw(data.size(), config.splitSeed(), config.trainFraction(), config.validationFraction());
        TrainedMember m;
        try {
            m = DjlTrainer.train(data, config, t.member(), split, null);
        } catch (IllegalStateException nan) {
            if (nan.getMessage() == null || !nan.getMessage().contains("NaN")) {
                throw nan;
            }
            return new MemberOutcome(t.job(), t.member(), null, nan.getMessage());
        }
        try {
            return new MemberOutcome(t.job(), t.member(), TrainingRecords.JSON.writeValueAsBytes(m), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The trained member an outcome carries. */
    public static TrainedMember member(MemberOutcome o) {
        if (o.record() == null) {
            throw new IllegalArgumentException("member " + o.member() + " of ensemble " + o.job() + " did not train: " + o.nanFailure());
        }
        try {
            TrainedMember m = TrainingRecords.JSON.readValue(o.record(), TrainedMember.class);
            if (m.formatVersion() != TrainedMember.FORMAT_VERSION) {
                throw new IllegalArgumentException("a member record has formatVersion " + m.formatVersion() + "; this version reads "
                        + TrainedMember.FORMAT_VERSION + " (driver and executors must run the same ratiofit)");
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable member record of ensemble " + o.job() + ", member " + o.member(), e);
        }
    }

    private static synchronized TrainingData data(String configFile, int job) {
        String key = configFile + "#" + job;
        TrainingData d = DATA.get(key);
        if (d == null) {
            try {
                ConfigTraining.Plan plan = ConfigTraining.plan(Path.of(configFile));
                if (job < 0 || job >= plan.jobs().size()) {
                    throw new IllegalStateException(configFile + " names " + plan.jobs().size() + " ensembles here, no ensemble " + job
                            + ": the configuration must be the same file on the driver and every executor");
                }
                FitConfig c = plan.config();
                d = ConfigTraining.prepare(c, plan.jobs().get(job)).data();
            } catch (IOException e) {
                throw new UncheckedIOException(configFile + ": " + e.getMessage()
                        + " (the configuration and its event files must lie at the same path on every executor)", e);
            }
            DATA.put(key, d);
        }
        return d;
    }
}
