package org.ratiofit.ratio.training;

import java.util.List;

/** Trained members; the ensemble's ratio is the mean of the members' ratios (the field's default). */
public record TrainedEnsemble(int formatVersion, List<TrainedMember> members) {

    public static final int FORMAT_VERSION = 1;

    public TrainedEnsemble {
        members = List.copyOf(members);
    }

    /** ln of the mean over members of r̂_i for raw rows. */
    public double[] logRatio(double[][] rows) {
        double[] sum = new double[rows.length];
        for (TrainedMember m : members) {
            double[] l = m.logRatio(rows);
            for (int k = 0; k < l.length; k++) {
                sum[k] += Math.exp(l[k]);
            }
        }
        for (int k = 0; k < sum.length; k++) {
            sum[k] = Math.log(sum[k] / members.size());
        }
        return sum;
    }

    public double[] logRatio(TrainingData data, int[] events) {
        return logRatio(data.rows(events));
    }
}
