package org.ratiofit.workspace.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Monomials;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.EventSet;
import org.ratiofit.likelihood.SampleColumns;
import org.ratiofit.likelihood.workspace.Workspace;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventSource;
import org.ratiofit.workspace.config.ConfigException;
import org.ratiofit.workspace.config.ConfigProblem;
import org.ratiofit.workspace.config.FitConfig;
import org.ratiofit.workspace.config.FitConfig.AsimovPoint;
import org.ratiofit.workspace.config.FitConfig.Interpolation;
import org.ratiofit.workspace.config.FitConfig.NormFactor;
import org.ratiofit.workspace.config.FitConfig.PolynomialModel;
import org.ratiofit.workspace.config.FitConfig.Region;
import org.ratiofit.workspace.config.FitConfig.RegionType;
import org.ratiofit.workspace.config.FitConfig.Sample;
import org.ratiofit.workspace.config.FitConfig.Systematic;
import org.ratiofit.workspace.config.FitConfig.SystematicType;
import org.ratiofit.workspace.config.FitConfig.Term;
import org.ratiofit.workspace.config.FitConfig.Variation;
import org.ratiofit.workspace.config.FitConfigLoader;
import org.ratiofit.io.OutputGuard;
import org.ratiofit.workspace.io.AtomicDirectory;
import org.ratiofit.workspace.io.Provenance;
import org.ratiofit.workspace.selection.Selection;

/**
 * From a fit configuration to a workspace folder (the likelihood's format, see
 * likelihood/README.md), in these steps:
 * <ol>
 *   <li>read and check the configuration ({@link FitConfigLoader} with the ONNX
 *   {@link OnnxEnsembleInspector}: features, members and outputs of every ensemble from its
 *   sidecars), then every build-time rule, before any event is read;</li>
 *   <li>one pass over the data events and one over each reference sample's events: every region's
 *   selection; in unbinned regions every basis sample's log-ratio against the reference, the
 *   up/down shape ratios and the polynomial coefficients from their ensembles, in chunks,
 *   evaluated in parallel; binned regions take the data histogram;</li>
 *   <li>one pass over each basis sample's events and each varied sample's events: nominal and
 *   varied yields per region, histograms of binned regions (shape-only variations reweight the
 *   nominal events by their ensemble);</li>
 *   <li>the model (parameters, channels, modifiers) written with the likelihood's
 *   {@link WorkspaceWriter} into a temporary folder, with {@code provenance.json}, a copy of the
 *   configuration, {@code asimov.json} and {@code build.json}, renamed into place at the end
 *   ({@link AtomicDirectory}): a failed build leaves nothing that looks like a workspace.</li>
 * </ol>
 * Without observed data the workspace holds the first Asimov data set of the configuration.
 */
public final class WorkspaceBuilder {

    /** The folder's copy of the configuration, as read. */
    public static final String CONFIG_COPY = "fit-config.yml";
    /** The Asimov points of the configuration, as full parameter vectors. */
    public static final String ASIMOV_FILE = "asimov.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private WorkspaceBuilder() {}

    /**
     * Builds the workspace of {@code configFile} into {@code outputDir}.
     *
     * @throws ConfigException for a configuration with problems (nothing is read or written)
     * @throws java.nio.file.FileAlreadyExistsException if the output exists and {@code overwrite} is off
     * @throws IOException for event files, models or writing that fail during the build (nothing is left behind)
     */
    public static BuildResult build(Path configFile, Path outputDir, BuildOptions options) throws IOException {
        return new Run(configFile, outputDir, options == null ? BuildOptions.defaults() : options).build();
    }

    /** Multiplicative effects (normsys, unbinned shapes) take the exponential code of each pair (HistFactory's pairing). */
    static int multiplicativeCode(Interpolation i) {
        return switch (i) {
            case CODE0, CODE1 -> 1;
            case CODE4, CODE4P -> 4;
        };
    }

    /** Additive per-bin effects (histosys) take the additive code of each pair. */
    static String additiveCode(Interpolation i) {
        return switch (i) {
            case CODE0, CODE1 -> "0";
            case CODE4, CODE4P -> "4p";
        };
    }

    private static final class Run {
        final Path configFile;
        final Path outputDir;
        final BuildOptions options;
        final List<String> warnings = new ArrayList<>();
        FitConfig cfg;
        List<Region> regions;
        List<Sample> basis;
        EnsemblePool pool;
        int threads;
        int chunkSize;

        // per basis sample: job of its log-ratio (-1: the reference itself, ln r = 0)
        final Map<String, Integer> logRatioJob = new LinkedHashMap<>();
        /** Per sample with a parametrised estimator: the job that gathers its features on the data and reference events. */
        final Map<String, Integer> featureJob = new LinkedHashMap<>();
        /** The estimators opened for the model's parametrised samples (closed when the build ends). */
        final List<org.ratiofit.workspace.nre.EstimatorLogRatio> opened = new ArrayList<>();
        // per basis sample: its shape systematics with up/down jobs
        final Map<String, List<Shape>> shapes = new LinkedHashMap<>();
        final Map<String, Poly> polys = new LinkedHashMap<>();
        // basis samples whose ratio ensemble sets beta: member rows, weighted per region after the passes
        final List<MemberWeighting.Spec> weighted = new ArrayList<>();
        final List<BuildResult.MemberWeights> memberWeights = new ArrayList<>();

        record Shape(Systematic systematic, Variation up, Variation down, int upJob, int downJob) {}

        /** A polynomial model mapped onto the likelihood's monomial order: index[configMonomial] = likelihood monomial. */
        record Poly(Systematic systematic, PolynomialModel model, int job, int[] index, double[] yieldCoefficients,
                List<org.ratiofit.ratio.training.pnn.YieldFit.Spline> yieldSplines) {}

        Run(Path configFile, Path outputDir, BuildOptions options) {
            this.configFile = configFile.toAbsolutePath().normalize();
            this.outputDir = outputDir.toAbsolutePath().normalize();
            this.options = options;
        }

