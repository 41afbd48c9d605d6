package org.ratiofit.workspace.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.ratio.training.param.EstimatorMethod;
import org.ratiofit.ratio.training.param.ParamTrainingConfig;

/**
 * What {@code ratiofit train-estimator} trains: a MadMiner-style estimator ensemble (format version
 * {@value #FORMAT_VERSION}), read by {@link EstimatorConfigLoader} from the {@code Training} block of
 * an estimator configuration and the command line. The augmented data are named columns of one or
 * more files (each column is read from the first file that has it, so MadMiner's separate
 * {@code x}, {@code theta0}, {@code y}, {@code r_xz}, {@code t_xz} arrays and one table both work).
 *
 * @param formatVersion  the file's {@code Version}
 * @param file           the configuration file (null when everything came from the command line)
 * @param data           the data files, in look-up order
 * @param features       the x columns, in the network's input order
 * @param parameters     the parameter names θ, in order
 * @param theta0         per parameter, the column of θ0 (ratio methods)
 * @param theta1         per parameter, the column of θ1: for the singly parametrised methods optional and
 *                       constant (θ1 is the fixed reference); for the doubly parametrised methods (suffix 2)
 *                       θ1 per event, a network input (default {@code theta1_P})
 * @param referenceTheta θ1 (ratio methods) or θ_ref (SALLY), recorded in the sidecars; null when not known
 * @param label          the label column y (0 = drawn at θ0, 1 = drawn at θ1; ratio methods)
 * @param jointRatio     the joint ratio column r(x,z|θ0,θ1) (ROLR, ALICE, RASCAL, ALICES)
 * @param jointScore0    per parameter, the joint score column t(x,z|θ0) (CASCAL, RASCAL, ALICES, SALLY)
 * @param jointScore1    per parameter, the joint score column t(x,z|θ1) (CASCAL2, RASCAL2, ALICES2;
 *                       default {@code t_xz1_P}); empty for the other methods
 * @param weight         the event-weight column, or null
 * @param training       the trainer's settings (method, α, network, optimiser, epochs, …, seed)
 * @param members        ensemble members
 * @param holdoutFraction fraction of the events kept out of training for the expectation check
 * @param expectationBeta β of MadMiner's expectation-based member weights exp(−β|E_i|), written into
 *                       {@code ensemble.json} (null: the plain committee)
 * @param output         the ensemble folder to write
 * @param name           the members' file-name stem ({@code NAME-K.onnx}) and the ensemble's name
 */
public record EstimatorConfig(int formatVersion, Path file, List<Path> data, List<String> features,
        List<String> parameters, List<String> theta0, List<String> theta1, double[] referenceTheta, String label,
        String jointRatio, List<String> jointScore0, String weight, ParamTrainingConfig training, int members,
        double holdoutFraction, Double expectationBeta, Path output, String name, List<String> jointScore1) {

    public static final int FORMAT_VERSION = 1;

    public EstimatorMethod method() {
        return training.method();
    }

    /** The columns the method reads, in the order they are checked. */
    public List<String> neededColumns() {
        List<String> c = new ArrayList<>(features);
        EstimatorMethod m = method();
        if (!m.localScore()) {
            c.addAll(theta0);
            c.add(label);
            c.addAll(theta1);
        }
        if (m.usesJointRatio()) {
            c.add(jointRatio);
        }
        if (m.usesJointScore()) {
            c.addAll(jointScore0);
        }
        if (m.usesJointScore1()) {
            c.addAll(jointScore1);
        }
        if (weight != null) {
            c.add(weight);
        }
        return c;
    }
}
