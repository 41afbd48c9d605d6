package org.ratiofit.likelihood;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Poisson terms of all binned channels of a model, evaluated with pyhf's combined-modifier
 * design: every (channel, sample, bin) is one slot of flat arrays, and each modifier type is one
 * pass over its own flat table (sample factors: normfactor, lumi, normsys, coefficient; additive
 * histosys shifts; per-bin factors: shapesys, staterror, shapefactor and the legacy MC-stat
 * gammas), never a loop over modifier objects. The gradient is exact and comes from the same pass.
 *
 * <p>lambda_{s,b} = F_s(theta) (nominal_{s,b} + sum_h shift_h,b(alpha_h)) prod_k gamma_{k,b};
 * -ln L = sum_b lambda_b - n_b ln lambda_b with lambda_b = sum_s lambda_{s,b}. Thread-safe: the
 * scratch arrays are allocated per call (a few arrays of the number of sample-bins).
 */
final class BinnedKernel {

    private static final int NORMFACTOR = 0;
    private static final int CODE1 = 1;
    private static final int CODE4 = 2;
    private static final int COEFFICIENT = 3;

    private final List<BinnedChannel> channels;
    private final int dim;
    private final int nBins;           // all channels' bins
    private final int[] channelBinOffset;
    private final double[] observed;   // per global bin
    // sample-bins
    private final int nSlots;
    private final double[] nominal;
    private final int[] slotBin;       // global bin of a slot
    private final int[] slotSample;    // sample of a slot
    private final int[] sampleSlotStart; // per sample, its first slot (+1 entry at the end)
    // sample factors (CSR over samples)
    private final int[] factorStart;
    private final int[] factorParam;
    private final int[] factorType;
    private final double[] factorLnUp;
    private final double[] factorLnDown;
    private final double[] factorCode4;   // 6 coefficients per entry
    private final Modifier.Coefficient[] factorCoefficient;
    // histosys (each entry covers the slots of one sample)
    private final int[] histoSample;
    private final int[] histoParam;
    private final boolean[] histo4p;
    private final int[] histoOffset;      // into histoDu/histoDd (same length as the sample's bins)
    private final double[] histoDu;
    private final double[] histoDd;
    // per-bin factors (CSR over slots)
    private final int[] perBinStart;
    private final int[] perBinParam;

