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
    private final List<CompiledBinned> binned = new ArrayList<>();
    private final ForkJoinPool pool;
    private final boolean float32;

    private record CompiledUnbinned(UnbinnedChannel channel, YieldFunction[] yields, UnbinnedKernel kernel) {
    }

    private record CompiledBinned(BinnedChannel channel, YieldFunction[] factors, int[][] histoParam, boolean[][] histo4p,
                                  double[][][] du, double[][][] dd, int[] gamma) {
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
        for (Channel c : this.channels) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("duplicate channel '" + c.name() + "'");
            }
            if (c instanceof UnbinnedChannel u) {
                compile(u);
            } else {
                compile((BinnedChannel) c);
            }
        }
    }

    private void compile(UnbinnedChannel u) {
        YieldFunction[] y = new YieldFunction[u.samples().size()];
        for (int p = 0; p < y.length; p++) {
            UnbinnedSample s = u.samples().get(p);
            String where = "channel '" + u.name() + "' sample '" + s.name() + "'";
            y[p] = new YieldFunction(s.modifiers(), index, where);
        }
        unbinned.add(new CompiledUnbinned(u, y, new UnbinnedKernel(u.samples(), u.data(), index, float32)));
    }

    private void compile(BinnedChannel c) {
        int ns = c.samples().size();
        YieldFunction[] f = new YieldFunction[ns];
        int[][] hp = new int[ns][];
        boolean[][] h4 = new boolean[ns][];
        double[][][] du = new double[ns][][];
        double[][][] dd = new double[ns][][];
        for (int p = 0; p < ns; p++) {
            BinnedSample s = c.samples().get(p);
            String where = "channel '" + c.name() + "' sample '" + s.name() + "'";
            f[p] = new YieldFunction(s.modifiers(), index, where);
            List<Modifier.HistoSys> hs = s.modifiers().stream().filter(m -> m instanceof Modifier.HistoSys)
                    .map(m -> (Modifier.HistoSys) m).toList();
            hp[p] = new int[hs.size()];
            h4[p] = new boolean[hs.size()];
            du[p] = new double[hs.size()][];
            dd[p] = new double[hs.size()][];
            for (int k = 0; k < hs.size(); k++) {
                Modifier.HistoSys h = hs.get(k);
                hp[p][k] = index.get(h.parameter());
                h4[p][k] = "4p".equals(h.code());
                du[p][k] = new double[c.bins()];
                dd[p][k] = new double[c.bins()];
                for (int b = 0; b < c.bins(); b++) {
                    du[p][k][b] = h.up()[b] - s.nominal()[b];
                    dd[p][k][b] = s.nominal()[b] - h.down()[b];
                }
            }
        }
        int[] gamma = null;
        if (c.mcStatParameters() != null) {
            gamma = new int[c.bins()];
            for (int b = 0; b < gamma.length; b++) {
                String g = c.mcStatParameters().get(b);
                Integer gi = index.get(g);
                if (gi == null) {
                    throw new IllegalArgumentException("channel '" + c.name() + "': MC-stat parameter '" + g + "' of bin " + b + " is not a parameter");
                }
                gamma[b] = gi;
            }
        }
        binned.add(new CompiledBinned(c, f, hp, h4, du, dd, gamma));
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

    /** -ln L at theta, with the gradient when asked, and the reason when it is infinite. */
    public Evaluation evaluate(double[] theta, boolean withGradient) {
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
            UnbinnedKernel.Sums sums = cu.kernel.evaluate(theta, c, pool, withGradient);
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
                    double k = 1 - sums.a()[p];
                    double[] d = dc[p];
                    for (int j = 0; j < dim; j++) {
                        grad[j] += d[j] * k;
                    }
                    List<Modifier.ShapeSys> shapes = ss[p].shapeSystematics();
                    for (int s = 0; s < shapes.size(); s++) {
                        grad[index.get(shapes.get(s).parameter())] -= sums.b()[p][s];
                    }
                    Modifier.Polynomial poly = ss[p].polynomial();
                    if (poly != null) {
                        int[] pi = poly.parameters().stream().mapToInt(index::get).toArray();
                        int[][] pairs = Monomials.of(pi.length);
                        for (int a = 0; a < pairs.length; a++) {
                            double cpa = sums.cPoly()[p][a];
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
        }
        for (CompiledBinned cb : binned) {
            double[] term = new double[1];
            long bad = binnedTerm(cb, theta, grad, null, term);
            if (bad < 0) {
                appendReason(reason, "channel '" + cb.channel.name() + "': a sample yield is not finite at this point");
                invalid += 1;
            } else if (bad > 0) {
                appendReason(reason, "channel '" + cb.channel.name() + "': expected count <= 0 in " + bad + " bin(s) with observed events (or < 0 in any)");
                invalid += bad;
            } else {
                nll += term[0];
            }
        }
        for (int i = 0; i < dim; i++) {
            Parameter p = parameters.get(i);
            if (p.kind() == Parameter.Kind.CONSTRAINED) {
                double z = (theta[i] - p.aux()) / p.sigma();
                nll += 0.5 * z * z;
                if (withGradient) {
                    grad[i] += z / p.sigma();
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

    private static void appendReason(StringBuilder sb, String r) {
        if (sb.length() > 0) {
            sb.append("; ");
        }
        sb.append(r);
    }

    /**
     * Adds the channel's Poisson term's gradient into grad (if not null), stores expected counts in
     * {@code expectedOut} if not null, the term's -ln L in {@code nllOut[0]} if not null. Returns the
     * number of bad bins, -1 when a yield is not finite. Safe to call from several threads.
     */
    private long binnedTerm(CompiledBinned cb, double[] theta, double[] grad, double[] expectedOut, double[] nllOut) {
        BinnedChannel ch = cb.channel;
        int nb = ch.bins();
        int ns = cb.factors.length;
        int dim = theta.length;
        double[] lambda = new double[nb];
        double[] f = new double[ns];
        double[][] df = grad != null ? new double[ns][dim] : null;
        double[][] shifted = new double[ns][nb];
        for (int p = 0; p < ns; p++) {
            f[p] = cb.factors[p].evaluate(theta, grad != null ? df[p] : null, 1);
            if (!Double.isFinite(f[p])) {
                return -1;
            }
            BinnedSample s = ch.samples().get(p);
            for (int b = 0; b < nb; b++) {
                double v = s.nominal()[b];
                for (int k = 0; k < cb.histoParam[p].length; k++) {
                    double a = theta[cb.histoParam[p][k]];
                    v += (cb.histo4p[p][k] ? Interpolation.code4p(a, cb.du[p][k][b], cb.dd[p][k][b])
                            : Interpolation.code0(a, cb.du[p][k][b], cb.dd[p][k][b]))[0];
                }
                shifted[p][b] = v;
                double g = s.mcStat() && cb.gamma != null ? theta[cb.gamma[b]] : 1;
                lambda[b] += f[p] * v * g;
            }
        }
        if (expectedOut != null) {
            System.arraycopy(lambda, 0, expectedOut, 0, nb);
        }
        double nll = 0;
        long bad = 0;
        double[] obs = ch.observed();
        for (int b = 0; b < nb; b++) {
            if (lambda[b] < 0 || (lambda[b] == 0 && obs[b] > 0) || !Double.isFinite(lambda[b])) {
                bad++;
                continue;
            }
            nll += lambda[b] - (obs[b] > 0 ? obs[b] * Math.log(lambda[b]) : 0);
        }
        if (nllOut != null) {
            nllOut[0] = nll;
        }
        if (bad > 0 || grad == null) {
            return bad;
        }
        for (int b = 0; b < nb; b++) {
            double k = lambda[b] > 0 ? 1 - obs[b] / lambda[b] : 1;
            for (int p = 0; p < ns; p++) {
                BinnedSample s = ch.samples().get(p);
                boolean mc = s.mcStat() && cb.gamma != null;
                double g = mc ? theta[cb.gamma[b]] : 1;
                double v = shifted[p][b];
                for (int j = 0; j < dim; j++) {
                    grad[j] += k * df[p][j] * v * g;
                }
                for (int h = 0; h < cb.histoParam[p].length; h++) {
                    double a = theta[cb.histoParam[p][h]];
                    double dv = (cb.histo4p[p][h] ? Interpolation.code4p(a, cb.du[p][h][b], cb.dd[p][h][b])
                            : Interpolation.code0(a, cb.du[p][h][b], cb.dd[p][h][b]))[1];
                    grad[cb.histoParam[p][h]] += k * f[p] * dv * g;
                }
                if (mc) {
                    grad[cb.gamma[b]] += k * f[p] * v;
                }
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------ Asimov and toys

    /** The same model with its parameters' initial values set (for a fit's start). */
    public Model withInitial(double[] point) {
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            ps.add(parameters.get(i).withInitial(point[i]));
        }
        return new Model(ps, channels, pool, float32);
    }

    /** The same model with float32 (true) or float64 (false) storage of the per-event shape columns. */
    public Model withFloat32(boolean on) {
        return new Model(parameters, channels, pool, on);
    }

    public boolean isFloat32() {
        return float32;
    }

    /** The same model whose event loop runs on {@code newPool} (null: the calling thread). */
    public Model withPool(ForkJoinPool newPool) {
        return new Model(parameters, channels, newPool, float32);
    }

    /**
     * Asimov data at {@code point}: unbinned channels take the reference sample's events with
     * weights w_ref,i * sum_p nu_p(point) r_p(x_i|point); binned channels take the expected counts;
     * constrained parameters' aux values are set to their values at the point (as pyhf does).
     */
    @Override
    public Model asimov(double[] point) {
        if (point.length != parameters.size()) {
            throw new IllegalArgumentException("expected " + parameters.size() + " parameter values, got " + point.length);
        }
        List<Channel> out = new ArrayList<>();
        int ui = 0;
        int bi = 0;
        for (Channel c : channels) {
            if (c instanceof UnbinnedChannel u) {
                CompiledUnbinned cu = unbinned.get(ui++);
                if (u.reference() == null) {
                    throw new IllegalStateException("channel '" + u.name() + "': Asimov data need the reference sample's events (EventSet 'reference'), which this channel lacks");
                }
                int np = cu.yields.length;
                double[] cc = new double[np];
                for (int p = 0; p < np; p++) {
                    cc[p] = u.samples().get(p).nominalYield() * cu.yields[p].evaluate(point, null, 1);
                }
                UnbinnedKernel refKernel = new UnbinnedKernel(u.samples(), u.reference(), index, float32);
                EventSet ref = u.reference();
                double[] s = new double[ref.events()];
                refKernel.mixture(point, cc, s);
                double[] w = new double[s.length];
                for (int i = 0; i < s.length; i++) {
                    if (!(s[i] >= 0)) {
                        throw new IllegalArgumentException("channel '" + u.name() + "': the mixture density is negative at reference event " + i
                                + " for this parameter point, so no Asimov weights exist");
                    }
                    w[i] = (ref.weights() == null ? 1 : ref.weights()[i]) * s[i];
                }
                out.add(new UnbinnedChannel(u.name(), u.samples(), new EventSet(ref.events(), w, ref.columns()), ref));
            } else {
                CompiledBinned cb = binned.get(bi++);
                double[] exp = new double[cb.channel.bins()];
                if (binnedTerm(cb, point, null, exp, null) < 0) {
                    throw new IllegalArgumentException("channel '" + c.name() + "': a yield is not finite at the Asimov point");
                }
                for (int b = 0; b < exp.length; b++) {
                    exp[b] = Math.max(exp[b], 0);
                }
                out.add(cb.channel.withObserved(exp));
            }
        }
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            ps.add(p.kind() == Parameter.Kind.CONSTRAINED ? p.withAux(point[i]) : p);
        }
        return new Model(ps, out, pool, float32);
    }

    /** Binned channels always can; unbinned channels need their reference sample's events. */
    @Override
    public boolean supportsPseudoExperiments() {
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
        RandomDataGenerator rng = new RandomDataGenerator(seed);
        List<Channel> out = new ArrayList<>();
        int ui = 0;
        int bi = 0;
        for (Channel c : channels) {
            if (c instanceof UnbinnedChannel) {
                out.add(resample(unbinned.get(ui++), truth, rng));
                continue;
            }
            CompiledBinned cb = binned.get(bi++);
            double[] exp = new double[cb.channel.bins()];
            if (binnedTerm(cb, truth, null, exp, null) < 0) {
                throw new IllegalArgumentException("channel '" + cb.channel.name() + "': a yield is not finite at the truth point");
            }
            double[] counts = new double[exp.length];
            for (int b = 0; b < exp.length; b++) {
                counts[b] = exp[b] > 0 ? rng.nextPoisson(exp[b]) : 0;
            }
            out.add(cb.channel.withObserved(counts));
        }
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            ps.add(p.kind() == Parameter.Kind.CONSTRAINED ? p.withAux(rng.nextNormal(truth[i], p.sigma())) : p);
        }
        return new Model(ps, out, pool, float32);
    }

    /** One unbinned channel's pseudo-data: Poisson count, then inverse-CDF draws over the reference events. */
    private UnbinnedChannel resample(CompiledUnbinned cu, double[] truth, RandomDataGenerator rng) {
        UnbinnedChannel u = cu.channel;
        EventSet ref = u.reference();
        if (ref == null) {
            throw new IllegalStateException("channel '" + u.name() + "': pseudo-experiments of an unbinned channel resample the reference sample's events (EventSet 'reference'), which this channel lacks");
        }
        int np = cu.yields.length;
        double[] cc = new double[np];
        double total = 0;
        for (int p = 0; p < np; p++) {
            cc[p] = u.samples().get(p).nominalYield() * cu.yields[p].evaluate(truth, null, 1);
            total += cc[p];
        }
        if (!(total >= 0) || Double.isInfinite(total)) {
            throw new IllegalArgumentException("channel '" + u.name() + "': the total expected yield at the truth point is " + total);
        }
        int nRef = ref.events();
        double[] cumulative = new double[nRef];
        if (nRef > 0) {
            double[] s = new double[nRef];
            new UnbinnedKernel(u.samples(), ref, index, float32).mixture(truth, cc, s);
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
        return new UnbinnedChannel(u.name(), u.samples(), new EventSet(n, null, cols), ref);
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
