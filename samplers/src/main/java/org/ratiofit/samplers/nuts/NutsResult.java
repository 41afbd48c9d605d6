package org.ratiofit.samplers.nuts;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.samplers.nuts.diagnostics.ConvergenceDiagnostics;
import org.ratiofit.samplers.nuts.diagnostics.ParameterSummary;
import org.ratiofit.samplers.nuts.diagnostics.PosteriorSummary;

/**
 * Draws of all chains of a NUTS run, with the summary and CmdStan-layout CSV output.
 *
 * @param names    names of the sampled parameters
 * @param chains   one result per chain, in chain order
 * @param settings the settings of the run
 * @param seconds  wall time of the whole run
 */
public record NutsResult(List<String> names, List<ChainResult> chains, NutsSettings settings, double seconds) {

    /** Draws of one parameter, {@code [chain][iteration]}. */
    public double[][] draws(String name) {
        int k = names.indexOf(name);
        if (k < 0) {
            throw new IllegalArgumentException("no sampled parameter '" + name + "'; sampled: " + names);
        }
        return draws(k);
    }

    public double[][] draws(int k) {
        double[][] out = new double[chains.size()][];
        for (int c = 0; c < chains.size(); c++) {
            out[c] = chains.get(c).draws()[k];
        }
        return out;
    }

    /** All chains of one parameter concatenated. */
    public double[] pooled(String name) {
        return ConvergenceDiagnostics.flatten(draws(name));
    }

    public int divergences() {
        return chains.stream().mapToInt(ChainResult::numDivergent).sum();
    }

    public long gradientEvaluations() {
        return chains.stream().mapToLong(ChainResult::gradientEvaluations).sum();
    }

    public long samplingGradientEvaluations() {
        return chains.stream().mapToLong(ChainResult::samplingGradientEvaluations).sum();
    }