    BinnedKernel(List<BinnedChannel> channels, Map<String, Integer> index, int dim) {
        this.channels = List.copyOf(channels);
        this.dim = dim;
        channelBinOffset = new int[channels.size() + 1];
        int nb = 0;
        int slots = 0;
        int samples = 0;
        for (int c = 0; c < channels.size(); c++) {
            channelBinOffset[c] = nb;
            nb += channels.get(c).bins();
            slots += channels.get(c).bins() * channels.get(c).samples().size();
            samples += channels.get(c).samples().size();
        }
        channelBinOffset[channels.size()] = nb;
        nBins = nb;
        nSlots = slots;
        observed = new double[nb];
        nominal = new double[slots];
        slotBin = new int[slots];
        slotSample = new int[slots];
        sampleSlotStart = new int[samples + 1];
        factorStart = new int[samples + 1];
        List<Integer> fParam = new ArrayList<>();
        List<Integer> fType = new ArrayList<>();
        List<double[]> fData = new ArrayList<>();
        List<Modifier.Coefficient> fCoef = new ArrayList<>();
        List<int[]> hMeta = new ArrayList<>();
        List<double[]> hDu = new ArrayList<>();
        List<double[]> hDd = new ArrayList<>();
        List<List<Integer>> perSlot = new ArrayList<>();
        int slot = 0;
        int s = 0;
        for (int c = 0; c < channels.size(); c++) {
            BinnedChannel ch = channels.get(c);
            System.arraycopy(ch.observed(), 0, observed, channelBinOffset[c], ch.bins());
            for (BinnedSample smp : ch.samples()) {
                String where = "channel '" + ch.name() + "' sample '" + smp.name() + "'";
                sampleSlotStart[s] = slot;
                factorStart[s] = fParam.size();
                for (int b = 0; b < ch.bins(); b++) {
                    nominal[slot + b] = smp.nominal()[b];
                    slotBin[slot + b] = channelBinOffset[c] + b;
                    slotSample[slot + b] = s;
                    List<Integer> pb = new ArrayList<>();
                    if (smp.mcStat() && ch.mcStatParameters() != null) {
                        pb.add(param(index, ch.mcStatParameters().get(b), where + " MC-stat bin " + b));
                    }
                    perSlot.add(pb);
                }
                for (Modifier m : smp.modifiers()) {
                    if (m instanceof Modifier.NormFactor n) {
                        fParam.add(param(index, n.parameter(), where));
                        fType.add(NORMFACTOR);
                        fData.add(null);
                        fCoef.add(null);
                    } else if (m instanceof Modifier.NormSys n) {
                        fParam.add(param(index, n.parameter(), where));
                        fType.add(n.code() == 1 ? CODE1 : CODE4);
                        double[] d = new double[8];
                        d[0] = Math.log(n.up());
                        d[1] = Math.log(n.down());
                        System.arraycopy(Interpolation.code4Coefficients(n.up(), n.down()), 0, d, 2, 6);
                        fData.add(d);
                        fCoef.add(null);
                    } else if (m instanceof Modifier.Coefficient co) {
                        fParam.add(param(index, co.parameter(), where));
                        fType.add(COEFFICIENT);
                        fData.add(null);
                        fCoef.add(co);
                    } else if (m instanceof Modifier.HistoSys h) {
                        hMeta.add(new int[] {s, param(index, h.parameter(), where), "4p".equals(h.code()) ? 1 : 0});
                        double[] du = new double[ch.bins()];
                        double[] dd = new double[ch.bins()];
                        for (int b = 0; b < du.length; b++) {
                            du[b] = h.up()[b] - smp.nominal()[b];
                            dd[b] = smp.nominal()[b] - h.down()[b];
                        }
                        hDu.add(du);
                        hDd.add(dd);
                    } else if (m instanceof Modifier.PerBin pb) {
                        for (int b = 0; b < ch.bins(); b++) {
                            if (pb.bins()[b] != null) {
                                perSlot.get(slot + b).add(param(index, pb.bins()[b], where + " " + pb.type() + " '" + pb.name() + "' bin " + b));
                            }
                        }
                    } else {
                        throw new IllegalArgumentException(where + ": modifier " + m.getClass().getSimpleName() + " does not apply to a binned sample");
                    }
                }
                slot += ch.bins();
                s++;
            }
        }
        sampleSlotStart[samples] = slot;
        factorStart[samples] = fParam.size();
        int nf = fParam.size();
        factorParam = fParam.stream().mapToInt(Integer::intValue).toArray();
        factorType = fType.stream().mapToInt(Integer::intValue).toArray();
        factorLnUp = new double[nf];
        factorLnDown = new double[nf];
        factorCode4 = new double[6 * nf];
        factorCoefficient = fCoef.toArray(new Modifier.Coefficient[0]);
        for (int e = 0; e < nf; e++) {
            double[] d = fData.get(e);
            if (d != null) {
                factorLnUp[e] = d[0];
                factorLnDown[e] = d[1];
                System.arraycopy(d, 2, factorCode4, 6 * e, 6);
            }
        }
        int nh = hMeta.size();
        histoSample = new int[nh];
        histoParam = new int[nh];
        histo4p = new boolean[nh];
        histoOffset = new int[nh + 1];
        int off = 0;
        for (int h = 0; h < nh; h++) {
            histoSample[h] = hMeta.get(h)[0];
            histoParam[h] = hMeta.get(h)[1];
            histo4p[h] = hMeta.get(h)[2] == 1;
            histoOffset[h] = off;
            off += hDu.get(h).length;
        }
        histoOffset[nh] = off;
        histoDu = new double[off];
        histoDd = new double[off];
        for (int h = 0; h < nh; h++) {
            System.arraycopy(hDu.get(h), 0, histoDu, histoOffset[h], hDu.get(h).length);
            System.arraycopy(hDd.get(h), 0, histoDd, histoOffset[h], hDd.get(h).length);
        }
        perBinStart = new int[slots + 1];
        int total = 0;
        for (int m = 0; m < slots; m++) {
            perBinStart[m] = total;
            total += perSlot.get(m).size();
        }
        perBinStart[slots] = total;
        perBinParam = new int[total];
        for (int m = 0, k = 0; m < slots; m++) {
            for (int p : perSlot.get(m)) {
                perBinParam[k++] = p;
            }
        }
    }

