package org.ratiofit.validation.coverage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Locale;
import org.ratiofit.validation.toys.GaussianOnExponential;
import org.ratiofit.validation.toys.ToyWorkspaces;

/**
 * Prints the coverage table of the 68.3% and 95.4% profile-likelihood intervals of μ for the
 * Gaussian-on-exponential toy. Arguments (all optional): toys (default 1000), threads (default all
 * cores), seed (default 1), true μ (default 1); {@code --json} prints the result object instead;
 * {@code --workspace} fits a workspace model of exact log-ratios whose pseudo-experiments resample
 * the reference sample (the likelihood module's unbinned pseudo-experiments) instead of the
 * textbook likelihood of freshly generated events.
 * Exit code 1 when a level is off by more than 3 binomial errors.
 */
public final class CoverageRunner {

    /** Reference events of the workspace variant: enough that resampled events rarely repeat. */
    public static final int WORKSPACE_REFERENCE = 200_000;

    private CoverageRunner() {
    }

    public static void main(String[] args) throws Exception {
        boolean json = false;
        boolean workspace = false;
        java.util.List<String> pos = new java.util.ArrayList<>();
        for (String a : args) {
            if (a.equals("--json")) {
                json = true;
            } else if (a.equals("--workspace")) {
                workspace = true;
            } else {
                pos.add(a);
            }
        }
        int toys = pos.size() > 0 ? Integer.parseInt(pos.get(0)) : 1000;
        int threads = pos.size() > 1 ? Integer.parseInt(pos.get(1)) : Runtime.getRuntime().availableProcessors();
        long seed = pos.size() > 2 ? Long.parseLong(pos.get(2)) : 1;
        double mu = pos.size() > 3 ? Double.parseDouble(pos.get(3)) : 1;
        GaussianOnExponential toy = new GaussianOnExponential(GaussianOnExponential.Config.standard());
        int step = Math.max(1, toys / 20);
        boolean quiet = json;
        java.util.function.IntConsumer progress = d -> {
            if (!quiet && d % step == 0) {
                System.err.printf(Locale.ROOT, "\r%d/%d toys", d, toys);
            }
        };
        double[] truth = {mu, 0, 0};
        ProfileCoverage.Result r = workspace
                ? ProfileCoverage.run("GaussianOnExponential workspace (exact log-ratios, " + WORKSPACE_REFERENCE
                        + " reference events; unbinned pseudo-experiments)", ToyWorkspaces.gaussianOnExponential(toy,
                        toy.generate(truth, seed), WORKSPACE_REFERENCE, seed + 1, false), truth, toys, seed, threads, 3, progress)
                : ProfileCoverage.run(toy, truth, toys, seed, threads, 3, progress);
        if (!quiet) {
            System.err.println();
        }
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        } else {
            System.out.print(table(r));
        }
        System.exit(r.passed() ? 0 : 1);
    }

    /** The coverage table as text. */
    public static String table(ProfileCoverage.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "coverage of the profile-likelihood interval of mu: %s, true point %s, %d toys (seed %d), %d valid%n",
                r.model(), java.util.Arrays.toString(r.truth()), r.toys(), r.seed(), r.validToys()));
        sb.append(String.format(Locale.ROOT, "%-8s %9s %9s %9s %9s %9s %14s %9s%n", "level", "nominal", "covered", "coverage", "binom.err",
                "deviation", "all toys (*)", "deviation"));
        for (int l = 0; l < r.nominal().length; l++) {
            sb.append(String.format(Locale.ROOT, "%-8s %9.4f %9d %9.4f %9.4f %8.2fσ %14.4f %8.2fσ%n", (l + 1) + " sigma", r.nominal()[l],
                    r.covered()[l], r.coverage()[l], r.binomialError()[l], r.deviation()[l], r.coverageAllToys()[l], r.deviationAllToys()[l]));
        }
        sb.append(String.format(Locale.ROOT, "(*) the %d invalid toys counted as not covering; the columns before leave them out%n",
                r.invalidToys()));
        sb.append(String.format(Locale.ROOT, "mean mu-hat %.4f, sd %.4f, mean HESSE error %.4f; %s%n", r.meanMuHat(), r.sdMuHat(),
                r.meanHesseError(), r.passed() ? "within 3 binomial errors" : "OUTSIDE 3 binomial errors"));
        return sb.toString();
    }
}
