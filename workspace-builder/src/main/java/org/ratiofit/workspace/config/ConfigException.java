package org.ratiofit.workspace.config;

import java.nio.file.Path;
import java.util.List;

/** A fit configuration with problems: every problem found, each with its YAML path. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final transient List<ConfigProblem> problems;

    public ConfigException(Path file, List<ConfigProblem> problems) {
        super(format(file, problems));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public Path file() {
        return file;
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(Path file, List<ConfigProblem> problems) {
        StringBuilder sb = new StringBuilder();
        sb.append(file).append(": ").append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
        for (ConfigProblem p : problems) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }
}
