package org.ratiofit.workspace.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.ratiofit.ratio.data.EventFileException;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventFormat;
import org.ratiofit.ratio.data.Names;
import org.ratiofit.workspace.config.FitConfig.AsimovPoint;
import org.ratiofit.workspace.config.FitConfig.NormFactor;
import org.ratiofit.workspace.config.FitConfig.PolynomialModel;
import org.ratiofit.workspace.config.FitConfig.Region;
import org.ratiofit.workspace.config.FitConfig.RegionType;
import org.ratiofit.workspace.config.FitConfig.Sample;
import org.ratiofit.workspace.config.FitConfig.Systematic;
import org.ratiofit.workspace.config.FitConfig.SystematicType;
import org.ratiofit.workspace.config.FitConfig.Variation;
import org.ratiofit.workspace.selection.Selection;
import org.ratiofit.workspace.selection.SelectionException;

/**
 * Checks a read configuration as a whole, before any expensive work: names and cross references,
 * parameter bounds, selections, binnings, event files (existence and columns, from headers and
 * metadata only) and ensemble folders (existence, and the features each declares through an
 * {@link EnsembleInspector}). Tolerates fields left null by reading problems, so that one run
 * reports everything.
 */
public final class ConfigValidator {

    private ConfigValidator() {}

    public static List<ConfigProblem> validate(FitConfig c, EnsembleInspector inspector) {
        List<ConfigProblem> problems = new ArrayList<>();
        validate(c, inspector, problems);
        return problems;
    }

    static void validate(FitConfig c, EnsembleInspector inspector, List<ConfigProblem> out) {
        new Run(c, inspector, out).run();
    }

    private static final class Run {
        final FitConfig c;
        final EnsembleInspector inspector;
        final List<ConfigProblem> out;
        final Map<String, Sample> samples = new LinkedHashMap<>();
        final Map<String, Double[]> parameters = new LinkedHashMap<>(); // name -> {lower, upper}
        final Map<String, Selection> selections = new LinkedHashMap<>();

        Run(FitConfig c, EnsembleInspector inspector, List<ConfigProblem> out) {
            this.c = c;
            this.inspector = inspector;
            this.out = out;
        }

        void problem(String path, String message) {
            ConfigProblem p = new ConfigProblem(path, message);
            if (!out.contains(p)) {
                out.add(p);
            }
        }

        String unknown(String what, String name, Set<String> known) {
            String hint = Names.closest(name, known);
            return "unknown " + what + " '" + name + "'" + (hint != null ? " (did you mean '" + hint + "'?)" : "")
                    + "; known: " + known;
        }

        void run() {
            features();
            samples();
            parameters();
            systematics();
            regions();
            asimov();
            eventFiles();
            ensembles();
        }

        void features() {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < c.trainingFeatures().size(); i++) {
                if (!seen.add(c.trainingFeatures().get(i))) {
                    problem("TrainingFeatures[" + i + "]", "feature '" + c.trainingFeatures().get(i) + "' is listed twice");
                }
            }
            for (int i = 0; i < c.trainingFeaturesToStandardize().size(); i++) {
                String f = c.trainingFeaturesToStandardize().get(i);
                if (!seen.contains(f)) {
                    problem("TrainingFeaturesToStandardize[" + i + "]", unknown("feature", f, new LinkedHashSet<>(c.trainingFeatures())));
                }
            }
        }

