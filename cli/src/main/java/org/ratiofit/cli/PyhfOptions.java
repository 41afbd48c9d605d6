package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.ratiofit.likelihood.histfactory.InterpCodes;
import org.ratiofit.likelihood.histfactory.PyhfWorkspace;
import org.ratiofit.likelihood.workspace.Workspace;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How a pyhf (HistFactory JSON) workspace file is opened: which measurement, which patch, which
 * interpolation codes. Every command that takes a workspace directory also takes a
 * {@code .json}/{@code .json.gz} pyhf file through {@link #open}.
 */
public final class PyhfOptions {

    @Option(names = "--measurement", paramLabel = "NAME",
            description = "pyhf workspaces: the measurement (POI and parameter settings) to use (default: the first).")
    String measurement;

    @Option(names = "--patch", paramLabel = "FILE",
            description = "pyhf workspaces: apply a JSON Patch (RFC 6902) or a patchset's patch (with --patch-name) first, "
                    + "e.g. a HEPData signal point.")
    Path patch;

    @Option(names = "--patch-name", paramLabel = "NAME",
            description = "pyhf workspaces: the patch of the --patch patchset to apply (needed when it holds several).")
    String patchName;

    @Option(names = "--interp", paramLabel = "normsys=CODE,histosys=CODE",
            description = "pyhf workspaces: interpolation codes (default pyhf's: normsys=code4,histosys=code4p; "
                    + "pyhf's validation suite uses normsys=code1,histosys=code0).")
    String interp;

    @Option(names = "--full-logpdf",
            description = "Report -ln L with every constant (ln n!, Gaussian and Poisson normalisations), pyhf's -logpdf, "
                    + "besides the -ln L without them.")
    boolean fullLogpdf;

    /** Whether {@code path} is a pyhf JSON file rather than a ratiofit workspace directory. */
    static boolean isPyhf(Path path) {
        return PyhfWorkspace.isPyhfFile(path);
    }

    /** The pyhf workspace file, patched as asked (checked, every problem named by its JSON path). */
    PyhfWorkspace workspace(CommandLine cl, Path file) throws IOException {
        PyhfWorkspace ws = PyhfWorkspace.read(file);
        if (patch != null) {
            ws = ws.patched(PyhfWorkspace.readJson(patch), patchName, patch.toString());
        } else if (patchName != null) {
            throw new CommandLine.ParameterException(cl, "--patch-name needs --patch FILE (the patchset)");
        }
        return ws;
    }

    /** The parameters and binned channels of the pyhf file for the chosen measurement and codes. */
    Workspace open(CommandLine cl, Path file) throws IOException {
        return workspace(cl, file).workspace(measurement, codes(cl));
    }

    InterpCodes codes(CommandLine cl) {
        try {
            return InterpCodes.parse(interp);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /** A usage error when pyhf-only options are given for a ratiofit workspace directory. */
    /** Refuses the pyhf options for an estimator-likelihood file (they apply to pyhf JSON workspaces only). */
    void refuseForEstimatorLikelihood(CommandLine cl, Path file) {
        String given = measurement != null ? "--measurement" : patch != null ? "--patch" : patchName != null ? "--patch-name"
                : interp != null ? "--interp" : fullLogpdf ? "--full-logpdf" : null;
        if (given != null) {
            throw new CommandLine.ParameterException(cl, given + " applies to pyhf JSON workspaces; '" + file
                    + "' is an estimator likelihood");
        }
    }

    void refuseForDirectory(CommandLine cl, Path dir) {
        String given = measurement != null ? "--measurement" : patch != null ? "--patch" : patchName != null ? "--patch-name"
                : interp != null ? "--interp" : null;
        if (given != null) {
            throw new CommandLine.ParameterException(cl, given + " applies to pyhf JSON workspaces; '" + dir
                    + "' is a ratiofit workspace directory");
        }
    }
}
