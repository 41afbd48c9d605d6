package org.ratiofit.likelihood;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ForkJoinPool;
import org.hipparchus.random.RandomDataGenerator;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;

/**
 * The extended likelihood of unbinned and binned channels, as a {@link StatisticalModel}.
 *
 * <p>-ln L = sum over unbinned channels [ nu_tot(theta) - sum_i w_i ln sum_p nu_p(theta) r_p(x_i|alpha) ]
 * + sum over bins [ lambda_b(theta) - n_b ln lambda_b(theta) ]
 * + sum over constrained parameters ½((theta_k - aux_k)/sigma_k)^2.
 * Dropped constants: sum_i w_i ln p_ref(x_i) (the reference density), ln n_b! and the Gaussian
 * normalisations; none depends on theta. errordef 0.5.
 */
public final class Model implements StatisticalModel {

    private final List<Parameter> parameters;
    private final List<Channel> channels;
    private final Map<String, Integer> index = new HashMap<>();
    private final List<ParameterSpec> specs;
    private final int poi;
    private final List<CompiledUnbinned> unbinned = new ArrayList<>();
    private final BinnedKernel binned;
    private final ForkJoinPool pool;
    private final boolean float32;
    /** Every event set's θ-dependent columns (data and reference of every channel) with their parameters' indices. */
    private final List<ParametrisedRef> parametrised = new ArrayList<>();
    /** Those and every reference set's (for Asimov data and the normalisations at a point). */
    private final List<ParametrisedRef> parametrisedAll = new ArrayList<>();

    private record ParametrisedRef(ParametrisedColumns columns, int[] index) {
    }

    /** norm: the reference normalisation, null when the channel is unnormalised. */
    private record CompiledUnbinned(UnbinnedChannel channel, YieldFunction[] yields, UnbinnedKernel kernel, RefNorm norm) {
    }

    /**
     * The kernel over a channel's reference events, for the samples' normalisation
     * N_p(theta) = sum_ref w r_p g_p / divisor[p], divisor[p] = sum_ref w r_p(x|0) (mode
     * {@link ShapeNormalisation#REFERENCE}) or sum_ref w ({@link ShapeNormalisation#REFERENCE_AND_CLOSURE});
     * kept for reuse by derived models (toys, Asimov data).
     */
    private record RefNorm(EventSet reference, List<UnbinnedSample> samples, List<String> names, boolean float32,
                           ShapeNormalisation mode, UnbinnedKernel kernel, double[] divisor) {

        boolean matches(List<UnbinnedSample> s, EventSet ref, List<String> n, boolean f32, ShapeNormalisation m) {
            return ref == reference && f32 == float32 && m == mode && s.equals(samples) && n.equals(names);
        }
    }

    /** A model using the common fork-join pool for the event loop. */
    public Model(List<Parameter> parameters, List<Channel> channels) {
        this(parameters, channels, ForkJoinPool.commonPool());
    }

    /**
     * @param pool the pool that runs the event blocks; null runs them on the calling thread. The
     *             result is the same to the last bit whatever the pool.
     */
    public Model(List<Parameter> parameters, List<Channel> channels, ForkJoinPool pool) {
        this(parameters, channels, pool, false);
    }

    /**
     * @param float32 hold the per-event shape columns as float32 in the event loop (half the memory
     *                traffic; each factor rounded to ~1e-7 relative, so -ln L moves by about
     *                1e-7 x the number of events): for speed on large data sets, not for final precision
     */
    public Model(List<Parameter> parameters, List<Channel> channels, ForkJoinPool pool, boolean float32) {
        this(parameters, channels, pool, float32, List.of());
    }

