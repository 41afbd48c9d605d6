package org.ratiofit.workspace.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnore;

import org.ratiofit.ratio.data.ReadOptions;
import org.ratiofit.workspace.selection.Selection;

/**
 * A fit configuration (format version {@value #FORMAT_VERSION}), as read from YAML by
 * {@link FitConfigLoader}. Field names follow the NSBI toolkits' configuration (Samples,
 * NormFactors, Systematics, Regions, TrainingFeatures). Every path is absolute (resolved against
 * the configuration file's folder). Each element keeps its YAML path ({@code Samples[2]}) so that
 * later stages can name it in messages.
 */
public record FitConfig(
        int version,
        Path configFile,
        General general,
        List<String> trainingFeatures,
        List<String> trainingFeaturesToStandardize,
        List<Sample> samples,
        List<NormFactor> normFactors,
        List<Systematic> systematics,
        List<Region> regions,
        List<AsimovPoint> asimov) {

    public static final int FORMAT_VERSION = 1;

    /** Events per chunk when none is configured. */
    public static final int DEFAULT_CHUNK_SIZE = 65_536;

    /** {@code General}: the measurement and build settings. */
    /**
     * @param shapeNormalisation how unbinned channels normalise their samples' per-event shapes
     *                           (General.ShapeNormalisation: reference, the default;
     *                           reference_and_closure; none)
     */
    public record General(String measurementName, String poi, List<String> parametersToFit, int chunkSize,
                          org.ratiofit.likelihood.ShapeNormalisation shapeNormalisation) {

        public General(String measurementName, String poi, List<String> parametersToFit, int chunkSize) {
            this(measurementName, poi, parametersToFit, chunkSize, org.ratiofit.likelihood.ShapeNormalisation.REFERENCE);
        }
    }

    /**
     * Where a sample's (or a variation's) events are.
     *
     * @param paths one or more event files, read one after the other
     * @param tree HDF5 group or dataset path inside the files (the toolkits' {@code Tree}); null for the root
     * @param columns names of the columns of 2-D arrays; null when the file names them
     * @param weight the per-event weight column; null for unit weights
     */
    public record EventFiles(List<Path> paths, String tree, List<String> columns, String weight) {
        public ReadOptions readOptions() {
            return new ReadOptions(tree, columns);
        }
    }

    /**
     * One term {@code factor * x^power} of a yield coefficient function.
     */
    public record Term(double factor, double power) {}

    /**
     * A yield coefficient function of one parameter, {@code f(x) = sum_k c_k x^(a_k)}; for the
     * off-shell Higgs basis: S: {@code mu - sqrt(mu)}, SBI: {@code sqrt(mu)}, B: {@code 1 - sqrt(mu)}.
     */
    public record YieldFunction(String parameter, List<Term> terms) {
        public double value(double x) {
            double s = 0;
            for (Term t : terms) {
                s += t.factor() * (t.power() == 0 ? 1.0 : Math.pow(x, t.power()));
            }
            return s;
        }

        public double derivative(double x) {
            double s = 0;
            for (Term t : terms) {
                if (t.power() != 0) {
                    s += t.factor() * t.power() * Math.pow(x, t.power() - 1);
                }
            }
            return s;
        }

        /** Whether any term needs x >= 0 (a fractional power) or x != 0 (a negative power). */
        public boolean needsNonNegative() {
            return terms.stream().anyMatch(t -> t.power() != Math.rint(t.power()));
        }

        public boolean hasNegativePower() {
            return terms.stream().anyMatch(t -> t.power() < 0);
        }
    }

    /**
     * A sample and its role. Data: the observed events. Reference: the sample(s) every ratio is
     * taken against (several form a mixture). Basis: a sample with a yield in the model, whose
     * per-event ratio against the reference comes from {@code ensemble} (not needed for the one
     * reference sample, whose ratio is 1).
     *
     * <p>{@code yield}, when given, is the sample's total expected event count (before any
     * region's selection): its event weights are scaled so that they sum to it. A basis sample
     * with a yield and an ensemble needs no events ({@code events} null): its selected fraction in
     * each region is taken from the reference events weighted by its ratio.
     */
    public record Sample(
            String yamlPath,
            String name,
            boolean data,
            boolean useAsReference,
            boolean useAsBasis,
            EventFiles events,
            Path ensemble,
            YieldFunction coefficient,
            Double yield,
            Path estimator,
            List<EstimatorParameter> estimatorParameters) {

        public Sample {
            estimatorParameters = estimatorParameters == null ? List.of() : List.copyOf(estimatorParameters);
        }

        /** A sample with a fixed-hypothesis ratio ensemble (or none). */
        public Sample(String yamlPath, String name, boolean data, boolean useAsReference, boolean useAsBasis, EventFiles events,
                      Path ensemble, YieldFunction coefficient, Double yield) {
            this(yamlPath, name, data, useAsReference, useAsBasis, events, ensemble, coefficient, yield, null, List.of());
        }

        /** Whether the sample's ratio is a parametrised estimator r(x|θ) whose θ are fit parameters. */
        @JsonIgnore
        public boolean parametrised() {
            return estimator != null;
        }

        /** Whether the sample is given by its ensemble and yield alone, without event files. */
        @JsonIgnore
        public boolean withoutEvents() {
            return events == null;
        }
    }

    /**
     * A parameter θ of a sample's parametrised estimator ({@code EstimatorParameters}): a free fit
     * parameter with its start value and bounds (the region the estimator was trained on).
     */
    public record EstimatorParameter(String yamlPath, String name, double nominal, double lower, double upper) {}

    /** A free multiplicative parameter with bounds; the parameter of interest is one of them. */
    public record NormFactor(String yamlPath, String name, List<String> samples, double nominal, double lower, double upper) {}

    /** Systematic types; the toolkits' {@code NormPlusShape} is kept. */
    public enum SystematicType { NORM, SHAPE, NORM_PLUS_SHAPE, POLYNOMIAL }

    /** Constraint terms of nuisance parameters. */
    public enum Constraint { GAUSSIAN, NONE }

    /** Interpolation codes of up/down variations (HistFactory numbering, see reference.md). */
    public enum Interpolation { CODE0, CODE1, CODE4, CODE4P }

    /**
     * One direction of a systematic variation for one sample. A yield comes either from
     * {@code yieldFactor} (relative to nominal) or from {@code events} (their weighted sum after
     * the region's selection); a per-event shape from {@code ensemble}, the ratio of the varied
     * sample to the nominal one.
     */
    public record Variation(String yamlPath, String sampleName, EventFiles events, Double yieldFactor, Path ensemble) {}

    /**
     * A polynomial (GOLLUM-style) model for one sample: {@code ln r(x|nu) = ln r(x|0) + sum_A Delta_A(x) m_A(nu)},
     * {@code Delta_A} the ensemble's outputs in monomial order, and
     * {@code ln(yield(nu)/yield(0)) = sum_A yieldCoefficients[A] m_A(nu)}. {@code yieldSpline} names the
     * parameters whose linear and quadratic yield terms {@code ratiofit train} replaces by a natural cubic
     * spline through the variations on that parameter's axis (the yield fit carries it to the build).
     */
    public record PolynomialModel(String yamlPath, String sampleName, Path ensemble, List<Double> yieldCoefficients,
            List<PolynomialVariation> variations, List<String> yieldSpline) {
        public PolynomialModel {
            yieldSpline = yieldSpline == null ? List.of() : List.copyOf(yieldSpline);
        }

        /** Without yield splines. */
        public PolynomialModel(String yamlPath, String sampleName, Path ensemble, List<Double> yieldCoefficients,
                List<PolynomialVariation> variations) {
            this(yamlPath, sampleName, ensemble, yieldCoefficients, variations, List.of());
        }

        /** Without training samples (the ensemble and yield coefficients come from elsewhere). */
        public PolynomialModel(String yamlPath, String sampleName, Path ensemble, List<Double> yieldCoefficients) {
            this(yamlPath, sampleName, ensemble, yieldCoefficients, List.of());
        }
    }

    /**
     * A sample simulated at a nuisance point, for training a polynomial model ({@code ratiofit
     * train}): {@code point} gives the parameters' values (parameters not named are 0);
     * {@code heldOut} samples are not trained on, only checked (interpolation closure).
     */
    public record PolynomialVariation(String yamlPath, Map<String, Double> point, EventFiles events, boolean heldOut) {}

    /**
     * A systematic uncertainty. For NORM, SHAPE and NORM_PLUS_SHAPE the nuisance parameter is
     * named {@code name} and {@code up}/{@code down} hold one variation per affected sample. For
     * POLYNOMIAL, {@code parameters} names the nuisance parameters, {@code monomials} the
     * monomials (lists of parameter names; [TES, TES] is TES squared) and {@code models} one
     * ensemble per sample.
     */
    public record Systematic(
            String yamlPath,
            String name,
            SystematicType type,
            List<String> samples,
            Constraint constraint,
            double nominal,
            double lower,
            double upper,
            Interpolation interpolation,
            List<Variation> up,
            List<Variation> down,
            List<String> parameters,
            List<List<String>> monomials,
            List<PolynomialModel> models) {

        /** The nuisance parameters this systematic introduces. */
        public List<String> nuisanceParameters() {
            return type == SystematicType.POLYNOMIAL ? parameters : List.of(name);
        }
    }

    public enum RegionType { UNBINNED, BINNED }

    /** A region: unbinned (per-event ratios) or binned (a histogram of {@code variable}). */
    public record Region(String yamlPath, String name, RegionType type, String filter, String variable, List<Double> binning) {
        /** The parsed selection, empty when the region takes every event. */
        @JsonIgnore
        public Optional<Selection> selection() {
            return filter == null ? Optional.empty() : Optional.of(Selection.parse(filter));
        }
    }

    /** An Asimov dataset to generate: parameter values (the rest at their nominal values). */
    public record AsimovPoint(String yamlPath, String name, Map<String, Double> parameters) {}

    // ---------------------------------------------------------------- look-ups

    public Optional<Sample> sample(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    @JsonIgnore
    public Optional<Sample> dataSample() {
        return samples.stream().filter(Sample::data).findFirst();
    }

    @JsonIgnore
    public List<Sample> referenceSamples() {
        return samples.stream().filter(Sample::useAsReference).toList();
    }

    @JsonIgnore
    public List<Sample> basisSamples() {
        return samples.stream().filter(Sample::useAsBasis).toList();
    }

    public Optional<NormFactor> normFactor(String name) {
        return normFactors.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** Every parameter name: norm factors (the parameter of interest among them), then nuisance parameters. */
    @JsonIgnore
    public List<String> parameterNames() {
        List<String> out = new ArrayList<>();
        normFactors.forEach(n -> out.add(n.name()));
        systematics.forEach(s -> out.addAll(s.nuisanceParameters()));
        return out;
    }

    /** Every event file the configuration names (samples, then variations), each once, in order. */
    @JsonIgnore
    public List<Path> inputFiles() {
        java.util.LinkedHashSet<Path> out = new java.util.LinkedHashSet<>();
        for (Sample s : samples) {
            if (s.events() != null) out.addAll(s.events().paths());
        }
        for (Systematic sy : systematics) {
            for (Variation v : sy.up()) if (v.events() != null) out.addAll(v.events().paths());
            for (Variation v : sy.down()) if (v.events() != null) out.addAll(v.events().paths());
        }
        return List.copyOf(out);
    }

    /** Every ensemble folder the configuration names, with the YAML path that names it. */
    @JsonIgnore
    public Map<String, Path> ensembles() {
        Map<String, Path> out = new java.util.LinkedHashMap<>();
        for (Sample s : samples) {
            if (s.ensemble() != null) out.put(s.yamlPath() + ".Ensemble", s.ensemble());
        }
        for (Systematic sy : systematics) {
            for (Variation v : sy.up()) if (v.ensemble() != null) out.put(v.yamlPath() + ".Ensemble", v.ensemble());
            for (Variation v : sy.down()) if (v.ensemble() != null) out.put(v.yamlPath() + ".Ensemble", v.ensemble());
            for (PolynomialModel m : sy.models()) if (m.ensemble() != null) out.put(m.yamlPath() + ".Ensemble", m.ensemble());
        }
        return out;
    }
}