        void samples() {
            for (Sample s : c.samples()) {
                if (s.name() == null) {
                    continue;
                }
                if (samples.putIfAbsent(s.name(), s) != null) {
                    problem(s.yamlPath() + ".Name", "sample name '" + s.name() + "' is used twice");
                }
            }
            List<Sample> data = c.samples().stream().filter(Sample::data).toList();
            if (data.size() > 1) {
                problem(data.get(1).yamlPath() + ".Data", "only one sample can be the observed data; '" + data.get(0).name()
                        + "' already is");
            }
            List<Sample> refs = c.referenceSamples();
            if (refs.isEmpty() && !c.samples().isEmpty()) {
                problem("Samples", "no reference sample: mark the sample every ratio is taken against with UseAsReference: true");
            }
            if (c.basisSamples().isEmpty() && !c.samples().isEmpty()) {
                problem("Samples", "no basis sample: mark the samples of the model with UseAsBasis: true");
            }
            if (data.isEmpty() && c.asimov().isEmpty()) {
                problem("Samples", "no observed data (a sample with Data: true) and no Asimov dataset: nothing to fit");
            }
            for (Sample s : c.samples()) {
                String p = s.yamlPath();
                if (s.name() == null) {
                    continue; // reported as missing by the reader
                }
                if (s.data()) {
                    if (s.useAsBasis() || s.useAsReference()) {
                        problem(p, "the data sample cannot also be a basis or reference sample");
                    }
                    if (s.ensemble() != null) {
                        problem(p + ".Ensemble", "the data sample has no ratio ensemble");
                    }
                    if (s.coefficient() != null) {
                        problem(p + ".Coefficient", "the data sample has no yield coefficient");
                    }
                    if (s.yield() != null) {
                        problem(p + ".Yield", "the data sample has no yield: its events are counted as they are");
                    }
                    continue;
                }
                if (s.yield() != null && !(s.yield() > 0 && Double.isFinite(s.yield()))) {
                    problem(p + ".Yield", "a sample's yield (its expected number of events before any selection) must be a positive "
                            + "finite number, found " + s.yield());
                }
                if (s.parametrised() || !s.estimatorParameters().isEmpty()) {
                    parametrisedSample(s);
                    continue;
                }
                if (s.withoutEvents() && s.useAsBasis() && !s.useAsReference() && s.yield() != null && s.ensemble() != null) {
                    eventlessSample(s);
                }
                if (!s.useAsBasis() && !s.useAsReference()) {
                    problem(p, "sample '" + s.name() + "' has no role: set Data, UseAsBasis or UseAsReference");
                }
                boolean soleReference = s.useAsReference() && refs.size() == 1;
                if (s.useAsBasis() && s.ensemble() == null && !soleReference) {
                    problem(p + ".Ensemble", "missing: basis sample '" + s.name()
                            + "' needs the folder of its ratio ensemble against the reference"
                            + (s.useAsReference() ? " (the reference is a mixture of " + refs.size() + " samples)" : ""));
                }
                if (!s.useAsBasis() && s.ensemble() != null) {
                    problem(p + ".Ensemble", "only basis samples (UseAsBasis: true) have ratio ensembles");
                }
                if (!s.useAsBasis() && s.coefficient() != null) {
                    problem(p + ".Coefficient", "only basis samples (UseAsBasis: true) have yield coefficients");
                }
            }
        }

        /**
         * The rules of a sample whose ratio is a parametrised estimator r(x|θ) against the reference
         * ({@code Estimator}): a basis sample given by its estimator, its Yield and the ranges of θ
         * ({@code EstimatorParameters}), without events or a fixed ensemble. Whether the estimator
         * exists and is singly parametrised with exactly these θ is checked by the build.
         */
        void parametrisedSample(Sample s) {
            String p = s.yamlPath();
            if (!s.parametrised()) {
                problem(p + ".EstimatorParameters", "only a sample with an Estimator (a parametrised ratio r(x|θ)) has estimator parameters");
                return;
            }
            if (!s.useAsBasis() || s.useAsReference() || s.data()) {
                problem(p + ".Estimator", "a parametrised estimator is the ratio of a basis sample (UseAsBasis: true, not the reference or data)");
            }
            if (s.ensemble() != null) {
                problem(p + ".Ensemble", "a sample has either a fixed ratio ensemble (Ensemble) or a parametrised estimator (Estimator), not both");
            }
            if (s.yield() == null) {
                problem(p + ".Yield", "missing: a sample given by a parametrised estimator needs its expected number of events (its events at θ do not exist)");
            }
            if (!s.withoutEvents()) {
                problem(p + ".SamplePath", "a sample given by a parametrised estimator has no event files: its density at θ is r(x|θ) times the reference's");
            }
            if (s.estimatorParameters().isEmpty()) {
                problem(p + ".EstimatorParameters", "missing: give every parameter θ of the estimator with its Bounds (the θ region it was trained on,"
                        + " e.g. [{Name: k, Nominal: 2, Bounds: [1.5, 3]}])");
            }
            for (FitConfig.EstimatorParameter t : s.estimatorParameters()) {
                if (t.name() == null) {
                    continue;
                }
                if (!(t.lower() < t.upper()) || !Double.isFinite(t.lower()) || !Double.isFinite(t.upper())) {
                    if (!Double.isNaN(t.lower()) || !Double.isNaN(t.upper())) {
                        problem(t.yamlPath() + ".Bounds", "needs finite bounds lower < upper (the θ region the estimator was trained on), got ["
                                + t.lower() + ", " + t.upper() + "]");
                    }
                } else if (t.nominal() < t.lower() || t.nominal() > t.upper()) {
                    problem(t.yamlPath() + ".Nominal", "nominal value " + t.nominal() + " is outside the bounds [" + t.lower() + ", " + t.upper() + "]");
                }
            }
            if (s.coefficient() != null && s.coefficient().parameter() != null
                    && s.estimatorParameters().stream().anyMatch(t -> s.coefficient().parameter().equals(t.name()))) {
                problem(p + ".Coefficient", "parameter '" + s.coefficient().parameter() + "' is a θ of the sample's estimator, not a norm factor");
            }
        }