    public PosteriorSummary summary() {
        List<ParameterSummary> rows = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            rows.add(ParameterSummary.of(names.get(k), draws(k)));
        }
        int saturated = 0;
        int maxDepth = settings.getMaxDepth();
        double[] ebfmi = new double[chains.size()];
        double[] steps = new double[chains.size()];
        for (int c = 0; c < chains.size(); c++) {
            ChainResult ch = chains.get(c);
            for (int t : ch.treeDepth()) {
                if (t >= maxDepth) {
                    saturated++;
                }
            }
            ebfmi[c] = ConvergenceDiagnostics.ebfmi(ch.energy());
            steps[c] = ch.stepSize();
        }
        int n = chains.get(0).numDraws();
        int div = divergences();
        return new PosteriorSummary(PosteriorSummary.FORMAT_VERSION, rows, chains.size(), n, div, saturated, maxDepth, ebfmi,
                steps, gradientEvaluations(),
                PosteriorSummary.warningsFor(rows, chains.size(), n, div, saturated, maxDepth, ebfmi));
    }

    /**
     * Writes one CSV per chain in CmdStan's layout, {@code <prefix>_<chain>.csv} in {@code dir}, and
     * returns the files.
     */
    public List<Path> writeCsv(Path dir, String prefix) {
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (ChainResult ch : chains) {
                Path f = dir.resolve(prefix + "_" + ch.chain() + ".csv");
                // whole or not at all: a full disk leaves no truncated CSV
                AtomicFiles.write(f, o -> {
                    Writer w = new BufferedWriter(new java.io.OutputStreamWriter(o, StandardCharsets.UTF_8));
                    writeCsv(ch, w);
                    w.flush();
                });
                files.add(f);
            }
        } catch (IOException e) {
            IOException x = AtomicFiles.explain(dir, e);
            throw new UncheckedIOException(x.getMessage(), x);
        }
        return files;
    }

    /** One chain in CmdStan's CSV layout: configuration comments, header, adaptation comments, draws, timing. */
    public void writeCsv(ChainResult ch, Writer w) throws IOException {
        NutsSettings s = settings;
        String nl = "\n";
        w.write("# ratiofit NUTS (CmdStan CSV layout), format_version = 1" + nl);
        w.write("# method = sample" + nl);
        w.write("#   sample" + nl);
        w.write("#     num_samples = " + s.getSamples() + nl);
        w.write("#     num_warmup = " + s.getWarmup() + nl);
        w.write("#     save_warmup = 0" + nl);
        w.write("#     thin = " + s.getThin() + nl);
        w.write("#     adapt" + nl);
        w.write("#       engaged = " + (s.getWarmup() > 0 ? 1 : 0) + nl);
        w.write("#       gamma = " + s.getGamma() + nl);
        w.write("#       delta = " + s.getDelta() + nl);
        w.write("#       kappa = " + s.getKappa() + nl);
        w.write("#       t0 = " + s.getT0() + nl);
        w.write("#       init_buffer = " + s.getInitBuffer() + nl);
        w.write("#       term_buffer = " + s.getTermBuffer() + nl);
        w.write("#       window = " + s.getBaseWindow() + nl);
        w.write("#     algorithm = hmc" + nl);
        w.write("#       hmc" + nl);
        w.write("#         engine = nuts" + nl);
        w.write("#           nuts" + nl);
        w.write("#             max_depth = " + s.getMaxDepth() + nl);
        String metric = switch (s.getMetric()) {
            case UNIT -> "unit_e";
            case DIAGONAL -> "diag_e";
            case DENSE -> "dense_e";
        };
        w.write("#         metric = " + metric + nl);
        w.write("#         stepsize = " + s.getInitStepSize() + nl);
        w.write("# id = " + ch.chain() + nl);
        w.write("# random" + nl);
        w.write("#   seed = " + s.getSeed() + nl);
        for (String note : ch.notes()) {
            w.write("# " + note + nl);
        }
        StringBuilder head = new StringBuilder("lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__");
        for (String n : names) {
            head.append(',').append(n.replace(',', '_'));
        }
        w.write(head + nl);
        w.write("# Adaptation terminated" + nl);
        w.write("# Step size = " + num(ch.stepSize()) + nl);
        if (ch.inverseMetricDense() != null) {
            w.write("# Elements of inverse mass matrix:" + nl);
            for (double[] row : ch.inverseMetricDense()) {
                w.write("# " + join(row) + nl);
            }
        } else if (ch.inverseMetricDiagonal() != null) {
            w.write("# Diagonal elements of inverse mass matrix:" + nl);
            w.write("# " + join(ch.inverseMetricDiagonal()) + nl);
        }
        StringBuilder line = new StringBuilder();
        double[][] draws = ch.draws();
        for (int i = 0; i < ch.numDraws(); i++) {
            line.setLength(0);
            line.append(num(ch.lp()[i])).append(',').append(num(ch.acceptStat()[i])).append(',').append(num(ch.stepSize()))
                    .append(',').append(ch.treeDepth()[i]).append(',').append(ch.nLeapfrog()[i]).append(',')
                    .append(ch.divergent()[i] ? 1 : 0).append(',').append(num(ch.energy()[i]));
            for (double[] col : draws) {
                line.append(',').append(num(col[i]));
            }
            w.write(line.append(nl).toString());
        }
        w.write("# " + nl);
        w.write(String.format(Locale.ROOT, "#  Elapsed Time: %.3f seconds (Warm-up)%n", ch.warmupSeconds()).replace(System.lineSeparator(), nl));
        w.write(String.format(Locale.ROOT, "#                %.3f seconds (Sampling)%n", ch.samplingSeconds()).replace(System.lineSeparator(), nl));
        w.write(String.format(Locale.ROOT, "#                %.3f seconds (Total)%n", ch.warmupSeconds() + ch.samplingSeconds())
                .replace(System.lineSeparator(), nl));
        w.write("# " + nl);
    }

    /** The whole result (settings, every chain's draws and sampler state) as JSON. */
    public String toJson() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write NUTS result as JSON", e);
        }
    }

    private static String num(double v) {
        return Double.toString(v);
    }

    private static String join(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(num(v[i]));
        }
        return sb.toString();
    }
}