    /** As the public constructor, reusing the reference normalisations of {@code reuse} where they match. */
    private Model(List<Parameter> parameters, List<Channel> channels, ForkJoinPool pool, boolean float32, List<RefNorm> reuse) {
        this.float32 = float32;
        this.parameters = List.copyOf(parameters);
        this.channels = List.copyOf(channels);
        this.pool = pool;
        int poiIndex = -1;
        for (int i = 0; i < this.parameters.size(); i++) {
            Parameter p = this.parameters.get(i);
            if (index.put(p.name(), i) != null) {
                throw new IllegalArgumentException("duplicate parameter '" + p.name() + "'");
            }
            if (p.kind() == Parameter.Kind.POI && poiIndex < 0) {
                poiIndex = i;
            }
        }
        poi = poiIndex;
        specs = this.parameters.stream().map(Parameter::toSpec).toList();
        java.util.Set<String> names = new java.util.HashSet<>();
        List<BinnedChannel> binnedChannels = new ArrayList<>();
        for (Channel c : this.channels) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("duplicate channel '" + c.name() + "'");
            }
            if (c instanceof UnbinnedChannel u) {
                compile(u, reuse);
            } else {
                binnedChannels.add((BinnedChannel) c);
            }
        }
        binned = new BinnedKernel(binnedChannels, index, this.parameters.size());
    }

    private void compile(UnbinnedChannel u, List<RefNorm> reuse) {
        YieldFunction[] y = new YieldFunction[u.samples().size()];
        boolean shapes = false;
        boolean polynomial = false;
        for (int p = 0; p < y.length; p++) {
            UnbinnedSample s = u.samples().get(p);
            String where = "channel '" + u.name() + "' sample '" + s.name() + "'";
            y[p] = new YieldFunction(s.modifiers(), index, where);
            shapes |= !s.shapeSystematics().isEmpty();
            polynomial |= s.polynomial() != null;
        }
        RefNorm norm = null;
        ShapeNormalisation mode = u.normalisation();
        // without per-event shapes the reference average of r_p g_p / r_p is 1 at every point: nothing to normalise
        boolean needed = mode == ShapeNormalisation.REFERENCE_AND_CLOSURE || (mode == ShapeNormalisation.REFERENCE && (shapes || polynomial));
        if (needed && mode == ShapeNormalisation.REFERENCE && u.reference() != null
                && u.samples().stream().anyMatch(s -> s.parametrisedRatio() != null)) {
            throw new IllegalArgumentException("channel '" + u.name() + "': a sample with a parametrised ratio r(x|θ) in a channel whose other samples"
                    + " have shapesys or polynomial modifiers (shape normalisation 'reference') is not supported; give the parametrised sample its own"
                    + " channel, or choose shape normalisation 'reference_and_closure' or 'none'");
        }
        if (needed) {
            if (u.reference() != null) {
                List<String> names = parameters.stream().map(Parameter::name).toList();
                for (RefNorm r : reuse) {
                    if (r != null && r.matches(u.samples(), u.reference(), names, float32, mode)) {
                        norm = r;
                        break;
                    }
                }
                if (norm == null) {
                    norm = referenceNormalisation(u, mode, names);
                }
            } else if (shapes) {
                throw new IllegalArgumentException("channel '" + u.name() + "': its shapesys factors are normalised over the reference"
                        + " sample's events (shape normalisation '" + mode.jsonName() + "'), which the channel lacks; give its reference event set,"
                        + " or choose the unnormalised legacy form (ShapeNormalisation.NONE, \"shape_normalisation\": \"none\"),"
                        + " which biases the shape parameters");
            }
        }
        unbinned.add(new CompiledUnbinned(u, y, new UnbinnedKernel(u.samples(), u.data(), index, float32), norm));
        // the reference's θ-dependent columns are refreshed per evaluation only when the normalisation reads them
        collectParametrised(u.data(), parametrised);
        collectParametrised(u.data(), parametrisedAll);
        if (u.reference() != null) {
            collectParametrised(u.reference(), parametrisedAll);
            if (norm != null) {
                collectParametrised(u.reference(), parametrised);
            }
        }
    }

    private void collectParametrised(EventSet es, List<ParametrisedRef> into) {
        for (SampleColumns c : es.columns().values()) {
            ParametrisedColumns pc = c.parametrised();
            if (pc != null && into.stream().noneMatch(r -> r.columns() == pc)) {
                into.add(new ParametrisedRef(pc, pc.parameters().stream().mapToInt(index::get).toArray()));
            }
        }
    }

    /** Whether some sample's log-ratio depends on fit parameters ({@link Modifier.ParametrisedRatio}). */
    public boolean hasParametrisedRatios() {
        return !parametrised.isEmpty();
    }

    /** Brings every θ-dependent column to theta (evaluating only those whose θ changed); call under {@link ParametrisedColumns#LOCK}. */
    private void updateParametrised(double[] theta) {
        updateParametrised(theta, parametrised);
    }

    private void updateParametrised(double[] theta, List<ParametrisedRef> which) {
        for (ParametrisedRef r : which) {
            double[] t = new double[r.index().length];
            for (int k = 0; k < t.length; k++) {
                t[k] = theta[r.index()[k]];
            }
            r.columns().update(t);
        }
    }

    /** The sum of a channel's reference weights (positive and finite, else an error naming the channel). */
    private static double weightSum(UnbinnedChannel u) {
        EventSet ref = u.reference();
        double ws = 0;
        for (int i = 0; i < ref.events(); i++) {
            ws += ref.weights() == null ? 1 : ref.weights()[i];
        }
        if (!(ws > 0) || Double.isInfinite(ws)) {
            throw new IllegalArgumentException("channel '" + u.name() + "': the reference weights sum to " + ws
                    + "; normalising the samples' densities needs a positive finite sum");
        }
        return ws;
    }

    /** The reference kernel of channel u and its per-sample divisors for normalisation {@code mode} (see {@link RefNorm}). */
    private RefNorm referenceNormalisation(UnbinnedChannel u, ShapeNormalisation mode, List<String> names) {
        EventSet ref = u.reference();
        double ws = weightSum(u);
        UnbinnedKernel kernel = new UnbinnedKernel(u.samples(), ref, index, float32);
        double[] divisor = new double[u.samples().size()];
        if (mode == ShapeNormalisation.REFERENCE_AND_CLOSURE) {
            Arrays.fill(divisor, ws);
        } else {
            // every shape factor is 1 and every polynomial row 0 at alpha = 0: the sums of w r_p
            UnbinnedKernel.Sums at0 = kernel.referenceSums(new double[parameters.size()], pool, false);
            for (int p = 0; p < divisor.length; p++) {
                divisor[p] = at0.a()[p];
                if (!(divisor[p] > 0) || Double.isInfinite(divisor[p]) || at0.invalid() > 0) {
                    throw new IllegalArgumentException("channel '" + u.name() + "' sample '" + u.samples().get(p).name()
                            + "': the sum of w r over the reference events is " + divisor[p]
                            + "; normalising the sample's shape needs a positive finite sum (are its log-ratios finite?)");
                }
            }
        }
        return new RefNorm(ref, u.samples(), names, float32, mode, kernel, divisor);
    }

    private List<RefNorm> normalisations() {
        return unbinned.stream().map(CompiledUnbinned::norm).toList();
    }

    /**
     * The per-sample normalisations N_p(theta) of unbinned channel {@code channel} at theta
     * ({@link ShapeNormalisation}; all 1 for an unnormalised channel), in sample order.
     */
    public double[] sampleNormalisation(String channel, double[] theta) {
        if (!parametrised.isEmpty()) {
            synchronized (ParametrisedColumns.LOCK) {
                updateParametrised(theta, parametrisedAll);
                return sampleNormalisationAt(channel, theta);
            }
        }
        return sampleNormalisationAt(channel, theta);
    }

    private double[] sampleNormalisationAt(String channel, double[] theta) {
        for (CompiledUnbinned cu : unbinned) {
            if (cu.channel.name().equals(channel)) {
                double[] n = new double[cu.yields.length];
                Arrays.fill(n, 1);
                if (cu.norm != null) {
                    UnbinnedKernel.Sums r = cu.norm.kernel().referenceSums(theta, pool, false);
                    for (int p = 0; p < n.length; p++) {
                        n[p] = r.a()[p] / cu.norm.divisor()[p];
                    }
                }
                return n;
            }
        }
        throw new IllegalArgumentException("no unbinned channel '" + channel + "'");
    }

    /**
     * Per unbinned channel, sample and code-4 shapesys modifier: how many data and reference events
     * have a HistFactory code-4 polynomial that is not safely positive on [-1, 1] (ratiofit's
     * log-space interpolation is positive for all of them; see {@link LogInterpolation}).
     */
    public List<Code4PositivityCount> code4PositivityCounts() {
        List<Code4PositivityCount> out = new ArrayList<>();
        for (CompiledUnbinned cu : unbinned) {
            UnbinnedChannel ch = cu.channel;
            for (UnbinnedSample s : ch.samples()) {
                List<Modifier.ShapeSys> shapes = s.shapeSystematics();
                SampleColumns dc = ch.data().columns().get(s.name());
                SampleColumns rc = ch.reference() == null ? null : ch.reference().columns().get(s.name());
                for (int k = 0; k < shapes.size(); k++) {
                    if (shapes.get(k).code() != 4) {
                        continue;
                    }
                    out.add(new Code4PositivityCount(ch.name(), s.name(), shapes.get(k).parameter(), ch.data().events(),
                            LogInterpolation.countPolynomialNotPositive(dc.shapeUp().get(k), dc.shapeDown().get(k)),
                            rc == null ? 0 : ch.reference().events(),
                            rc == null ? 0 : LogInterpolation.countPolynomialNotPositive(rc.shapeUp().get(k), rc.shapeDown().get(k))));
                }
            }
        }
        return out;
    }

    public List<Parameter> modelParameters() {
        return parameters;
    }

    public List<Channel> channels() {
        return channels;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return specs;
    }

    @Override
    public double errorDef() {
        return 0.5;
    }

    @Override
    public boolean hasGradient() {
        return true;
    }

    /**
     * Whether the exact Hessian is offered: for models of unbinned channels only (the binned
     * kernel has no second derivatives yet), and unless the system property
     * {@value #NO_HESSIAN_PROPERTY} is "true" (for comparisons and benchmarks).
     */
    @Override
    public boolean hasHessian() {
        // a parametrised ratio gives first derivatives in θ only (the network's second derivatives are not computed)
        return binned.channels().isEmpty() && parametrised.isEmpty() && !Boolean.getBoolean(NO_HESSIAN_PROPERTY);
    }

    /** System property that switches the analytic Hessian off ({@link #hasHessian()} false). */
    public static final String NO_HESSIAN_PROPERTY = "ratiofit.noAnalyticHessian";

    @Override
    public double valueGradientAndHessian(double[] x, double[] gradient, double[][] hessian) {
        if (!binned.channels().isEmpty()) {
            throw new IllegalStateException("the analytic Hessian needs a model of unbinned channels only; this one has binned channels");
        }
        int dim = parameters.size();
        double[][] h = new double[dim][dim];
        Evaluation e = evaluate(x, true, h);
        System.arraycopy(e.gradient(), 0, gradient, 0, gradient.length);
        // the terms are added in the same order for (i, j) and (j, i) except products' factor order: exact symmetry
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < i; j++) {
                double m = 0.5 * (h[i][j] + h[j][i]);
                h[i][j] = m;
                h[j][i] = m;
            }
        }
        for (int i = 0; i < dim; i++) {
            if (e.isValid()) {
                System.arraycopy(h[i], 0, hessian[i], 0, dim);
            } else {
                Arrays.fill(hessian[i], 0, dim, 0.0);
            }
        }
        return e.value();
    }

    @Override
    public double value(double[] x) {
        return evaluate(x, false).value();
    }

    @Override
    public double valueAndGradient(double[] x, double[] gradient) {
        Evaluation e = evaluate(x, true);
        System.arraycopy(e.gradient(), 0, gradient, 0, gradient.length);
        return e.value();
    }

    @Override
    public String whyNotFinite(double[] x) {
        return evaluate(x, false).reason();
    }

    @Override
    public OptionalInt parameterOfInterest() {
        return poi < 0 ? OptionalInt.empty() : OptionalInt.of(poi);
    }

    /**
     * The expected yield of every sample in every bin of the binned channels at {@code theta}:
     * {@code [binned channel][sample][bin]}, the binned channels in model order (as
     * {@link #channels()} lists them, unbinned ones left out), samples in channel order.
     */
    public double[][][] binnedSampleYields(double[] theta) {
        if (theta.length != parameters.size()) {
            throw new IllegalArgumentException("expected " + parameters.size() + " parameter values, got " + theta.length);
        }
        double[] y = binned.slotYields(theta);
        List<BinnedChannel> cs = binned.channels();
        double[][][] out = new double[cs.size()][][];
        int m = 0;
        for (int c = 0; c < cs.size(); c++) {
            int ns = cs.get(c).samples().size();
            int nb = cs.get(c).bins();
            out[c] = new double[ns][nb];
            for (int s = 0; s < ns; s++) {
                for (int b = 0; b < nb; b++) {
                    out[c][s][b] = y[m++];
                }
            }
        }
        return out;
    }

    /**
     * The expected number of events of every sample of the unbinned channels at {@code theta},
     * ν_p(θ) (the yield modifiers; the shapes are normalised, so this is the sample's expected
     * count): {@code [unbinned channel][sample]}, channels in model order, samples in channel order.
     */
    public double[][] unbinnedSampleYields(double[] theta) {
        if (theta.length != parameters.size()) {
            throw new IllegalArgumentException("expected " + parameters.size() + " parameter values, got " + theta.length);
        }
        double[][] out = new double[unbinned.size()][];
        for (int c = 0; c < unbinned.size(); c++) {
            CompiledUnbinned cu = unbinned.get(c);
            out[c] = new double[cu.yields.length];
            for (int p = 0; p < cu.yields.length; p++) {
                double nominal = cu.channel.samples().get(p).nominalYield();
                out[c][p] = cu.yields[p].evaluate(theta, null, nominal) * nominal;
            }
        }
        return out;
    }

    /** -ln L at theta, with the gradient when asked, and the reason when it is infinite. */
    public Evaluation evaluate(double[] theta, boolean withGradient) {
        return evaluate(theta, withGradient, null);
    }

    /** As {@link #evaluate(double[], boolean)}, adding the Hessian into {@code hess} when not null (then withGradient). */
    private Evaluation evaluate(double[] theta, boolean withGradient, double[][] hess) {
        if (parametrised.isEmpty()) {
            return evaluateAt(theta, withGradient, hess);
        }
        if (hess != null) {
            throw new IllegalStateException("a model with a parametrised ratio has no analytic Hessian");
        }
        if (theta.length != parameters.size()) {
            throw new IllegalArgumentException("expected " + parameters.size() + " parameter values, got " + theta.length);
        }
        for (int i = 0; i < theta.length; i++) {
            if (Double.isNaN(theta[i])) {
                throw new IllegalArgumentException("parameter '" + parameters.get(i).name() + "' is NaN");
            }
        }
        synchronized (ParametrisedColumns.LOCK) {
            updateParametrised(theta);
            return evaluateAt(theta, withGradient, null);
        }
    }

    private Evaluation evaluateAt(double[] theta, boolean withGradient, double[][] hess) {
        int dim = parameters.size();
        if (theta.length != dim) {
            throw new IllegalArgumentException("expected " + dim + " parameter values, got " + theta.length);
        }
        for (int i = 0; i < dim; i++) {
            if (Double.isNaN(theta[i])) {
                throw new IllegalArgumentException("parameter '" + parameters.get(i).name() + "' is NaN");
            }
        }
        double[] grad = withGradient ? new double[dim] : null;
        double nll = 0;
        long invalid = 0;
        StringBuilder reason = new StringBuilder();
        for (CompiledUnbinned cu : unbinned) {
            int np = cu.yields.length;
            double[] c = new double[np];
            double[][] dc = withGradient ? new double[np][dim] : null;
            double total = 0;
            for (int p = 0; p < np; p++) {
                c[p] = cu.yields[p].evaluate(theta, withGradient ? dc[p] : null, cu.channel.samples().get(p).nominalYield());
                c[p] *= cu.channel.samples().get(p).nominalYield();
                total += c[p];
            }
            if (!Double.isFinite(total)) {
                appendReason(reason, "channel '" + cu.channel.name() + "': a sample yield is not finite at this point");
                invalid += 1;
                continue;
            }
            double[] norm = new double[np];
            UnbinnedKernel.Sums ref = null;
            UnbinnedKernel.HessianSums refH = null;
            if (cu.norm != null) {
                if (hess != null) {
                    refH = cu.norm.kernel().referenceSumsWithHessian(theta, pool);
                    ref = refH.sums();
                } else {
                    ref = cu.norm.kernel().referenceSums(theta, pool, withGradient);
                }
                for (int p = 0; p < np; p++) {
                    norm[p] = ref.a()[p] / cu.norm.divisor()[p];
                }
                boolean ok = ref.invalid() == 0;
                for (int p = 0; p < np; p++) {
                    ok &= norm[p] > 0 && Double.isFinite(norm[p]);
                }
                if (!ok) {
                    appendReason(reason, "channel '" + cu.channel.name() + "': a sample's reference normalisation is not positive and finite at this point "
                            + Arrays.toString(norm));
                    invalid += 1;
                    continue;
                }
            } else {
                Arrays.fill(norm, 1);
            }
            double[] cn = new double[np];
            for (int p = 0; p < np; p++) {
                cn[p] = c[p] / norm[p];
            }
            UnbinnedKernel.Sums sums;
            ChannelHessian ch = null;
            if (hess != null) {
                ch = new ChannelHessian(cu, theta, c, dc, cn, norm, ref, refH);
                ch.data = cu.kernel.evaluateWithHessian(theta, cn, ch.act, ch.dcnLocal(), pool);
                sums = ch.data.sums();
            } else {
                sums = cu.kernel.evaluate(theta, cn, pool, withGradient);
            }
            if (sums.invalid() > 0 || !Double.isFinite(sums.sumWLogS())) {
                invalid += Math.max(1, sums.invalid());
                appendReason(reason, sums.invalid() == 0
                        ? "channel '" + cu.channel.name() + "': the mixture density overflows (a log-ratio or shape factor is too large)"
                        : "channel '" + cu.channel.name() + "': the mixture density sum_p nu_p r_p is <= 0 (or a per-event shape factor is <= 0) at "
                        + sums.invalid() + " of " + cu.kernel.events() + " events");
                continue;
            }
            nll += total - sums.sumWLogS();
            if (withGradient) {
                UnbinnedSample[] ss = cu.channel.samples().toArray(new UnbinnedSample[0]);
                for (int p = 0; p < np; p++) {
                    double k = 1 - sums.a()[p] / norm[p];
                    double[] d = dc[p];
                    for (int j = 0; j < dim; j++) {
                        grad[j] += d[j] * k;
                    }
                    List<Modifier.ShapeSys> shapes = ss[p].shapeSystematics();
                    for (int s = 0; s < shapes.size(); s++) {
                        int a = index.get(shapes.get(s).parameter());
                        grad[a] -= sums.b()[p][s];
                        if (ref != null) {
                            // through c_p / N_p: d(-sum w ln s)/d ln N_p = A_p c_p / N_p
                            grad[a] += sums.a()[p] * cn[p] * ref.b()[p][s] / ref.a()[p];
                        }
                    }
                    Modifier.ParametrisedRatio pr = ss[p].parametrisedRatio();
                    if (pr != null) {
                        // d ln r(x|θ)/dθ_k rows: -sum_i w_i (cn_p r_p / s_i) d_k ln r_p, and through N_p its reference average
                        for (int a = 0; a < pr.parameters().size(); a++) {
                            double cpa = sums.cPoly()[p][a];
                            if (ref != null) {
                                cpa -= sums.a()[p] * cn[p] * ref.cPoly()[p][a] / ref.a()[p];
                            }
                            grad[index.get(pr.parameters().get(a))] -= cpa;
                        }
                    }
                    Modifier.Polynomial poly = ss[p].polynomial();
                    if (poly != null) {
                        int[] pi = poly.parameters().stream().mapToInt(index::get).toArray();
                        int[][] pairs = Monomials.of(pi.length);
                        for (int a = 0; a < pairs.length; a++) {
                            double cpa = sums.cPoly()[p][a];
                            if (ref != null) {
                                cpa -= sums.a()[p] * cn[p] * ref.cPoly()[p][a] / ref.a()[p];
                            }
                            if (pairs[a][1] < 0) {
                                grad[pi[pairs[a][0]]] -= cpa;
                            } else {
                                grad[pi[pairs[a][0]]] -= cpa * theta[pi[pairs[a][1]]];
                                grad[pi[pairs[a][1]]] -= cpa * theta[pi[pairs[a][0]]];
                            }
                        }
                    }
                }
            }
            if (ch != null) {
                ch.addTo(hess);
            }
        }
        BinnedKernel.Result br = binned.evaluate(theta, grad);
        for (int c = 0; c < br.badBins().length; c++) {
            long bad = br.badBins()[c];
            String cn = binned.channels().get(c).name();
            if (bad < 0) {
                appendReason(reason, "channel '" + cn + "': a sample yield is not finite at this point");
                invalid += 1;
            } else if (bad > 0) {
                appendReason(reason, "channel '" + cn + "': expected count <= 0 in " + bad + " bin(s) with observed events (or < 0 in any)");
                invalid += bad;
            }
        }
        nll += br.nll();
        for (int i = 0; i < dim; i++) {
            Parameter p = parameters.get(i);
            if (p.kind() == Parameter.Kind.CONSTRAINED) {
                double z = (theta[i] - p.aux()) / p.sigma();
                nll += 0.5 * z * z;
                if (withGradient) {
                    grad[i] += z / p.sigma();
                }
                if (hess != null) {
                    hess[i][i] += 1 / (p.sigma() * p.sigma());
                }
            } else if (p.kind() == Parameter.Kind.POISSON) {
                // -ln Poisson(aux | tau theta) without ln Gamma(aux + 1)
                double tau = p.tau();
                double rate = tau * theta[i];
                if (rate < 0 || (rate == 0 && p.aux() > 0)) {
                    appendReason(reason, "parameter '" + p.name() + "': Poisson constraint rate tau*gamma = " + rate + " <= 0");
                    invalid += 1;
                    continue;
                }
                nll += rate - (p.aux() > 0 ? p.aux() * Math.log(rate) : 0);
                if (withGradient) {
                    grad[i] += tau - (p.aux() > 0 ? p.aux() / theta[i] : 0);
                }
                if (hess != null && p.aux() > 0) {
                    hess[i][i] += p.aux() / (theta[i] * theta[i]);
                }
            }
        }
        if (reason.length() > 0) {
            return new Evaluation(Double.POSITIVE_INFINITY, withGradient ? new double[dim] : null, invalid, reason.toString());
        }
        if (Double.isNaN(nll)) {
            return new Evaluation(Double.POSITIVE_INFINITY, withGradient ? new double[dim] : null, 0,
                    "-ln L is undefined at this point (a coefficient function or modifier gives NaN)");
        }
        return new Evaluation(nll, grad, 0, null);
    }

    /**
     * The Hessian of one unbinned channel's nu_tot - sum_i w_i ln s_i, s_i = sum_p cn_p R_p(x_i),
     * cn_p = c_p / N_p, R_p = r_p g_p = exp(L_p). With rho_ip = R_p / s_i, u_ip = d L_p and
     * G_i = d ln s_i = sum_p rho_ip (d cn_p + cn_p u_ip):
     * d^2 ln s_i = sum_p rho_ip [d^2 cn_p + d cn_p u_ip^T + u_ip d cn_p^T + cn_p (u_ip u_ip^T + d^2 L_p)] - G_i G_i^T,
     * summed with w_i from the kernel's sums ({@link UnbinnedKernel.HessianSums}). N_p = A_p / divisor
     * with A_p = sum_ref w R_p: d^2 A_p = sum_ref w R_p (u u^T + d^2 L_p) from the reference pass.
     * No logarithm of a yield: exact where a coefficient makes c_p zero or negative.
     */
    private final class ChannelHessian {
        final CompiledUnbinned cu;
        final double[] theta;
        final int dim;
        final int np;
        final int[] act;
        final double[][][] d2c;
        final double[][] dcn;
        final double[][][] d2cn;
        UnbinnedKernel.HessianSums data;

        ChannelHessian(CompiledUnbinned cu, double[] theta, double[] c, double[][] dc, double[] cn, double[] norm,
                       UnbinnedKernel.Sums ref, UnbinnedKernel.HessianSums refH) {
            this.cu = cu;
            this.theta = theta;
            dim = theta.length;
            np = cu.yields.length;
            java.util.TreeSet<Integer> a = new java.util.TreeSet<>();
            d2c = new double[np][][];
            dcn = new double[np][dim];
            d2cn = new double[np][dim][dim];
            for (int p = 0; p < np; p++) {
                for (int i : cu.yields[p].parameterIndices()) {
                    a.add(i);
                }
                for (int i : cu.kernel.sampleParameters(p)) {
                    a.add(i);
                }
                double nominal = cu.channel.samples().get(p).nominalYield();
                double[][] h = new double[dim][dim];
                cu.yields[p].secondOrder(theta, new double[dim], h);
                d2c[p] = null;
                double[][] hc = new double[dim][dim];
                for (int i = 0; i < dim; i++) {
                    for (int j = 0; j < dim; j++) {
                        hc[i][j] = nominal * h[i][j];
                    }
                }
                double[] gA = null;
                double[][] hA = null;
                double aP = 1;
                if (ref != null) {
                    aP = ref.a()[p];
                    gA = firstOrderL(cu, p, ref, theta);
                    hA = secondOrderL(cu, p, ref, refH.b2()[p]);
                    int[] sp = cu.norm.kernel().sampleParameters(p);
                    double[][] t1 = refH.t1()[p];
                    for (int l = 0; l < sp.length; l++) {
                        for (int r = 0; r < sp.length; r++) {
                            hA[sp[l]][sp[r]] += t1[l][r];
                        }
                    }
                }
                double nP = norm[p];
                for (int i = 0; i < dim; i++) {
                    dcn[p][i] = dc[p][i] / nP - (gA == null ? 0 : cn[p] * gA[i] / aP);
                    for (int j = 0; j < dim; j++) {
                        double v = hc[i][j] / nP;
                        if (gA != null) {
                            v += -(dc[p][i] * gA[j] + gA[i] * dc[p][j]) / (nP * aP)
                                    + cn[p] * (2 * gA[i] * gA[j] / (aP * aP) - hA[i][j] / aP);
                        }
                        d2cn[p][i][j] = v;
                    }
                }
                d2c[p] = hc;
            }
            act = a.stream().mapToInt(Integer::intValue).toArray();
        }

        double[][] dcnLocal() {
            double[][] out = new double[np][act.length];
            for (int p = 0; p < np; p++) {
                for (int k = 0; k < act.length; k++) {
                    out[p][k] = dcn[p][act[k]];
                }
            }
            return out;
        }

        void addTo(double[][] hess) {
            UnbinnedKernel.Sums sums = data.sums();
            for (int p = 0; p < np; p++) {
                double ap = sums.a()[p];
                double[][] sL = secondOrderL(cu, p, sums, data.b2()[p]);
                int[] sp = cu.kernel.sampleParameters(p);
                double[] g0 = new double[dim];
                for (int l = 0; l < sp.length; l++) {
                    g0[sp[l]] += data.g0()[p][l];
                }
                for (int i = 0; i < dim; i++) {
                    for (int j = 0; j < dim; j++) {
                        hess[i][j] += d2c[p][i][j] - ap * d2cn[p][i][j] - dcn[p][i] * g0[j] - g0[i] * dcn[p][j] - sL[i][j];
                    }
                }
                double[][] t1 = data.t1()[p];
                for (int l = 0; l < sp.length; l++) {
                    for (int r = 0; r < sp.length; r++) {
                        hess[sp[l]][sp[r]] -= t1[l][r];
                    }
                }
            }
            double[][] t3 = data.t3();
            for (int a = 0; a < act.length; a++) {
                for (int b = 0; b < act.length; b++) {
                    hess[act[a]][act[b]] += t3[a][b];
                }
            }
        }
    }

    /** Dense over the parameters: sum_i q_i d L_p(x_i) from a pass's first-order sums (shape and polynomial terms). */
    private double[] firstOrderL(CompiledUnbinned cu, int p, UnbinnedKernel.Sums sums, double[] theta) {
        double[] g = new double[parameters.size()];
        UnbinnedSample s = cu.channel.samples().get(p);
        List<Modifier.ShapeSys> shapes = s.shapeSystematics();
        for (int k = 0; k < shapes.size(); k++) {
            g[index.get(shapes.get(k).parameter())] += sums.b()[p][k];
        }
        Modifier.Polynomial poly = s.polynomial();
        if (poly != null) {
            int[] pi = poly.parameters().stream().mapToInt(index::get).toArray();
            int[][] pairs = Monomials.of(pi.length);
            for (int a = 0; a < pairs.length; a++) {
                double v = sums.cPoly()[p][a];
                if (pairs[a][1] < 0) {
                    g[pi[pairs[a][0]]] += v;
                } else {
                    g[pi[pairs[a][0]]] += v * theta[pi[pairs[a][1]]];
                    g[pi[pairs[a][1]]] += v * theta[pi[pairs[a][0]]];
                }
            }
        }
        return g;
    }

    /** Dense: sum_i q_i d^2 L_p(x_i): the shape coefficients' second derivatives (b2) and the polynomial's constant ones. */
    private double[][] secondOrderL(CompiledUnbinned cu, int p, UnbinnedKernel.Sums sums, double[] b2) {
        int dim = parameters.size();
        double[][] h = new double[dim][dim];
        UnbinnedSample s = cu.channel.samples().get(p);
        List<Modifier.ShapeSys> shapes = s.shapeSystematics();
        for (int k = 0; k < shapes.size(); k++) {
            int i = index.get(shapes.get(k).parameter());
            h[i][i] += b2[k];
        }
        Modifier.Polynomial poly = s.polynomial();
        if (poly != null) {
            int[] pi = poly.parameters().stream().mapToInt(index::get).toArray();
            int[][] pairs = Monomials.of(pi.length);
            for (int a = 0; a < pairs.length; a++) {
                if (pairs[a][1] >= 0) {
                    int l = pi[pairs[a][0]];
                    int r = pi[pairs[a][1]];
                    double v = sums.cPoly()[p][a];
                    if (l == r) {
                        h[l][l] += 2 * v;
                    } else {
                        h[l][r] += v;
                        h[r][l] += v;
                    }
                }
            }
        }
        return h;
    }

    private static void appendReason(StringBuilder sb, String r) {
        if (sb.length() > 0) {
            sb.append("; ");
        }
        sb.append(r);
    }

    // ------------------------------------------------------------------ Asimov and toys

    /** The same model with its parameters' initial values set (for a fit's start). */
    public Model withInitial(double[] point) {
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            ps.add(parameters.get(i).withInitial(point[i]));
        }
        return new Model(ps, channels, pool, float32, normalisations());
    }

    /** The same model with float32 (true) or float64 (false) storage of the per-event shape columns. */
    public Model withFloat32(boolean on) {
        return new Model(parameters, channels, pool, on, normalisations());
    }

    public boolean isFloat32() {
        return float32;
    }

    /**
     * The same model with every unbinned channel's data weights squared: its Hessian at a best fit
     * is the middle matrix of the sum-of-weights-squared covariance V H(w^2) V (RooFit's
     * SumW2Error; the extended term sum nu is unweighted in both, as N_exp - sumW2 ln N_exp - sum
     * w^2 ln f in RooFit). Binned channels keep their counts (unit weights, w^2 = w). Refuses a model
     * whose unbinned data are all unweighted: the correction is then the identity.
     */
    public Model withSquaredDataWeights() {
        List<Channel> out = new ArrayList<>();
        boolean any = false;
        for (Channel c : channels) {
            if (c instanceof UnbinnedChannel u && u.data() != null && u.data().weights() != null) {
                double[] w = u.data().weights();
                double[] w2 = new double[w.length];
                for (int i = 0; i < w.length; i++) {
                    w2[i] = w[i] * w[i];
                }
                any = true;
                out.add(new UnbinnedChannel(u.name(), u.samples(), new EventSet(u.data().events(), w2, u.data().columns()), u.reference(),
                        u.normalisation()));
            } else {
                out.add(c);
            }
        }
        if (!any) {
            throw new IllegalArgumentException("no unbinned channel has weighted data: the sum-of-weights-squared covariance is HESSE's");
        }
        return new Model(parameters, out, pool, float32, normalisations());
    }

    /**
     * The fewest events an event set keeps in a {@link #coarse()} copy: sets of at least twice this
     * many are halved ({@code -Dratiofit.coarseEvents=N} changes it; default 10^5).
     */
    public static final int COARSE_EVENTS = Integer.getInteger("ratiofit.coarseEvents", 100_000);

    /**
     * A coarse copy of this model for a minimiser's first iterations: every unbinned event set (data
     * and reference) of at least 2 x {@link #COARSE_EVENTS} events replaced by its every second event
     * with twice its weight (so that -ln L estimates this model's; parameters and constraints as they
     * are), the smaller event sets and the binned channels as they are. The coarse copy of the
     * coarse copy halves again: at 10^6 events the levels have 5, 2.5 and 1.25 x 10^5. A halving,
     * not a larger stride, so that each level's minimum lies within a few units of -ln L of the next
     * one's (about n_par / 2: the two differ by the half of the events one of them lacks), where
     * Newton's steps converge. The subsample's columns are copied (half of them: the event loop
     * needs them contiguous). Null when no data event set is large enough.
     */
    @Override
    public Model coarse() {
        if (!parametrised.isEmpty()) {
            return null; // a parametrised ratio is defined on its own events; no halved copy
        }
        List<Channel> out = new ArrayList<>();
        boolean any = false;
        for (Channel c : channels) {
            if (c instanceof UnbinnedChannel u) {
                EventSet d = halved(u.data());
                EventSet r = u.reference() == null ? null : halved(u.reference());
                any |= d != u.data();
                out.add(d == u.data() && r == u.reference() ? u : new UnbinnedChannel(u.name(), u.samples(), d, r, u.normalisation()));
            } else {
                out.add(c);
            }
        }
        return any ? new Model(parameters, out, pool, float32, normalisations()) : null;
    }

    /**
     * The same model over the first {@code events} events of every unbinned event set (data and
     * reference; the others as they are), columns copied: for {@link KernelWarmUp}, whose passes
     * over it make the JIT compile the kernels that the full model runs.
     */
    Model head(int events) {
        List<Channel> out = new ArrayList<>();
        for (Channel c : channels) {
            if (c instanceof UnbinnedChannel u) {
                out.add(new UnbinnedChannel(u.name(), u.samples(), head(u.data(), events),
                        u.reference() == null ? null : head(u.reference(), events), u.normalisation()));
            } else {
                out.add(c);
            }
        }
        return new Model(parameters, out, pool, float32, normalisations());
    }

    private static EventSet head(EventSet e, int events) {
        if (e.events() <= events) {
            return e;
        }
        Map<String, SampleColumns> cols = new java.util.LinkedHashMap<>();
        e.columns().forEach((name, c) -> cols.put(name, new SampleColumns(Arrays.copyOf(c.logRatio(), events),
                c.shapeUp().stream().map(a -> Arrays.copyOf(a, events)).toList(),
                c.shapeDown().stream().map(a -> Arrays.copyOf(a, events)).toList(),
                c.polynomial().stream().map(a -> Arrays.copyOf(a, events)).toList())));
        return new EventSet(events, e.weights() == null ? null : Arrays.copyOf(e.weights(), events), cols);
    }

    /** Every second event of {@code e} (from the first) with twice its weight, or {@code e} itself when it has fewer than 2 x COARSE_EVENTS. */
    static EventSet halved(EventSet e) {
        if (e.events() < 2L * COARSE_EVENTS) {
            return e;
        }
        int k = 2;
        int m = (e.events() + k - 1) / k;
        double[] w = new double[m];
        for (int i = 0; i < m; i++) {
            w[i] = e.weights() == null ? k : k * e.weights()[i * k];
        }
        Map<String, SampleColumns> cols = new java.util.LinkedHashMap<>();
        e.columns().forEach((name, c) -> cols.put(name, new SampleColumns(every(c.logRatio(), k, m),
                c.shapeUp().stream().map(a -> every(a, k, m)).toList(), c.shapeDown().stream().map(a -> every(a, k, m)).toList(),
                c.polynomial().stream().map(a -> every(a, k, m)).toList())));
        return new EventSet(m, w, cols);
    }

    private static double[] every(double[] a, int k, int m) {
        double[] b = new double[m];
        for (int i = 0; i < m; i++) {
            b[i] = a[i * k];
        }
        return b;
    }

    /** The same model whose event loop runs on {@code newPool} (null: the calling thread). */
    public Model withPool(ForkJoinPool newPool) {
        return new Model(parameters, channels, newPool, float32, normalisations());
    }

    /**
     * Asimov data at {@code point}: unbinned channels take the reference sample's events with
     * weights w_ref,i * sum_p nu_p(point) r_p(x_i|point) g_p(x_i|point) / N_p(point) / sum_j w_ref,j,
     * binned channels the expected counts; constrained parameters' aux values are set to their
     * values at the point (as pyhf does). The division by the weights' sum makes unit reference
     * weights work too. N_p is the closure normalisation R_p K_p (sum_ref w r_p g_p / sum_ref w) for a
     * normalised channel, and the returned model's unbinned channels use it
     * ({@link ShapeNormalisation#REFERENCE_AND_CLOSURE}): Asimov data are the model's expectation on
     * the reference sample they are made of, so their fit gives back the point (to the minimiser's
     * precision) whatever the ratios' closure on that sample. Unnormalised channels
     * ({@link ShapeNormalisation#NONE}) stay unnormalised (N_p = 1).
     */
    @Override
    public Model asimov(double[] point) {
        if (point.length != parameters.size()) {
            throw new IllegalArgumentException("expected " + parameters.size() + " parameter values, got " + point.length);
        }
        if (!parametrised.isEmpty()) {
            for (CompiledUnbinned cu : unbinned) {
                if (cu.channel.reference() == null && cu.channel.samples().stream().anyMatch(s -> s.parametrisedRatio() != null)) {
                    throw new IllegalStateException("channel '" + cu.channel.name() + "': Asimov data of a sample with a parametrised ratio r(x|θ)"
                            + " need the reference sample's events with the estimator's ratios at θ, which this channel lacks");
                }
            }
            synchronized (ParametrisedColumns.LOCK) {
                updateParametrised(point, parametrisedAll);
                return asimovAt(point);
            }
        }
        return asimovAt(point);
    }

    private Model asimovAt(double[] point) {
        List<Channel> out = new ArrayList<>();
        int ui = 0;
        int bi = 0;
        double[] expectedAll = binned.expected(point);
        for (Channel c : channels) {
            if (c instanceof UnbinnedChannel u) {
                CompiledUnbinned cu = unbinned.get(ui++);
                if (u.reference() == null) {
                    throw new IllegalStateException("channel '" + u.name() + "': Asimov data need the reference sample's events (EventSet 'reference'), which this channel lacks");
                }
                RefNorm en = expectationNormalisations().get(ui - 1);
                UnbinnedKernel refKernel = en != null ? en.kernel() : new UnbinnedKernel(u.samples(), u.reference(), index, float32);
                double[] cc = expectationYields(cu, en, point);
                EventSet ref = u.reference();
                double[] s = new double[ref.events()];
                refKernel.mixture(point, cc, s);
                double wsum = 0;
                for (int i = 0; i < s.length; i++) {
                    wsum += ref.weights() == null ? 1 : ref.weights()[i];
                }
                if (!(wsum > 0) || Double.isInfinite(wsum)) {
                    throw new IllegalArgumentException("channel '" + u.name() + "': the reference weights sum to " + wsum + ", so no Asimov weights exist");
                }
                double[] w = new double[s.length];
                for (int i = 0; i < s.length; i++) {
                    if (!(s[i] >= 0)) {
                        throw new IllegalArgumentException("channel '" + u.name() + "': the mixture density is negative at reference event " + i
                                + " for this parameter point, so no Asimov weights exist");
                    }
                    w[i] = (ref.weights() == null ? 1 : ref.weights()[i]) * s[i] / wsum;
                }
                out.add(new UnbinnedChannel(u.name(), u.samples(), new EventSet(ref.events(), w, ref.columns()), ref, expectationMode(u)));
            } else {
                BinnedChannel bc = (BinnedChannel) c;
                double[] exp = binned.channelPart(expectedAll, bi++);
                for (int b = 0; b < exp.length; b++) {
                    if (!Double.isFinite(exp[b])) {
                        throw new IllegalArgumentException("channel '" + c.name() + "': a yield is not finite at the Asimov point");
                    }
                    exp[b] = Math.max(exp[b], 0);
                }
                out.add(bc.withObserved(exp));
            }
        }
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            ps.add(p.kind() == Parameter.Kind.CONSTRAINED ? p.withAux(point[i])
                    : p.kind() == Parameter.Kind.POISSON ? p.withAux(p.tau() * Math.max(point[i], 0)) : p);
        }
        return new Model(ps, out, pool, float32, reusable());
    }

    /** Every unbinned channel needs its reference sample's events (also one with a parametrised ratio: evaluated there at the point). */
    @Override
    public boolean supportsAsimov() {
        for (CompiledUnbinned cu : unbinned) {
            if (cu.channel.reference() == null) {
                return false;
            }
        }
        return true;
    }

    /** Binned channels always can; unbinned channels need their reference sample's events. */
    @Override
    public boolean supportsPseudoExperiments() {
        if (!parametrised.isEmpty()) {
            return false;
        }
        for (CompiledUnbinned cu : unbinned) {
            if (cu.channel.reference() == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Pseudo-experiment at {@code truth}: Poisson counts per bin for binned channels; for unbinned
     * channels N ~ Poisson(sum_p nu_p(truth)) events resampled (with replacement) from the
     * reference sample's events with probability proportional to w_ref,i * sum_p nu_p(truth)
     * r_p(x_i|truth), each kept with all its columns and unit weight; Gaussian aux values for the
     * constrained parameters. Deterministic for a seed (channels are drawn in their order, then
     * the aux values).
     */
    @Override
    public Model pseudoExperiment(double[] truth, long seed) {
        if (truth.length != parameters.size()) {
            throw new IllegalArgumentException("expected " + parameters.size() + " parameter values, got " + truth.length);
        }
        if (!parametrised.isEmpty()) {
            throw new UnsupportedOperationException("pseudo-experiments of a workspace with a parametrised ratio r(x|θ) are not supported: the drawn"
                    + " events would need the estimator evaluated on each resampled set; use Asimov data (limit, significance) or fit the observed data");
        }
        RandomDataGenerator rng = new RandomDataGenerator(seed);
        double[] expectedAll = binned.expected(truth);
        List<Channel> out = new ArrayList<>();
        int ui = 0;
        int bi = 0;
        for (Channel c : channels) {
            if (c instanceof UnbinnedChannel) {
                out.add(resample(unbinned.get(ui++), truth, rng));
                continue;
            }
            BinnedChannel bc = (BinnedChannel) c;
            double[] exp = binned.channelPart(expectedAll, bi++);
            for (double e : exp) {
                if (!Double.isFinite(e)) {
                    throw new IllegalArgumentException("channel '" + bc.name() + "': a yield is not finite at the truth point");
                }
            }
            double[] counts = new double[exp.length];
            for (int b = 0; b < exp.length; b++) {
                counts[b] = exp[b] > 0 ? rng.nextPoisson(exp[b]) : 0;
            }
            out.add(bc.withObserved(counts));
        }
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (p.kind() == Parameter.Kind.POISSON) {
                double rate = p.tau() * Math.max(truth[i], 0);
                ps.add(p.withAux(rate > 0 ? rng.nextPoisson(rate) : 0));
            } else {
                ps.add(p.kind() == Parameter.Kind.CONSTRAINED ? p.withAux(rng.nextNormal(truth[i], p.sigma())) : p);
            }
        }
        return new Model(ps, out, pool, float32, reusable());
    }

    /** One unbinned channel's pseudo-data: Poisson count, then inverse-CDF draws over the reference events. */
    private UnbinnedChannel resample(CompiledUnbinned cu, double[] truth, RandomDataGenerator rng) {
        UnbinnedChannel u = cu.channel;
        EventSet ref = u.reference();
        if (ref == null) {
            throw new IllegalStateException("channel '" + u.name() + "': pseudo-experiments of an unbinned channel resample the reference sample's events (EventSet 'reference'), which this channel lacks");
        }
        // the weights depend on the truth point only (no random numbers): every toy at it reuses them
        ResamplingWeights.Weights rw = resamplingWeights().get(unbinned.indexOf(cu), truth, () -> resamplingWeights(cu, truth));
        double total = rw.total();
        double[] cumulative = rw.cumulative();
        int nRef = ref.events();
        int n = total > 0 ? (int) rng.nextPoisson(total) : 0;
        if (n > 0 && (nRef == 0 || !(cumulative[nRef - 1] > 0))) {
            throw new IllegalArgumentException("channel '" + u.name() + "': the reference events carry no probability at the truth point, so no events can be drawn");
        }
        int[] pick = new int[n];
        double sum = n > 0 ? cumulative[nRef - 1] : 0;
        for (int k = 0; k < n; k++) {
            double target = rng.nextDouble() * sum;
            // first index whose cumulative sum exceeds the target (zero-probability events are never hit)
            int lo = 0;
            int hi = nRef - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] > target) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            pick[k] = lo;
        }
        java.util.Map<String, SampleColumns> cols = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, SampleColumns> e : ref.columns().entrySet()) {
            SampleColumns c = e.getValue();
            cols.put(e.getKey(), new SampleColumns(gather(c.logRatio(), pick),
                    c.shapeUp().stream().map(col -> gather(col, pick)).toList(),
                    c.shapeDown().stream().map(col -> gather(col, pick)).toList(),
                    c.polynomial().stream().map(col -> gather(col, pick)).toList()));
        }
        return new UnbinnedChannel(u.name(), u.samples(), new EventSet(n, null, cols), ref, expectationMode(u));
    }

    /** Lazily: the resampling weights of the truth points toys were drawn at. */
    private ResamplingWeights resampling;

    synchronized ResamplingWeights resamplingWeights() {
        if (resampling == null) {
            resampling = new ResamplingWeights();
        }
        return resampling;
    }

    /** An unbinned channel's expected total and the cumulative resampling weights of its reference events at {@code truth}. */
    private ResamplingWeights.Weights resamplingWeights(CompiledUnbinned cu, double[] truth) {
        UnbinnedChannel u = cu.channel;
        EventSet ref = u.reference();
        int np = cu.yields.length;
        double total = 0;
        for (int p = 0; p < np; p++) {
            total += u.samples().get(p).nominalYield() * cu.yields[p].evaluate(truth, null, 1);
        }
        RefNorm en = expectationNormalisations().get(unbinned.indexOf(cu));
        double[] cc = expectationYields(cu, en, truth);
        if (!(total >= 0) || Double.isInfinite(total)) {
            throw new IllegalArgumentException("channel '" + u.name() + "': the total expected yield at the truth point is " + total);
        }
        int nRef = ref.events();
        double[] cumulative = new double[nRef];
        if (nRef > 0) {
            double[] s = new double[nRef];
            (en != null ? en.kernel() : new UnbinnedKernel(u.samples(), ref, index, float32)).mixture(truth, cc, s);
            double acc = 0;
            for (int i = 0; i < nRef; i++) {
                double w = (ref.weights() == null ? 1 : ref.weights()[i]) * s[i];
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("channel '" + u.name() + "': reference event " + i + " has weight x density " + w
                            + " at the truth point; events can be resampled only with non-negative probabilities");
                }
                acc += w;
                cumulative[i] = acc;
            }
        }
        return new ResamplingWeights.Weights(total, cumulative);
    }

    /**
     * nu_p(point) / N_p(point) per sample with N_p the closure normalisation {@code en} (1 when null):
     * the coefficients of the per-event densities whose reference average is each sample's yield.
     */
    private double[] expectationYields(CompiledUnbinned cu, RefNorm en, double[] point) {
        UnbinnedChannel u = cu.channel;
        int np = cu.yields.length;
        double[] cc = new double[np];
        double[] norm = new double[np];
        Arrays.fill(norm, 1);
        if (en != null) {
            UnbinnedKernel.Sums r = en.kernel().referenceSums(point, pool, false);
            for (int p = 0; p < np; p++) {
                norm[p] = r.a()[p] / en.divisor()[p];
            }
        }
        for (int p = 0; p < np; p++) {
            cc[p] = u.samples().get(p).nominalYield() * cu.yields[p].evaluate(point, null, 1) / norm[p];
        }
        return cc;
    }

    /** The normalisation of Asimov and pseudo-data channels: closure for a normalised channel with reference events. */
    private static ShapeNormalisation expectationMode(UnbinnedChannel u) {
        return u.normalisation() == ShapeNormalisation.NONE || u.reference() == null ? u.normalisation() : ShapeNormalisation.REFERENCE_AND_CLOSURE;
    }

    /** Lazily: per compiled unbinned channel, the closure normalisation of its expectation (null when none). */
    private List<RefNorm> expectationNorms;

    private synchronized List<RefNorm> expectationNormalisations() {
        if (expectationNorms == null) {
            List<RefNorm> l = new ArrayList<>();
            List<String> names = parameters.stream().map(Parameter::name).toList();
            for (CompiledUnbinned cu : unbinned) {
                UnbinnedChannel u = cu.channel;
                if (expectationMode(u) != ShapeNormalisation.REFERENCE_AND_CLOSURE) {
                    l.add(null);
                } else if (cu.norm != null && cu.norm.mode() == ShapeNormalisation.REFERENCE_AND_CLOSURE) {
                    l.add(cu.norm);
                } else if (cu.norm != null) {
                    // the same kernel over the same reference events, divided by the weights' sum
                    double[] div = new double[cu.yields.length];
                    Arrays.fill(div, weightSum(u));
                    l.add(new RefNorm(u.reference(), u.samples(), names, float32, ShapeNormalisation.REFERENCE_AND_CLOSURE, cu.norm.kernel(), div));
                } else {
                    l.add(referenceNormalisation(u, ShapeNormalisation.REFERENCE_AND_CLOSURE, names));
                }
            }
            expectationNorms = java.util.Collections.unmodifiableList(l);
        }
        return expectationNorms;
    }

    /** The normalisations a derived model (Asimov data, pseudo-experiments, other settings) may reuse. */
    private List<RefNorm> reusable() {
        List<RefNorm> l = new ArrayList<>(normalisations());
        l.addAll(expectationNormalisations());
        return l;
    }

    private static double[] gather(double[] column, int[] pick) {
        double[] out = new double[pick.length];
        for (int k = 0; k < pick.length; k++) {
            out[k] = column[pick[k]];
        }
        return out;
    }

    @Override
    public String toString() {
        return "Model" + Arrays.toString(parameters.stream().map(Parameter::name).toArray()) + " channels "
                + channels.stream().map(Channel::name).toList();
    }
}
