package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ratiofit.io.AtomicFiles;
import org.ratiofit.io.OutputGuard;
import org.ratiofit.likelihood.BinnedChannel;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.histfactory.InterpCodes;
import org.ratiofit.likelihood.histfactory.PyhfWriter;
import org.ratiofit.likelihood.histfactory.PyhfWorkspace;
import org.ratiofit.likelihood.workspace.Combination;
import org.ratiofit.likelihood.workspace.CombinationException;
import org.ratiofit.likelihood.workspace.Renaming;
import org.ratiofit.likelihood.workspace.Workspace;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;
import org.ratiofit.workspace.io.AtomicDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ratiofit combine}: one workspace from ratiofit workspace directories and pyhf JSON files,
 * parameters of one name being one parameter (their constraints checked), channels of one name
 * refused. The result is an ordinary workspace directory, written in one step.
 */
@Command(name = "combine", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Combine workspaces (ratiofit directories, pyhf JSON files) into one workspace.",
        description = {
            "Combine ratiofit workspace directories and pyhf JSON workspaces (.json,",
            ".json.gz) into one ratiofit workspace: the union of their channels and",
            "parameters. Parameters with the same name are one parameter (its constraint",
            "counted once); their constraints must agree (free everywhere, the same",
            "Gaussian centre and width, or the same Poisson tau), else the command stops",
            "naming the parameter and both inputs. A shared parameter's start value and",
            "bounds come from the first input holding it. Channels with the same name",
            "are refused (--rename-channel). Inputs are numbered 1, 2, ... as given;",
            "options with a K: prefix apply to input K only. Nothing is written unless",
            "the combination succeeds; OUT must not exist (or, with --overwrite, be a",
            "workspace ratiofit wrote)."},
        footer = {"", "Examples:",
            "  ratiofit combine sr-workspace cr.json -o combined",
            "  ratiofit combine sr-ws cr.json -o comb --rename 2:bkg_norm=alpha_bkg",
            "  ratiofit combine a.json b.json -o ab --rename 2:lumi=lumi_2016",
            "  ratiofit combine sr-ws bkg.json --patch 2:patchset.json \\",
            "      --patch-name 2:C1N2_300_100 -o comb",
            "  ratiofit combine a.json b.json -o ab.json     (pyhf JSON out)",
            "  ratiofit fit combined"})
public final class CombineCommand implements Callable<Integer> {

    /** The file beside workspace.json recording how the combination was made. */
    public static final String RECORD = "combine.json";

