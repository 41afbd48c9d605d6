package org.ratiofit.samplers.toys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.ratiofit.samplers.fit.Json;

/**
 * The toys of a study (or of one index range of it): per ensemble the statistic at each tested
 * value, the best-fit parameter of interest and the validity of each toy, in index order. Writes
 * JSON (with {@code formatVersion}); ranges of one study merge with {@link #merge}.
 *
 * @param study     the study these toys belong to (with the index range they cover)
 * @param ensembles per ensemble, in the study's order
 */
public record ToySamples(int formatVersion, ToyStudy study, List<Ensemble> ensembles) {

    /**
     * @param label  the ensemble's label
     * @param muHat  best-fit parameter of interest per toy
     * @param values the statistic per tested value and toy, {@code values[m][i]}
     * @param valid  whether toy i's fits were valid
     */
    public record Ensemble(String label, double[] muHat, double[][] values, boolean[] valid) {

        public int toys() {
            return valid.length;
        }

        public int validToys() {
            int n = 0;
            for (boolean v : valid) {
                n += v ? 1 : 0;
            }
            return n;
        }

        /** The valid toys' statistic at tested value {@code m}, sorted ascending. */
        public double[] sortedValid(int m) {
            double[] out = new double[validToys()];
            int k = 0;
            for (int i = 0; i < valid.length; i++) {
                if (valid[i]) {
                    out[k++] = values[m][i];
                }
            }
            Arrays.sort(out);
            return out;
        }
    }

    public String toJson() {
        return Json.write(this);
    }

    public static ToySamples fromJson(String json) {
        try {
            return Json.mapper().readValue(json, ToySamples.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a ratiofit toy file: " + e.getMessage(), e);
        }
    }

    static Builder builder(ToyStudy study) {
        return new Builder(study);
    }

    /** Collects outcomes in any order into index-ordered arrays. */
    public static final class Builder {
        private final ToyStudy study;
        private final double[][] muHat;
        private final double[][][] values;
        private final boolean[][] valid;
        private final boolean[][] seen;

        Builder(ToyStudy study) {
            this.study = study;
            int ne = study.ensembles().size();
            int n = study.toysPerEnsemble();
            muHat = new double[ne][n];
            values = new double[ne][][];
            valid = new boolean[ne][n];
            seen = new boolean[ne][n];
            for (int e = 0; e < ne; e++) {
                values[e] = new double[study.ensembles().get(e).mus().length][n];
            }
        }

        public synchronized void addAll(List<ToyOutcome> outcomes) {
            for (ToyOutcome o : outcomes) {
                int i = Math.toIntExact(o.index() - study.from());
                if (o.ensemble() < 0 || o.ensemble() >= muHat.length || i < 0 || i >= muHat[0].length) {
                    throw new IllegalArgumentException("toy " + o.index() + " of ensemble " + o.ensemble() + " lies outside the study");
                }
                muHat[o.ensemble()][i] = o.muHat();
                valid[o.ensemble()][i] = o.valid();
                for (int m = 0; m < o.values().length; m++) {
                    values[o.ensemble()][m][i] = o.values()[m];
                }
                seen[o.ensemble()][i] = true;
            }
        }

        public synchronized ToySamples build() {
            List<Ensemble> out = new ArrayList<>();
            for (int e = 0; e < muHat.length; e++) {
                for (int i = 0; i < seen[e].length; i++) {
                    if (!seen[e][i]) {
                        throw new IllegalStateException("toy " + (study.from() + i) + " of ensemble '"
                                + study.ensembles().get(e).label() + "' never came back");
                    }
                }
                out.add(new Ensemble(study.ensembles().get(e).label(), muHat[e], values[e], valid[e]));
            }
            return new ToySamples(Json.FORMAT_VERSION, study, out);
        }
    }

    /** The builder a distributed runner fills with the outcomes it collects. */
    public static Builder collector(ToyStudy study) {
        return new Builder(study);
    }

    /**
     * Joins index ranges of one study into one: the parts must share the seed, fit settings and
     * ensembles, and their ranges must tile an interval without gaps or overlaps.
     */
    public static ToySamples merge(List<ToySamples> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        List<ToySamples> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparingLong(p -> p.study().from()));
        ToyStudy first = sorted.get(0).study();
        for (int k = 1; k < sorted.size(); k++) {
            ToyStudy s = sorted.get(k).study();
            ToyStudy prev = sorted.get(k - 1).study();
            if (!sameDefinition(first, s)) {
                throw new IllegalArgumentException("toy range [" + s.from() + ", " + s.to() + ") belongs to another study "
                        + "(seed, fit settings, ensembles or truth points differ from those of range [" + first.from() + ", " + first.to() + "))");
            }
            if (s.from() != prev.to()) {
                throw new IllegalArgumentException(s.from() < prev.to()
                        ? "toy ranges [" + prev.from() + ", " + prev.to() + ") and [" + s.from() + ", " + s.to() + ") overlap"
                        : "toys [" + prev.to() + ", " + s.from() + ") are missing between the ranges");
            }
        }
        long to = sorted.get(sorted.size() - 1).study().to();
        ToyStudy whole = new ToyStudy(first.seed(), first.fit(), first.ensembles(), first.from(), to);
        List<Ensemble> out = new ArrayList<>();
        for (int e = 0; e < first.ensembles().size(); e++) {
            int nm = first.ensembles().get(e).mus().length;
            int n = whole.toysPerEnsemble();
            double[] muHat = new double[n];
            double[][] values = new double[nm][n];
            boolean[] valid = new boolean[n];
            int at = 0;
            for (ToySamples p : sorted) {
                Ensemble pe = p.ensembles().get(e);
                int len = pe.toys();
                System.arraycopy(pe.muHat(), 0, muHat, at, len);
                System.arraycopy(pe.valid(), 0, valid, at, len);
                for (int m = 0; m < nm; m++) {
                    System.arraycopy(pe.values()[m], 0, values[m], at, len);
                }
                at += len;
            }
            out.add(new Ensemble(first.ensembles().get(e).label(), muHat, values, valid));
        }
        return new ToySamples(Json.FORMAT_VERSION, whole, out);
    }

    static boolean sameDefinition(ToyStudy a, ToyStudy b) {
        if (a.seed() != b.seed() || !a.fit().equals(b.fit()) || a.ensembles().size() != b.ensembles().size()) {
            return false;
        }
        for (int e = 0; e < a.ensembles().size(); e++) {
            ToyEnsemble x = a.ensembles().get(e);
            ToyEnsemble y = b.ensembles().get(e);
            if (x.stream() != y.stream() || x.statistic() != y.statistic() || !x.label().equals(y.label())
                    || !close(x.truth(), y.truth()) || !Arrays.equals(x.mus(), y.mus())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Equal to 1e-8 relative (absolute near 0): the same data fitted on two machines (another CPU,
     * another vector width) may differ in the last bits, and their ranges still belong together.
     */
    static boolean close(double[] a, double[] b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= 1e-8 * Math.max(1, Math.max(Math.abs(a[i]), Math.abs(b[i]))))
                    && !(Double.isNaN(a[i]) && Double.isNaN(b[i])) && a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