        /** The rules of a basis sample given by its ensemble and yield alone (no SamplePath). */
        void eventlessSample(Sample s) {
            String p = s.yamlPath();
            for (Region r : c.regions()) {
                if (r.type() == RegionType.BINNED) {
                    problem(p + ".SamplePath", "missing: sample '" + s.name() + "' is given by its ensemble and Yield alone, which "
                            + "serves unbinned regions only, but region '" + r.name() + "' (" + r.yamlPath()
                            + ") is binned and needs the sample's events for its histogram");
                    break;
                }
            }
            for (Systematic sy : c.systematics()) {
                for (Variation v : concat(sy.up(), sy.down())) {
                    if (s.name().equals(v.sampleName()) && v.events() != null) {
                        problem(v.yamlPath() + ".Path", "sample '" + s.name() + "' has no events (SamplePath) to compare the varied "
                                + "events with; give the varied yield as Yield (relative to nominal, e.g. 1.05)");
                    }
                }
            }
        }

        void parameters() {
            for (NormFactor n : c.normFactors()) {
                if (n.name() == null) {
                    continue;
                }
                if (parameters.putIfAbsent(n.name(), new Double[] {n.lower(), n.upper()}) != null) {
                    problem(n.yamlPath() + ".Name", "parameter '" + n.name() + "' is defined twice");
                }
                if (!(n.lower() < n.upper())) {
                    if (!Double.isNaN(n.lower()) || !Double.isNaN(n.upper())) {
                        problem(n.yamlPath() + ".Bounds", "lower bound " + n.lower() + " is not below upper bound " + n.upper());
                    }
                } else if (n.nominal() < n.lower() || n.nominal() > n.upper()) {
                    problem(n.yamlPath() + ".Nominal", "nominal value " + n.nominal() + " is outside the bounds [" + n.lower() + ", "
                            + n.upper() + "]");
                }
                for (int i = 0; i < n.samples().size(); i++) {
                    checkModelSample(n.yamlPath() + ".Samples" + (n.samples().size() > 1 ? "[" + i + "]" : ""), n.samples().get(i));
                }
            }
            for (Systematic s : c.systematics()) {
                for (String np : s.nuisanceParameters()) {
                    if (np != null && parameters.putIfAbsent(np, new Double[] {s.lower(), s.upper()}) != null) {
                        problem(s.yamlPath() + (s.type() == SystematicType.POLYNOMIAL ? ".Parameters" : ".Name"),
                                "parameter '" + np + "' is defined twice");
                    }
                }
            }
            Map<String, FitConfig.EstimatorParameter> theta = new HashMap<>();
            for (Sample s : c.samples()) {
                for (FitConfig.EstimatorParameter t : s.estimatorParameters()) {
                    if (t.name() == null || !s.parametrised()) {
                        continue;
                    }
                    FitConfig.EstimatorParameter other = theta.get(t.name());
                    if (other != null) {
                        if (other.lower() != t.lower() || other.upper() != t.upper() || other.nominal() != t.nominal()) {
                            problem(t.yamlPath(), "estimator parameter '" + t.name() + "' is also declared at " + other.yamlPath()
                                    + " with other bounds or nominal value; a shared θ needs the same declaration");
                        }
                        continue;
                    }
                    theta.put(t.name(), t);
                    if (parameters.containsKey(t.name())) {
                        problem(t.yamlPath() + ".Name", "estimator parameter '" + t.name() + "' clashes with the norm factor or nuisance parameter of"
                                + " the same name; give the estimator's θ names no other parameter has");
                    } else {
                        parameters.put(t.name(), new Double[] {t.lower(), t.upper()});
                    }
                }
            }
            Set<String> usedByCoefficient = new HashSet<>();
            for (Sample s : c.samples()) {
                if (s.coefficient() == null || s.coefficient().parameter() == null) {
                    continue;
                }
                String p = s.yamlPath() + ".Coefficient";
                String param = s.coefficient().parameter();
                usedByCoefficient.add(param);
                NormFactor nf = c.normFactor(param).orElse(null);
                if (nf == null) {
                    problem(p + ".Parameter", unknown("norm factor", param, names(c.normFactors())));
                    continue;
                }
                if (nf.samples().contains(s.name())) {
                    problem(p + ".Parameter", "norm factor '" + param + "' already scales sample '" + s.name() + "' through "
                            + nf.yamlPath() + ".Samples; using it in the Coefficient too would count it twice");
                }
                if (s.coefficient().terms().isEmpty()) {
                    problem(p + ".Terms", "no terms: the coefficient would be zero");
                }
                if (s.coefficient().needsNonNegative() && nf.lower() < 0) {
                    problem(p + ".Terms", "a fractional power of '" + param + "' needs its lower bound >= 0, but "
                            + nf.yamlPath() + ".Bounds starts at " + nf.lower());
                }
                if (s.coefficient().hasNegativePower() && nf.lower() <= 0) {
                    problem(p + ".Terms", "a negative power of '" + param + "' needs its lower bound > 0, but "
                            + nf.yamlPath() + ".Bounds starts at " + nf.lower());
                }
            }
            for (NormFactor n : c.normFactors()) {
                if (n.name() != null && n.samples().isEmpty() && !usedByCoefficient.contains(n.name())) {
                    problem(n.yamlPath() + ".Samples", "norm factor '" + n.name()
                            + "' scales no sample and appears in no Coefficient: it would not change the fit");
                }
            }
            String poi = c.general().poi();
            if (poi != null && c.normFactor(poi).isEmpty()) {
                problem("General.Measurement.POI", "the parameter of interest must be a norm factor; "
                        + unknown("norm factor", poi, names(c.normFactors())));
            }
            List<String> toFit = c.general().parametersToFit();
            for (int i = 0; i < toFit.size(); i++) {
                if (!parameters.containsKey(toFit.get(i))) {
                    problem("General.Measurement.ParametersToFit[" + i + "]", unknown("parameter", toFit.get(i), parameters.keySet()));
                }
            }
        }

