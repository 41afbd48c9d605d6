package org.ratiofit.ratio;

import org.ratiofit.ratio.ModelSidecar.OutputConvention;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a ratio model's network takes in: the feature columns (and θ, appended to the features'
 * input or on an input of its own), their scaling, and the checks of the columns a caller passes.
 * Scales a chunk of events into float32 rows for ONNX Runtime.
 */
final class ModelInputs {
    private final String model;
    private final ModelSidecar sidecar;
    /** The main input's columns: features, then θ when appended. */
    final List<String> mainColumns;
    final int nFeatures;
    /** Parameters θ fed to the network (none for a SALLY model, whose parameters only label its outputs). */
    final int nParams;
    /** Whether θ goes to its own input ({@code parameter_input_name}). */
    final boolean separateParams;
    final FeatureScaler mainScaler;
    final FeatureScaler paramScaler;

    ModelInputs(String model, ModelSidecar sc) {
        this.model = model;
        this.sidecar = sc;
        nFeatures = sc.features().size();
        // a SALLY model's parameters only label its outputs; the network takes features alone
        nParams = sc.output() == OutputConvention.LOCAL_SCORE ? 0 : sc.parameterList().size();
        separateParams = sc.parameterInputName() != null;
        List<String> cols = new ArrayList<>(sc.features());
        if (!separateParams && nParams > 0) cols.addAll(sc.parameterList());
        mainColumns = cols;
        mainScaler = new FeatureScaler(mainColumns, sc.scalingList());
        paramScaler = new FeatureScaler(separateParams ? sc.parameterList() : List.of(), sc.scalingList());
    }

    /** Values per event of the main input. */
    int mainWidth() {
        return mainColumns.size();
    }

    /**
     * Whether {@code o} turns the same columns into the same input tensors (same input names,
     * columns and scaling), so an ensemble can scale and convert each chunk once for all members.
     */
    boolean sameAs(ModelInputs o) {
        return sidecar.inputName().equals(o.sidecar.inputName())
                && Objects.equals(sidecar.parameterInputName(), o.sidecar.parameterInputName())
                && mainColumns.equals(o.mainColumns) && nParams == o.nParams && separateParams == o.separateParams
                && Sidecars.MAPPER.valueToTree(sidecar.scalingList()).equals(Sidecars.MAPPER.valueToTree(o.sidecar.scalingList()));
    }

    /** Checks the columns (count, length, θ) and returns the number of events. */
    int checkColumns(double[][] columns, double[] theta) {
        boolean thetaCols = theta == null && nParams > 0;
        int expected = nFeatures + (thetaCols ? nParams : 0);
        if (columns == null || columns.length != expected) {
            throw new RatioModelException("ratio model '" + model + "' expects " + expected + " columns " + expectedColumns(thetaCols)
                    + ", got " + (columns == null ? "none" : columns.length)
                    + (nParams > 0 && theta == null ? " (θ not given as values, so θ columns must follow the features)" : ""));
        }
        if (theta != null && theta.length != nParams) {
            throw new RatioModelException("ratio model '" + model + "' has " + nParams + " parameters " + sidecar.parameterList()
                    + ", got θ with " + theta.length + " values");
        }
        if (theta != null) {
            for (int j = 0; j < nParams; j++) {
                if (!Double.isFinite(theta[j])) throw new RatioModelException("ratio model '" + model + "': θ '" + sidecar.parameterList().get(j) + "' is " + theta[j]);
            }
        }
        int n = columns.length == 0 ? 0 : columns[0].length;
        for (int j = 0; j < columns.length; j++) {
            String c = expectedColumns(thetaCols).get(j);
            if (columns[j] == null) throw new RatioModelException("ratio model '" + model + "': column '" + c + "' is null");
            if (columns[j].length != n) {
                throw new RatioModelException("ratio model '" + model + "': column '" + c + "' has " + columns[j].length + " rows, column '"
                        + expectedColumns(thetaCols).get(0) + "' has " + n);
            }
        }
        return n;
    }

    private List<String> expectedColumns(boolean withTheta) {
        List<String> l = new ArrayList<>(sidecar.features());
        if (withTheta) l.addAll(sidecar.parameterList());
        return l;
    }

    /** The columns a model takes, picked by name from {@code columns} (θ too when not given as values). */
    double[][] select(Map<String, double[]> columns, double[] theta) {
        boolean thetaCols = theta == null && nParams > 0;
        List<String> want = expectedColumns(thetaCols);
        double[][] cols = new double[want.size()][];
        for (int j = 0; j < want.size(); j++) {
            cols[j] = columns.get(want.get(j));
            if (cols[j] == null) {
                throw new RatioModelException("ratio model '" + model + "' needs column '" + want.get(j) + "', which is not among "
                        + new TreeSet<>(columns.keySet()));
            }
        }
        return cols;
    }

    /** θ given as values, scaled once for every event; null when {@code theta} is null. */
    double[] scaledTheta(double[] theta) {
        if (theta == null) return null;
        double[] z = new double[nParams];
        for (int j = 0; j < nParams; j++) {
            z[j] = separateParams ? paramScaler.apply(j, theta[j]) : mainScaler.apply(nFeatures + j, theta[j]);
        }
        return z;
    }

    /**
     * Scales rows [start, start + rows) of {@code columns} into float32 rows: the main input into
     * {@code stage} ({@link #mainWidth()} values per row), θ into {@code pstage} when it has its own
     * input. θ comes from {@code zTheta} ({@link #scaledTheta}) when not null, else from the
     * columns after the features. A non-finite value is refused naming its column and rows.
     */
    void stage(double[][] columns, double[] zTheta, int start, int rows, float[] stage, float[] pstage) {
        int dMain = mainColumns.size();
        for (int j = 0; j < dMain; j++) {
            if (j >= nFeatures && zTheta != null) {
                float z = (float) zTheta[j - nFeatures];
                for (int i = 0; i < rows; i++) stage[i * dMain + j] = z;
                continue;
            }
            double[] src = columns[j];
            for (int i = 0; i < rows; i++) {
                double x = src[start + i];
                if (!Double.isFinite(x)) throw badInput(columns[j], j, start + i);
                stage[i * dMain + j] = (float) mainScaler.apply(j, x);
            }
        }
        if (separateParams) {
            for (int j = 0; j < nParams; j++) {
                if (zTheta != null) {
                    float z = (float) zTheta[j];
                    for (int i = 0; i < rows; i++) pstage[i * nParams + j] = z;
                } else {
                    double[] src = columns[nFeatures + j];
                    for (int i = 0; i < rows; i++) {
                        double x = src[start + i];
                        if (!Double.isFinite(x)) throw badInput(src, nFeatures + j, start + i);
                        pstage[i * nParams + j] = (float) paramScaler.apply(j, x);
                    }
                }
            }
        }
    }

    private RatioModelException badInput(double[] col, int j, int firstRow) {
        String cname = j < nFeatures ? "feature '" + sidecar.features().get(j) + "'" : "parameter '" + sidecar.parameterList().get(j - nFeatures) + "'";
        List<String> rows = new ArrayList<>();
        int count = 0;
        for (int i = firstRow; i < col.length; i++) {
            if (!Double.isFinite(col[i])) {
                if (rows.size() < 5) rows.add("row " + i + " = " + col[i]);
                count++;
            }
        }
        return new RatioModelException("ratio model '" + model + "': " + cname + " has " + count + " non-finite value(s) from row " + firstRow + " (counted from 0)"
                + " on: " + String.join(", ", rows) + (count > rows.size() ? ", ..." : ""));
    }
}