    private static final Pattern PREFIX = Pattern.compile("^(\\d+):(.*)$", Pattern.DOTALL);

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "INPUT",
            description = "Workspace directories and pyhf JSON files (.json, .json.gz).")
    List<Path> inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "The combined workspace folder to write; a name ending in .json writes a pyhf JSON workspace instead"
                    + " (binned channels only; a file that exists is refused).")
    Path output;

    @Option(names = "--rename", paramLabel = "[K:]OLD=NEW",
            description = "Rename a parameter before combining (repeatable): in every input that has it, or with K: in input K"
                    + " only. Same names correlate, different names decorrelate. A per-bin set (pyhf shapesys, staterror,"
                    + " shapefactor) is renamed as a whole by its modifier name: OLD[b] becomes NEW[b].")
    List<String> renames = new ArrayList<>();

    @Option(names = "--rename-channel", paramLabel = "[K:]OLD=NEW",
            description = "Rename a channel before combining (repeatable; without K: the input that has it).")
    List<String> channelRenames = new ArrayList<>();

    @Option(names = "--poi", paramLabel = "NAME",
            description = "The parameter of interest of the combination (default: the first input's). Other inputs'"
                    + " parameters of interest become free norm factors.")
    String poi;

    @Option(names = "--measurement", paramLabel = "[K:]NAME",
            description = "pyhf inputs: the measurement to use (default the first); without K: for every pyhf input.")
    List<String> measurements = new ArrayList<>();

    @Option(names = "--patch", paramLabel = "[K:]FILE",
            description = "pyhf inputs: a JSON Patch or patchset to apply first; without K: to every pyhf input.")
    List<String> patches = new ArrayList<>();

    @Option(names = "--patch-name", paramLabel = "[K:]NAME",
            description = "pyhf inputs: the patch of the --patch patchset to apply.")
    List<String> patchNames = new ArrayList<>();

    @Option(names = "--interp", paramLabel = "normsys=CODE,histosys=CODE",
            description = "pyhf inputs: interpolation codes (default pyhf's: normsys=code4,histosys=code4p).")
    String interp;

    @Option(names = "--overwrite", description = "Replace OUT if it is a workspace ratiofit wrote (only once the new one is complete).")
    boolean overwrite;

    @CommandLine.Mixin
    JsonOption.Summary json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** An option value with its optional input number: k = 0 for every input. */
    private record Scoped(int k, String value) {
    }

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        int n = inputs.size();
        List<Path> read = new ArrayList<>(inputs);
        InterpCodes codes;
        try {
            codes = InterpCodes.parse(interp);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        Map<Integer, String> measurement = perInput(cl, "--measurement", measurements);
        Map<Integer, String> patch = perInput(cl, "--patch", patches);
        Map<Integer, String> patchName = perInput(cl, "--patch-name", patchNames);
        patch.values().forEach(p -> read.add(Path.of(p)));
        // the output is checked before anything is read
        boolean pyhfOut = output.getFileName() != null && output.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json");
        Path target;
        if (pyhfOut) {
            target = output.toAbsolutePath().normalize();
            if (Files.exists(target)) {
                throw new OutputGuard.RefusedException("-o " + target + " exists; ratiofit does not replace a file: choose another name"
                        + " or remove it yourself");
            }
            for (Path in : read) {
                if (in.toAbsolutePath().normalize().equals(target)) {
                    throw new OutputGuard.RefusedException("-o " + target + " is an input this command reads");
                }
            }
        } else {
            target = OutputGuard.check("-o", output, OutputGuard.Kind.WORKSPACE, overwrite, read);
        }

        List<Combination.Input> parts = new ArrayList<>();
        List<Map<String, Object>> inputRecords = new ArrayList<>();
        for (int k = 1; k <= n; k++) {
            Path in = inputs.get(k - 1);
            String label = "input " + k + " (" + in + ")";
            Workspace ws;
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("path", in.toString());
            if (PyhfWorkspace.isPyhfFile(in)) {
                PyhfWorkspace p = PyhfWorkspace.read(in);
                String pf = scoped(patch, k);
                String pn = scoped(patchName, k);
                if (pf != null) {
                    p = p.patched(PyhfWorkspace.readJson(Path.of(pf)), pn, pf);
                } else if (pn != null) {
                    throw new CommandLine.ParameterException(cl, "--patch-name for " + label + " needs --patch FILE (the patchset)");
                }
                String m = scoped(measurement, k);
                ws = p.workspace(m, codes);
                rec.put("type", "pyhf");
                rec.put("sha256", sha256(in));
                rec.put("measurement", m == null ? p.measurements().get(0) : m);
                rec.put("patch", pf);
                rec.put("patchName", pn);
            } else if (Files.isDirectory(in)) {
                for (Map<Integer, String> o : List.of(measurement, patch, patchName)) {
                    if (o.containsKey(k)) {
                        throw new CommandLine.ParameterException(cl, "--measurement, --patch and --patch-name apply to pyhf JSON inputs; "
                                + label + " is a workspace directory");
                    }
                }
                ws = WorkspaceReader.read(in);
                rec.put("type", "workspace");
                rec.put("sha256", sha256(in.resolve(Workspace.FILE)));
            } else if (!Files.exists(in)) {
                throw new IOException(label + ": no such file or folder");
            } else {
                throw new IOException(label + ": neither a workspace directory (holding " + Workspace.FILE
                        + ") nor a pyhf JSON file (.json, .json.gz)");
            }
            rec.put("channels", ws.channels().stream().map(Channel::name).toList());
            rec.put("parameters", ws.parameters().size());
            inputRecords.add(rec);
            parts.add(new Combination.Input(label, ws));
        }
        parts = renamed(cl, parts);
        Combination.Result result = Combination.combine(parts, poi);

        if (pyhfOut) {
            PyhfWriter.Written w = PyhfWriter.write(result.workspace(), "combined");
            w.writeTo(target);
            List<String> notes = new ArrayList<>(result.notes());
            notes.addAll(w.notes());
            notes.add("read it with --interp " + w.codes());
            report(cl, target, parts, inputRecords, new Combination.Result(result.workspace(), result.shared(), notes));
            return 0;
        }
        try (AtomicDirectory out = AtomicDirectory.create(target, overwrite)) {
            new WorkspaceWriter().write(result.workspace(), out.path());
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("format", "ratiofit-combination");
            record.put("formatVersion", 1);
            record.put("inputs", inputRecords);
            record.put("renames", renames);
            record.put("channelRenames", channelRenames);
            record.put("interp", interp);
            record.put("poi", poiName(result.workspace()));
            record.put("shared", result.shared());
            record.put("notes", result.notes());
            AtomicFiles.write(out.path().resolve(RECORD), o -> Output.JSON.writeValue(o, record));
            out.commit();
        }
        report(cl, target, parts, inputRecords, result);
        return 0;
    }

    private void report(CommandLine cl, Path target, List<Combination.Input> parts, List<Map<String, Object>> records,
            Combination.Result r) throws IOException {
        Output out = new Output(cl.getOut(), json.outputOptions(), "ratiofit combine");
        Workspace ws = r.workspace();
        out.paragraph("ratiofit combine: " + parts.size() + " inputs, " + ws.channels().size() + " channels, " + ws.parameters().size()
                + " parameters (parameter of interest '" + poiName(ws) + "'); workspace written to " + target);
        List<List<String>> ins = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
            Map<String, Object> rec = records.get(k);
            ins.add(List.of(Integer.toString(k + 1), (String) rec.get("type")
                    + (rec.get("measurement") == null ? "" : " (measurement " + rec.get("measurement") + ")"), (String) rec.get("path"),
                    Integer.toString(parts.get(k).workspace().parameters().size())));
        }
        out.table(List.of("input", "type", "path", "parameters"), ins);
        List<List<String>> rows = new ArrayList<>();
        for (Combination.Input in : parts) {
            for (Channel c : in.workspace().channels()) {
                String size = c instanceof BinnedChannel b ? b.bins() + " bins" : ((UnbinnedChannel) c).data().events() + " events";
                int samples = c instanceof BinnedChannel b ? b.samples().size() : ((UnbinnedChannel) c).samples().size();
                rows.add(List.of(c.name(), c instanceof BinnedChannel ? "binned" : "unbinned", size, Integer.toString(samples),
                        number(in.label())));
            }
        }
        out.table(List.of("channel", "type", "size", "samples", "input"), rows);
        if (!r.shared().isEmpty()) {
            List<List<String>> sh = new ArrayList<>();
            for (Combination.Shared s : r.shared()) {
                sh.add(List.of(s.parameter(), s.constraint(), String.join(", ", s.inputs().stream().map(CombineCommand::number).toList())));
            }
            out.heading("shared parameters (one parameter, one constraint term each)");
            out.table(List.of("parameter", "constraint", "inputs"), sh);
        } else {
            out.paragraph("no parameter is shared: the inputs are independent (use --rename to correlate)");
        }
        for (String note : r.notes()) {
            out.paragraph("note: " + note);
        }
        Map<String, Object> result = Output.result("combine", target);
        result.put("poi", poiName(ws));
        result.put("channels", ws.channels().stream().map(Channel::name).toList());
        result.put("parameters", ws.parameters().size());
        result.put("shared", r.shared());
        result.put("notes", r.notes());
        out.finish(result);
    }

    /** The SHA-256 of a file, hex (what the combination was made from; the columns of a workspace are named in its workspace.json). */
    private static String sha256(Path file) throws IOException {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            try (java.io.InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "input 2 (cr.json)" to "2". */
    private static String number(String label) {
        int sp = label.indexOf(' ');
        int par = label.indexOf(" (");
        return sp >= 0 && par > sp ? label.substring(sp + 1, par) : label;
    }

    private static String poiName(Workspace ws) {
        return ws.parameters().stream().filter(p -> p.kind() == org.ratiofit.likelihood.Parameter.Kind.POI)
                .map(org.ratiofit.likelihood.Parameter::name).findFirst().orElse(null);
    }

    /** The inputs with --rename-channel and --rename applied; each rename must match. */
    private List<Combination.Input> renamed(CommandLine cl, List<Combination.Input> parts) {
        List<Combination.Input> out = new ArrayList<>(parts);
        for (String spec : channelRenames) {
            Scoped s = scope(cl, "--rename-channel", spec);
            String[] kv = pair(cl, "--rename-channel", s.value());
            boolean done = false;
            for (int k = 1; k <= out.size(); k++) {
                Combination.Input in = out.get(k - 1);
                boolean has = in.workspace().channels().stream().anyMatch(c -> c.name().equals(kv[0]));
                if (s.k() == k || s.k() == 0 && has) {
                    out.set(k - 1, new Combination.Input(in.label(), Renaming.channel(in.workspace(), kv[0], kv[1], in.label())));
                    done = true;
                }
            }
            if (!done) {
                throw new CombinationException("--rename-channel " + spec + ": no input has a channel '" + kv[0] + "'");
            }
        }
        List<Map<String, String>> perInput = new ArrayList<>();
        for (int k = 0; k < out.size(); k++) {
            perInput.add(new LinkedHashMap<>());
        }
        for (String spec : renames) {
            Scoped s = scope(cl, "--rename", spec);
            String[] kv = pair(cl, "--rename", s.value());
            boolean matched = false;
            for (int k = 1; k <= out.size(); k++) {
                boolean has = Renaming.matches(out.get(k - 1).workspace(), kv[0]);
                if (s.k() == k && !has) {
                    throw new CombinationException("--rename " + spec + ": " + out.get(k - 1).label() + " has no parameter '" + kv[0] + "'");
                }
                if ((s.k() == 0 || s.k() == k) && has) {
                    String before = perInput.get(k - 1).put(kv[0], kv[1]);
                    if (before != null && !before.equals(kv[1])) {
                        throw new CommandLine.ParameterException(cl, "--rename: '" + kv[0] + "' of " + out.get(k - 1).label()
                                + " is renamed twice, to '" + before + "' and '" + kv[1] + "'");
                    }
                    matched = true;
                }
            }
            if (!matched) {
                throw new CombinationException("--rename " + spec + ": no input has a parameter '" + kv[0] + "'");
            }
        }
        for (int k = 0; k < out.size(); k++) {
            Combination.Input in = out.get(k);
            out.set(k, new Combination.Input(in.label(), Renaming.parameters(in.workspace(), perInput.get(k), in.label())));
        }
        return out;
    }

    private Map<Integer, String> perInput(CommandLine cl, String option, List<String> values) {
        Map<Integer, String> m = new LinkedHashMap<>();
        for (String v : values) {
            Scoped s = scope(cl, option, v);
            if (m.put(s.k(), s.value()) != null) {
                throw new CommandLine.ParameterException(cl, option + " given twice for " + (s.k() == 0 ? "every input" : "input " + s.k()));
            }
        }
        return m;
    }

    /** The value for input k: its own, else the one for every input. */
    private static String scoped(Map<Integer, String> m, int k) {
        return m.containsKey(k) ? m.get(k) : m.get(0);
    }

    private Scoped scope(CommandLine cl, String option, String v) {
        Matcher m = PREFIX.matcher(v);
        if (!m.matches()) {
            return new Scoped(0, v);
        }
        int k = Integer.parseInt(m.group(1));
        if (k < 1 || k > inputs.size()) {
            throw new CommandLine.ParameterException(cl, option + " " + v + ": input " + k + " does not exist (inputs are numbered 1 to "
                    + inputs.size() + ")");
        }
        return new Scoped(k, m.group(2));
    }

    private static String[] pair(CommandLine cl, String option, String v) {
        int eq = v.indexOf('=');
        if (eq <= 0 || eq == v.length() - 1) {
            throw new CommandLine.ParameterException(cl, option + " " + v + ": expected OLD=NEW");
        }
        return new String[] {v.substring(0, eq), v.substring(eq + 1)};
    }
}