        static Set<String> names(List<NormFactor> l) {
            Set<String> s = new LinkedHashSet<>();
            l.forEach(n -> { if (n.name() != null) s.add(n.name()); });
            return s;
        }

        /** A sample that carries a yield in the model: basis samples (data has no yield). */
        boolean checkModelSample(String path, String name) {
            Sample s = samples.get(name);
            if (s == null) {
                problem(path, unknown("sample", name, samples.keySet()));
                return false;
            }
            if (!s.useAsBasis()) {
                problem(path, "sample '" + name + "' is not a basis sample (UseAsBasis: true), so it has no yield to modify");
                return false;
            }
            return true;
        }

        void systematics() {
            for (Systematic s : c.systematics()) {
                String p = s.yamlPath();
                if (s.type() == null) {
                    continue;
                }
                if (!(s.lower() < s.upper())) {
                    problem(p + ".Bounds", "lower bound " + s.lower() + " is not below upper bound " + s.upper());
                } else if (s.nominal() < s.lower() || s.nominal() > s.upper()) {
                    problem(p + ".Nominal", "nominal value " + s.nominal() + " is outside the bounds [" + s.lower() + ", " + s.upper() + "]");
                }
                for (int i = 0; i < s.samples().size(); i++) {
                    checkModelSample(p + ".Samples" + (s.samples().size() > 1 ? "[" + i + "]" : ""), s.samples().get(i));
                }
                if (s.type() == SystematicType.POLYNOMIAL) {
                    polynomial(s);
                    continue;
                }
                if (!s.parameters().isEmpty() || !s.monomials().isEmpty() || !s.models().isEmpty()) {
                    problem(p, "Parameters, Monomials and Models belong to Type: Polynomial systematics only");
                }
                if (s.up().isEmpty() || s.down().isEmpty()) {
                    problem(p + (s.up().isEmpty() ? ".Up" : ".Dn"), "missing: a Type: " + yamlName(s.type())
                            + " systematic needs Up and Dn variations, one per affected sample");
                }
                Set<String> upSamples = variations(s, s.up());
                Set<String> downSamples = variations(s, s.down());
                if (!s.up().isEmpty() && !s.down().isEmpty() && !upSamples.equals(downSamples)) {
                    problem(p + ".Dn", "the Up variations cover samples " + upSamples + " but the Dn variations cover " + downSamples);
                }
                if (!s.samples().isEmpty()) {
                    Set<String> listed = new LinkedHashSet<>(s.samples());
                    Set<String> varied = new LinkedHashSet<>(upSamples);
                    varied.addAll(downSamples);
                    if (!listed.equals(varied)) {
                        problem(p + ".Samples", "lists " + listed + " but the variations cover " + varied);
                    }
                }
            }
        }