        BuildResult build() throws IOException {
            long t0 = System.nanoTime();
            cfg = FitConfigLoader.load(configFile, new OnnxEnsembleInspector());
            regions = cfg.regions();
            basis = cfg.basisSamples();
            threads = options.effectiveThreads();
            chunkSize = options.chunkSize() > 0 ? options.chunkSize() : cfg.general().chunkSize();
            guardOutput();
            pool = new EnsemblePool(chunkSize);
            plan();
            long t1 = System.nanoTime();
            ExecutorService exec = Executors.newFixedThreadPool(threads, daemonThreads());
            try (EnsemblePool p = pool; AtomicDirectory out = AtomicDirectory.create(outputDir, options.overwrite())) {
                pool.preload();
                Passes passes = runPasses(exec);
                weighMembers(passes);
                long t2 = System.nanoTime();
                ModelBuilder mb = assemble(passes);
                Workspace ws;
                if (cfg.dataSample().isEmpty()) {
                    AsimovPoint a = cfg.asimov().get(0);
                    Model model = mb.build();
                    ws = Workspace.of(model.asimov(point(model.modelParameters(), a)));
                    warnings.add("no observed data: the workspace holds the Asimov data set '" + a.name() + "'");
                } else {
                    // the model itself (its compiled event loop) is not needed to write the workspace
                    ws = new Workspace(mb.parameters(), mb.channels());
                }
                warnings.addAll(Code4PositivityReport.lines(ws.channels()));
                warnings.addAll(BuildChecks.warnings(ws.channels()));
                Path dir = out.path();
                new WorkspaceWriter().write(ws, dir);
                LinkedHashSet<Path> folders = new LinkedHashSet<>(cfg.ensembles().values());
                for (Sample s : basis) if (s.parametrised()) folders.add(s.estimator());
                Provenance.of(configFile, folders, cfg.inputFiles(), Instant.now()).write(dir);
                Files.copy(configFile, dir.resolve(CONFIG_COPY));
                writeAsimov(ws.parameters(), dir);
                long t3 = System.nanoTime();
                double total = (t3 - t0) * 1e-9;
                double inference = pool.inferenceNanos.sum() * 1e-9;
                BuildResult.Timings timings = new BuildResult.Timings(total, (t1 - t0) * 1e-9, (t2 - t1) * 1e-9, inference,
                        (t3 - t2) * 1e-9, inference / (threads * total));
                BuildResult result = new BuildResult(BuildResult.FORMAT_VERSION, outputDir.toString(), configFile.toString(), threads,
                        chunkSize, passes.summaries(ws.channels()), pool.size(), pool.evaluations.sum(), timings, List.copyOf(warnings),
                        List.copyOf(memberWeights));
                AtomicFiles.write(dir.resolve(BuildResult.FILE_NAME), o -> JSON.writeValue(o, result));
                out.commit();
                return result;
            } finally {
                exec.shutdownNow();
                for (org.ratiofit.workspace.nre.EstimatorLogRatio e : opened) e.close();
            }
        }

        /**
         * The output folder is refused before any work when it is, holds or lies inside an input
         * (the configuration, an event file, an ensemble), and when it exists but is not a
         * workspace ratiofit built (with --overwrite) or is not to be overwritten.
         */
        void guardOutput() throws IOException {
            List<Path> inputs = new ArrayList<>();
            inputs.add(configFile);
            inputs.addAll(cfg.inputFiles());
            inputs.addAll(cfg.ensembles().values());
            OutputGuard.check("-o", outputDir, OutputGuard.Kind.WORKSPACE, options.overwrite(), inputs);
        }

