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
import org.ratiofit.ratio.training.multiclass.ClassCalibration;
import org.ratiofit.ratio.training.multiclass.MulticlassTrainer;
import org.ratiofit.ratio.training.pnn.PnnTrainer;
import org.ratiofit.workspace.config.FitConfig;

/**
 * Trains one ensemble member from a {@link MemberTask}, the way {@link ConfigTraining} trains it
 * inside an ensemble: the configuration's plan gives the ensemble, its events are read from their
 * paths into the same training data, the split is drawn from the split seed shared by all members,
 * and {@code DjlTrainer} trains member K from the member seed derived from the configuration's seed
 * and K. The same task therefore gives the member the local path gives. Multiclass and PNN members
 * train the same way, through {@code MulticlassTrainer.member} and {@code PnnTrainer.member} on the
 * split their ensemble shares (the PNN ensemble's normalisation, which needs every member, is
 * done by the driver when it joins them). A JVM keeps the training
 * data of its last few ensembles, so the members of one ensemble that land on one executor read
 * the events once.
 */
public final class MemberTraining {

    /** Ensembles whose training data an executor JVM keeps. */
    static final int CACHED_ENSEMBLES = 4;

    private static final Map<String, Object> DATA = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
            return size() > CACHED_ENSEMBLES;
        }
    };

    private MemberTraining() {
    }

    /** The task of member {@code member} of binary ensemble {@code job}, trained with {@code settings} (its seed included). */
    public static MemberTask task(Path configFile, int job, int member, TrainingSettings settings) {
        return task(configFile, MemberTask.Kind.BINARY, job, member, settings);
    }

    /** The task of member {@code member} of ensemble {@code job} of its kind, trained with {@code settings} (its seed included). */
    public static MemberTask task(Path configFile, MemberTask.Kind kind, int job, int member, TrainingSettings settings) {
        try {
            return new MemberTask(configFile.toAbsolutePath().normalize().toString(), kind, job, member,
                    TrainingRecords.JSON.writeValueAsString(settings.toTrainingConfig()), settings.threads(),
                    settings.multiclassCalibration().name());
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
        Object m;
        try {
            m = switch (t.kind()) {
                case BINARY -> {
                    TrainingData data = (TrainingData) data(t.configFile(), t.kind(), t.job());
                    DataSplit split = DataSplit.draw(data.size(), config.splitSeed(), config.trainFraction(), config.validationFraction());
                    yield DjlTrainer.train(data, config, t.member(), split, null);
                }
                case MULTICLASS -> {
                    MulticlassTraining.Prepared p = (MulticlassTraining.Prepared) data(t.configFile(), t.kind(), t.job());
                    ClassCalibration cal = ClassCalibration.valueOf(t.calibration());
                    DataSplit split = MulticlassTrainer.split(p.data(), config, cal);
                    yield MulticlassTrainer.member(p.data(), config, t.member(), split, MulticlassTraining.CLASS_WEIGHTS, cal, null);
                }
                case PNN -> {
                    PnnTraining.Prepared p = (PnnTraining.Prepared) data(t.configFile(), t.kind(), t.job());
                    yield PnnTrainer.member(p.data(), config, t.member(), PnnTrainer.split(p.data(), config), null);
                }
            };
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

    /** The trained member of a binary ensemble an outcome carries. */
    public static TrainedMember member(MemberOutcome o) {
        TrainedMember m = member(o, TrainedMember.class);
        checkVersion(m.formatVersion(), TrainedMember.FORMAT_VERSION);
        return m;
    }

    /** The trained member of a multiclass ensemble an outcome carries. */
    static MulticlassTrainer.Member multiclassMember(MemberOutcome o) {
        MulticlassTrainer.Member m = member(o, MulticlassTrainer.Member.class);
        checkVersion(m.formatVersion(), MulticlassTrainer.Member.FORMAT_VERSION);
        return m;
    }

    /** The trained member of a PNN ensemble an outcome carries (before the ensemble's normalisation). */
    static PnnTrainer.Member pnnMember(MemberOutcome o) {
        PnnTrainer.Member m = member(o, PnnTrainer.Member.class);
        checkVersion(m.formatVersion(), PnnTrainer.Member.FORMAT_VERSION);
        return m;
    }

    private static void checkVersion(int got, int reads) {
        if (got != reads) {
            throw new IllegalArgumentException("a member record has formatVersion " + got + "; this version reads "
                    + reads + " (driver and executors must run the same ratiofit)");
        }
    }

    private static <T> T member(MemberOutcome o, Class<T> type) {
        if (o.record() == null) {
            throw new IllegalArgumentException("member " + o.member() + " of ensemble " + o.job() + " did not train: " + o.nanFailure());
        }
        try {
            return TrainingRecords.JSON.readValue(o.record(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable member record of ensemble " + o.job() + ", member " + o.member(), e);
        }
    }

    /** The training data of ensemble {@code job} of its kind: TrainingData, MulticlassTraining.Prepared or PnnTraining.Prepared. */
    private static synchronized Object data(String configFile, MemberTask.Kind kind, int job) {
        String key = configFile + "#" + kind + "#" + job;
        Object d = DATA.get(key);
        if (d == null) {
            try {
                ConfigTraining.Plan plan = ConfigTraining.plan(Path.of(configFile));
                FitConfig c = plan.config();
                int n = switch (kind) {
                    case BINARY -> plan.jobs().size();
                    case MULTICLASS -> MulticlassTraining.plan(c).size();
                    case PNN -> PnnTraining.plan(c).size();
                };
                if (job < 0 || job >= n) {
                    throw new IllegalStateException(configFile + " names " + n + " " + kind.name().toLowerCase(java.util.Locale.ROOT)
                            + " ensembles here, no ensemble " + job + ": the configuration must be the same file on the driver and every executor");
                }
                d = switch (kind) {
                    case BINARY -> ConfigTraining.prepare(c, plan.jobs().get(job)).data();
                    case MULTICLASS -> MulticlassTraining.prepare(c, MulticlassTraining.plan(c).get(job));
                    case PNN -> PnnTraining.prepare(c, PnnTraining.plan(c).get(job));
                };
            } catch (IOException e) {
                throw new UncheckedIOException(configFile + ": " + e.getMessage()
                        + " (the configuration and its event files must lie at the same path on every executor)", e);
            }
            DATA.put(key, d);
        }
        return d;
    }
}