        Set<String> variations(Systematic s, List<Variation> vs) {
            Set<String> seen = new LinkedHashSet<>();
            boolean needsYield = s.type() == SystematicType.NORM || s.type() == SystematicType.NORM_PLUS_SHAPE;
            boolean needsShape = s.type() == SystematicType.SHAPE || s.type() == SystematicType.NORM_PLUS_SHAPE;
            for (Variation v : vs) {
                String p = v.yamlPath();
                if (v.sampleName() == null) {
                    continue;
                }
                if (!seen.add(v.sampleName())) {
                    problem(p + ".SampleName", "sample '" + v.sampleName() + "' is varied twice in the same direction");
                }
                checkModelSample(p + ".SampleName", v.sampleName());
                if (needsYield && v.yieldFactor() == null && v.events() == null) {
                    problem(p, "missing the varied yield: give Yield (relative to nominal, e.g. 1.05) or Path (varied events)");
                }
                if (v.yieldFactor() != null && v.events() != null) {
                    problem(p + ".Yield", "give the varied yield once: Yield or Path, not both");
                }
                if (v.yieldFactor() != null && !(v.yieldFactor() > 0)) {
                    problem(p + ".Yield", "a relative yield must be positive, found " + v.yieldFactor());
                }
                if (!needsYield && (v.yieldFactor() != null || v.events() != null)) {
                    problem(p, "a shape systematic takes no yield (Yield, Path); use Type: NormPlusShape for both");
                }
                if (needsShape && v.ensemble() == null) {
                    problem(p + ".Ensemble", "missing: a shape variation needs the folder of its ratio ensemble (varied against nominal)");
                }
                if (!needsShape && v.ensemble() != null) {
                    problem(p + ".Ensemble", "a norm systematic has no per-event shape; use Type: NormPlusShape");
                }
            }
            return seen;
        }