        private static ThreadFactory daemonThreads() {
            AtomicInteger n = new AtomicInteger();
            return r -> {
                Thread t = new Thread(r, "ratiofit-build-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
        }

        // ------------------------------------------------------------ plan: jobs and build-time rules

        void plan() {
            List<ConfigProblem> problems = new ArrayList<>();
            List<Sample> refs = cfg.referenceSamples();
            for (Sample s : basis) {
                if (s.parametrised()) {
                    planParametrised(s, problems);
                    logRatioJob.put(s.name(), -1);
                    shapes.put(s.name(), new ArrayList<>());
                    continue;
                }
                if (s.ensemble() != null) {
                    String cls = multiclassClass(s, refs, problems);
                    org.ratiofit.ratio.EnsembleManifest mf = manifestOf(s.ensemble());
                    if (mf != null && mf.beta() != null && cls == null) {
                        int j = pool.memberJob(s.ensemble(), mf.members().size(), s.yamlPath() + ".Ensemble");
                        logRatioJob.put(s.name(), j);
                        weighted.add(new MemberWeighting.Spec(s.name(), s.ensemble(), j, mf.beta(), mf.aggregation(), mf.members()));
                    } else {
                        if (mf != null && mf.beta() != null) {
                            warnings.add(s.yamlPath() + ".Ensemble: the manifest's beta is not applied to one class of a multiclass ensemble; "
                                    + "its members are weighted equally");
                        }
                        logRatioJob.put(s.name(), pool.job(s.ensemble(), false, 1, s.yamlPath() + ".Ensemble", cls));
                    }
                } else if (s.useAsReference() && refs.size() == 1) {
                    logRatioJob.put(s.name(), -1);
                } else {
                    problems.add(new ConfigProblem(s.yamlPath() + ".Ensemble", "missing: basis sample '" + s.name()
                            + "' needs a ratio ensemble against the reference"));
                }
                shapes.put(s.name(), new ArrayList<>());
            }
            for (Systematic sy : cfg.systematics()) {
                if (sy.type() == SystematicType.POLYNOMIAL) {
                    int n = sy.parameters().size();
                    int[][] pairs = Monomials.of(n);
                    int[] index = new int[sy.monomials().size()];
                    for (int a = 0; a < index.length; a++) {
                        index[a] = monomialIndex(sy, sy.monomials().get(a), pairs, problems, a);
                    }
                    for (PolynomialModel m : sy.models()) {
                        if (polys.containsKey(m.sampleName())) {
                            problems.add(new ConfigProblem(m.yamlPath() + ".SampleName", "sample '" + m.sampleName()
                                    + "' already has a polynomial systematic (" + polys.get(m.sampleName()).systematic().name()
                                    + "); one per sample: list every parameter in one systematic"));
                            continue;
                        }
                        double[] delta = new double[Monomials.count(n)];
                        String order = SharedEnsembles.monomialOrderProblem(sy.parameters(), sy.monomials(), m.ensemble());
                        if (order != null) {
                            problems.add(new ConfigProblem(m.yamlPath() + ".Ensemble", order));
                        }
                        List<Double> coefficients = m.yieldCoefficients();
                        List<org.ratiofit.ratio.training.pnn.YieldFit.Spline> splines = List.of();
                        if (coefficients.isEmpty()) {
                            // none in the configuration: the yield fit ratiofit train wrote beside the ensemble (with its splines)
                            coefficients = SharedEnsembles.yieldCoefficients(sy.parameters(), sy.monomials(), m.ensemble(),
                                    m.yamlPath(), problems);
                            if (!coefficients.isEmpty()) {
                                splines = SharedEnsembles.yieldSplines(sy.parameters(), m.ensemble(), m.yamlPath(), problems);
                            }
                        }
                        for (int a = 0; a < index.length && a < coefficients.size(); a++) {
                            if (index[a] >= 0) delta[index[a]] += coefficients.get(a);
                        }
                        int job = pool.job(m.ensemble(), true, sy.monomials().size(), m.yamlPath() + ".Ensemble");
                        warnUnweighted(m.ensemble(), m.yamlPath() + ".Ensemble");
                        polys.put(m.sampleName(), new Poly(sy, m, job, index, delta, splines));
                    }
                    continue;
                }
                if (sy.type() == SystematicType.SHAPE || sy.type() == SystematicType.NORM_PLUS_SHAPE) {
                    for (Variation up : sy.up()) {
                        Variation dn = sy.down().stream().filter(v -> up.sampleName().equals(v.sampleName())).findFirst().orElse(null);
                        if (dn == null || up.ensemble() == null || dn.ensemble() == null) {
                            continue; // the validator names these
                        }
                        int uj = pool.job(up.ensemble(), false, 1, up.yamlPath() + ".Ensemble");
                        int dj = pool.job(dn.ensemble(), false, 1, dn.yamlPath() + ".Ensemble");
                        warnUnweighted(up.ensemble(), up.yamlPath() + ".Ensemble");
                        warnUnweighted(dn.ensemble(), dn.yamlPath() + ".Ensemble");
                        shapes.get(up.sampleName()).add(new Shape(sy, up, dn, uj, dj));
                    }
                }
            }
            if (cfg.dataSample().isEmpty() && cfg.asimov().isEmpty()) {
                problems.add(new ConfigProblem("Asimov", "no observed data and no Asimov point: nothing to fit"));
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(configFile, problems);
            }
        }

        /**
         * A sample whose ratio is a parametrised estimator: the estimator must be a singly
         * parametrised ratio ensemble whose θ are exactly the sample's EstimatorParameters and whose
         * features are training features; its regions must be unbinned and without a Filter (the
         * selected fraction of the sample would depend on θ); its features are gathered on the
         * data and reference events by a feature job.
         */
        private void planParametrised(Sample s, List<ConfigProblem> problems) {
            String where = configFile + ": " + s.yamlPath();
            List<String> theta;
            List<String> features;
            try {
                theta = org.ratiofit.workspace.nre.EstimatorLogRatio.parametersOf(s.estimator(), where);
                features = org.ratiofit.workspace.nre.EstimatorLogRatio.featuresOf(s.estimator(), where);
            } catch (RuntimeException e) {
                String m = e.getMessage() == null ? e.toString() : e.getMessage();
                problems.add(new ConfigProblem(s.yamlPath() + ".Estimator", m.startsWith(where + ": ") ? m.substring(where.length() + 2) : m));
                return;
            }
            List<String> declared = s.estimatorParameters().stream().map(FitConfig.EstimatorParameter::name).toList();
            if (!new java.util.HashSet<>(declared).equals(new java.util.HashSet<>(theta)) || declared.size() != theta.size()) {
                problems.add(new ConfigProblem(s.yamlPath() + ".EstimatorParameters", "names " + declared + " but estimator " + s.estimator()
                        + " has parameters " + theta + ": give each θ once, with its Bounds"));
            }
            for (String f : features) {
                if (!cfg.trainingFeatures().contains(f)) {
                    problems.add(new ConfigProblem(s.yamlPath() + ".Estimator", "estimator " + s.estimator() + " reads feature '" + f
                            + "', which is not among TrainingFeatures " + cfg.trainingFeatures()));
                }
            }
            for (Region region : regions) {
                if (region.type() != RegionType.UNBINNED) {
                    problems.add(new ConfigProblem(region.yamlPath(), "binned region '" + region.name() + "': sample '" + s.name()
                            + "' has a parametrised estimator r(x|θ), which enters unbinned regions only"));
                } else if (region.filter() != null) {
                    problems.add(new ConfigProblem(region.yamlPath() + ".Filter", "sample '" + s.name() + "' has a parametrised estimator r(x|θ):"
                            + " the fraction of it that a Filter selects depends on θ, which the build cannot compute; use unfiltered regions"));
                }
            }
            featureJob.put(s.name(), pool.featureJob(s.estimator(), features, s.yamlPath() + ".Estimator"));
        }

        /**
         * The class a basis sample takes from a shared multiclass ensemble (its own name), or null
         * when its ensemble is not one; a sample that is not a class, or a reference class that is
         * not the configuration's reference, is a problem.
         */
        private static String multiclassClass(Sample s, List<Sample> refs, List<ConfigProblem> problems) {
            SharedEnsembles.Multiclass mc;
            try {
                mc = SharedEnsembles.multiclass(s.ensemble());
            } catch (RuntimeException e) {
                return null; // loading the ensemble reports it
            }
            if (mc == null) {
                return null;
            }
            String refName = String.join("+", refs.stream().map(Sample::name).toList());
            if (!mc.classes().contains(s.name())) {
                problems.add(new ConfigProblem(s.yamlPath() + ".Ensemble", "the multiclass ensemble " + s.ensemble() + " has classes "
                        + mc.classes() + " but not the sample '" + s.name() + "'"));
                return null;
            }
            if (!mc.reference().equals(refName)) {
                problems.add(new ConfigProblem(s.yamlPath() + ".Ensemble", "the multiclass ensemble " + s.ensemble() + " takes '"
                        + mc.reference() + "' as its reference class but the configuration's reference is '" + refName + "'"));
                return null;
            }
            return s.name();
        }

        private static int monomialIndex(Systematic sy, List<String> monomial, int[][] pairs, List<ConfigProblem> problems, int a) {
            String where = sy.yamlPath() + ".Monomials[" + a + "]";
            if (monomial.size() < 1 || monomial.size() > 2) {
                problems.add(new ConfigProblem(where, "the likelihood's polynomial modifier takes linear and quadratic monomials only, got "
                        + monomial));
                return -1;
            }
            int l = sy.parameters().indexOf(monomial.get(0));
            int m = monomial.size() == 2 ? sy.parameters().indexOf(monomial.get(1)) : -1;
            if (l < 0 || (monomial.size() == 2 && m < 0)) {
                return -1; // the validator names unknown parameters
            }
            if (m >= 0 && m < l) {
                int t = l;
                l = m;
                m = t;
            }
            for (int k = 0; k < pairs.length; k++) {
                if (pairs[k][0] == l && pairs[k][1] == m) {
                    return k;
                }
            }
            return -1;
        }

        /** An ensemble folder's (or manifest file's) manifest; null where it cannot be read (loading the ensemble reports why). */
        static org.ratiofit.ratio.EnsembleManifest manifestOf(Path ensemble) {
            Path manifest = Files.isDirectory(ensemble) ? ensemble.resolve(org.ratiofit.ratio.EnsembleManifest.FILE_NAME) : ensemble;
            if (!Files.isRegularFile(manifest)) return null;
            try {
                return org.ratiofit.ratio.Ensemble.readManifest(manifest);
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** β is fitted for ratio ensembles against the reference only: say so where a shape or polynomial ensemble sets it. */
        void warnUnweighted(Path ensemble, String yamlPath) {
            org.ratiofit.ratio.EnsembleManifest mf = manifestOf(ensemble);
            if (mf != null && mf.beta() != null) {
                String w = yamlPath + ": the manifest's beta applies to ratio ensembles against the reference; this ensemble's members "
                        + "are weighted equally";
                if (!warnings.contains(w)) warnings.add(w);
            }
        }

        // ------------------------------------------------------------ expectation-based member weights

        /**
         * For each sample whose ensemble sets β: fits the member weights on each unbinned region's
         * reference events (the ratios renormalised to the region as the likelihood uses them)
         * and aggregates the members' rows of the data and reference events there. A sample given
         * by ensemble and Yield alone has no region fraction of its own, so its weights are fitted
         * once on every reference event and hold in every region.
         */
        void weighMembers(Passes ps) {
            int every = regions.size();
            double[] scales = new double[ps.references.size()];
            for (int k = 0; k < scales.length; k++) scales[k] = ps.scales.getOrDefault(cfg.referenceSamples().get(k).name(), 1.0);
            for (MemberWeighting.Spec spec : weighted) {
                Sample s = basis.stream().filter(b -> b.name().equals(spec.sample())).findFirst().orElseThrow();
                double[] global = null;
                if (s.withoutEvents()) {
                    int at = ps.referenceAll ? every : firstUnfiltered();
                    if (at >= 0) {
                        global = fitAndRecord(spec, ps, at, scales, 0, ps.referenceAll ? "(every reference event)" : regions.get(at).name());
                    }
                }
                if (ps.referenceAll) {
                    // every reference event's row serves the selected fractions of samples without events (committee otherwise: unused)
                    for (List<EventPass.Gathered> g : ps.references) {
                        MemberWeighting.aggregate(spec, g.get(every), global == null ? MemberWeighting.committee(spec.members().size()) : global);
                    }
                }
                for (int r = 0; r < regions.size(); r++) {
                    if (regions.get(r).type() != RegionType.UNBINNED) continue;
                    double[] w;
                    if (s.withoutEvents()) {
                        w = global;
                    } else {
                        double fRef = refSumRaw(ps, r) / ps.referenceTotal;
                        double fSample = yields(ps, s, r)[1] / ps.sampleTotals.get(s.name());
                        double shift = fSample > 0 && fRef > 0 && Double.isFinite(fRef / fSample) ? Math.log(fRef / fSample) : 0;
                        w = fitAndRecord(spec, ps, r, scales, shift, regions.get(r).name());
                    }
                    if (w == null) w = MemberWeighting.committee(spec.members().size());
                    if (ps.data != null) MemberWeighting.aggregate(spec, ps.data.get(r), w);
                    for (List<EventPass.Gathered> g : ps.references) MemberWeighting.aggregate(spec, g.get(r), w);
                }
            }
        }

        /** The first unbinned region without a filter (its reference events are all of them), or −1. */
        private int firstUnfiltered() {
            for (int r = 0; r < regions.size(); r++) {
                if (regions.get(r).type() == RegionType.UNBINNED && regions.get(r).filter() == null) return r;
            }
            return -1;
        }

        private double[] fitAndRecord(MemberWeighting.Spec spec, Passes ps, int r, double[] scales, double shift, String region) {
            List<EventPass.Gathered> refs = new ArrayList<>();
            for (List<EventPass.Gathered> g : ps.references) refs.add(g.get(r));
            MemberWeighting.Fit fit = MemberWeighting.fit(spec, refs, scales, shift);
            if (fit == null) return null;
            memberWeights.add(new BuildResult.MemberWeights(spec.sample(), region, spec.folder().toString(), spec.beta(),
                    String.valueOf(spec.aggregation() == null ? org.ratiofit.ratio.EnsembleManifest.Aggregation.MEAN_RATIO : spec.aggregation())
                            .toLowerCase(java.util.Locale.ROOT),
                    spec.members(), fit.deviations(), fit.weights(), fit.events()));
            return fit.weights();
        }

        // ------------------------------------------------------------ the passes over the events

        /** Everything gathered from the events, per region index of {@link #regions}. */
        final class Passes {
            // data: per region (null without data)
            List<EventPass.Gathered> data;
            // reference samples, in order: per sample, per region (unbinned regions only are evaluated)
            final List<List<EventPass.Gathered>> references = new ArrayList<>();
            // per basis sample: per region
            final Map<String, List<EventPass.Gathered>> samples = new LinkedHashMap<>();
            // per variation (by YAML path) with events: per region
            final Map<String, List<EventPass.Gathered>> variations = new LinkedHashMap<>();
            int[] dataJobs;
            final Map<String, int[]> sampleJobs = new LinkedHashMap<>();
            // weighted count of every event of the files, before any selection (the references' scaled by their Yield)
            double referenceTotal;
            final Map<String, Double> sampleTotals = new LinkedHashMap<>();
            // per sample with events: the factor its weights are scaled by (Yield / its files' total weight; 1 without Yield)
            final Map<String, Double> scales = new LinkedHashMap<>();
            // whether each reference pass gathered, after the regions, every event with its ensemble outputs
            boolean referenceAll;

            List<BuildResult.Channel> summaries(List<org.ratiofit.likelihood.Channel> channels) {
                List<BuildResult.Channel> out = new ArrayList<>();
                for (int r = 0; r < regions.size(); r++) {
                    Region region = regions.get(r);
                    long nData = data == null ? 0 : data.get(r).events();
                    long nRef = 0;
                    if (region.type() == RegionType.UNBINNED) {
                        for (List<EventPass.Gathered> g : references) nRef += g.get(r).events();
                    }
                    List<BuildResult.SampleYield> ys = new ArrayList<>();
                    for (Sample s : basis) {
                        double[] y = yields(this, s, r);
                        double nominal = y[0];
                        Map<String, double[]> var = new LinkedHashMap<>();
                        for (Systematic sy : cfg.systematics()) {
                            double[] ud = normFactors(sy, s, r, y[1]);
                            if (ud != null) var.put(sy.name(), new double[] {nominal * ud[1], nominal * ud[0]});
                        }
                        ys.add(new BuildResult.SampleYield(s.name(), nominal, var));
                    }
                    out.add(new BuildResult.Channel(region.name(), region.type() == RegionType.UNBINNED ? "unbinned" : "binned", nData, nRef,
                            observed(channels, region.name()), ys));
                }
                return out;
            }
        }

        private static double observed(List<org.ratiofit.likelihood.Channel> channels, String channel) {
            for (org.ratiofit.likelihood.Channel c : channels) {
                if (!c.name().equals(channel)) continue;
                if (c instanceof org.ratiofit.likelihood.UnbinnedChannel u) {
                    return sum(u.data().weights(), u.data().events());
                }
                double s = 0;
                for (double v : ((org.ratiofit.likelihood.BinnedChannel) c).observed()) s += v;
                return s;
            }
            return 0;
        }

        Passes runPasses(ExecutorService exec) throws IOException {
            Passes ps = new Passes();
            // data and reference events: every job of the unbinned regions
            int[] allJobs = new int[pool.size()];
            for (int j = 0; j < allJobs.length; j++) allJobs[j] = j;
            // polynomial, ratio and shape jobs are all needed on data and reference events; sample-file passes need shape jobs of their sample
            List<EventPass.RegionSpec> evalUnbinned = new ArrayList<>();
            for (Region r : regions) {
                Selection sel = r.selection().orElse(null);
                evalUnbinned.add(new EventPass.RegionSpec(r.name(), sel, r.type() == RegionType.UNBINNED,
                        r.type() == RegionType.BINNED ? r.variable() : null));
            }
            long total = 0;
            List<FitConfig.EventFiles> all = new ArrayList<>();
            cfg.dataSample().ifPresent(d -> all.add(d.events()));
            cfg.referenceSamples().forEach(s -> all.add(s.events()));
            basis.forEach(s -> {
                if (s.events() != null) all.add(s.events());
            });
            for (Systematic sy : cfg.systematics()) {
                for (Variation v : concat(sy.up(), sy.down())) if (v.events() != null) all.add(v.events());
            }
            for (FitConfig.EventFiles f : all) total += count(f);
            EventPass.Progress progress = new EventPass.Progress(options.progress(), total);
            List<String> features = cfg.trainingFeatures();

            if (cfg.dataSample().isPresent()) {
                Sample d = cfg.dataSample().get();
                ps.dataJobs = allJobs;
                EventPass dataPass = new EventPass("data sample '" + d.name() + "'", d.events(), evalUnbinned, allJobs, features, pool, exec,
                        threads, chunkSize, progress).observed();
                ps.data = dataPass.run();
                if (dataPass.zeroWeights() > 0) {
                    warnings.add("data sample '" + d.name() + "': " + dataPass.zeroWeights() + " events have weight 0 and do not enter the fit");
                }
            }
            List<EventPass.RegionSpec> refSpecs = new ArrayList<>();
            for (Region r : regions) {
                refSpecs.add(new EventPass.RegionSpec(r.name(), r.selection().orElse(null), r.type() == RegionType.UNBINNED, null));
            }
            // a sample given by ensemble and Yield alone takes its selected fraction from the reference
            // events weighted by its ratio, over every reference event when some region selects
            ps.referenceAll = basis.stream().anyMatch(Sample::withoutEvents)
                    && regions.stream().anyMatch(r -> r.type() == RegionType.UNBINNED && r.filter() != null);
            if (ps.referenceAll) {
                refSpecs.add(new EventPass.RegionSpec("(every reference event)", null, true, null));
            }
            for (Sample s : cfg.referenceSamples()) {
                EventPass pass = new EventPass("reference sample '" + s.name() + "'", s.events(), refSpecs, allJobs, features, pool, exec,
                        threads, chunkSize, progress);
                ps.references.add(pass.run());
                double scale = scale(s, pass.totalWeight());
                ps.scales.put(s.name(), scale);
                ps.referenceTotal += scale * pass.totalWeight();
            }
            for (Sample s : basis) {
                if (s.withoutEvents()) {
                    continue;
                }
                // binned regions reweight the sample's own events by its shape-only ensembles
                List<Integer> js = new ArrayList<>();
                for (Shape sh : shapes.get(s.name())) {
                    if (sh.up().events() == null) js.add(sh.upJob());
                    if (sh.down().events() == null) js.add(sh.downJob());
                }
                int[] jobs = js.stream().distinct().mapToInt(Integer::intValue).toArray();
                ps.sampleJobs.put(s.name(), jobs);
                List<EventPass.RegionSpec> specs = new ArrayList<>();
                for (Region r : regions) {
                    boolean binned = r.type() == RegionType.BINNED;
                    specs.add(new EventPass.RegionSpec(r.name(), r.selection().orElse(null), binned && jobs.length > 0,
                            binned ? r.variable() : null));
                }
                EventPass pass = new EventPass("sample '" + s.name() + "'", s.events(), specs, jobs, features, pool, exec, threads,
                        chunkSize, progress);
                ps.samples.put(s.name(), pass.run());
                ps.sampleTotals.put(s.name(), pass.totalWeight());
                ps.scales.put(s.name(), scale(s, pass.totalWeight()));
            }
            List<EventPass.RegionSpec> plain = new ArrayList<>();
            for (Region r : regions) {
                plain.add(new EventPass.RegionSpec(r.name(), r.selection().orElse(null), false,
                        r.type() == RegionType.BINNED ? r.variable() : null));
            }
            for (Systematic sy : cfg.systematics()) {
                for (Variation v : concat(sy.up(), sy.down())) {
                    if (v.events() != null && !ps.variations.containsKey(v.yamlPath())) {
                        ps.variations.put(v.yamlPath(), new EventPass(v.yamlPath() + " (sample '" + v.sampleName() + "')", v.events(), plain,
                                new int[0], features, pool, exec, threads, chunkSize, progress).run());
                    }
                }
            }
            this.passes = ps;
            return ps;
        }

        Passes passes;

        /** The factor a sample's weights are scaled by: its Yield over its files' total weight, 1 without a Yield. */
        private static double scale(Sample s, double totalWeight) {
            if (s.yield() == null) return 1.0;
            if (!(totalWeight > 0) || !Double.isFinite(totalWeight)) {
                throw new IllegalArgumentException(s.yamlPath() + ".Yield: the events of sample '" + s.name() + "' have total weight "
                        + totalWeight + "; scaling them to the stated yield " + s.yield() + " needs a positive total");
            }
            return s.yield() / totalWeight;
        }

        /**
         * A basis sample's yield in region {@code r}: {@code [yield in the model, yield in the
         * units of its event files]} (the second is what varied files' yields are divided by; the
         * two differ by the sample's Yield scaling). A sample given by ensemble and Yield alone has
         * the Yield times its selected fraction (from the reference events weighted by its ratio).
         */
        double[] yields(Passes ps, Sample s, int r) {
            if (s.withoutEvents()) {
                double y = s.yield() * ratioFraction(ps, s, r);
                return new double[] {y, y};
            }
            double file = yieldOf(ps.samples.get(s.name()).get(r), r);
            return new double[] {file * ps.scales.getOrDefault(s.name(), 1.0), file};
        }

        /**
         * The fraction of a sample given by ensemble and Yield alone that region {@code r} selects:
         * the reference events weighted by w·r(x), selected over all (1 for a region without a filter).
         */
        double ratioFraction(Passes ps, Sample s, int r) {
            if (regions.get(r).filter() == null) return 1.0;
            int job = logRatioJob.get(s.name());
            double selected = 0;
            double all = 0;
            for (int k = 0; k < ps.references.size(); k++) {
                double scale = ps.scales.getOrDefault(cfg.referenceSamples().get(k).name(), 1.0);
                selected += scale * weightedRatioSum(ps.references.get(k).get(r), job);
                all += scale * weightedRatioSum(ps.references.get(k).get(regions.size()), job);
            }
            double f = selected / all;
            if (!(f > 0) || !Double.isFinite(f)) {
                throw new IllegalArgumentException(s.yamlPath() + ": in region '" + regions.get(r).name() + "' the reference events "
                        + "weighted by the ratio of sample '" + s.name() + "' give a selected fraction " + f + " (" + selected + " of "
                        + all + "); a yield needs a positive fraction");
            }
            return f;
        }

        private static double weightedRatioSum(EventPass.Gathered g, int job) {
            double[] lr = g.outputs()[job][0];
            double s = 0;
            for (int i = 0; i < g.events(); i++) s += (g.weights() == null ? 1 : g.weights()[i]) * Math.exp(lr[i]);
            return s;
        }

        private static long count(FitConfig.EventFiles f) throws IOException {
            long n = 0;
            for (Path p : f.paths()) {
                try (EventSource s = EventFiles.open(p, f.readOptions())) {
                    n += s.size();
                }
            }
            return n;
        }

        private static <T> List<T> concat(List<T> a, List<T> b) {
            List<T> out = new ArrayList<>(a);
            out.addAll(b);
            return out;
        }

        /** A region's yield from gathered events: their weighted count; in a binned region inside the binning only. */
        double yieldOf(EventPass.Gathered g, int r) {
            Region region = regions.get(r);
            if (region.type() == RegionType.UNBINNED) {
                return sum(g.weights(), g.events());
            }
            double[] edges = region.binning().stream().mapToDouble(Double::doubleValue).toArray();
            double[] h = new double[edges.length - 1];
            histogram(edges, g.variable(), g.weights(), null, h, null);
            double t = 0;
            for (double v : h) t += v;
            return t;
        }

        static double sum(double[] w, int n) {
            if (w == null) return n;
            double s = 0;
            for (double v : w) s += v;
            return s;
        }

        /**
         * The yield factors {@code [up, down]} relative to nominal of systematic {@code sy} on
         * sample {@code s} in region {@code r}, or null when it has no yield effect there.
         */
        double[] normFactors(Systematic sy, Sample s, int r, double nominal) {
            if (sy.type() != SystematicType.NORM && sy.type() != SystematicType.NORM_PLUS_SHAPE) return null;
            Variation up = find(sy.up(), s.name());
            Variation dn = find(sy.down(), s.name());
            if (up == null || dn == null) return null;
            Double fu = factor(up, r, nominal);
            Double fd = factor(dn, r, nominal);
            if (fu == null && fd == null) return null;
            return new double[] {fu == null ? 1 : fu, fd == null ? 1 : fd};
        }

        private Double factor(Variation v, int r, double nominal) {
            if (v.yieldFactor() != null) return v.yieldFactor();
            if (v.events() == null) return null;
            double varied = yieldOf(passes.variations.get(v.yamlPath()).get(r), r);
            if (!(nominal > 0) || !(varied > 0)) {
                throw new IllegalArgumentException(v.yamlPath() + ": in region '" + regions.get(r).name() + "' the varied yield of sample '"
                        + v.sampleName() + "' is " + varied + " against a nominal yield of " + nominal + "; a yield ratio needs both > 0");
            }
            return varied / nominal;
        }

        private static Variation find(List<Variation> vs, String sample) {
            for (Variation v : vs) if (sample.equals(v.sampleName())) return v;
            return null;
        }

        // ------------------------------------------------------------ the model

        ModelBuilder assemble(Passes ps) {
            ModelBuilder mb = new ModelBuilder();
            for (Parameter p : parameters()) mb.parameter(p);
            for (int r = 0; r < regions.size(); r++) {
                Region region = regions.get(r);
                if (region.type() == RegionType.UNBINNED) {
                    unbinned(mb, ps, r);
                } else {
                    binned(mb, ps, r);
                }
            }
            return mb;
        }

        List<Parameter> parameters() {
            List<String> toFit = cfg.general().parametersToFit();
            boolean all = toFit == null || toFit.isEmpty();
            List<Parameter> out = new ArrayList<>();
            for (NormFactor nf : cfg.normFactors()) {
                Parameter.Kind kind = nf.name().equals(cfg.general().poi()) ? Parameter.Kind.POI : Parameter.Kind.NORM_FACTOR;
                out.add(new Parameter(nf.name(), kind, nf.nominal(), nf.lower(), nf.upper(), !all && !toFit.contains(nf.name()), 0, 1));
            }
            for (Systematic sy : cfg.systematics()) {
                for (String name : sy.nuisanceParameters()) {
                    boolean fixed = !all && !toFit.contains(name);
                    out.add(sy.constraint() == FitConfig.Constraint.NONE
                            ? new Parameter(name, Parameter.Kind.NORM_FACTOR, sy.nominal(), sy.lower(), sy.upper(), fixed, 0, 1)
                            : new Parameter(name, Parameter.Kind.CONSTRAINED, sy.nominal(), sy.lower(), sy.upper(), fixed, 0, 1));
                }
            }
            // the θ of parametrised estimators: free parameters over their training box
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Sample s : basis) {
                for (FitConfig.EstimatorParameter t : s.estimatorParameters()) {
                    if (s.parametrised() && seen.add(t.name())) {
                        out.add(new Parameter(t.name(), Parameter.Kind.NORM_FACTOR, t.nominal(), t.lower(), t.upper(),
                                !all && !toFit.contains(t.name()), 0, 1));
                    }
                }
            }
            return out;
        }

        /** Yield modifiers shared by unbinned and binned samples: coefficient, norm factors. */
        private List<Object[]> yieldModifiers(Sample s) {
            List<Object[]> out = new ArrayList<>();
            if (s.coefficient() != null) {
                List<Term> t = s.coefficient().terms();
                double[] c = new double[t.size()];
                double[] a = new double[t.size()];
                for (int k = 0; k < t.size(); k++) {
                    c[k] = t.get(k).factor();
                    a[k] = t.get(k).power();
                }
                out.add(new Object[] {"coefficient", s.coefficient().parameter(), c, a});
            }
            for (NormFactor nf : cfg.normFactors()) {
                if (nf.samples() != null && nf.samples().contains(s.name())) {
                    out.add(new Object[] {"normfactor", nf.name()});
                }
            }
            return out;
        }

        void unbinned(ModelBuilder mb, Passes ps, int r) {
            Region region = regions.get(r);
            // the reference event set: every reference sample's selected events, weights normalised to sum 1
            int nRef = 0;
            for (List<EventPass.Gathered> g : ps.references) nRef += g.get(r).events();
            double[] refW = new double[nRef];
            double[][][] refOut = new double[pool.size()][][];
            for (int j = 0; j < refOut.length; j++) refOut[j] = new double[rows(j)][nRef];
            int at = 0;
            for (int k = 0; k < ps.references.size(); k++) {
                EventPass.Gathered g = ps.references.get(k).get(r);
                double scale = ps.scales.getOrDefault(cfg.referenceSamples().get(k).name(), 1.0);
                for (int i = 0; i < g.events(); i++) refW[at + i] = scale * (g.weights() == null ? 1 : g.weights()[i]);
                for (int j = 0; j < refOut.length; j++) {
                    for (int a = 0; a < refOut[j].length; a++) System.arraycopy(g.outputs()[j][a], 0, refOut[j][a], at, g.events());
                }
                at += g.events();
            }
            double refSum = 0;
            for (double w : refW) refSum += w;
            if (!(refSum > 0)) {
                throw new IllegalArgumentException("region '" + region.name() + "' (" + region.yamlPath() + "): the reference sample has "
                        + nRef + " selected events with total weight " + refSum + "; Asimov data and the reference event set need a positive total");
            }
            for (int i = 0; i < nRef; i++) refW[i] /= refSum;

            EventPass.Gathered data = ps.data == null ? null : ps.data.get(r);
            int n = data == null ? nRef : data.events();
            double[][][] dataOut = data == null ? refOut : data.outputs();
            if (data != null && data.events() == 0) {
                warnings.add("region '" + region.name() + "': no observed event passes the selection");
            }
            // The ensembles give full-sample density ratios; within the region each density is
            // renormalised by its selected fraction F, so ln r gains ln(F_ref / F_sample).
            double fRef = refSumRaw(ps, r) / ps.referenceTotal;
            ModelBuilder.UnbinnedBuilder ub = mb.unbinned(region.name(), n);
            ub.shapeNormalisation(cfg.general().shapeNormalisation());
            ub.weights(data == null ? refW : data.weights());
            Map<String, SampleColumns> refColumns = new LinkedHashMap<>();
            for (Sample s : basis) {
                double[] y = yields(ps, s, r);
                double nominal = y[0];
                if (!(nominal > 0)) {
                    warnings.add("region '" + region.name() + "': sample '" + s.name() + "' has yield " + nominal);
                }
                double shift = 0;
                if (logRatioJob.get(s.name()) >= 0) {
                    double fSample = s.withoutEvents() ? ratioFraction(ps, s, r) : y[1] / ps.sampleTotals.get(s.name());
                    if (fSample > 0 && fRef > 0 && Double.isFinite(fSample / fRef)) {
                        shift = Math.log(fRef / fSample);
                    } else {
                        warnings.add("region '" + region.name() + "': sample '" + s.name() + "' selects a fraction " + fSample
                                + " of its events against " + fRef + " of the reference; its log-ratio is left unnormalised");
                    }
                }
                ModelBuilder.SampleBuilder sb = ub.sample(s.name(), nominal, logRatio(s, dataOut, n, shift));
                if (s.parametrised()) {
                    sb.parametrisedRatio(parametrisedColumns(s, dataOut, region.name() + (data == null ? " (Asimov data: reference events)" : " data")));
                }
                for (Object[] m : yieldModifiers(s)) {
                    if (m[0].equals("coefficient")) sb.coefficient((String) m[1], (double[]) m[2], (double[]) m[3]);
                    else sb.normFactor((String) m[1]);
                }
                List<double[]> refUp = new ArrayList<>();
                List<double[]> refDown = new ArrayList<>();
                for (Systematic sy : cfg.systematics()) {
                    double[] ud = normFactors(sy, s, r, y[1]);
                    if (ud != null) sb.normSys(sy.name(), multiplicativeCode(sy.interpolation()), ud[0], ud[1]);
                    for (Shape sh : shapes.get(s.name())) {
                        if (sh.systematic() != sy) continue;
                        sb.shapeSys(sy.name(), multiplicativeCode(sy.interpolation()), exp(dataOut[sh.upJob()][0]), exp(dataOut[sh.downJob()][0]));
                        refUp.add(exp(refOut[sh.upJob()][0]));
                        refDown.add(exp(refOut[sh.downJob()][0]));
                    }
                }
                List<double[]> refPoly = List.of();
                Poly poly = polys.get(s.name());
                if (poly != null) {
                    sb.polynomial(poly.systematic().parameters(), poly.yieldCoefficients(), polyColumns(poly, dataOut, n));
                    for (org.ratiofit.ratio.training.pnn.YieldFit.Spline sp : poly.yieldSplines()) {
                        sb.yieldSpline(sp.parameter(), sp.knots(), sp.values());
                    }
                    refPoly = polyColumns(poly, refOut, nRef);
                }
                sb.end();
                refColumns.put(s.name(), s.parametrised() ? SampleColumns.of(parametrisedColumns(s, refOut, region.name() + " reference"))
                        : new SampleColumns(logRatio(s, refOut, nRef, shift), refUp, refDown, refPoly));
            }
            ub.reference(new EventSet(nRef, refW, refColumns));
            ub.end();
        }

        /** A parametrised sample's θ-dependent columns on gathered events: the estimator on their features, evaluated at the θ nominal values. */
        private org.ratiofit.likelihood.ParametrisedColumns parametrisedColumns(Sample s, double[][][] out, String events) {
            int j = featureJob.get(s.name());
            List<String> names = pool.jobs().get(j).captured();
            Map<String, double[]> cols = new LinkedHashMap<>();
            for (int f = 0; f < names.size(); f++) cols.put(names.get(f), out[j][f]);
            org.ratiofit.workspace.nre.EstimatorLogRatio e;
            try {
                e = org.ratiofit.workspace.nre.EstimatorLogRatio.open(s.estimator(), cols, s.yamlPath() + ".Estimator", null);
            } catch (IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
            opened.add(e);
            double[] theta = new double[e.parameters().size()];
            for (int k = 0; k < theta.length; k++) {
                String name = e.parameters().get(k);
                theta[k] = s.estimatorParameters().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().nominal();
            }
            try {
                return new org.ratiofit.likelihood.ParametrisedColumns(e, theta);
            } catch (RuntimeException x) {
                throw new IllegalArgumentException("sample '" + s.name() + "', " + events + " events: estimator " + s.estimator() + ": " + x.getMessage(), x);
            }
        }

        /** Output rows of job {@code j} after {@link #weighMembers}: one for a member-rows job, aggregated by then. */
        private int rows(int j) {
            EnsemblePool.Job job = pool.jobs().get(j);
            return job.memberRows() ? 1 : job.outputs();
        }

        private double[] logRatio(Sample s, double[][][] out, int n, double shift) {
            int j = logRatioJob.get(s.name());
            double[] lr = new double[n];
            if (j >= 0) {
                double[] src = out[j][0];
                for (int i = 0; i < n; i++) lr[i] = src[i] + shift;
            }
            return lr;
        }

        private double refSumRaw(Passes ps, int r) {
            double s = 0;
            for (int k = 0; k < ps.references.size(); k++) {
                EventPass.Gathered g = ps.references.get(k).get(r);
                s += ps.scales.getOrDefault(cfg.referenceSamples().get(k).name(), 1.0) * sum(g.weights(), g.events());
            }
            return s;
        }

        private static double[] exp(double[] lr) {
            double[] o = new double[lr.length];
            for (int i = 0; i < o.length; i++) o[i] = Math.exp(lr[i]);
            return o;
        }

        private static List<double[]> polyColumns(Poly p, double[][][] out, int n) {
            double[][] cols = new double[p.yieldCoefficients().length][n];
            for (int a = 0; a < p.index().length; a++) {
                if (p.index()[a] < 0) continue;
                double[] src = out[p.job()][a];
                double[] dst = cols[p.index()[a]];
                for (int i = 0; i < n; i++) dst[i] += src[i];
            }
            return Arrays.asList(cols);
        }

        void binned(ModelBuilder mb, Passes ps, int r) {
            Region region = regions.get(r);
            double[] edges = region.binning().stream().mapToDouble(Double::doubleValue).toArray();
            int bins = edges.length - 1;
            double[] observed = new double[bins];
            if (ps.data != null) {
                EventPass.Gathered d = ps.data.get(r);
                histogram(edges, d.variable(), d.weights(), null, observed, null);
            }
            ModelBuilder.BinnedBuilder bb = mb.binned(region.name(), observed);
            double[] sumW = new double[bins];
            double[] sumW2 = new double[bins];
            for (Sample s : basis) {
                EventPass.Gathered own = ps.samples.get(s.name()).get(r);
                double[] nominal = new double[bins];
                double[] nominal2 = new double[bins];
                histogram(edges, own.variable(), own.weights(), null, nominal, nominal2);
                double scale = ps.scales.getOrDefault(s.name(), 1.0);
                double fileTotal = 0;
                double total = 0;
                for (int b = 0; b < bins; b++) {
                    fileTotal += nominal[b];
                    nominal[b] *= scale;
                    sumW2[b] += scale * scale * nominal2[b];
                    sumW[b] += nominal[b];
                    total += nominal[b];
                }
                if (!(total > 0)) {
                    warnings.add("region '" + region.name() + "': sample '" + s.name() + "' has yield " + total);
                }
                ModelBuilder.BinnedSampleBuilder sb = bb.sample(s.name(), nominal);
                for (Object[] m : yieldModifiers(s)) {
                    if (m[0].equals("coefficient")) sb.coefficient((String) m[1], (double[]) m[2], (double[]) m[3]);
                    else sb.normFactor((String) m[1]);
                }
                int[] jobs = ps.sampleJobs.get(s.name());
                for (Systematic sy : cfg.systematics()) {
                    double[] ud = normFactors(sy, s, r, fileTotal);
                    if (ud != null) sb.normSys(sy.name(), multiplicativeCode(sy.interpolation()), ud[0], ud[1]);
                    for (Shape sh : shapes.get(s.name())) {
                        if (sh.systematic() != sy) continue;
                        if (!(total > 0)) {
                            warnings.add("region '" + region.name() + "': shape of '" + sy.name() + "' on sample '" + s.name()
                                    + "' left out: the nominal yield is " + total);
                            continue;
                        }
                        double[] up = variedShape(ps, sh.up(), sh.upJob(), jobs, own, edges, r, total);
                        double[] down = variedShape(ps, sh.down(), sh.downJob(), jobs, own, edges, r, total);
                        sb.histoSys(sy.name(), additiveCode(sy.interpolation()), up, down);
                    }
                }
                if (polys.containsKey(s.name())) {
                    warnings.add("region '" + region.name() + "': the polynomial systematic '" + polys.get(s.name()).systematic().name()
                            + "' of sample '" + s.name() + "' applies to unbinned regions only; this binned region does not carry it");
                }
                sb.end();
            }
            double[] rel = new double[bins];
            boolean ok = true;
            for (int b = 0; b < bins; b++) {
                rel[b] = Math.sqrt(sumW2[b]) / sumW[b];
                ok &= sumW[b] > 0 && rel[b] > 0 && Double.isFinite(rel[b]);
            }
            if (ok) {
                bb.mcStat(rel);
            } else {
                warnings.add("region '" + region.name() + "': some bin has no expected events, so the region has no MC-statistics parameters");
            }
            bb.end();
        }

        /** A varied histogram scaled to the nominal total (the yield effect is the normsys): from varied events, or the nominal events reweighted by the variation's ensemble. */
        private double[] variedShape(Passes ps, Variation v, int job, int[] jobs, EventPass.Gathered own, double[] edges, int r, double total) {
            double[] h = new double[edges.length - 1];
            if (v.events() != null) {
                EventPass.Gathered g = ps.variations.get(v.yamlPath()).get(r);
                histogram(edges, g.variable(), g.weights(), null, h, null);
            } else {
                int k = -1;
                for (int q = 0; q < jobs.length; q++) if (jobs[q] == job) k = q;
                histogram(edges, own.variable(), own.weights(), own.outputs()[k][0], h, null);
            }
            double s = 0;
            for (double x : h) s += x;
            if (!(s > 0)) {
                throw new IllegalArgumentException(v.yamlPath() + ": in region '" + regions.get(r).name() + "' the varied histogram of sample '"
                        + v.sampleName() + "' sums to " + s);
            }
            for (int b = 0; b < h.length; b++) h[b] *= total / s;
            return h;
        }

        /** Weighted histogram; bins [e_k, e_k+1), the last one closed (as numpy.histogram); {@code logWeight} multiplies by exp. */
        static void histogram(double[] edges, double[] x, double[] w, double[] logWeight, double[] sum, double[] sum2) {
            int bins = edges.length - 1;
            for (int i = 0; i < x.length; i++) {
                double v = x[i];
                if (!(v >= edges[0] && v <= edges[bins])) continue;
                int b = Arrays.binarySearch(edges, v);
                if (b < 0) b = -b - 2;
                if (b == bins) b = bins - 1;
                double wi = (w == null ? 1 : w[i]) * (logWeight == null ? 1 : Math.exp(logWeight[i]));
                sum[b] += wi;
                if (sum2 != null) sum2[b] += wi * wi;
            }
        }

        // ------------------------------------------------------------ Asimov points

        static double[] point(List<Parameter> ps, AsimovPoint a) {
            double[] x = new double[ps.size()];
            for (int i = 0; i < x.length; i++) {
                Double v = a.parameters().get(ps.get(i).name());
                x[i] = v == null ? ps.get(i).initial() : v;
            }
            return x;
        }

        void writeAsimov(List<Parameter> parameters, Path dir) throws IOException {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("formatVersion", 1);
            root.put("data", cfg.dataSample().isPresent() ? "observed" : "asimov:" + cfg.asimov().get(0).name());
            List<String> names = parameters.stream().map(Parameter::name).toList();
            root.put("parameters", names);
            List<Map<String, Object>> pts = new ArrayList<>();
            for (AsimovPoint a : cfg.asimov()) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("name", a.name());
                p.put("values", point(parameters, a));
                pts.add(p);
            }
            root.put("points", pts);
            AtomicFiles.write(dir.resolve(ASIMOV_FILE), o -> JSON.writeValue(o, root));
        }
    }
}