    private static int param(Map<String, Integer> index, String name, String where) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException(where + ": modifier refers to unknown parameter '" + name + "'");
        }
        return i;
    }

    List<BinnedChannel> channels() {
        return channels;
    }

    /** The result of one evaluation: -ln L of the Poisson terms, and per channel its bad bins (-1: a non-finite yield). */
    record Result(double nll, long[] badBins) {
        boolean valid() {
            for (long b : badBins) {
                if (b != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Expected counts per global bin at theta (null entries nowhere; may be negative or non-finite). */
    double[] expected(double[] theta) {
        double[] lambda = new double[nBins];
        Scratch sc = new Scratch();
        fill(theta, sc, false, lambda);
        return lambda;
    }

    /**
     * Per sample and bin the expected yield at theta, slots in kernel order (channel by channel,
     * sample by sample, bin by bin): F_s(theta) (nominal + histosys shifts) prod gamma.
     */
    double[] slotYields(double[] theta) {
        Scratch sc = new Scratch();
        fill(theta, sc, false, new double[nBins]);
        double[] y = new double[nSlots];
        for (int m = 0; m < nSlots; m++) {
            y[m] = sc.sampleFactor[slotSample[m]] * sc.v[m] * sc.gammas[m];
        }
        return y;
    }

    /** The expected counts of binned channel {@code c} (index among the binned channels) from a global array. */
    double[] channelPart(double[] global, int c) {
        return java.util.Arrays.copyOfRange(global, channelBinOffset[c], channelBinOffset[c + 1]);
    }

    private final class Scratch {
        final double[] f = new double[factorParam.length];
        final double[] df = new double[factorParam.length];
        final double[] sampleFactor = new double[sampleSlotStart.length - 1];
        final double[] v = new double[nSlots];
        final double[] dshift;
        final double[] gammas = new double[nSlots];

        Scratch() {
            dshift = new double[histoDu.length];
        }
    }

    private void fill(double[] theta, Scratch sc, boolean withGradient, double[] lambda) {
        // sample factors, one pass over the table
        int nf = factorParam.length;
        for (int e = 0; e < nf; e++) {
            double a = theta[factorParam[e]];
            switch (factorType[e]) {
                case NORMFACTOR -> {
                    sc.f[e] = a;
                    sc.df[e] = 1;
                }
                case CODE1 -> {
                    double l = a >= 0 ? factorLnUp[e] : -factorLnDown[e];
                    double v = Math.exp(a * l);
                    sc.f[e] = v;
                    sc.df[e] = v * l;
                }
                case CODE4 -> {
                    if (a > 1 || a < -1) {
                        double l = a >= 0 ? factorLnUp[e] : -factorLnDown[e];
                        double v = Math.exp(a * l);
                        sc.f[e] = v;
                        sc.df[e] = v * l;
                    } else {
                        int o = 6 * e;
                        double p = 0;
                        double g = 0;
                        for (int i = 5; i >= 0; i--) {
                            p = (p + factorCode4[o + i]) * a;
                        }
                        for (int i = 5; i >= 1; i--) {
                            g = (g + (i + 1) * factorCode4[o + i]) * a;
                        }
                        sc.f[e] = 1 + p;
                        sc.df[e] = g + factorCode4[o];
                    }
                }
                default -> {
                    double[] vg = factorCoefficient[e].valueAndDerivative(a);
                    sc.f[e] = vg[0];
                    sc.df[e] = vg[1];
                }
            }
        }
        int ns = sampleSlotStart.length - 1;
        for (int s = 0; s < ns; s++) {
            double prod = 1;
            for (int e = factorStart[s]; e < factorStart[s + 1]; e++) {
                prod *= sc.f[e];
            }
            sc.sampleFactor[s] = prod;
        }
        // nominal plus histosys shifts, one pass over the histosys table
        System.arraycopy(nominal, 0, sc.v, 0, nSlots);
        for (int h = 0; h < histoParam.length; h++) {
            double a = theta[histoParam[h]];
            int base = sampleSlotStart[histoSample[h]];
            int o = histoOffset[h];
            int n = histoOffset[h + 1] - o;
            if (histo4p[h] && a <= 1 && a >= -1) {
                double a2 = a * a;
                double poly = a2 * (15 - 10 * a2 + 3 * a2 * a2);
                double dpoly = 30 * a - 40 * a2 * a + 18 * a2 * a2 * a;
                for (int b = 0; b < n; b++) {
                    double du = histoDu[o + b];
                    double dd = histoDd[o + b];
                    double sm = (du + dd) / 2;
                    double an = (du - dd) / 16;
                    sc.v[base + b] += a * sm + poly * an;
                    sc.dshift[o + b] = sm + dpoly * an;
                }
            } else {
                double[] d = a >= 0 ? histoDu : histoDd;
                for (int b = 0; b < n; b++) {
                    sc.v[base + b] += a * d[o + b];
                    sc.dshift[o + b] = d[o + b];
                }
            }
        }
        // per-bin factors and the sum over samples
        for (int m = 0; m < nSlots; m++) {
            double g = 1;
            for (int k = perBinStart[m]; k < perBinStart[m + 1]; k++) {
                g *= theta[perBinParam[k]];
            }
            sc.gammas[m] = g;
            lambda[slotBin[m]] += sc.sampleFactor[slotSample[m]] * sc.v[m] * g;
        }
    }

    /**
     * -ln L of all binned channels; the gradient is added into {@code grad} when it is not null
     * and every bin is valid. A bin is bad when its expectation is negative, zero with observed
     * events, or not finite.
     */
    Result evaluate(double[] theta, double[] grad) {
        Scratch sc = new Scratch();
        double[] lambda = new double[nBins];
        fill(theta, sc, grad != null, lambda);
        long[] bad = new long[channels.size()];
        double nll = 0;
        for (int c = 0; c < channels.size(); c++) {
            for (int b = channelBinOffset[c]; b < channelBinOffset[c + 1]; b++) {
                double l = lambda[b];
                double n = observed[b];
                if (Double.isNaN(l) || Double.isInfinite(l)) {
                    bad[c] = -1;
                    break;
                }
                if (l < 0 || (l == 0 && n > 0)) {
                    bad[c]++;
                    continue;
                }
                nll += l - (n > 0 ? n * Math.log(l) : 0);
            }
        }
        Result r = new Result(nll, bad);
        if (grad == null || !r.valid()) {
            return r;
        }
        // dNLL/dlambda_b
        double[] w = lambda; // reuse
        for (int b = 0; b < nBins; b++) {
            w[b] = lambda[b] > 0 ? 1 - observed[b] / lambda[b] : 1;
        }
        int ns = sampleSlotStart.length - 1;
        double[] sampleSum = new double[ns];
        for (int m = 0; m < nSlots; m++) {
            double t = w[slotBin[m]];
            int s = slotSample[m];
            double fs = sc.sampleFactor[s];
            sampleSum[s] += t * sc.v[m] * sc.gammas[m];
            int k0 = perBinStart[m];
            int k1 = perBinStart[m + 1];
            if (k1 - k0 == 1) {
                grad[perBinParam[k0]] += t * fs * sc.v[m];
            } else {
                for (int k = k0; k < k1; k++) {
                    double others = 1;
                    for (int j = k0; j < k1; j++) {
                        if (j != k) {
                            others *= theta[perBinParam[j]];
                        }
                    }
                    grad[perBinParam[k]] += t * fs * sc.v[m] * others;
                }
            }
        }
        for (int h = 0; h < histoParam.length; h++) {
            int s = histoSample[h];
            int base = sampleSlotStart[s];
            int o = histoOffset[h];
            int n = histoOffset[h + 1] - o;
            double acc = 0;
            for (int b = 0; b < n; b++) {
                int m = base + b;
                acc += w[slotBin[m]] * sc.gammas[m] * sc.dshift[o + b];
            }
            grad[histoParam[h]] += acc * sc.sampleFactor[s];
        }
        for (int s = 0; s < ns; s++) {
            int e0 = factorStart[s];
            int e1 = factorStart[s + 1];
            for (int e = e0; e < e1; e++) {
                double others = 1;
                for (int j = e0; j < e1; j++) {
                    if (j != e) {
                        others *= sc.f[j];
                    }
                }
                grad[factorParam[e]] += sampleSum[s] * sc.df[e] * others;
            }
        }
        return r;
    }

    int dimension() {
        return dim;
    }
}