        void polynomial(Systematic s) {
            String p = s.yamlPath();
            if (s.parameters().isEmpty()) {
                problem(p + ".Parameters", "missing: a polynomial systematic names its nuisance parameters");
            }
            if (s.monomials().isEmpty()) {
                problem(p + ".Monomials", "missing: list the monomials, e.g. [[TES], [TES, TES]]");
            }
            if (!s.up().isEmpty() || !s.down().isEmpty()) {
                problem(p, "a polynomial systematic takes Models, not Up/Dn variations");
            }
            Set<String> params = new LinkedHashSet<>(s.parameters());
            for (int i = 0; i < s.monomials().size(); i++) {
                List<String> m = s.monomials().get(i);
                if (m.isEmpty()) {
                    problem(p + ".Monomials[" + i + "]", "empty monomial (the constant term is the nominal model)");
                }
                for (String x : m) {
                    if (!params.contains(x)) {
                        problem(p + ".Monomials[" + i + "]", unknown("parameter", x, params));
                    }
                }
            }
            if (s.models().isEmpty()) {
                problem(p + ".Models", "missing: one model (SampleName, Ensemble, YieldCoefficients) per affected sample");
            }
            if (!s.samples().isEmpty()) {
                Set<String> listed = new LinkedHashSet<>(s.samples());
                Set<String> modelled = new LinkedHashSet<>();
                s.models().forEach(m -> { if (m.sampleName() != null) modelled.add(m.sampleName()); });
                if (!listed.equals(modelled)) {
                    problem(p + ".Samples", "lists " + listed + " but the models cover " + modelled);
                }
            }
            Set<String> seen = new HashSet<>();
            for (PolynomialModel m : s.models()) {
                if (m.sampleName() == null) {
                    continue;
                }
                if (!seen.add(m.sampleName())) {
                    problem(m.yamlPath() + ".SampleName", "sample '" + m.sampleName() + "' has two models");
                }
                checkModelSample(m.yamlPath() + ".SampleName", m.sampleName());
                // no YieldCoefficients: the build takes them from the ensemble's yield fit (ratiofit train writes it)
                if (!m.yieldCoefficients().isEmpty() && m.yieldCoefficients().size() != s.monomials().size()) {
                    problem(m.yamlPath() + ".YieldCoefficients", m.yieldCoefficients().size() + " coefficients for "
                            + s.monomials().size() + " monomials");
                }
                for (String name : m.yieldSpline()) {
                    if (!params.contains(name)) {
                        problem(m.yamlPath() + ".YieldSpline", unknown("parameter", name, params));
                    }
                }
                if (!m.yieldSpline().isEmpty() && m.variations().isEmpty()) {
                    problem(m.yamlPath() + ".YieldSpline", "a yield spline is fitted by ratiofit train from the model's Variations; "
                            + "this model has none");
                }
                if (!m.yieldSpline().isEmpty() && !m.yieldCoefficients().isEmpty()) {
                    problem(m.yamlPath() + ".YieldSpline", "the build takes the spline from the ensemble's yield fit, which "
                            + "YieldCoefficients would replace; give one or the other");
                }
                for (FitConfig.PolynomialVariation v : m.variations()) {
                    for (String name : v.point().keySet()) {
                        if (!params.contains(name)) {
                            problem(v.yamlPath() + ".Point", unknown("parameter", name, params));
                        }
                    }
                }
            }
        }

        void regions() {
            Set<String> names = new HashSet<>();
            for (Region r : c.regions()) {
                String p = r.yamlPath();
                if (r.name() != null && !names.add(r.name())) {
                    problem(p + ".Name", "region name '" + r.name() + "' is used twice");
                }
                if (r.filter() != null) {
                    try {
                        selections.put(p + ".Filter", Selection.parse(r.filter()));
                    } catch (SelectionException e) {
                        problem(p + ".Filter", e.getMessage());
                    }
                }
                if (r.type() == RegionType.BINNED) {
                    if (r.variable() == null) {
                        problem(p + ".Variable", "missing: a binned region histograms a variable");
                    }
                    List<Double> b = r.binning();
                    if (b.size() < 2) {
                        problem(p + ".Binning", "a binned region needs at least two bin edges, found " + b.size());
                    }
                    for (int i = 0; i < b.size(); i++) {
                        if (!Double.isFinite(b.get(i))) {
                            problem(p + ".Binning[" + i + "]", "bin edge " + b.get(i) + " is not finite");
                        } else if (i > 0 && !(b.get(i) > b.get(i - 1))) {
                            problem(p + ".Binning[" + i + "]", "bin edges must increase: " + b.get(i) + " follows " + b.get(i - 1));
                        }
                    }
                } else if (r.type() == RegionType.UNBINNED && !r.binning().isEmpty()) {
                    problem(p + ".Binning", "an unbinned region has no binning (set Type: binned to histogram "
                            + (r.variable() == null ? "a Variable" : "'" + r.variable() + "'") + ")");
                }
            }
        }

        void asimov() {
            Set<String> names = new HashSet<>();
            for (AsimovPoint a : c.asimov()) {
                if (a.name() != null && !names.add(a.name())) {
                    problem(a.yamlPath() + ".Name", "Asimov dataset name '" + a.name() + "' is used twice");
                }
                for (Map.Entry<String, Double> e : a.parameters().entrySet()) {
                    String p = a.yamlPath() + ".Parameters." + e.getKey();
                    Double[] b = parameters.get(e.getKey());
                    if (b == null) {
                        problem(p, unknown("parameter", e.getKey(), parameters.keySet()));
                    } else if (e.getValue() < b[0] || e.getValue() > b[1]) {
                        problem(p, "value " + e.getValue() + " is outside the parameter's bounds [" + b[0] + ", " + b[1] + "]");
                    }
                }
            }
        }

        /** Columns every event file must have, with the YAML path that asks for each. */
        Map<String, String> commonColumns() {
            Map<String, String> need = new LinkedHashMap<>();
            for (Map.Entry<String, Selection> e : selections.entrySet()) {
                for (String col : e.getValue().columns()) {
                    need.putIfAbsent(col, e.getKey());
                }
            }
            for (Region r : c.regions()) {
                if (r.type() == RegionType.BINNED && r.variable() != null) {
                    need.putIfAbsent(r.variable(), r.yamlPath() + ".Variable");
                }
            }
            return need;
        }

        void eventFiles() {
            Map<String, String> common = commonColumns();
            Map<String, String> withFeatures = new LinkedHashMap<>(common);
            for (int i = 0; i < c.trainingFeatures().size(); i++) {
                withFeatures.putIfAbsent(c.trainingFeatures().get(i), "TrainingFeatures[" + i + "]");
            }
            Map<String, List<String>> cache = new HashMap<>();
            for (Sample s : c.samples()) {
                if (s.events() == null) {
                    continue;
                }
                // The ensembles are evaluated on data and reference events; basis samples give yields and histograms.
                boolean evaluated = s.data() || s.useAsReference();
                checkFiles(s.yamlPath() + ".SamplePath", s.events(), evaluated ? withFeatures : common, cache);
            }
            for (Systematic sy : c.systematics()) {
                for (Variation v : concat(sy.up(), sy.down())) {
                    if (v.events() != null) {
                        checkFiles(v.yamlPath() + ".Path", v.events(), common, cache);
                    }
                }
            }
        }

        static <T> List<T> concat(List<T> a, List<T> b) {
            List<T> out = new ArrayList<>(a);
            out.addAll(b);
            return out;
        }

        void checkFiles(String p, FitConfig.EventFiles ev, Map<String, String> need, Map<String, List<String>> cache) {
            for (int i = 0; i < ev.paths().size(); i++) {
                Path f = ev.paths().get(i);
                String fp = ev.paths().size() > 1 ? p + "[" + i + "]" : p;
                if (!Files.isRegularFile(f)) {
                    problem(fp, "no such file: " + f);
                    continue;
                }
                if (!EventFormat.isKnown(f)) {
                    problem(fp, f + ": unknown event file format (expected .csv, .h5/.hdf5, .npy or .npz)");
                    continue;
                }
                EventFormat format = EventFormat.of(f);
                String owner = p.replaceFirst("\\.(SamplePath|Path)$", "");
                if (ev.tree() != null && format != EventFormat.HDF5) {
                    problem(owner + ".Tree", "Tree applies to HDF5 files only, but " + f.getFileName() + " is " + format);
                }
                if (ev.columns() != null && format != EventFormat.HDF5 && format != EventFormat.NPY) {
                    problem(owner + ".Columns", "Columns applies to 2-D .npy and HDF5 arrays only, but " + f.getFileName() + " is "
                            + format + " (which names its columns)");
                }
                List<String> cols;
                String key = f + "|" + ev.tree() + "|" + ev.columns();
                try {
                    cols = cache.get(key);
                    if (cols == null) {
                        cols = EventFiles.columnNames(f, ev.readOptions());
                        cache.put(key, cols);
                    }
                } catch (EventFileException | IOException e) {
                    problem(fp, e.getMessage());
                    continue;
                }
                Map<String, String> wanted = new LinkedHashMap<>(need);
                if (ev.weight() != null) {
                    wanted.putIfAbsent(ev.weight(), p.replaceFirst("\\.(SamplePath|Path)$", "") + ".Weight");
                }
                for (Map.Entry<String, String> e : wanted.entrySet()) {
                    if (!cols.contains(e.getKey())) {
                        String hint = Names.closest(e.getKey(), cols);
                        problem(fp, f + (ev.tree() != null ? "[" + ev.tree() + "]" : "") + " has no column '" + e.getKey()
                                + "' (needed by " + e.getValue() + ")" + (hint != null ? "; did you mean '" + hint + "'?" : "")
                                + "; its columns are " + cols);
                    }
                }
            }
        }

        void ensembles() {
            Set<String> features = new LinkedHashSet<>(c.trainingFeatures());
            Map<Path, EnsembleInspector.EnsembleInfo> seen = new HashMap<>();
            Map<String, Integer> expectedOutputs = new HashMap<>();
            for (Systematic s : c.systematics()) {
                for (PolynomialModel m : s.models()) {
                    expectedOutputs.put(m.yamlPath() + ".Ensemble", s.monomials().size());
                }
            }
            for (Map.Entry<String, Path> e : c.ensembles().entrySet()) {
                String p = e.getKey();
                Path dir = e.getValue();
                if (!Files.isDirectory(dir)) {
                    problem(p, Files.exists(dir) ? dir + " is not a folder (an ensemble is a folder of members)"
                            : "no such ensemble folder: " + dir);
                    continue;
                }
                EnsembleInspector.EnsembleInfo info;
                try {
                    info = seen.containsKey(dir) ? seen.get(dir) : inspector.inspect(dir);
                    seen.put(dir, info);
                } catch (IOException | RuntimeException ex) {
                    problem(p, "cannot read the ensemble in " + dir + ": " + ex.getMessage());
                    continue;
                }
                if (info == null) {
                    continue;
                }
                Set<String> declared = new LinkedHashSet<>(info.features());
                if (!declared.equals(features)) {
                    Set<String> missing = new LinkedHashSet<>(declared);
                    missing.removeAll(features);
                    Set<String> extra = new LinkedHashSet<>(features);
                    extra.removeAll(declared);
                    problem(p, "the ensemble in " + dir + " takes features " + info.features() + ", which differ from TrainingFeatures "
                            + c.trainingFeatures() + (missing.isEmpty() ? "" : "; not configured: " + missing)
                            + (extra.isEmpty() ? "" : "; not taken by the model: " + extra));
                }
                Integer outputs = expectedOutputs.get(p);
                int want = outputs == null ? 1 : outputs;
                if (info.outputs() != want) {
                    problem(p, "the ensemble in " + dir + " gives " + info.outputs() + " outputs per event, expected " + want
                            + (outputs == null ? " (a ratio)" : " (one per monomial)"));
                }
                if (info.members() < 1) {
                    problem(p, "the ensemble in " + dir + " has no members");
                }
            }
        }
    }

    /** A systematic's type as the configuration spells it. */
    static String yamlName(SystematicType t) {
        return switch (t) {
            case NORM -> "Norm";
            case SHAPE -> "Shape";
            case NORM_PLUS_SHAPE -> "NormPlusShape";
            case POLYNOMIAL -> "Polynomial";
        };
    }
}
